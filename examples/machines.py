"""Recorded machines for the end-to-end examples: which facts file each provider replays.

A machine is a set of ``PROVIDER_<NAME>_FACTS`` variables, one per provider, pointing at facts
recorded on (or derived from public facts about) a real machine: the providers' own test fixtures
(``providers/<name>/tests/fixtures``) and the few combined cases in ``examples/machines/``. Every
provider is pinned, so a machine gives the same answer on any host. ``machine_env(name)`` gives
the variables; ``python examples/select_wheel.py DIR --machine NAME`` replays one.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: namespace -> (facts variable, fixture folder)
PROVIDERS = {
    "x86_64": ("PROVIDER_X86_64_FACTS", "providers/x86_64/tests/fixtures"),
    "aarch64": ("PROVIDER_AARCH64_FACTS", "providers/aarch64/tests/fixtures"),
    "nvidia": ("PROVIDER_NVIDIA_FACTS", "providers/nvidia/tests/fixtures"),
    "blas_lapack": ("PROVIDER_BLAS_FACTS", "providers/blas/tests/fixtures"),
    "mpi": ("PROVIDER_MPI_FACTS", "providers/mpi/tests/fixtures"),
}

#: What a machine has when it does not say: an x86-64 host (Haswell) with no GPU driver, no
#: BLAS library, no MPI library. A name with a "/" is a path from the repository root.
DEFAULTS = {
    "x86_64": "linux-rhel7-haswell-v3",
    "aarch64": "linux-rhel7-haswell-x86_64-none",
    "nvidia": "linux-no-driver",
    "blas_lapack": "linux-no-blas-x86_64-intel",
    "mpi": "linux-debian12-x86_64-no-mpi",
}

#: name -> (description, {namespace: fixture name or path})
MACHINES: dict[str, tuple[str, dict[str, str]]] = {
    "k10-v1": ("AMD K10 (Phenom II era): x86-64-v1 only", {"x86_64": "linux-scientific7-k10-v1"}),
    "ivybridge-v2": ("Intel Ivy Bridge: x86-64-v2", {"x86_64": "linux-rhel7-ivybridge-v2"}),
    "haswell-v3": ("Intel Haswell Xeon: x86-64-v3", {"x86_64": "linux-rhel7-haswell-v3"}),
    "skylake-sp-v4": ("Intel Skylake-SP: x86-64-v4", {"x86_64": "linux-rhel7-skylake_avx512-v4"}),
    "vm-avx512-xcr0-off": (
        "VM whose CPUID shows AVX-512 but whose OS did not enable ZMM state in XCR0: v3",
        {"x86_64": "synthetic-avx512-cpuid-xcr0-lacks-zmm-v3"}),
    # A real installer would already skip linux_x86_64 wheels there by platform tag.
    "graviton3": ("AWS Graviton3 (aarch64): no x86_64 properties; ArmPL and OpenBLAS",
                  {"x86_64": "linux-amazon-neoverse_n1-not-x86",
                   "aarch64": "linux-amazon-neoverse_v1-8.4a",
                   "blas_lapack": "linux-graviton3-armpl-openblas"}),
    "no-gpu": ("Cascade Lake server without an NVIDIA driver, no BLAS, no MPI",
               {"x86_64": "linux-centos7-cascadelake-v4", "nvidia": "linux-no-driver"}),
    "h100-cuda12.8": ("Sapphire Rapids + H100 (sm 9.0), driver 570 = CUDA 12.8",
                      {"x86_64": "linux-unknown-sapphirerapids-v4",
                       "nvidia": "examples/machines/linux-h100-cuda12.8-sm90.json"}),
    "h100-cuda13.0": ("Sapphire Rapids + H100, driver 580 = CUDA 13.0",
                      {"x86_64": "linux-unknown-sapphirerapids-v4",
                       "nvidia": "linux-h100-cuda13.0-sm90-sm90a"}),
    "mixed-t4-h100": ("Tesla T4 (7.5) + H100 (9.0) in one host, CUDA 12.8: no common sm_arch",
                      {"x86_64": "linux-rhel7-skylake_avx512-v4",
                       "nvidia": "linux-mixed-t4-h100-no-common-sm"}),
    "mixed-t4-h100-visible-h100": ("the same host with CUDA_VISIBLE_DEVICES naming the H100",
                                   {"x86_64": "linux-rhel7-skylake_avx512-v4",
                                    "nvidia": "linux-mixed-t4-h100-visible-h100-by-uuid"}),
    "rtx4090-cuda12.8": ("Alder Lake desktop + RTX 4090 (sm 8.9), CUDA 12.8",
                         {"x86_64": "linux-ubuntu24.04-alderlake-v3",
                          "nvidia": "linux-rtx4090-cuda12.8-sm89"}),
    "t4-cuda12.2": ("Tesla T4 (sm 7.5), driver 535 = CUDA 12.2",
                    {"nvidia": "linux-tesla-t4-cuda12.2-sm75"}),
    "v100-cuda10.2": ("Tesla V100 with driver 440 = CUDA 10.2: older than any CUDA 11+ wheel",
                      {"nvidia": "linux-v100-driver440-cuda10.2-older-than-cuda11"}),
    "mkl-openblas": ("EPYC Zen 3 VM (Debian 12) with OpenBLAS (LP64 + ILP64), BLIS, reference "
                     "BLAS and MKL wheels", {
                         "x86_64": "linux-debian12-epyc-zen3-kvm-v3",
                         "blas_lapack": "linux-debian12-x86_64-amd-openblas-blis-reference-mkl-wheels"}),
    "h100-cuda12.8-openblas64": ("H100 with CUDA 12.8 and the Debian 12 BLAS set (ILP64 OpenBLAS)", {
        "x86_64": "linux-unknown-sapphirerapids-v4",
        "nvidia": "examples/machines/linux-h100-cuda12.8-sm90.json",
        "blas_lapack": "linux-debian12-x86_64-amd-openblas-blis-reference-mkl-wheels"}),
    "openmpi-only": ("Haswell host with only Open MPI (libmpi.so.40) installed",
                     {"mpi": "examples/machines/linux-debian12-x86_64-openmpi4-only.json"}),
    "h100-cuda12.8-openmpi": ("H100 with CUDA 12.8 and Open MPI", {
        "x86_64": "linux-unknown-sapphirerapids-v4",
        "nvidia": "examples/machines/linux-h100-cuda12.8-sm90.json",
        "mpi": "examples/machines/linux-debian12-x86_64-openmpi4-only.json"}),
}


def facts_path(namespace: str, name: str) -> Path:
    """The facts file ``name`` of ``namespace`` (a fixture name, or a path from the root)."""
    if "/" in name:
        return ROOT / name
    return ROOT / PROVIDERS[namespace][1] / f"{name}.json"


def machine_files(machine: str) -> dict[str, Path]:
    """namespace -> facts file for ``machine`` (defaults filled in)."""
    _, files = MACHINES[machine]
    return {ns: facts_path(ns, files.get(ns, DEFAULTS[ns])) for ns in PROVIDERS}


def missing_facts(machine: str) -> dict[str, Path]:
    """Facts files of ``machine`` that do not exist (a provider that has not landed)."""
    return {ns: p for ns, p in machine_files(machine).items() if not p.is_file()}


def machine_env(machine: str) -> dict[str, str]:
    """``PROVIDER_<NAME>_FACTS`` variables replaying ``machine`` (absent files are left out)."""
    return {PROVIDERS[ns][0]: str(p) for ns, p in machine_files(machine).items() if p.is_file()}
