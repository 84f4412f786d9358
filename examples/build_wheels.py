#!/usr/bin/env python3
"""Build the example packages' wheels, turn them into variant wheels and index them.

    python examples/build_wheels.py OUT [--only demo|declared]

Everything uses ordinary tools plus variantlib's own commands, offline:

1. ``pip wheel --no-build-isolation`` builds ordinary wheels (a fresh copy of the source per
   build, so no object file of another level is reused). ``variant-demo``'s C extension is
   compiled once per x86-64 level with the flags the x86_64 provider gives for the property
   (``provider_x86_64.compiler_flags``).
2. ``variantlib make-variant --no-isolation`` turns each into a variant wheel with its properties
   (validated by the providers installed here) and a readable ``--variant-label``; one
   ``--null-variant``; one plain (non-variant) wheel is kept as built.
3. ``variantlib generate-index-json -d OUT`` writes ``<name>-<version>-variants.json``.

Needs: setuptools>=77, wheel, variantlib[cli]==0.2.2 (``build`` for make-variant) and the
providers whose namespaces a package names (a namespace whose provider is not installed is
left out of the declared package, with a note on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: variant-demo: label -> properties. Levels per the x86-64 psABI; the null variant is built at v1.
DEMO_VARIANTS = {f"v{n}": [f"x86_64 :: level :: v{n}"] for n in (1, 2, 3, 4)}

#: variant-declared: label -> properties (no compiled code, so one build serves all). Modelled on
#: published CUDA wheels (one build per CUDA minor and architecture family, plus a "fat" build
#: with every architecture) and on BLAS/MPI builds of scientific packages.
DECLARED_VARIANTS = {
    "cu13_sm90_sm100": ["nvidia :: cuda_version_lower_bound :: 13.0",
                        "nvidia :: sm_arch :: 90_real", "nvidia :: sm_arch :: 100_real"],
    "cu128_sm90": ["nvidia :: cuda_version_lower_bound :: 12.8",
                   "nvidia :: cuda_version_upper_bound :: 13", "nvidia :: sm_arch :: 90_real"],
    "cu128_sm89": ["nvidia :: cuda_version_lower_bound :: 12.8",
                   "nvidia :: cuda_version_upper_bound :: 13", "nvidia :: sm_arch :: 89_real"],
    "cu126_sm75": ["nvidia :: cuda_version_lower_bound :: 12.6",
                   "nvidia :: cuda_version_upper_bound :: 13", "nvidia :: sm_arch :: 75_real"],
    # Every architecture compiled in: no sm_arch property, so it suits any GPU mix.
    "cu12_fat": ["nvidia :: cuda_version_lower_bound :: 12.0",
                 "nvidia :: cuda_version_upper_bound :: 13"],
    # Needs two namespaces at once: CUDA 12.8 on sm 9.0 and a system ILP64 OpenBLAS.
    "cu128_sm90_openblas64": ["nvidia :: cuda_version_lower_bound :: 12.8",
                              "nvidia :: cuda_version_upper_bound :: 13",
                              "nvidia :: sm_arch :: 90_real", "blas_lapack :: provider :: openblas",
                              "blas_lapack :: interface :: ilp64"],
    # Needs three namespaces at once: CUDA 12.8 on sm 9.0, an Open MPI ABI, MKL.
    "cu128_sm90_openmpi_mkl": ["nvidia :: cuda_version_lower_bound :: 12.8",
                               "nvidia :: cuda_version_upper_bound :: 13",
                               "nvidia :: sm_arch :: 90_real", "mpi :: abi :: openmpi",
                               "blas_lapack :: provider :: mkl"],
    "openmpi": ["mpi :: abi :: openmpi"],
    "mpich": ["mpi :: abi :: mpich"],
    "mkl": ["blas_lapack :: provider :: mkl"],
    "openblas": ["blas_lapack :: provider :: openblas"],
    "openblas64": ["blas_lapack :: provider :: openblas", "blas_lapack :: interface :: ilp64"],
}

#: namespace -> the provider's plugin-api, which must load to validate and select it.
PROVIDER_APIS = {"x86_64": "provider_x86_64:X86_64Plugin", "nvidia": "provider_nvidia:NvidiaPlugin",
                 "blas_lapack": "provider_blas:BlasPlugin", "mpi": "provider_mpi:MpiPlugin",
                 "aarch64": "provider_aarch64:AArch64Plugin"}


#: The ``variantlib`` command of this interpreter (its console script may not be on PATH).
VARIANTLIB = [sys.executable, "-c",
              "import sys; from variantlib.commands.main import main; main(sys.argv[1:])"]


def level_flags(level: str) -> list[str]:
    """Compiler flags for ``x86_64 :: level :: <level>``, from the x86_64 provider's helper."""
    from provider_x86_64 import compiler_flags

    return compiler_flags([f"x86_64 :: level :: {level}"])


def provider_ready(namespace: str, variants: dict[str, list[str]]) -> bool:
    """True when the provider of ``namespace`` loads and knows every value ``variants`` use
    (a provider still being written, or absent, is not ready)."""
    module, cls = PROVIDER_APIS[namespace].split(":")
    if importlib.util.find_spec(module) is None:
        return False
    try:
        plugin = getattr(importlib.import_module(module), cls)
        known = {(f.name, v) for f in plugin.get_all_configs() for v in f.values}
    except Exception:  # noqa: BLE001 - any failure means "not usable yet"
        return False
    used = {tuple(x.strip() for x in p.split("::")) for props in variants.values() for p in props}
    return all((feature, value) in known for ns, feature, value in used if ns == namespace)


def missing_namespaces(variants: dict[str, list[str]]) -> set[str]:
    """Namespaces used by ``variants`` whose provider is not ready here."""
    used = {p.split("::")[0].strip() for props in variants.values() for p in props}
    return {ns for ns in used if not provider_ready(ns, variants)}


def _run(cmd: list[str], **kw) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _parallel(fn, items: list) -> list:
    """``fn`` over ``items`` in threads (each runs a subprocess), results in order."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(fn, items))


def build_wheel(src: Path, workdir: Path, cflags: list[str]) -> Path:
    """One ordinary wheel of ``src`` built from a fresh copy with ``cflags``; returns its path."""
    tree = Path(tempfile.mkdtemp(dir=workdir))
    shutil.copytree(src, tree / "src", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    out = tree / "wheel"
    env = dict(os.environ, VARIANT_DEMO_CFLAGS=" ".join(cflags))
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check",
          "--no-build-isolation", "--no-deps", "--no-index", "-w", str(out), str(tree / "src")],
         env=env)
    (wheel,) = out.glob("*.whl")
    return wheel


def make_variant(wheel: Path, out: Path, pyproject: Path, label: str | None,
                 properties: list[str], validate: bool = True) -> None:
    """``variantlib make-variant`` (the null variant when ``label`` is None)."""
    cmd = [*VARIANTLIB, "make-variant", "-f", str(wheel), "-o", str(out),
           "--pyproject-toml", str(pyproject), "--no-isolation"]
    if label is None:
        cmd.append("--null-variant")
    else:
        cmd += ["--variant-label", label, *(x for p in properties for x in ("-p", p))]
        if not validate:
            cmd.append("--skip-plugin-validation")
    _run(cmd)


def generate_index(out: Path) -> None:
    """``variantlib generate-index-json -d OUT``."""
    _run([*VARIANTLIB, "generate-index-json", "-d", str(out)])


def build_demo(out: Path, workdir: Path) -> None:
    """variant-demo: four compiled levels, the null variant and the plain wheel."""
    src = HERE / "demo_pkg"
    wheels = _parallel(lambda label: build_wheel(src, workdir, level_flags(label)), list(DEMO_VARIANTS))
    built = dict(zip(DEMO_VARIANTS, wheels, strict=True))
    jobs = [(built[label], label, props) for label, props in DEMO_VARIANTS.items()]
    jobs.append((built["v1"], None, []))
    _parallel(lambda job: make_variant(job[0], out, src / "pyproject.toml", job[1], job[2]), jobs)
    # The plain wheel: what an installer without variant support gets (the v1 build).
    shutil.copy(built["v1"], out / built["v1"].name)


def build_declared(out: Path, workdir: Path) -> set[str]:
    """variant-declared: one pure-Python build declared as every variant; returns the namespaces
    left out because their provider is not installed."""
    src = HERE / "declared_pkg"
    skipped = missing_namespaces(DECLARED_VARIANTS)
    variants = {label: props for label, props in DECLARED_VARIANTS.items()
                if not any(p.split("::")[0].strip() in skipped for p in props)}
    pyproject = src / "pyproject.toml"
    if skipped:
        # variantlib loads every provider a package names in one subprocess: one missing
        # provider would fail the selection of all, so the metadata drops it too.
        text = pyproject.read_text()
        for ns in skipped:
            text = text.replace(f'"{ns}", ', "").replace(f', "{ns}"', "")
            start = text.index(f"[variant.providers.{ns}]")
            end = text.find("\n[", start + 1)
            text = text[:start] + (text[end + 1:] if end != -1 else "")
        pyproject = workdir / "declared-pyproject.toml"
        pyproject.write_text(text)
        print(f"note: provider(s) for {', '.join(sorted(skipped))} not installed: "
              f"variant-declared built without those namespaces", file=sys.stderr)
    wheel = build_wheel(src, workdir, [])
    jobs = [*variants.items(), (None, [])]
    _parallel(lambda job: make_variant(wheel, out, pyproject, job[0], job[1]), jobs)
    shutil.copy(wheel, out / wheel.name)
    return skipped


def build_all(out: Path, only: str | None = None) -> set[str]:
    """Build into ``out`` (created); returns namespaces left out for a missing provider."""
    out.mkdir(parents=True, exist_ok=True)
    skipped: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="variant-build-") as tmp:
        work = Path(tmp)
        if only in (None, "demo"):
            build_demo(out, work)
        if only in (None, "declared"):
            skipped = build_declared(out, work)
    generate_index(out)
    return skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="output folder (wheels and *-variants.json)")
    ap.add_argument("--only", choices=("demo", "declared"))
    args = ap.parse_args(argv)
    build_all(args.out, args.only)
    for path in sorted(args.out.iterdir()):
        print(path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
