"""Demo package of the variant suite: one C extension, built once per x86-64 level.

``build_info()`` says which build is installed: the level the extension was compiled for (from
the compiler's own macros), the level this CPU supports (libgcc's reading, independent of the
provider), and the variant label and properties of the installed wheel (its
``*.dist-info/variant.json``; ``None`` for the plain, non-variant wheel).
"""

import json
from importlib import metadata

from variant_demo import _native

__version__ = "1.0"


def build_info() -> dict:
    """What was installed: compiled level, CPU level, variant label and properties, a checksum."""
    label, properties = None, []
    try:
        text = metadata.distribution("variant-demo").read_text("variant.json")
    except metadata.PackageNotFoundError:
        text = None
    if text:
        # A wheel's variant.json describes exactly one variant: its own.
        label, props = next(iter(json.loads(text).get("variants", {}).items()))
        properties = [f"{ns} :: {feat} :: {val}" for ns, feats in props.items()
                      for feat, vals in feats.items() for val in vals]
    return {
        "package": "variant-demo",
        "build_level": _native.build_level(),
        "machine_level": _native.machine_level(),
        "variant_label": label,
        "variant_properties": properties,
        # Runs the vectorised loop: a build above this CPU's level dies here with SIGILL.
        "sum_squares_1000": _native.sum_squares(1000),
    }
