"""Pure functions from raw facts (library records, launchers, environment) to variant features:
no I/O, any input accepted.

Features, in order (the first dominates installers' sorting):

1. ``abi`` - MPI ABI families a wheel can link against here, most preferred first. ``mpiabi``
   (MPI-5.0 standard ABI, ``libmpi_abi.so.1``), ``mpich`` (the ``libmpi.so.12`` family: MPICH,
   Intel MPI, MVAPICH, HPE Cray MPICH), ``openmpi`` (``libmpi.so.40``: Open MPI >= 3.0);
   Windows: ``msmpi``, ``impi``. The spellings are mpi4py's ABI family names.
2. ``implementation`` - the MPI implementations present, most preferred first (for wheels
   built against one implementation's extensions).
3. ``openmpi_version`` - major-version floors up to the newest Open MPI found.
4. ``mpich_version`` - major-version floors up to the newest MPICH (MPICH itself, not its
   derivatives) found.

Preference (see :func:`rank`): what the user set up to run comes first - ``MPI4PY_MPIABI``,
then ``MPI4PY_LIBMPI``, then the implementation whose ``mpiexec`` is first on ``PATH``, then
what ``LD_LIBRARY_PATH``, an installation variable (``I_MPI_ROOT``, ``MPI_HOME``, ``MPI_ROOT``,
``CRAY_MPICH_DIR``, ``MSMPI_BIN``) or a loaded environment module points at; then the rest in
mpi4py's own search order (the Python environment's ``lib`` first, then the loader's order).
Ties (one implementation shipping two ABIs) go to the family order of :data:`FAMILIES`.
"""

from provider_runtime import FeatureConfig
from provider_runtime.librecords import (
    arch_ok as _arch_ok,
    as_dict as _dict,
    as_list as _list,
    as_str as _str,
    base_name as _base,
    found_in,
    host_arch,
    location_notes,
    scrub_home,
    str_list as _strs,
)

#: ABI families, in the tie-break order (the MPI-5 standard ABI first: any implementation of it
#: serves a wheel built for it). Later versions may only append.
FAMILIES = ("mpiabi", "mpich", "openmpi", "msmpi", "impi")
POSIX_FAMILIES = ("mpiabi", "mpich", "openmpi")
WINDOWS_FAMILIES = ("msmpi", "impi")
IMPLEMENTATIONS = ("mpich", "openmpi", "intelmpi", "mvapich", "craympich", "msmpi", "spectrum")
#: Open MPI 1.x (2005) .. 5.x; up to 9 so that new majors need no new provider release.
OPENMPI_MAJORS = tuple(str(n) for n in range(9, 0, -1))
#: MPICH 3.0 (2012, the first release named MPICH rather than MPICH2) .. 5.x, up to 9.
MPICH_MAJORS = tuple(str(n) for n in range(9, 2, -1))

#: Sonames' stems (before ".so.N" / ".N.dylib") of the MPICH ABI family at major version 12.
#: Source: the MPICH ABI Compatibility Initiative (MPICH >= 3.1, Intel MPI >= 5.0, MVAPICH2 >=
#: 2.0, Cray MPT >= 7.0): libmpi.so.12; Debian names MPICH's file libmpich.so.12 and HPE Cray
#: libmpi_cray.so.12 / libmpi_<compiler>_<ver>.so.12 (same ABI, with a lib-abi-mpich copy).
MPICH_ABI_STEMS = ("libmpi", "libmpich")
CRAY_STEMS = (
    "libmpi_cray",
    "libmpi_gnu",
    "libmpi_intel",
    "libmpi_amd",
    "libmpi_aocc",
    "libmpi_nvidia",
    "libmpich_",
)
#: Open MPI's libmpi.so.40.<age>.<rev>: Open MPI's VERSION file sets libmpi_so_version to
#: 40:x:0 (3.0.x), 50:x:10 (3.1.x), 60:x:20 (4.0.x), 70:x:30 (4.1.x), 80:x:40 (5.0.x); libtool
#: names the file .so.(current-age).(age).(revision). A fallback when no string gives the version.
OPENMPI_AGE_MAJOR = {0: 3, 10: 3, 20: 4, 30: 4, 40: 5}

#: Launcher file names that say whose mpiexec it is (Debian alternatives, Open MPI's orterun/
#: prterun, MPICH/Intel/MVAPICH's Hydra).
LAUNCHER_HINTS = {
    "mpiexec.openmpi": "openmpi",
    "mpirun.openmpi": "openmpi",
    "orterun": "openmpi",
    "prterun": "openmpi",
    "prte": "openmpi",
    "mpiexec.mpich": "mpich",
    "mpirun.mpich": "mpich",
    "mpiexec.hydra": "hydra",
    "mpiexec.mvapich": "mvapich",
    "mpirun_rsh": "mvapich",
}
HINT_MATCHES = {
    "openmpi": ("openmpi", "spectrum"),
    "mpich": ("mpich",),
    "hydra": ("mpich", "intelmpi", "mvapich"),
    "mvapich": ("mvapich",),
    "msmpi": ("msmpi",),
}
#: Environment-module names (Lmod / Environment Modules ``LOADEDMODULES``) -> implementation,
#: first match wins (cray-mpich before mpich). Spack/EasyBuild/vendor spellings.
MODULE_KEYWORDS = (
    ("cray-mpich", "craympich"),
    ("mvapich", "mvapich"),
    ("intel-mpi", "intelmpi"),
    ("intel-oneapi-mpi", "intelmpi"),
    ("impi", "intelmpi"),
    ("intelmpi", "intelmpi"),
    ("spectrum", "spectrum"),
    ("openmpi", "openmpi"),
    ("open-mpi", "openmpi"),
    ("hpcx", "openmpi"),
    ("mpich", "mpich"),
)
#: Installation variables, in the order they rank among themselves.
ROOT_VARS = ("I_MPI_ROOT", "CRAY_MPICH_DIR", "MPI_HOME", "MPI_ROOT", "MSMPI_BIN")
#: mpi4py's search order without MPI4PY_LIBMPI: the Python environment's lib folder, then the
#: dynamic loader's default (mpi4py/_mpiabi.py, _dlopen_rpath), then everything else.
DEFAULT_LOCATION_ORDER = (
    "python-env",
    "site-packages",
    "conda",
    "LD_LIBRARY_PATH",
    "ld.so.cache",
    "standard",
    "DYLD_LIBRARY_PATH",
    "DYLD_FALLBACK_LIBRARY_PATH",
    "PATH",
)
MPI_ENTRY_POINTS = ("MPI_Init", "MPI_Get_library_version")


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version of the provider knows."""
    return [
        FeatureConfig("abi", list(FAMILIES)),
        FeatureConfig("implementation", list(IMPLEMENTATIONS)),
        FeatureConfig("openmpi_version", list(OPENMPI_MAJORS)),
        FeatureConfig("mpich_version", list(MPICH_MAJORS)),
    ]


def _norm(path: str, windows: bool) -> str:
    path = path.replace("\\", "/")
    return path.lower() if windows else path


def split_name(name: str) -> tuple[str, int | None]:
    """``(stem, major)`` of a library file name: ``libmpi.so.40.30.4`` -> ``("libmpi", 40)``,
    ``libmpi.12.dylib`` -> ``("libmpi", 12)``, ``msmpi.dll`` -> ``("msmpi", None)``."""
    name = _base(name)
    major = None
    if ".so." in name:
        stem, rest = name.split(".so.", 1)
        head = rest.split(".", 1)[0]
    elif name.endswith(".so"):
        stem, head = name[:-3], ""
    elif name.endswith(".dylib"):
        stem, _, head = name[:-6].partition(".")
        head = head.split(".", 1)[0]
    elif name.endswith(".dll"):
        stem, head = name[:-4], ""
    else:
        stem, head = name, ""
    if head.isdigit() and len(head) <= 4:
        major = int(head)
    return stem, major


def parse_version(text: str, start: int = 0) -> tuple[int, ...] | None:
    """The dotted version that begins at ``text[start]`` (``"5.0.11rc1"`` -> ``(5, 0, 11)``);
    None unless it has at least a major and a minor number."""
    parts: list[int] = []
    digits = ""
    i = start
    while i < len(text) and len(parts) < 3:
        ch = text[i]
        if "0" <= ch <= "9" and len(digits) < 6:
            digits += ch
        elif ch == "." and digits:
            parts.append(int(digits))
            digits = ""
        else:
            break
        i += 1
    if digits and len(parts) < 3:
        parts.append(int(digits))
    return tuple(parts) if len(parts) >= 2 else None


def _versions_after(texts: list[str], marker: str) -> list[tuple[int, ...]]:
    out = []
    for text in texts[:8]:
        text = text[:4096]  # a version sits near its marker; a hostile string costs no more
        at = text.find(marker)
        tries = 0
        while at >= 0 and tries < 16:
            v = parse_version(text, at + len(marker))
            if v:
                out.append(v)
            at = text.find(marker, at + 1)
            tries += 1
    return out


def library_version(impl: str | None, rec: dict) -> tuple[int, ...] | None:
    """Version of an Open MPI or MPICH library from the strings read out of it (see
    ``_probe.STRINGS``), or Open MPI's from its libtool file name; None when unknown."""
    strings = _dict(rec.get("strings"))
    if impl == "openmpi":
        found = _versions_after(_strs(strings.get("Whether this ")), "Whether this ")
        found += _versions_after(_strs(strings.get("/openmpi-")), "/openmpi-")
        if found:
            return max(found)
        for key in ("realpath", "path"):
            name = _base(_str(rec.get(key)))
            if name.startswith("libmpi.so.40."):
                age = name.split(".")[3]
                if age.isdigit() and int(age) in OPENMPI_AGE_MAJOR:
                    return (OPENMPI_AGE_MAJOR[int(age)],)
    elif impl == "mpich":
        found = _versions_after(_strs(strings.get("/mpich-")), "/mpich-")
        if found:
            return max(found)
    return None


def parse_library_version(text: object) -> tuple[str | None, tuple[int, ...] | None]:
    """``(implementation, version)`` from what ``MPI_Get_library_version`` returns (used by
    ``--report --query-library``), e.g. ``"Open MPI v4.1.4, package: ..."`` ->
    ``("openmpi", (4, 1, 4))``. Banners: Open MPI "Open MPI v"; MPICH "MPICH Version:";
    Intel "Intel(R) MPI Library <ver>"; MVAPICH "MVAPICH2 Version" / "MVAPICH Version";
    HPE Cray "CRAY MPICH version"; IBM "IBM Spectrum MPI"; MS-MPI "Microsoft MPI"."""
    text = _str(text)[:65536]
    markers = (
        ("CRAY MPICH version", "craympich"),
        ("MVAPICH2 Version", "mvapich"),
        ("MVAPICH Version", "mvapich"),
        ("Intel(R) MPI Library", "intelmpi"),
        ("IBM Spectrum MPI", "spectrum"),
        ("Microsoft MPI", "msmpi"),
        ("Open MPI v", "openmpi"),
        ("MPICH Version:", "mpich"),
    )
    for marker, impl in markers:
        at = text.find(marker)
        if at < 0:
            continue
        i = at + len(marker)
        # skip separators (":", tabs, spaces, "Version") up to the first digit, within the line
        while i < len(text) and i < at + len(marker) + 40 and text[i] != "\n" and not text[i].isdigit():
            i += 1
        return impl, parse_version(text, i)
    return None, None


# -- identification of one record ------------------------------------------------------------


def identify(rec: object) -> tuple[str | None, str | None, str]:
    """``(implementation, abi_family, why)`` of one library record; both None when the record
    is not a usable MPI library (skipped, no MPI entry points)."""
    rec = _dict(rec)
    if rec.get("error") is not None:
        return None, None, f"skipped: {_str(rec.get('error')) or 'error'}"
    symbols = set(_strs(rec.get("symbols")))
    if not symbols & set(MPI_ENTRY_POINTS):
        return None, None, "exports no MPI entry point (MPI_Init)"
    strings = _dict(rec.get("strings"))
    has = lambda key: bool(_strs(strings.get(key)))  # noqa: E731
    soname = _base(_str(rec.get("soname")))
    name = soname or _base(_str(rec.get("realpath"))) or _base(_str(rec.get("path")))
    stem, major = split_name(name)
    if not soname:
        # no soname (PE, or an ELF without one): the file names the loader would use
        for key in ("path", "realpath"):
            s, m = split_name(_str(rec.get(key)))
            if m is not None:
                stem, major = s, m
                break

    if "MSMPI_Get_version" in symbols or stem == "msmpi":
        impl, why = "msmpi", "exports MSMPI_Get_version" if "MSMPI_Get_version" in symbols else "msmpi.dll"
    elif stem == "libmpi_ibm":
        impl, why = "spectrum", "IBM Spectrum MPI's libmpi_ibm"
    elif "ompi_mpi_comm_self" in symbols:
        impl, why = "openmpi", "exports ompi_mpi_comm_self"
    elif "I_MPI_Check_image_status" in symbols or has("Intel(R) MPI Library") or stem == "impi":
        impl, why = (
            "intelmpi",
            (
                "exports I_MPI_Check_image_status"
                if "I_MPI_Check_image_status" in symbols
                else "Intel(R) MPI Library banner / impi.dll"
            ),
        )
    elif has("MVAPICH"):
        impl, why = "mvapich", "MVAPICH banner"
    elif (
        has("CRAY MPICH")
        or stem.startswith(CRAY_STEMS)
        or any("/cray/pe/mpich/" in p or "/lib-abi-mpich/" in p for p in _paths(rec, False))
    ):
        impl, why = "craympich", "HPE Cray MPICH (banner / library name)"
    elif has("MPICH Version") or has("/mpich-") or "MPII_Version_string" in symbols:
        impl, why = "mpich", "MPICH banner / MPII_Version_string"
    else:
        impl, why = None, "MPI library of unknown implementation"

    family = None
    if stem in ("msmpi", "impi"):
        family = "msmpi" if impl == "msmpi" else "impi"  # mpi4py: MSMPI_Get_version or not
    elif stem == "libmpi_abi":
        if major == 1 and "MPI_Abi_get_version" in symbols:
            family = "mpiabi"
        else:
            why += f"; {name}: not the MPI-5 ABI libmpi_abi.so.1 with MPI_Abi_get_version"
    elif impl in ("openmpi", "spectrum"):
        if stem == "libmpi" and major == 40:
            family = "openmpi"
        else:
            why += f"; {name} is not the Open MPI >= 3.0 ABI (libmpi.so.40)"
    elif major == 12 and (stem in MPICH_ABI_STEMS or impl == "craympich"):
        family = "mpich"
    else:
        why += f"; {name}: no ABI family (wants libmpi.so.12 or libmpi_abi.so.1)"
    return impl, family, why


# -- preference --------------------------------------------------------------------------


def _platform(facts: dict) -> tuple[str, str]:
    return _str(_dict(facts.get("platform")).get("system")), host_arch(facts)


def _paths(rec: dict, windows: bool) -> list[str]:
    out = [_str(rec.get("path")), _str(rec.get("realpath"))]
    out += [_str(_dict(f).get("path")) for f in _list(rec.get("found"))]
    return [_norm(p, windows) for p in out if p]


def mpiabi_family(value: str, windows: bool) -> str | None:
    """The family named by ``MPI4PY_MPIABI`` as mpi4py parses it: an optional ``mpi<MAJOR><MINOR>``
    prefix and a family (``mpich``, ``openmpi``, ``mpi31-openmpi``, ``mpi50-mpich``, ``msmpi``,
    ``impi``); a version >= 5.0 without a family (``mpi50``), or ``mpiabi``, is the standard
    ABI. None when it names nothing this platform has."""
    s = value.strip().lower().lstrip(".")
    version = ""
    if s.startswith("mpi") and s[3:4].isdigit():
        i = 3
        while i < len(s) and s[i].isdigit():
            i += 1
        version, s = s[3:i], s[i:]
    s = s.strip("-_. ")
    if s in ("mpiabi", "abi") or (not s and version[:1].isdigit() and int(version[:1]) >= 5):
        family = "mpiabi"
    else:
        family = s
    allowed = WINDOWS_FAMILIES if windows else POSIX_FAMILIES
    return family if family in allowed else None


def _module_impls(value: str) -> list[str]:
    out = []
    for module in value.split(":")[:200]:
        name = module.split("/", 1)[0].lower()
        for keyword, impl in MODULE_KEYWORDS:
            if keyword in name:
                if impl not in out:
                    out.append(impl)
                break
    return out


def launcher_matches(launcher: object, entries: list, windows: bool) -> tuple[list[int], str]:
    """Indexes into ``entries`` (``(rec, impl, family)``) of the libraries that belong to the
    ``mpiexec`` described by ``launcher``, and why. A launcher belongs to the installation whose
    prefix holds it (``<prefix>/bin/mpiexec`` -> libraries under ``<prefix>/lib*`` or ``bin``);
    its file name (or a symlink's target: Debian's alternatives) narrows the implementation."""
    launcher = _dict(launcher)
    path = _str(launcher.get("path"))
    if not path:
        return [], "no mpiexec on PATH"
    hops = [path] + _strs(launcher.get("chain"))[:16]
    hint = None
    for hop in hops:
        hint = LAUNCHER_HINTS.get(_base(hop)) or hint
    if windows and "microsoft mpi" in path.lower():
        hint = "msmpi"
    allowed = HINT_MATCHES.get(hint) if hint else None
    prefixes = []
    for hop in hops:
        folder = _norm(hop, windows).rsplit("/", 2)[0]
        if folder and folder not in prefixes:
            prefixes.append(folder)
    hits = []
    for i, (rec, impl, _family) in enumerate(entries):
        if allowed is not None and impl not in allowed:
            continue
        if hint == "msmpi":
            hits.append(i)
            continue
        for p in _paths(rec, windows):
            if any(
                p.startswith(pre + "/") and p[len(pre) + 1 :].startswith(("lib", "bin")) for pre in prefixes
            ):
                hits.append(i)
                break
    impls = {entries[i][1] for i in hits}
    if len(impls) > 1:
        names = ", ".join(sorted(map(str, impls)))
        return [], f"mpiexec {path}: its prefix holds several implementations ({names}), its name no hint"
    if not hits:
        return [], f"mpiexec {path}" + (f" ({hint})" if hint else "") + ": no library found under its prefix"
    return hits, f"mpiexec {path} first on PATH" + (f" ({hint} launcher)" if hint else "")


def _libmpi_match(rec: dict, entries: list[str], windows: bool) -> int | None:
    """Position in ``MPI4PY_LIBMPI`` of the first entry naming this record (a file, a folder
    holding it, or a bare file name the loader resolves)."""
    paths = _paths(rec, windows)
    names = {_base(p) for p in paths} | {_base(_str(rec.get("soname")))}
    for pos, entry in enumerate(entries):
        if "/" in entry or "\\" in entry:
            e = _norm(entry, windows).rstrip("/")
            if any(p == e or (p.startswith(e + "/") and "/" not in p[len(e) + 1 :]) for p in paths):
                return pos
            # the soname link beside the real file (merged /usr: found as /lib/..., named /usr/lib/...)
            folder, _, name = e.rpartition("/")
            real = _norm(_str(rec.get("realpath")), windows)
            if name in names and real.rpartition("/")[0] == folder:
                return pos
        elif entry.lower() in names:
            return pos
    return None


def rank(facts: dict, entries: list, explain_notes=None) -> list[tuple]:
    """Sort key per entry ``(rec, impl, family)``: (level, order, family index). Levels:
    0 ``MPI4PY_MPIABI`` family, 1 ``MPI4PY_LIBMPI``, 2 first ``mpiexec`` on PATH,
    3 ``LD_LIBRARY_PATH`` / installation variable / loaded module, 4 the rest (mpi4py's order)."""
    system, _host = _platform(facts)
    windows = system == "Windows"
    env = _dict(facts.get("env"))
    note = explain_notes if explain_notes is not None else None
    keys: list[list] = [[4, 999, 0] for _ in entries]
    # 4: mpi4py's default order, by the best location a file was found in
    for i, (rec, _impl, _family) in enumerate(entries):
        best = 999
        for f in _list(rec.get("found")):
            label = _str(_dict(f).get("location"))
            pos = DEFAULT_LOCATION_ORDER.index(label) if label in DEFAULT_LOCATION_ORDER else 50
            best = min(best, pos)
        keys[i][1] = best
    # 3: the environment points at it
    ld_dirs: list[str] = []
    for loc in _list(facts.get("locations")):
        if _str(_dict(loc).get("label")) == "LD_LIBRARY_PATH":
            ld_dirs = [_norm(d, windows).rstrip("/") for d in _strs(_dict(loc).get("dirs"))]
    modules = _module_impls(_str(env.get("LOADEDMODULES")))
    for i, (rec, impl, _family) in enumerate(entries):
        order = None
        for f in _list(rec.get("found")):
            f = _dict(f)
            label, path = _str(f.get("location")), _norm(_str(f.get("path")), windows)
            if label == "LD_LIBRARY_PATH":
                folder = path.rsplit("/", 1)[0]
                pos = ld_dirs.index(folder) if folder in ld_dirs else 99
                order = pos if order is None else min(order, pos)
            elif label.startswith("extra:") and label[6:] in ROOT_VARS:
                pos = 100 + ROOT_VARS.index(label[6:])
                order = pos if order is None else min(order, pos)
        if impl in modules:
            pos = 200 + modules.index(impl)
            order = pos if order is None else min(order, pos)
        if order is not None:
            keys[i][:2] = [3, order]
    # 2: the first mpiexec on PATH
    launchers = _list(facts.get("launchers"))
    if launchers:
        hits, why = launcher_matches(launchers[0], entries, windows)
        for i in hits:
            keys[i][:2] = [2, 0]
        if note is not None:
            note(("abi", why))
    elif note is not None:
        note(("abi", "no mpiexec on PATH"))
    # 1: MPI4PY_LIBMPI
    sep = ";" if windows else ":"
    libmpi = [e for e in _str(env.get("MPI4PY_LIBMPI")).split(sep) if e][:32]
    if libmpi:
        for i, (rec, _impl, _family) in enumerate(entries):
            pos = _libmpi_match(rec, libmpi, windows)
            if pos is not None:
                keys[i][:2] = [1, pos]
    # 0: MPI4PY_MPIABI
    forced = mpiabi_family(_str(env.get("MPI4PY_MPIABI")), windows) if env.get("MPI4PY_MPIABI") else None
    for i, (_rec, _impl, family) in enumerate(entries):
        if forced and family == forced:
            keys[i][:2] = [0, 0]
        keys[i][2] = FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
    return [tuple(k) for k in keys]


LEVEL_WORDS = (
    "MPI4PY_MPIABI",
    "MPI4PY_LIBMPI",
    "first mpiexec on PATH",
    "environment (LD_LIBRARY_PATH / installation variable / module)",
    "mpi4py's default search order",
)


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this environment supports, from its facts; never raises on odd input."""
    note = explain.append if explain is not None else None
    facts = _dict(facts)
    system, host = _platform(facts)
    windows = system == "Windows"
    allowed_families = WINDOWS_FAMILIES if windows else POSIX_FAMILIES
    if explain is not None:
        explain.extend(location_notes(facts))
    entries = []
    for rec in _list(facts.get("libraries"))[:1024]:
        rec = _dict(rec)
        impl, family, why = identify(rec)
        path = _str(rec.get("path")) or "?"
        if impl is None and family is None:
            if note is not None:
                note(("", f"{path}: {why}"))
            continue
        if not _arch_ok(rec, host):
            if note is not None:
                note(
                    (
                        "abi",
                        f"{path}: {impl or 'MPI'} for {rec.get('machine')}, not this {host} machine: ignored",
                    )
                )
            continue
        if family not in allowed_families:
            family = None
        entries.append((rec, impl, family))
        if note is not None:
            where = found_in(rec)
            note(
                (
                    "implementation",
                    f"{path} [{where}]: {impl or 'unknown implementation'}, ABI {family or 'none'}: {why}",
                )
            )
    keys = rank(facts, entries, note)
    order = sorted(range(len(entries)), key=lambda i: (keys[i], i))
    families: list[str] = []
    env = _dict(facts.get("env"))
    forced = mpiabi_family(_str(env.get("MPI4PY_MPIABI")), windows) if env.get("MPI4PY_MPIABI") else None
    if forced:
        families.append(forced)
    if note is not None and env.get("MPI4PY_MPIABI"):
        note(
            (
                "abi",
                f"MPI4PY_MPIABI={_str(env.get('MPI4PY_MPIABI'))!r}: "
                + (
                    f"{forced} first (mpi4py uses this family whatever is found)"
                    if forced
                    else "names no ABI family of this platform: ignored"
                ),
            )
        )
    impls: list[str] = []
    for i in order:
        _rec, impl, family = entries[i]
        if family and family not in families:
            families.append(family)
            if note is not None:
                note(("abi", f"{family}: {_str(_rec.get('path'))} ({LEVEL_WORDS[keys[i][0]]})"))
        if impl and impl not in impls:
            impls.append(impl)
    out = []
    if families:
        out.append(FeatureConfig("abi", families))
    elif note is not None:
        note(("abi", "no MPI library with a known ABI found"))
    if impls:
        out.append(FeatureConfig("implementation", impls))
    elif note is not None:
        note(("implementation", "no MPI implementation identified"))
    for feature, impl, values in (
        ("openmpi_version", "openmpi", OPENMPI_MAJORS),
        ("mpich_version", "mpich", MPICH_MAJORS),
    ):
        versions = [v for rec, im, _f in entries if im == impl for v in [library_version(impl, rec)] if v]
        if not versions:
            if note is not None:
                note((feature, f"no {impl} library with a readable version"))
            continue
        newest = max(versions)
        supported = [v for v in values if int(v) <= newest[0]]
        if supported:
            out.append(FeatureConfig(feature, supported))
        if note is not None:
            note((feature, f"newest {impl}: {'.'.join(map(str, newest))}"))
    return out


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    from provider_runtime.facts import check_fields

    problems = check_fields(
        facts,
        {
            "platform": (dict,),
            "libraries": (list,),
            "locations": (list,),
            "env": (dict,),
            "launchers": (list,),
            "scan_error": (str, None),
        },
    )
    if isinstance(facts, dict):
        for key in ("libraries", "launchers"):
            for i, item in enumerate(_list(facts.get(key))):
                if not isinstance(item, dict):
                    problems.append(
                        f"field 'facts.{key}[{i}]' must be an object, found {type(item).__name__}"
                    )
    return problems


#: ``--record`` replaces the user's home folder in recorded text by ``~``.
scrub = scrub_home
