"""Declared-only demo package: pure Python, identical code in every variant.

Its wheels differ only in the properties they declare (CUDA bounds and architectures, BLAS
implementation, MPI ABI), as a package that bundles or links such libraries would.
``build_info()`` reads the installed wheel's ``variant.json`` to say which one was installed.
"""

import json
from importlib import metadata

__version__ = "1.0"


def build_info() -> dict:
    """The variant label and properties of the installed wheel (``None``: the plain wheel)."""
    label, properties = None, []
    try:
        text = metadata.distribution("variant-declared").read_text("variant.json")
    except metadata.PackageNotFoundError:
        text = None
    if text:
        # A wheel's variant.json describes exactly one variant: its own.
        label, props = next(iter(json.loads(text).get("variants", {}).items()))
        properties = [f"{ns} :: {feat} :: {val}" for ns, feats in props.items()
                      for feat, vals in feats.items() for val in vals]
    return {"package": "variant-declared", "variant_label": label, "variant_properties": properties}
