#!/usr/bin/env python3
"""Full wheel-variant selection, as ``pip install`` pays for it: ours vs the published peers.

One package with >= 128 variants across the five namespaces (x86_64, aarch64, nvidia,
blas_lapack, mpi). Each timed case is a whole fresh process: interpreter start, read the
``*-variants.json``, ``variantlib.api.get_variants_by_priority`` (which runs every provider the
package names in one child interpreter, then filters and sorts). Cases run interleaved in one run
(shuffled each round, so machine noise hits all alike); medians are printed with ratios.

- ``ours``: variantlib 0.2.2 + our providers, installed non-editable (as users get them).
- ``peers``: variantlib 0.2.2 + the published peer providers where they exist:
  ``provider-variant-x86-64`` and ``provider-variant-aarch64`` (0.0.1.post2). They predate
  variantlib 0.2's plugin API (an instance method taking ``known_properties``, configs without
  ``multi_value``), so variantlib 0.2.2 cannot load them as published; a shim of a few lines
  (written beside the index, on ``PYTHONPATH``) adapts them. The shim also has to keep the two
  apart: both exec a vendored ``archspec`` as ``sys.modules["archspec"]``, and in variantlib's
  single plugin process the second one loaded fails (``module 'archspec' has no attribute
  'cpu'``). ``nvidia-variant-provider`` on PyPI
  is an empty placeholder (0.0.0a0) and there is no published BLAS or MPI provider: those
  namespaces use ours in both environments.

Where the time goes: ``python -c pass``, ``import variantlib.api``, each provider alone
(import + ``get_supported_configs()``) in a fresh interpreter, and an instrumented selection
that splits its own wall time into variantlib import, metadata read, the plugin child process
and filter + sort.

    python bench/selection_bench.py [--rounds 30] [--no-install] [--json out.json]

A report, not a test. Venvs are cached under ``bench/.venvs/selection-*``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(os.environ.get("BENCH_VENVS", ROOT / "bench" / ".venvs"))
VARIANTLIB = "variantlib==0.2.2"
PEERS = ["provider-variant-x86-64==0.0.1.post2", "provider-variant-aarch64==0.0.1.post2"]

#: namespace -> (our plugin-api, distribution folder)
OURS = {
    "x86_64": ("provider_x86_64:X86_64Plugin", "providers/x86_64"),
    "aarch64": ("provider_aarch64:AArch64Plugin", "providers/aarch64"),
    "nvidia": ("provider_nvidia:NvidiaPlugin", "providers/nvidia"),
    "blas_lapack": ("provider_blas:BlasPlugin", "providers/blas"),
    "mpi": ("provider_mpi:MpiPlugin", "providers/mpi"),
}
#: namespace -> plugin-api of the published peer, through the shim below.
PEER_APIS = {"x86_64": "_peer_shims:X86_64", "aarch64": "_peer_shims:AArch64"}

PEER_SHIMS = '''"""Adapts the 0.0.1 peer providers to variantlib 0.2's plugin API (benchmark only)."""


class _Config:
    __slots__ = ("name", "values", "multi_value")

    def __init__(self, name, values):
        self.name, self.values, self.multi_value = name, list(values), False


def _adapt(module, cls_name, ns):
    class Shim:
        namespace = ns

        @staticmethod
        def get_supported_configs():
            import importlib
            import sys
            # Each peer execs its vendored archspec as sys.modules["archspec"]; loaded second in
            # one process (variantlib runs all plugins in one), it finds the first one's
            # "archspec.cpu" and no attribute "cpu" (AttributeError). Start each from a clean slate.
            if module not in sys.modules:
                for name in [n for n in sys.modules if n == "archspec" or n.startswith("archspec.")]:
                    del sys.modules[name]
            peer = getattr(importlib.import_module(module), cls_name)()
            return [_Config(c.name, c.values) for c in peer.get_supported_configs(None)]

        @staticmethod
        def get_all_configs():
            return []

    return Shim


class _Null:
    @staticmethod
    def get_supported_configs():
        return []

    @staticmethod
    def get_all_configs():
        return []


# One distinct no-op plugin per namespace (variantlib keys plugins by their plugin-api): the
# floor of a selection, i.e. everything but the providers' own work.
Null_x86_64, Null_aarch64, Null_nvidia, Null_blas_lapack, Null_mpi = (
    type(f"Null_{i}", (_Null,), {}) for i in range(5))

X86_64 = _adapt("provider_variant_x86_64.plugin", "X8664Plugin", "x86_64")
AArch64 = _adapt("provider_variant_aarch64.plugin", "AArch64Plugin", "aarch64")
'''


def venv_python(name: str) -> Path:
    return VENVS / name / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(name: str, packages: list[str], install: bool) -> Path:
    py = venv_python(name)
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENVS / name)])
        install = True
    if install:
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               "--upgrade", *packages], cwd=ROOT)
    return py


def namespaces_here() -> list[str]:
    """Namespaces whose provider of ours exists in this checkout (mpi may not have landed)."""
    return [ns for ns, (_, folder) in OURS.items() if (ROOT / folder / "pyproject.toml").is_file()]


def variants(namespaces: list[str]) -> dict[str, dict]:
    """label -> {namespace: {feature: [values]}}: CPU x GPU x BLAS x MPI builds (>= 128)."""
    cpus = [("x86_64", "level", f"v{n}") for n in (1, 2, 3, 4)] + \
           [("aarch64", "version", v) for v in ("8a", "8.2a", "8.4a", "9.0a")]
    gpus = [None, ("11.8", "12", []), ("12.6", "13", ["80_real"]), ("12.6", "13", ["90_real"]),
            ("12.8", "13", ["90_real"]), ("12.8", "13", ["100_real"]),
            ("12.9", "13", ["120_real"]), ("13.0", None, ["100_real", "120_real"])]
    blas = [("openblas", None), ("mkl", None), ("openblas", "ilp64")]
    mpis = ["openmpi", "mpich"] if "mpi" in namespaces else [None]
    out: dict[str, dict] = {}
    for (cns, cfeat, cval), gpu, (bprov, bint), mpi in itertools.product(cpus, gpus, blas, mpis):
        props: dict[str, dict[str, list[str]]] = {cns: {cfeat: [cval]}}
        if gpu:
            lo, hi, sms = gpu
            props["nvidia"] = {"cuda_version_lower_bound": [lo]}
            if hi:
                props["nvidia"]["cuda_version_upper_bound"] = [hi]
            if sms:
                props["nvidia"]["sm_arch"] = sms
        props["blas_lapack"] = {"provider": [bprov], **({"interface": [bint]} if bint else {})}
        if mpi:
            props["mpi"] = {"abi": [mpi]}
        label = "_".join(x for x in (cval.replace(".", ""), gpu and "cu" + gpu[0].replace(".", ""),
                                     gpu and "".join(s.split("_")[0] for s in gpu[2]), bprov,
                                     bint, mpi) if x)
        out[label] = props
    return out


def index(namespaces: list[str], apis: dict[str, str]) -> dict:
    order = ["x86_64", "aarch64", "nvidia", "mpi", "blas_lapack"]
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": [ns for ns in order if ns in namespaces]},
        "providers": {ns: {"requires": ["whatever-is-installed"], "plugin-api": apis[ns]}
                      for ns in namespaces},
        "variants": variants(namespaces),
    }


SELECT = ("import json\nfrom variantlib.api import get_variants_by_priority\n"
          "from variantlib.variants_json import VariantsJson\n"
          "r = get_variants_by_priority(variants_json=VariantsJson(json.load(open({path!r}))))\n")

# Times its own phases; prints one JSON line (this process is ours, not a plugin's child).
INSTRUMENTED = '''import time
t0 = time.perf_counter()
import json
import variantlib.api as api
from variantlib.plugins import loader
from variantlib.variants_json import VariantsJson
t1 = time.perf_counter()
vj = VariantsJson(json.load(open({path!r})))
t2 = time.perf_counter()
spent = []
orig = loader.BasePluginLoader._run_call_subprocess
def timed(self, **kw):
    s = time.perf_counter()
    try:
        return orig(self, **kw)
    finally:
        spent.append(time.perf_counter() - s)
loader.BasePluginLoader._run_call_subprocess = timed
ranked = api.get_variants_by_priority(variants_json=vj)
t3 = time.perf_counter()
print(json.dumps({{"import_variantlib": t1 - t0, "read_metadata": t2 - t1,
                  "plugin_children": sum(spent), "plugin_calls": len(spent),
                  "filter_sort": (t3 - t2) - sum(spent), "selected": ranked[0].label,
                  "compatible": len(ranked)}}))
'''


def run(py: Path, code: str, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([str(py), "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--no-install", action="store_true", help="reuse the cached venvs as they are")
    ap.add_argument("--json", type=Path, help="write the medians here")
    args = ap.parse_args(argv)

    namespaces = namespaces_here()
    ours_pkgs = [VARIANTLIB, "./runtime", *(f"./{OURS[ns][1]}" for ns in namespaces)]
    peer_pkgs = [VARIANTLIB, *PEERS, "./runtime",
                 *(f"./{OURS[ns][1]}" for ns in namespaces if ns not in PEER_APIS)]
    py_ours = ensure_venv("selection-ours", ours_pkgs, not args.no_install)
    py_peers = ensure_venv("selection-peers", peer_pkgs, not args.no_install)
    left_out = {}
    for ns in namespaces:  # a provider still being written must not sink the whole run
        module, cls = OURS[ns][0].split(":")
        check = subprocess.run([str(py_ours), "-c", f"from {module} import {cls}\n"
                                f"{cls}.get_supported_configs()"], capture_output=True, text=True)
        if check.returncode != 0:
            left_out[ns] = check.stderr.strip().splitlines()[-1]
    namespaces = [ns for ns in namespaces if ns not in left_out]

    tmp = Path(tempfile.mkdtemp(prefix="selection-bench-"))
    ours_apis = {ns: OURS[ns][0] for ns in namespaces}
    peer_apis = {**ours_apis, **PEER_APIS}
    (tmp / "ours.json").write_text(json.dumps(index(namespaces, ours_apis)))
    (tmp / "peers.json").write_text(json.dumps(index(namespaces, peer_apis)))
    (tmp / "_peer_shims.py").write_text(PEER_SHIMS)
    (tmp / "floor.json").write_text(json.dumps(index(namespaces, {ns: f"_peer_shims:Null_{ns}"
                                                                  for ns in namespaces})))
    n_variants = len(variants(namespaces))

    base_env = {k: v for k, v in os.environ.items()
                if not (k.startswith("PROVIDER_") or k.startswith("NV_VARIANT_PROVIDER_")
                        or k == "PYTHONPATH")}
    peer_env = dict(base_env, PYTHONPATH=str(tmp))
    cases: list[tuple[str, Path, str, dict]] = [
        ("python -c pass", py_ours, "pass", base_env),
        ("import variantlib.api", py_ours, "import variantlib.api", base_env),
        ("FULL selection, ours", py_ours, SELECT.format(path=str(tmp / "ours.json")), base_env),
        ("FULL selection, peers", py_peers, SELECT.format(path=str(tmp / "peers.json")), peer_env),
        ("FULL selection, no-op providers (floor)", py_peers,
         SELECT.format(path=str(tmp / "floor.json")), peer_env),
    ]
    for ns in namespaces:
        module, cls = OURS[ns][0].split(":")
        cases.append((f"provider {ns} alone, ours", py_ours,
                      f"from {module} import {cls}\n{cls}.get_supported_configs()", base_env))
    for ns, api in PEER_APIS.items():
        module, cls = api.split(":")
        cases.append((f"provider {ns} alone, peer (shim)", py_peers,
                      f"from {module} import {cls}\n{cls}.get_supported_configs()", peer_env))

    for _label, py, code, env in cases:  # warm-up, and fail early on a broken case
        run(py, code, env)
    times: dict[str, list[float]] = {c[0]: [] for c in cases}
    for _ in range(args.rounds):
        order = list(cases)
        random.shuffle(order)
        for label, py, code, env in order:
            times[label].append(run(py, code, env))
    med = {label: statistics.median(v) * 1000 for label, v in times.items()}

    phases: dict[str, dict[str, list]] = {"ours": {}, "peers": {}}
    for _ in range(max(5, args.rounds // 3)):
        for name, py, env in (("ours", py_ours, base_env), ("peers", py_peers, peer_env)):
            code = INSTRUMENTED.format(path=str(tmp / f"{name}.json"))
            rec = json.loads(subprocess.run([str(py), "-c", code], check=True, env=env,
                                            capture_output=True, text=True).stdout)
            for k, v in rec.items():
                phases[name].setdefault(k, []).append(v)

    base = med["python -c pass"]
    print(f"Selection of one package with {n_variants} variants over {', '.join(namespaces)}; "
          f"{args.rounds} interleaved rounds, medians, Python {sys.version.split()[0]}")
    print(f"{'case (whole fresh process)':<46} {'ms':>8} {'x pass':>8}")
    for label, _, _, _ in cases:
        print(f"{label:<46} {med[label]:8.1f} {med[label] / base:8.2f}")
    ratio = med["FULL selection, peers"] / med["FULL selection, ours"]
    print(f"\nfull selection: ours {med['FULL selection, ours']:.1f} ms, peers "
          f"{med['FULL selection, peers']:.1f} ms: peers / ours = {ratio:.2f}")
    floor = med["FULL selection, no-op providers (floor)"]
    print(f"providers' own share in situ (full minus the no-op floor {floor:.1f} ms): "
          f"ours {med['FULL selection, ours'] - floor:.1f} ms, "
          f"peers {med['FULL selection, peers'] - floor:.1f} ms")
    print("\nwhere the time goes (instrumented runs, medians, ms):")
    for name in ("ours", "peers"):
        p = phases[name]
        parts = {k: statistics.median(p[k]) * 1000 for k in
                 ("import_variantlib", "read_metadata", "plugin_children", "filter_sort")}
        print(f"  {name:<6} interpreter start ~{base:.1f} | " +
              " | ".join(f"{k} {v:.1f}" for k, v in parts.items()) +
              f" | plugin child calls {p['plugin_calls'][0]} | selected {p['selected'][0]} "
              f"({p['compatible'][0]} compatible)")
    print("  provider share of the plugin child: each 'provider alone' case minus "
          "'python -c pass' (the child also pays its own interpreter start and variantlib's "
          "loader script).")
    for ns in namespaces:
        label = f"provider {ns} alone, ours"
        extra = ""
        if ns in PEER_APIS:
            peer = med[f"provider {ns} alone, peer (shim)"] - base
            extra = f"   peer {peer:6.1f} ms"
        print(f"    {ns:<12} ours {med[label] - base:6.1f} ms{extra}")
    for ns in OURS:
        if ns not in namespaces:
            why = left_out.get(ns, "no providers/" + OURS[ns][1].split("/")[1] + " in this checkout")
            print(f"  note: namespace {ns} left out of the package: {why}")
    if args.json:
        args.json.write_text(json.dumps({"medians_ms": med, "variants": n_variants,
                                         "phases_ms": {n: {k: statistics.median(v) * 1000
                                                           for k, v in p.items()
                                                           if isinstance(v[0], float)}
                                                       for n, p in phases.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
