#!/usr/bin/env python3
"""Suite benchmark: each provider's whole-process cost against ``python -c pass``.

An installer spawns a fresh interpreter for providers, so what a user pays is interpreter
start-up + our import + detection. This script measures exactly that, as whole fresh processes,
interleaved in one run (round after round, cases in a shuffled order) so that machine noise hits
every case alike, and prints medians, ratios to ``python -c pass`` in the same venv, and peak
memory. Peak memory is the child's own ``VmHWM`` (Linux ``/proc/self/status``, read by the child
as its last act, in separate untimed runs): ``ru_maxrss`` from ``wait4`` is useless here, since
a spawned child inherits the spawning parent's high-water mark across ``exec``.

Two virtual environments are built (cached under ``bench/.venvs``):

- ``ours``: the suite's packages, installed non-editable (as users get them);
- ``peers``: published peer packages named by the cases, for side-by-side comparisons.

Cases come from each ``providers/<name>/bench.json`` (``{"cases": [{"label", "code", "venv",
"pip", "env"}]}``); every installed provider of ours without a bench.json gets a default case
(import + ``get_supported_configs()``). This is a report, not a test: it never fails on a figure.

    python bench/benchmark.py [--rounds 40] [--only x86] [--json out.json] [--no-install]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(os.environ.get("BENCH_VENVS", ROOT / "bench" / ".venvs"))


def venv_python(name: str) -> Path:
    return VENVS / name / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(name: str, packages: list[str]) -> Path:
    py = venv_python(name)
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENVS / name)])
    if packages:
        subprocess.check_call(
            [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--upgrade", *packages],
            cwd=ROOT,
        )
    return py


def our_packages() -> list[str]:
    dirs = ["runtime", "template"] + sorted(str(p.parent.relative_to(ROOT)) for p in ROOT.glob("providers/*/pyproject.toml"))
    return [f"./{d}" for d in dirs]


def load_cases(only: str | None) -> list[dict]:
    cases = [
        {"label": "python -c pass", "code": "pass", "venv": "ours", "baseline": True},
        {"label": "python -c pass (peers venv)", "code": "pass", "venv": "peers", "baseline": True},
    ]
    cases.append({
        "label": "provider_template (ours; the runtime's own overhead)", "venv": "ours", "provider": "template",
        "code": "from provider_template import TemplatePlugin as P; P.get_supported_configs()",
    })
    for provider in sorted(ROOT.glob("providers/*/pyproject.toml")):
        spec = provider.parent / "bench.json"
        if spec.exists():
            for case in json.loads(spec.read_text())["cases"]:
                case.setdefault("venv", "ours")
                case["provider"] = provider.parent.name
                cases.append(case)
        else:
            pkg = "provider_" + provider.parent.name
            cases.append({
                "label": f"{pkg} (ours)", "venv": "ours", "provider": provider.parent.name,
                "code": f"import {pkg} as m; next(v for k, v in vars(m).items() "
                        f"if k.endswith('Plugin') and k != 'ProviderPlugin').get_supported_configs()",
            })
    if only:
        cases = [c for c in cases if c.get("baseline") or only in c["label"] or only in c.get("provider", "")]
    return cases


#: Appended to a case's code in the memory runs: the child reports its own high-water mark.
HWM_SUFFIX = (
    "\nimport sys as _s\n_s.stderr.write([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
)


def peak_kib(py: Path, code: str, env: dict) -> int | None:
    """The child's own peak resident memory in KiB (Linux), or None where unknown."""
    if not os.path.exists("/proc/self/status"):
        return None
    proc = subprocess.run([str(py), "-c", code + HWM_SUFFIX], env=env, capture_output=True, text=True)
    for line in proc.stderr.splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return None


def spawn(py: Path, code: str, env: dict) -> tuple[float, int, int]:
    """Run ``py -c code``; returns (seconds, ru_maxrss (unused: see above), exit status)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                   (os.POSIX_SPAWN_DUP2, devnull, 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(str(py), [str(py), "-c", code], env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        os.close(devnull)
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--only", help="only cases whose label or provider contains this")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-install", action="store_true", help="reuse the venvs as they are")
    args = parser.parse_args(argv)
    if not hasattr(os, "posix_spawn"):
        print("this benchmark needs a POSIX system", file=sys.stderr)
        return 2

    cases = load_cases(args.only)
    peers = sorted({p for c in cases if c["venv"] == "peers" for p in c.get("pip", [])})
    pythons = {
        "ours": venv_python("ours") if args.no_install else ensure_venv("ours", our_packages()),
        "peers": venv_python("peers") if args.no_install else ensure_venv("peers", peers),
    }
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVIDER_", "PYTHON"))}
    for case in cases:  # one warm-up run each, which also checks that the case works at all
        env = {**base_env, **{k: v.replace("{root}", str(ROOT)) for k, v in case.get("env", {}).items()}}
        case["_env"] = env
        _, _, code = spawn(pythons[case["venv"]], case["code"], env)
        case["ok"] = code == 0
        case["times"], case["rss"] = [], []
    runnable = [c for c in cases if c["ok"]]
    rng = random.Random(817)
    for _ in range(args.rounds):
        order = runnable[:]
        rng.shuffle(order)
        for case in order:
            seconds, rss, _ = spawn(pythons[case["venv"]], case["code"], case["_env"])
            case["times"].append(seconds)
            case["rss"].append(rss)

    for _ in range(5):
        for case in runnable:
            kib = peak_kib(pythons[case["venv"]], case["code"], case["_env"])
            if kib is not None:
                case["hwm"] = case.get("hwm", []) + [kib]

    baseline = {c["venv"]: c for c in runnable if c.get("baseline")}
    rows = []
    for case in cases:
        if not case["ok"]:
            rows.append({"label": case["label"], "venv": case["venv"], "error": "case failed to run"})
            continue
        base = baseline.get(case["venv"])
        median = statistics.median(case["times"])
        rss = statistics.median(case["hwm"]) if case.get("hwm") else float("nan")
        base_rss = statistics.median(base["hwm"]) if base and base.get("hwm") else float("nan")
        rows.append({
            "label": case["label"], "venv": case["venv"],
            "median_ms": round(median * 1000, 2),
            "ratio": round(median / statistics.median(base["times"]), 3) if base else None,
            "peak_rss_mib": round(rss / 1024, 1),
            "rss_ratio": round(rss / base_rss, 3) if base else None,
        })

    print(f"{len(runnable)} cases x {args.rounds} rounds, interleaved; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    print(f"{'case':72} {'venv':6} {'median ms':>10} {'x pass':>7} {'peak MiB':>8} {'x pass':>7}")
    for row in rows:
        if "error" in row:
            print(f"{row['label'][:72]:72} {row['venv']:6} {'(failed to run: see the case)':>35}")
            continue
        print(f"{row['label'][:72]:72} {row['venv']:6} {row['median_ms']:>10.2f} {row['ratio']:>7.3f} "
              f"{row['peak_rss_mib']:>8.1f} {row['rss_ratio']:>7.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
