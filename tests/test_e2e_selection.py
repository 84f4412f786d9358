"""End to end: real variant wheels, selected by our providers through the released variantlib.

Once per session the example packages (``examples/``) are built into ordinary wheels, turned into
variant wheels by ``variantlib make-variant`` and indexed by ``variantlib generate-index-json``.
Then, for each recorded machine (``examples/machines.py``: every provider pinned to a facts file
via ``PROVIDER_<NAME>_FACTS``), ``examples/select_wheel.py`` selects through
``variantlib.api.get_variants_by_priority`` in a FRESH process (variantlib caches plugin results
per process, keyed without environment variables) and the chosen label must be the one the
providers' documented rules give. On this machine, the chosen compiled wheel is installed with pip
into a fresh venv, imported and run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SELECT = EXAMPLES / "select_wheel.py"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"e2e_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(EXAMPLES))  # build_wheels / select_wheel import machines
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLES))
    return module


machines = _load("machines")
build_wheels = _load("build_wheels")

MPI_MISSING = "mpi" in build_wheels.missing_namespaces(build_wheels.DECLARED_VARIANTS)
MPI_REASON = ("provider-mpi (providers/mpi, namespace mpi) is not installed or does not load / know "
              "'mpi :: abi :: openmpi|mpich' yet: the MPI cases cannot run")

#: machine -> (variant-demo label, variant-declared label). Why each one is right:
#: - demo: the highest x86-64 level the x86_64 provider reports (level is its first feature; the
#:   psABI level of each CPU is public: K10 v1, Ivy Bridge v2, Haswell/Alder Lake/Zen 3 v3,
#:   Skylake-SP/Cascade Lake/Sapphire Rapids v4; a VM without ZMM state in XCR0 cannot run
#:   AVX-512: v3); not x86 at all: the null variant.
#: - declared (namespace order nvidia, mpi, blas_lapack): the CUDA wheel whose lower bound is the
#:   driver's own version and whose sm_arch the GPUs run; a host whose GPUs share no sm_arch only
#:   takes the "fat" build; no usable CUDA: no nvidia wheel; then MPI; then BLAS, where the blas
#:   provider always lists openblas and mkl (a wheel may bundle them), openblas first unless an
#:   installed MKL is preferred, and a wheel that also names the ILP64 interface outranks one that
#:   does not (variantlib's sort gives a slot per supported feature).
EXPECTED = {
    "k10-v1": ("v1", "openblas"),
    "ivybridge-v2": ("v2", "openblas"),
    "haswell-v3": ("v3", "openblas"),
    "skylake-sp-v4": ("v4", "openblas"),
    "vm-avx512-xcr0-off": ("v3", "openblas"),
    "graviton3": ("null", "openblas64"),
    "no-gpu": ("v4", "openblas"),
    "h100-cuda12.8": ("v4", "cu128_sm90"),
    "h100-cuda13.0": ("v4", "cu13_sm90_sm100"),
    "mixed-t4-h100": ("v4", "cu12_fat"),
    "mixed-t4-h100-visible-h100": ("v4", "cu128_sm90"),
    "rtx4090-cuda12.8": ("v3", "cu128_sm89"),
    "t4-cuda12.2": ("v3", "cu12_fat"),
    "v100-cuda10.2": ("v3", "openblas"),
    "mkl-openblas": ("v3", "mkl"),
    "h100-cuda12.8-openblas64": ("v4", "cu128_sm90_openblas64"),
    "openmpi-only": ("v3", "openmpi"),
    "h100-cuda12.8-openmpi": ("v4", "cu128_sm90_openmpi_mkl"),
}
MPI_MACHINES = {"openmpi-only", "h100-cuda12.8-openmpi"}


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without any facts or forcing variable (so that only the case's count)."""
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("PROVIDER_") or k.startswith("NV_VARIANT_PROVIDER_"))}
    env.update(extra)
    return env


def _prerequisites() -> list[str]:
    missing = []
    for module, what in (("variantlib", "variantlib==0.2.2"), ("build", "variantlib[cli] (build)"),
                         ("wheel", "wheel"), ("setuptools", "setuptools>=77"),
                         ("provider_x86_64", "provider-x86-64")):
        if importlib.util.find_spec(module) is None:
            missing.append(what)
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        missing.append("a C compiler")
    return missing


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """Every example wheel, variant wheel and *-variants.json, built once per session."""
    missing = _prerequisites()
    if missing:
        message = f"end-to-end build needs {', '.join(missing)} in this environment"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("wheelhouse")
    build_wheels.build_all(out)
    return out


def select(wheelhouse: Path, *args: str, machine: str | None = None,
           env: dict[str, str] | None = None) -> dict[str, dict]:
    """Run examples/select_wheel.py in a fresh process; package name -> its JSON record."""
    run_env = _clean_env(**(machines.machine_env(machine) if machine else {}), **(env or {}))
    done = subprocess.run([sys.executable, str(SELECT), str(wheelhouse), "--json", *args],
                          capture_output=True, text=True, env=run_env, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {r["package"].split("-")[0]: r for r in records}


# ----------------------------------------------------------------------------------- artifacts


def test_wheelhouse_made_by_variantlib(wheelhouse: Path) -> None:
    demo = json.loads((wheelhouse / "variant_demo-1.0-variants.json").read_text())
    assert demo["providers"] == {"x86_64": {"plugin-api": "provider_x86_64:X86_64Plugin",
                                            "requires": ["provider-x86-64 >=1,<2"]}}
    assert demo["variants"] == {"null": {}, **{f"v{n}": {"x86_64": {"level": [f"v{n}"]}}
                                               for n in (1, 2, 3, 4)}}
    declared = json.loads((wheelhouse / "variant_declared-1.0-variants.json").read_text())
    expected_labels = {label for label, props in build_wheels.DECLARED_VARIANTS.items()
                       if not (MPI_MISSING and any(p.startswith("mpi ") for p in props))}
    assert set(declared["variants"]) == expected_labels | {"null"}
    assert declared["variants"]["cu13_sm90_sm100"]["nvidia"]["sm_arch"] == ["100_real", "90_real"]
    assert set(declared["providers"]) == {"nvidia", "blas_lapack"} | (set() if MPI_MISSING else {"mpi"})

    for prefix, index in (("variant_demo", demo), ("variant_declared", declared)):
        for label in index["variants"]:
            (wheel,) = wheelhouse.glob(f"{prefix}-1.0-*-{label}.whl")
            with zipfile.ZipFile(wheel) as zf:
                (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/variant.json")]
                assert list(json.loads(zf.read(name))["variants"]) == [label]
                record = zf.read(name.replace("variant.json", "RECORD")).decode()
                assert name in record  # make-variant re-signed the RECORD
    for plain in ("variant_demo-1.0-*-linux_x86_64.whl", "variant_declared-1.0-py3-none-any.whl"):
        (wheel,) = wheelhouse.glob(plain)
        with zipfile.ZipFile(wheel) as zf:
            assert not [n for n in zf.namelist() if n.endswith("variant.json")]


def test_make_variant_rejects_a_property_our_provider_does_not_know(wheelhouse: Path, tmp_path) -> None:
    (plain,) = wheelhouse.glob("variant_demo-1.0-*-linux_x86_64.whl")
    with pytest.raises(RuntimeError, match=r"invalid according to the plugins: x86_64 :: level :: v5"):
        build_wheels.make_variant(plain, tmp_path, EXAMPLES / "demo_pkg" / "pyproject.toml", "v5",
                                  ["x86_64 :: level :: v5"])


def test_compiler_flags_come_from_the_x86_64_provider() -> None:
    assert build_wheels.level_flags("v1") == ["-march=x86-64"]
    assert build_wheels.level_flags("v4") == ["-march=x86-64-v4"]


# ---------------------------------------------------------------------------- recorded machines


def test_every_machine_has_an_expectation() -> None:
    assert set(EXPECTED) == set(machines.MACHINES)


@pytest.mark.parametrize("machine", sorted(EXPECTED))
def test_selection_on_recorded_machine(wheelhouse: Path, machine: str) -> None:
    if machine in MPI_MACHINES and MPI_MISSING:
        pytest.skip(MPI_REASON)
    missing = {ns: str(p) for ns, p in machines.missing_facts(machine).items()}
    if "mpi" in missing and not MPI_MISSING:
        # Without a no-MPI facts file the mpi provider would probe this host live.
        pytest.skip(f"providers/mpi is ready but its facts file {missing.pop('mpi')} is not there yet")
    missing.pop("mpi", None)
    assert not missing, f"facts files of {machine} are missing: {missing}"
    demo_label, declared_label = EXPECTED[machine]
    got = select(wheelhouse, machine=machine)
    assert got["variant_demo"]["selected"] == demo_label, got["variant_demo"]
    assert got["variant_declared"]["selected"] == declared_label, got["variant_declared"]
    # Every variant is either ranked (compatible) or rejected with the property that rules it out.
    for rec in got.values():
        assert set(rec["ranked"]) | set(rec["rejected"]) == set(rec["variants"])
        assert rec["ranked"][-1] == "null"
        assert all(reason and "::" in reason for reason in rec["rejected"].values()), rec["rejected"]


def test_rejections_name_the_deciding_property(wheelhouse: Path) -> None:
    got = select(wheelhouse, machine="vm-avx512-xcr0-off")["variant_demo"]
    assert got["rejected"] == {"v4": "x86_64 :: level :: v4 (this machine: v3, v2, v1)"}
    assert got["ranked"] == ["v3", "v2", "v1", "null"]

    got = select(wheelhouse, machine="h100-cuda12.8")["variant_declared"]
    rejected = got["rejected"]
    assert rejected["cu13_sm90_sm100"].startswith("nvidia :: cuda_version_lower_bound :: 13.0 ")
    assert rejected["cu128_sm89"].startswith("nvidia :: sm_arch :: 89_real (this machine: 90a_real")
    assert rejected["cu126_sm75"].startswith("nvidia :: sm_arch :: 75_real")
    assert rejected["openblas64"].startswith("blas_lapack :: interface :: ilp64 (this machine: none)")
    assert got["ranked"][:3] == ["cu128_sm90", "cu12_fat", "openblas"]

    got = select(wheelhouse, machine="no-gpu")["variant_declared"]
    assert got["rejected"]["cu12_fat"] == "nvidia :: * (provider nvidia supports nothing on this machine)"
    assert got["supported"]["blas_lapack"]["provider"] == ["openblas", "mkl"]


def test_facts_of_one_machine_do_not_leak_into_the_next(wheelhouse: Path) -> None:
    # Two machines, two fresh processes: variantlib's per-process cache must not be shared.
    assert select(wheelhouse, machine="k10-v1")["variant_demo"]["selected"] == "v1"
    assert select(wheelhouse, machine="skylake-sp-v4")["variant_demo"]["selected"] == "v4"


# ------------------------------------------------------------------ forced and "no variants"


def test_forced_label_is_honoured_even_when_unsupported(wheelhouse: Path) -> None:
    got = select(wheelhouse, "--package", "variant-demo", "--variant-label", "v2",
                 machine="skylake-sp-v4")["variant_demo"]
    assert got["selected"] == "v2" and got["wheel"].endswith("-v2.whl")
    assert got["why"] == "forced by --variant-label v2"
    got = select(wheelhouse, "--package", "variant-demo", "--variant-label", "v4",
                 machine="haswell-v3")["variant_demo"]
    assert got["selected"] == "v4"
    assert "NOT supported here: x86_64 :: level :: v4" in got["why"]


def test_unknown_forced_label_is_an_error(wheelhouse: Path) -> None:
    done = subprocess.run([sys.executable, str(SELECT), str(wheelhouse), "--package", "variant-demo",
                           "--variant-label", "v9"], capture_output=True, text=True, env=_clean_env())
    assert done.returncode != 0
    assert "no variant labelled 'v9'" in done.stderr


def test_no_variants_chooses_the_plain_wheel(wheelhouse: Path) -> None:
    got = select(wheelhouse, "--no-variants", machine="skylake-sp-v4")
    for package, rec in got.items():
        assert rec["selected"] is None
        assert rec["wheel"].startswith(package) and rec["wheel"].count("-") == 4, rec["wheel"]


def test_human_report_says_what_and_why(wheelhouse: Path) -> None:
    env = _clean_env(**machines.machine_env("haswell-v3"))
    done = subprocess.run([sys.executable, str(SELECT), str(wheelhouse), "--package", "variant-demo"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "  rejected  v4                     x86_64 :: level :: v4 (this machine: v3, v2, v1)" in lines
    assert any(line.startswith("  selected: variant_demo-1.0-") and "-v3.whl (variant v3: best" in line
               for line in lines), done.stdout


# ------------------------------------------------------------------------------ this machine

live_x86 = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or sys.platform != "linux",
    reason="the compiled example is an x86-64 Linux extension")


@live_x86
def test_this_machine_installs_imports_and_runs_the_selected_build(wheelhouse: Path, tmp_path) -> None:
    venv = tmp_path / "fresh"
    got = select(wheelhouse, "--package", "variant-demo", "--install", str(venv))["variant_demo"]
    info = got["installed"]
    assert "error" not in info, info
    # The provider (through variantlib) chose the build libgcc's own CPUID reading says this CPU
    # supports at best: the two are independent readings of the same hardware.
    assert got["selected"] == info["machine_level"]
    assert info["build_level"] == got["selected"]  # the compiler really built that level
    assert info["variant_label"] == got["selected"]
    assert info["variant_properties"] == [f"x86_64 :: level :: {got['selected']}"]
    assert info["sum_squares_1000"] == 332833500.0


@live_x86
def test_forced_and_plain_wheels_install_and_run_here(wheelhouse: Path, tmp_path) -> None:
    got = select(wheelhouse, "--package", "variant-demo", "--variant-label", "v2",
                 "--install", str(tmp_path / "forced"))["variant_demo"]
    assert got["installed"]["build_level"] == "v2" and got["installed"]["variant_label"] == "v2"
    got = select(wheelhouse, "--no-variants", "--install", str(tmp_path / "plain"))
    assert got["variant_demo"]["installed"]["build_level"] == "v1"
    assert got["variant_demo"]["installed"]["variant_label"] is None
    assert got["variant_declared"]["installed"] == {"package": "variant-declared", "variant_label": None,
                                                    "variant_properties": []}
