"""The seam: the only module of this provider that reads the machine.

It asks ``provider_runtime.libscan`` for every file named like a BLAS library in the places
the loader and the Python environment would look, reads what identifies each one (soname,
DT_NEEDED, a few exported symbols, version strings in read-only data) and returns those
records raw. Which implementation a record is, and what it offers, is decided in ``_rules``
from these facts, so that a recording replays anywhere. Nothing is loaded (no ``dlopen``:
OpenBLAS starts a thread pool at load, and whatever file sits on a search path would run in
the installer), no process is spawned, nothing raises.
"""


from provider_runtime import platform_facts, sysio

#: Environment variables that change the answer; recorded so that a facts file replays.
PREFER_ENV = "PROVIDER_BLAS_PREFER"
PREFIX_ENV = "PROVIDER_BLAS_PREFIX"

# File names of BLAS implementations (Linux, macOS, Windows spellings). Sources: Debian
# package file lists (libopenblas0-*, libopenblas64-0-*, libblis4*, libblas3, libblas64-3,
# libflexiblas*, libatlas3-base), the scipy-openblas32/64 and mkl wheels, Arm Performance
# Libraries and NVPL documentation (library names per interface), Cray LibSci man pages.
OPENBLAS_NAMES = ["libopenblas*.so*", "libscipy_openblas*.so*", "libopenblas*.dylib", "libscipy_openblas*.dylib",
                  "libopenblas*.dll", "openblas*.dll", "libscipy_openblas*.dll"]
#: Names whose content may be BLIS (or AMD's AOCL-BLAS, a BLIS fork) behind a generic name.
BLIS_NAMES = [
    "libblas.so*", "libblas64.so*", "libcblas.so*", "libblas*.dylib", "libblas*.dll", "blas*.dll",
    "libblis*.so*", "libblis*.dylib", "libblis*.dll", "blis*.dll",
]
OTHER_NAMES = [
    "libmkl_rt.so*", "libmkl_rt*.dylib", "mkl_rt*.dll",
    "libflexiblas.so*", "libflexiblas64.so*", "libflexiblas*.dylib", "flexiblas*.dll",
    "libarmpl*.so*", "libarmpl*.dylib", "libnvpl_blas*.so*",
    "libsci_*.so*", "libatlas.so*", "libsatlas.so*", "libtatlas.so*",
]
#: Exported names looked up in each candidate (exact names: one hash look-up each).
#: OpenBLAS: openblas_get_config (+ the 64_ suffix of ILP64 builds, + scipy_ prefix of the
#: scipy-openblas wheels); MKL (oneMKL developer reference): MKL_Get_Version,
#: MKL_Set_Interface_Layer, the ILP64 "_64" entry points of oneMKL 2023+; BLIS: bli_info_*;
#: FlexiBLAS: flexiblas_current_backend; ArmPL: armplversion; NVPL: nvpl_blas_get_version;
#: ATLAS: ATL_buildinfo; AOCL-BLAS (AMD's BLIS): bli_aocl_get_version... is not documented
#: as stable, so AOCL is recognised by its version string instead.
SYMBOLS = [
    "dgemm_", "dgemm_64_", "dgemm_64", "cblas_dgemm", "cblas_dgemm64_", "cblas_dgemm_64",
    "openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config",
    "scipy_openblas_get_config64_", "scipy_dgemm_", "scipy_dgemm_64_",
    "MKL_Get_Version", "MKL_Set_Interface_Layer",
    "bli_info_get_version_str", "bli_info_get_blas_int_type_size",
    "flexiblas_current_backend", "armplversion", "nvpl_blas_get_version", "ATL_buildinfo",
]
#: Version strings in read-only data: OpenBLAS's build configuration ("OpenBLAS 0.3.21
#: USE64BITINT DYNAMIC_ARCH ...", driver/others/openblas_get_config.c), AOCL-BLAS's banner,
#: BLIS's error-message prefix (Debian's BLIS libblas.so.3 exports no bli_* symbol).
OPENBLAS_STRINGS = ["OpenBLAS 0.", "OpenBLAS 1."]
OTHER_STRINGS = ["AOCL-BLAS ", "AOCL BLAS ", "libblis: "]
#: The configuration string is one literal per library (openblas_get_config.c), and
#: _rules reads the first one: one hit per pattern is enough.
OPENBLAS_LIMITS = {"max_strings": 1}
#: One level of subfolders of the standard library folders: Debian/Ubuntu install each
#: alternative of libblas.so.3 in its own folder (openblas-pthread, blis-openmp, blas, atlas).
SUBDIRS = ["openblas*", "blis*", "blas", "blas64", "atlas", "flexiblas*"]


def probe() -> dict:
    """Raw facts: platform, CPU vendor, relevant environment, and the library scan."""
    facts: dict = {"platform": platform_facts()}
    env = {}
    for name in (PREFER_ENV, PREFIX_ENV, "CONDA_PREFIX", "VIRTUAL_ENV"):
        try:
            value = sysio.getenv(name)
        except Exception:
            value = None
        if isinstance(value, str) and value:
            env[name] = value
    facts["env"] = env
    facts["cpu_vendor"] = _cpu_vendor()
    if facts["platform"]["system"] == "Darwin":
        facts["macos_version"] = _macos_version()
    try:
        from provider_runtime import libscan

        prefixes = libscan.target_prefixes([env.get("VIRTUAL_ENV"), env.get(PREFIX_ENV)])
        scan = libscan.scan(
            [
                # One string per pattern, "OpenBLAS 1." only where "OpenBLAS 0." is missing:
                # the search ends at the build configuration string instead of reading the
                # rest of .rodata for a 1.x that no release is yet (libscan first-hit mode).
                {"patterns": OPENBLAS_NAMES, "symbols": SYMBOLS, "strings_for": _openblas_strings,
                 "limits": OPENBLAS_LIMITS},
                {"patterns": BLIS_NAMES, "symbols": SYMBOLS, "strings": OTHER_STRINGS},
                {"patterns": OTHER_NAMES, "symbols": SYMBOLS},
                {"patterns": ["Accelerate"]},
            ],
            prefixes=prefixes,
            subdirs=SUBDIRS,
            frameworks=["Accelerate"],
        )
        facts["locations"] = scan["locations"]
        facts["libraries"] = scan["libraries"]
    except Exception as exc:  # never raise from the seam: no scan is a fact too
        facts["scan_error"] = f"{type(exc).__name__}: {exc}"[:300]
        facts["locations"] = []
        facts["libraries"] = []
    return facts



def _openblas_strings(record: dict) -> list:
    """libscan ``strings_for``: the OpenBLAS version patterns one at a time, so that the
    first that is found ends the search (every OpenBLAS-named file: a build without the
    openblas_get_config export is still recognised by its configuration string)."""
    return [[p] for p in OPENBLAS_STRINGS]


def _cpu_vendor() -> str | None:
    """``vendor_id`` of /proc/cpuinfo (its first lines suffice), e.g. GenuineIntel."""
    text = sysio.read_text("/proc/cpuinfo", 4096)
    if not isinstance(text, str):
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("vendor_id", "CPU implementer"):
            return value.strip() or None
    return None


def _macos_version() -> str | None:
    """ProductVersion of /System/Library/CoreServices/SystemVersion.plist (what
    platform.mac_ver() reads), e.g. "14.4.1"."""
    text = sysio.read_text("/System/Library/CoreServices/SystemVersion.plist", 1 << 16)
    if not isinstance(text, str):
        return None
    at = text.find("<key>ProductVersion</key>")
    start = text.find("<string>", at)
    end = text.find("</string>", start)
    if at < 0 or start < 0 or end < 0:
        return None
    return text[start + 8 : end].strip()[:32] or None
