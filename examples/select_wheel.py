#!/usr/bin/env python3
"""What would be installed here, and why: wheel-variant selection as an installer performs it.

    python examples/select_wheel.py DIR                     # every package with a *-variants.json in DIR
    python examples/select_wheel.py DIR --package variant-demo --variant-label v2   # forced choice
    python examples/select_wheel.py DIR --no-variants       # a non-variant installer: the plain wheel
    python examples/select_wheel.py DIR --machine skylake-sp-v4   # replay a recorded machine
    python examples/select_wheel.py DIR --install /tmp/venv-x     # then pip-install it there and import it

For each package: read its ``<name>-<version>-variants.json`` (made by ``variantlib
generate-index-json``), let the released variantlib run the providers that file names
(``variantlib.api.get_variants_by_priority``: one subprocess loads every plugin of the package,
then filter and sort), and take the first variant whose wheel is in DIR. Every variant the
machine cannot use is printed with the property that ruled it out. Needs variantlib 0.2.x and
the providers installed in the running interpreter (variantlib runs them with
``sys.executable``).

Stock pip does not parse variant wheel names (``...-linux_x86_64-v3.whl`` has one field too
many), so ``--install`` hands pip the chosen file under its base name; the wheel's
``*.dist-info/variant.json`` still says which variant it is.

This file is named ``select_wheel.py``, not ``select.py``: a script's folder comes first on
``sys.path``, and ``select.py`` would shadow the standard library module ``subprocess`` needs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# name-version(-build)?-py-abi-plat(-label)?.whl, as variantlib's VALIDATION_WHEEL_NAME_REGEX.
WHEEL_RE = re.compile(
    r"(?P<base>(?P<namever>(?P<name>[^\s-]+?)-(?P<ver>[^\s-]*?))(?:-(?P<build>\d[^-]*?))?"
    r"-(?P<py>[^\s-]+?)-(?P<abi>[^\s-]+?)-(?P<plat>[^\s-]+?))(?:-(?P<label>[0-9a-z._]+))?\.whl"
)


def _wheels(directory: Path, namever: str) -> tuple[dict[str, Path], list[Path]]:
    """Variant wheels of one package by label, and its plain (non-variant) wheels."""
    variants: dict[str, Path] = {}
    plain: list[Path] = []
    for path in sorted(directory.glob(f"{namever}-*.whl")):
        m = WHEEL_RE.fullmatch(path.name)
        if m is None or m["namever"] != namever:
            continue
        if m["label"] is None:
            plain.append(path)
        else:
            variants[m["label"]] = path
    return variants, plain


def _props(vdesc) -> list[str]:
    return [p.to_str() for p in vdesc.properties]


def _explain(vdesc, supported: dict[tuple[str, str], list[str]]) -> str:
    """The properties that rule this variant out (empty: it is compatible)."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for p in vdesc.properties:
        wanted.setdefault((p.namespace, p.feature), []).append(p.value)
    reasons = []
    silent = {ns for ns, _ in wanted if not any(k[0] == ns for k in supported)}
    for ns in sorted(silent):
        reasons.append(f"{ns} :: * (provider {ns} supports nothing on this machine)")
    for (ns, feature), values in wanted.items():
        if ns in silent:
            continue
        have = supported.get((ns, feature))
        if not have:
            reasons.append(f"{ns} :: {feature} :: {' | '.join(values)} (this machine: none)")
        elif not set(values) & set(have):
            shown = ", ".join(have[:4]) + (", ..." if len(have) > 4 else "")
            reasons.append(f"{ns} :: {feature} :: {' | '.join(values)} (this machine: {shown})")
    return "; ".join(reasons)


def select(index: Path, forced: str | None = None, no_variants: bool = False) -> dict:
    """Choose one wheel of the package described by ``index`` (a ``*-variants.json``).

    Returns a JSON-native record: ``selected`` (label, ``None`` for the plain wheel), ``wheel``
    (file name), ``why``, ``ranked`` (compatible labels, best first), ``rejected`` (label ->
    the properties that ruled it out), ``supported`` (namespace -> feature -> values).
    """
    from variantlib.api import get_variants_by_priority
    from variantlib.plugins.loader import PluginLoader
    from variantlib.variants_json import VariantsJson

    namever = index.name[: -len("-variants.json")]
    vjson = VariantsJson(json.loads(index.read_text()))
    files, plain = _wheels(index.parent, namever)
    record: dict = {"package": namever, "index": index.name, "selected": None, "wheel": None,
                    "why": "", "ranked": [], "rejected": {}, "supported": {},
                    "variants": {label: _props(v) for label, v in vjson.variants.items()}}

    if no_variants:
        # What an installer that ignores variants (or runs with variants disabled) installs.
        if plain:
            record.update(wheel=plain[0].name, why="variants disabled: the plain (non-variant) wheel")
        elif "null" in files:
            record.update(selected="null", wheel=files["null"].name,
                          why="variants disabled and no plain wheel: the null variant")
        else:
            record["why"] = "variants disabled and neither a plain wheel nor a null variant"
        return record

    t0 = time.perf_counter()
    # Exactly the call a variant-aware installer makes: providers named by the index run in one
    # subprocess (sys.executable), the result is filtered and sorted, the null variant last.
    ranked = get_variants_by_priority(variants_json=vjson)
    record["select_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    record["ranked"] = [v.label for v in ranked]
    # The same loader again is a cache hit in variantlib (same plugins, same command): it gives
    # the supported properties the ranking used, for the explanation only.
    namespaces = sorted({p.namespace for v in vjson.variants.values() for p in v.properties})
    with PluginLoader(variant_info=vjson, filter_plugins=namespaces) as loader:
        configs = loader.get_supported_configs()
    supported: dict[tuple[str, str], list[str]] = {}
    for ns, cfg in configs.items():
        record["supported"][ns] = {f.name: list(f.values) for f in cfg.configs}
        for f in cfg.configs:
            supported[(ns, f.name)] = list(f.values)
    compatible = set(record["ranked"])
    for label, vdesc in vjson.variants.items():
        if label not in compatible:
            record["rejected"][label] = _explain(vdesc, supported) or "(filtered by variantlib)"

    if forced is not None:
        if forced not in vjson.variants and forced != "null":
            raise SystemExit(f"{namever}: no variant labelled {forced!r}; "
                             f"known: {', '.join(sorted(vjson.variants))}")
        if forced not in files:
            raise SystemExit(f"{namever}: variant {forced!r} has no wheel in {index.parent}")
        why = f"forced by --variant-label {forced}"
        if forced not in compatible:
            why += f" (NOT supported here: {record['rejected'].get(forced, '?')})"
        record.update(selected=forced, wheel=files[forced].name, why=why)
        return record

    for pos, label in enumerate(record["ranked"]):
        if label in files:
            why = "best compatible variant" if pos == 0 else \
                f"best compatible variant with a wheel here (no wheel for {record['ranked'][:pos]})"
            if label == "null":
                why = "no property-bearing variant is compatible: the null variant"
            record.update(selected=label, wheel=files[label].name, why=why)
            return record
    if plain:
        record.update(wheel=plain[0].name,
                      why="no compatible variant has a wheel here: the plain (non-variant) wheel")
    else:
        record["why"] = "nothing installable: no compatible variant wheel and no plain wheel"
    return record


def print_report(rec: dict) -> None:
    """Human form of :func:`select`'s record."""
    out = sys.stdout.write
    out(f"{rec['package']}: {len(rec['variants'])} variants in {rec['index']}\n")
    for ns, features in rec["supported"].items():
        items = list(features.items())
        first = ", ".join(f"{k}: {' '.join(v[:5])}{' ...' if len(v) > 5 else ''}" for k, v in items[:3])
        more = f" (+{len(items) - 3} more features)" if len(items) > 3 else ""
        out(f"  provider {ns}: {first or 'nothing supported'}{more}\n")
    for label, reason in rec["rejected"].items():
        out(f"  rejected  {label:<22} {reason}\n")
    for rank, label in enumerate(rec["ranked"], 1):
        props = ", ".join(rec["variants"].get(label, [])) or "(null variant: no properties)"
        out(f"  ok #{rank:<4} {label:<22} {props}\n")
    what = f"variant {rec['selected']}" if rec["selected"] else "plain wheel"
    timing = f" [variantlib selection {rec['select_ms']} ms]" if "select_ms" in rec else ""
    out(f"  selected: {rec['wheel']} ({what}: {rec['why']}){timing}\n")


def install(wheel: Path, venv: Path, module: str) -> dict:
    """pip-install ``wheel`` into ``venv`` (created bare if absent), import ``module`` there and
    return its ``build_info()``."""
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    m = WHEEL_RE.fullmatch(wheel.name)
    with tempfile.TemporaryDirectory(prefix="variant-install-") as tmp:
        target = Path(tmp) / f"{m['base']}.whl" if m else Path(tmp) / wheel.name
        shutil.copyfile(wheel, target)
        subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                        "--disable-pip-version-check", "--no-deps", "--no-index",
                        "--force-reinstall", str(target)], check=True)
    code = f"import json, {module}; print(json.dumps({module}.build_info()))"
    done = subprocess.run([str(py), "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": f"import failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"}
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", type=Path, help="folder with the wheels and *-variants.json")
    ap.add_argument("--package", help="only this package (distribution name)")
    ap.add_argument("--variant-label", help="install this variant whatever the providers say")
    ap.add_argument("--no-variants", action="store_true", help="ignore variants: the plain wheel")
    ap.add_argument("--machine", help="replay a recorded machine (see examples/machines.py)")
    ap.add_argument("--install", type=Path, metavar="VENV",
                    help="pip-install the selected wheel into VENV and import it")
    ap.add_argument("--json", action="store_true", help="one JSON record per package")
    args = ap.parse_args(argv)

    if args.machine:
        from machines import machine_env

        os.environ.update(machine_env(args.machine))
    indexes = sorted(args.directory.glob("*-variants.json"))
    if args.package:
        want = re.sub(r"[-_.]+", "_", args.package).lower()
        indexes = [i for i in indexes if i.name.split("-")[0].lower() == want]
    if not indexes:
        print(f"no *-variants.json for {args.package or 'any package'} in {args.directory}",
              file=sys.stderr)
        return 2
    status = 0
    for index in indexes:
        rec = select(index, forced=args.variant_label, no_variants=args.no_variants)
        if args.install and rec["wheel"]:
            module = rec["package"].split("-")[0]
            rec["installed"] = install(args.directory / rec["wheel"], args.install, module)
            status |= "error" in rec["installed"]
        if rec["wheel"] is None:
            status = 1
        if args.json:
            print(json.dumps(rec, sort_keys=True))
        else:
            print_report(rec)
            if "installed" in rec:
                print(f"  installed into {args.install}, import says: {json.dumps(rec['installed'])}")
    return status


if __name__ == "__main__":
    sys.exit(main())
