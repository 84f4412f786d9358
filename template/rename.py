#!/usr/bin/env python3
"""Copy the template provider to a new folder under a new name (the mechanical first step).

    python template/rename.py acme_npu DEST

makes DEST a provider for namespace ``acme_npu``: distribution ``provider-acme-npu``, import
package ``provider_acme_npu``, plugin class ``AcmeNpuPlugin``, facts variable
``PROVIDER_ACME_NPU_FACTS``, entry point ``acme_npu = "provider_acme_npu:AcmeNpuPlugin"``,
fixtures re-labelled for the new namespace. Nothing else changes: the copy installs and passes
its tests as it is, and you then replace ``_probe.py`` and ``_rules.py`` with your hardware's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SKIP = {"__pycache__", ".pytest_cache", "build", "dist", "rename.py"}
TEXT_SUFFIXES = {".py", ".toml", ".md", ".json", ".txt", ".cfg", ".ini"}


def replacements(namespace: str) -> list[tuple[str, str]]:
    """Old -> new spellings, most specific first (order matters)."""
    camel = "".join(part.capitalize() for part in namespace.split("_"))
    return [
        ("provider_template", f"provider_{namespace}"),
        ("provider-template", f"provider-{namespace.replace('_', '-')}"),
        ("PROVIDER_TEMPLATE_FACTS", f"PROVIDER_{namespace.upper()}_FACTS"),
        ("TemplatePlugin", f"{camel}Plugin"),
        ("TestTemplateContract", f"Test{camel}Contract"),
        ('namespace = "template"', f'namespace = "{namespace}"'),
        ('"provider": "template"', f'"provider": "{namespace}"'),
        ("template = \"provider_", f"{namespace} = \"provider_"),
        ("namespace 'template'", f"namespace '{namespace}'"),
        ("``template`` namespace", f"``{namespace}`` namespace"),
    ]


def rename(namespace: str, dest: Path) -> Path:
    """Copy the template to ``dest`` renamed for ``namespace``; returns ``dest``."""
    if not NAME_RE.fullmatch(namespace) or namespace in ("template", "abi_dependency"):
        raise ValueError(f"namespace {namespace!r} must match {NAME_RE.pattern} and be new")
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    shutil.copytree(HERE, dest, ignore=lambda _d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")],
                    dirs_exist_ok=True)
    (dest / "src" / "provider_template").rename(dest / "src" / f"provider_{namespace}")
    table = replacements(namespace)
    for path in sorted(dest.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8")
            for old, new in table:
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    test = dest / "tests" / "test_template.py"
    if test.exists():
        test.rename(dest / "tests" / f"test_{namespace}.py")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("namespace", help="the new namespace, e.g. acme_npu")
    parser.add_argument("dest", type=Path, help="folder to create, e.g. ../provider-acme-npu")
    args = parser.parse_args(argv)
    try:
        out = rename(args.namespace, args.dest)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {out}: next, pip install -e {out} and run pytest {out / 'tests'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
