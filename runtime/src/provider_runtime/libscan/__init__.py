"""Find shared libraries where the loader and the Python environment would, and identify each
by reading its file - never by loading it.

Used by probes of library-based providers (``blas_lapack``, ``mpi``). Standard library only;
importing it costs ``struct`` and ``time`` and the small modules of this package (no ``re``,
no ``fnmatch``, no ``ctypes``, no subprocess). Every file read goes through
``provider_runtime.sysio.read_bytes`` / ``sysio.listdir`` (called through the module, so the
conformance harness can inject faults); nothing here raises for a missing, odd or hostile
file: it becomes a record with an ``"error"``.

Stable API
==========

``default_locations(*, system=None, machine=None, env=None, prefixes=None, extra=(),
subdirs=(), frameworks=(), root="") -> list[dict]``
    The labelled search locations, in the loader's order. Each is
    ``{"label": str, "kind": "dirs" | "ldcache" | "frameworks", "dirs": [str, ...]}``
    (``"path"`` for the cache). Linux: ``LD_LIBRARY_PATH``, ``ld.so.cache``, ``standard``
    (``/lib``, ``/usr/lib``, ``lib64``, multiarch dirs, ``/usr/local/lib``; plus one level of
    subdirectories whose names match ``subdirs``, e.g. Debian's ``openblas-pthread``),
    ``conda`` (``$CONDA_PREFIX/lib``), ``python-env`` (``<prefix>/lib`` of each target
    prefix) and ``site-packages`` (``<pkg>/lib``, ``<pkg>/.dylibs``, ``*.libs`` dirs of
    wheels, e.g. ``scipy_openblas32/lib``, ``numpy.libs``), then each ``extra`` entry.
    macOS: ``DYLD_LIBRARY_PATH``, ``DYLD_FALLBACK_LIBRARY_PATH`` (default ``/usr/local/lib``,
    ``/usr/lib``), ``frameworks`` (``/System/Library/Frameworks``, ``/Library/Frameworks``:
    the names in ``frameworks``), conda, python-env, site-packages, extra. Windows: ``PATH``,
    conda (``Library/bin``), python-env (``<prefix>/Library/bin``, ``<prefix>/DLLs``),
    site-packages, extra.
    ``system`` is ``"linux" | "darwin" | "win32"`` (default ``sys.platform``); ``env`` a
    mapping (default: ``sysio.getenv``); ``prefixes`` the target environments' prefixes
    (default: ``sys.prefix`` and ``$VIRTUAL_ENV``); ``extra`` ``[(label, dir), ...]`` from the
    caller (e.g. ``("I_MPI_ROOT", "/opt/intel/mpi/lib")``); ``root`` prefixes every absolute
    system path (tests build a fake file system under a temporary folder).

``find_candidates(patterns, locations=None, **location_kwargs) -> list[dict]``
    For each location: ``{"label", "dirs", "candidates": [path, ...], "ms"}`` - the files whose
    names match one of the fnmatch-style ``patterns`` (``"libopenblas*.so*"``,
    ``"libmpi.so.*"``; matched case-insensitively on Windows). Lists directories only; reads
    no library.

``read_library(path, *, symbols=(), prefixes=(), strings=(), strings_for=None, limits...) -> dict``
    The record of one file (JSON-native)::

        {"path", "realpath", "size", "format": "elf" | "macho" | "pe" | "framework" | None,
         "bits", "byteorder", "machine", "soname", "needed": [...],
         "symbols": [...],           # only the wanted ones: in ``symbols`` or with a prefix
         "strings": {pattern: [...]}, # NUL-terminated strings containing each pattern
         "error": "reason"}          # present only when the file was skipped

    ``symbols`` alone are looked up through the ELF hash tables (cheap); ``prefixes`` need a
    walk of the whole dynamic symbol table (bounded by ``max_symbols``). ``strings`` are byte
    patterns searched in read-only data (``.rodata``; ``__TEXT,__cstring``; ``.rdata``),
    at most ``max_string_scan`` bytes, in 1 MiB chunks, keeping ``max_strings`` strings per
    pattern (a pattern's search ends at its ``max_strings``-th hit; a miss reads all of the
    read-only data). Reads are bounded by ``max_read`` bytes and ``max_calls`` calls per file;
    nothing is mapped or read whole. Limits are keyword arguments (keys of ``DEFAULT_LIMITS``).

    ``strings_for(record) -> [[pattern, ...], ...]`` decides the string search from what was
    read first: it is called with the record (soname, needed, symbols filled in; do not
    modify it) while the file is still open, and its groups of patterns are searched in order,
    each with the full ``max_string_scan``; the first group that finds anything ends the search
    and gives ``"strings"`` (``{}`` when none did or there were no groups). One read per file,
    and no string search at all where the symbols already settle the question. An exception
    in ``strings_for`` skips the file with ``"error": "strings_for failed (...)"``.

``scan(specs, locations=None, *, max_candidates=256, **location_kwargs) -> dict``
    ``find_candidates`` + ``read_library`` for every distinct file (by device and inode). ``specs`` is
    a list of ``{"patterns": [...], "symbols": [...], "prefixes": [...], "strings": [...],
    "strings_for": callable, "limits": {"max_strings": 1, ...}}`` (all but ``patterns``
    optional; ``strings_for`` and ``limits`` as for ``read_library``); the first spec whose
    patterns match a file's name says what to read from it, with its own limits. Returns
    ``{"locations": [{"label", "dirs", "candidates", "list_ms", "read_ms"}],
    "libraries": [record + {"found": [{"location", "path"}, ...]}]}``.

``target_prefixes(values) -> list[str]``
    ``sys.prefix``, then each entry of the ``os.pathsep``-separated strings in ``values``
    (e.g. ``$VIRTUAL_ENV`` and a provider's ``PROVIDER_<NAME>_PREFIX``), without repeats: the
    ``prefixes`` of the environments a provider is asked about.

``match(name, pattern)`` - the fnmatch-style matcher (without ``re``).

Helpers for a provider's rules (pure, over facts and records): ``provider_runtime.librecords``.

Limits: see README.md beside this file.
"""

import os
import sys
import time

from provider_runtime import sysio
from provider_runtime.libscan._glob import match, match_any

__all__ = ["default_locations", "find_candidates", "read_library", "scan", "target_prefixes", "match",
           "DEFAULT_LIMITS"]

#: Read limits per file (bytes fetched, read calls, symbols kept, strings kept per pattern,
#: bytes of read-only data searched, largest file considered).
DEFAULT_LIMITS = {
    "max_read": 48 << 20,
    "max_calls": 20_000,
    "max_symbols": 2000,
    "max_strings": 4,
    "max_string_scan": 32 << 20,
    "max_size": 4 << 30,
}

#: Debian/Ubuntu multiarch triplets by ``os.uname().machine`` (Debian's "Multiarch/Tuples").
MULTIARCH = {
    "x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu",
    "s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu", "i686": "i386-linux-gnu",
    "i386": "i386-linux-gnu", "armv7l": "arm-linux-gnueabihf", "loongarch64": "loongarch64-linux-gnu",
    "ppc64": "powerpc64-linux-gnu",
}
MAX_DIR_ENTRIES = 20_000
MAX_SITE_PACKAGES = 4000


def _machine() -> str:
    """This process's architecture, Windows' ``AMD64`` spelled as ELF hosts spell it."""
    from provider_runtime import platform_facts

    machine = platform_facts()["machine"]
    return machine.lower().replace("amd64", "x86_64") if sys.platform == "win32" else machine


def _getenv(env, name: str) -> str:
    try:
        value = sysio.getenv(name) if env is None else env.get(name)
    except Exception:
        return ""
    return value if isinstance(value, str) else ""


def _split(value: str, sep: str) -> list[str]:
    return [p for p in value.split(sep) if p and "\0" not in p]


#: Folder listings of the ``find_candidates`` call in progress (None outside one): the
#: standard folders are listed for their subfolders and again for their files, and the big
#: one (``/usr/lib/<triplet>``, thousands of names) dominated the listing cost.
_memo: dict | None = None


def _listdir(path: str) -> list[str]:
    """``sysio.listdir`` that also survives a replacement that raises (fault injection)."""
    memo = _memo
    if memo is not None and path in memo:
        return memo[path]
    try:
        names = sysio.listdir(path)
    except Exception:
        names = []
    if not isinstance(names, list):
        names = []
    if memo is not None:
        memo[path] = names
    return names


def _rooted(root: str, path: str) -> str:
    return root + path if root else path


def _site_dirs(prefix: str, system: str) -> list[str]:
    """site-packages folders of the environment at ``prefix``."""
    if system == "win32":
        return [os.path.join(prefix, "Lib", "site-packages")]
    out = []
    for lib in ("lib", "lib64"):
        base = os.path.join(prefix, lib)
        for name in _listdir(base):
            if name.startswith("python3"):
                site = os.path.join(base, name, "site-packages")
                out.append(site)
    return out


def _wheel_lib_dirs(site: str) -> list[str]:
    """Folders inside site-packages where wheels keep shared libraries: ``<pkg>/lib``
    (scipy-openblas), ``<pkg>/.dylibs`` (delocate), ``*.libs`` (auditwheel, delvewheel)."""
    out = []
    names = _listdir(site)[:MAX_SITE_PACKAGES]
    for name in names:
        if name.endswith((".dist-info", ".egg-info", ".pth", ".py", ".pyc", "__pycache__")):
            continue
        path = os.path.join(site, name)
        if name.endswith(".libs"):
            out.append(path)
            continue
        for sub in ("lib", ".dylibs"):
            inner = os.path.join(path, sub)
            if os.path.isdir(inner):
                out.append(inner)
    return out


def default_locations(*, system: str | None = None, machine: str | None = None, env=None,
                      prefixes=None, extra=(), subdirs=(), frameworks=(), root: str = "") -> list[dict]:
    """The labelled search locations, in the order the loader would look (see module doc)."""
    system = system or ("win32" if sys.platform.startswith("win") else sys.platform)
    if system.startswith("linux"):
        system = "linux"
    machine = machine or _machine()
    locs: list[dict] = []

    def dirs(label: str, paths, **more) -> None:
        seen, clean = set(), []
        for p in paths:
            if p and p not in seen:
                seen.add(p)
                clean.append(p)
        locs.append({"label": label, "kind": "dirs", "dirs": clean, **more})

    if prefixes is None:
        prefixes = [sys.prefix]
        venv = _getenv(env, "VIRTUAL_ENV")
        if venv:
            prefixes.append(venv)
    prefixes = [p for p in prefixes if isinstance(p, str) and p]
    conda = _getenv(env, "CONDA_PREFIX")

    if system == "linux":
        dirs("LD_LIBRARY_PATH", _split(_getenv(env, "LD_LIBRARY_PATH"), ":"))
        locs.append({"label": "ld.so.cache", "kind": "ldcache", "path": _rooted(root, "/etc/ld.so.cache"),
                     "dirs": [], "machine": machine})
        std = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64"]
        triplet = MULTIARCH.get(machine)
        if triplet:
            std[2:2] = [f"/lib/{triplet}", f"/usr/lib/{triplet}"]
            std.append(f"/usr/local/lib/{triplet}")
        std = [_rooted(root, d) for d in std]
        dirs("standard", _with_subdirs(_unique_real(std), subdirs))
    elif system == "darwin":
        dirs("DYLD_LIBRARY_PATH", _split(_getenv(env, "DYLD_LIBRARY_PATH"), ":"))
        fallback = _getenv(env, "DYLD_FALLBACK_LIBRARY_PATH")
        dirs("DYLD_FALLBACK_LIBRARY_PATH",
             _split(fallback, ":") if fallback else [_rooted(root, "/usr/local/lib"), _rooted(root, "/usr/lib")])
        fw_dirs = _split(_getenv(env, "DYLD_FRAMEWORK_PATH"), ":") + [
            _rooted(root, "/Library/Frameworks"), _rooted(root, "/System/Library/Frameworks")]
        locs.append({"label": "frameworks", "kind": "frameworks", "dirs": fw_dirs, "names": list(frameworks)})
    elif system == "win32":
        dirs("PATH", _split(_getenv(env, "PATH"), ";"))
    if conda:
        sub = ["Library/bin", "Library/lib"] if system == "win32" else ["lib"]
        dirs("conda", [os.path.join(conda, s) for s in sub])
    env_dirs, site_dirs = [], []
    for prefix in prefixes:
        if system == "win32":
            env_dirs += [os.path.join(prefix, "Library", "bin"), os.path.join(prefix, "DLLs")]
        else:
            env_dirs.append(os.path.join(prefix, "lib"))
        for site in _site_dirs(prefix, system):
            site_dirs += _wheel_lib_dirs(site)
    dirs("python-env", _unique_real(env_dirs))
    dirs("site-packages", _unique_real(site_dirs))
    for item in extra or ():
        try:
            label, path = item
        except (TypeError, ValueError):
            continue
        if isinstance(path, str) and path:
            dirs(f"extra:{label}", [path])
    return locs


def target_prefixes(values) -> list[str]:
    """``sys.prefix``, then every entry of the ``os.pathsep``-separated ``values`` (see module
    doc); non-strings and empty entries are ignored."""
    out = [sys.prefix]
    for value in values or ():
        for p in value.split(os.pathsep) if isinstance(value, str) else ():
            if p and p not in out:
                out.append(p)
    return out


def _identity(path: str):
    """(device, inode) of what ``path`` points to; the path itself when it cannot be stat'ed.
    One ``stat`` is much cheaper than ``os.path.realpath`` (an ``lstat`` per component)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return path
    return (st.st_dev, st.st_ino) if st.st_ino else path


def _unique_real(paths: list[str]) -> list[str]:
    """Drop folders that are the same as an earlier one (merged /usr: /lib -> /usr/lib)."""
    seen, out = set(), []
    for p in paths:
        key = _identity(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _with_subdirs(paths: list[str], patterns) -> list[str]:
    if not patterns:
        return paths
    test = _matcher(patterns, False)
    out = []
    for p in paths:
        out.append(p)
        for name in _listdir(p)[:MAX_DIR_ENTRIES]:
            if test(name) and os.path.isdir(os.path.join(p, name)):
                out.append(os.path.join(p, name))
    return out


def _literal_prefix(pattern: str) -> str:
    for i, ch in enumerate(pattern):
        if ch in "*?[":
            return pattern[:i]
    return pattern


def _matcher(patterns, fold: bool):
    pats = [p.lower() if fold else p for p in patterns if isinstance(p, str) and p]
    # Heads that another head starts ("libblas.so" after "libblas") prefilter nothing more;
    # fewer of them make each startswith test cheaper. Sorted: the same tuple in every run.
    every = sorted({_literal_prefix(p) for p in pats})
    heads = tuple(h for h in every if not any(h != o and h.startswith(o) for o in every))

    def test(name: str) -> bool:
        if fold:
            name = name.lower()
        # str.startswith with a tuple runs in C: most names of a big folder stop here.
        return name.startswith(heads) and match_any(name, pats)

    test.heads = heads  # type: ignore[attr-defined]  # the ld.so.cache reader prefilters with them
    test.fold = fold  # type: ignore[attr-defined]
    return test


def find_candidates(patterns, locations=None, **location_kwargs) -> list[dict]:
    """Files whose names match ``patterns``, per location (see module doc). Reads no file."""
    global _memo
    if _memo is None:
        _memo = {}
        try:
            return _find_candidates(patterns, locations, location_kwargs)
        finally:
            _memo = None
    return _find_candidates(patterns, locations, location_kwargs)


def _find_candidates(patterns, locations, location_kwargs) -> list[dict]:
    if locations is None:
        locations = default_locations(**location_kwargs)
    fold = location_kwargs.get("system", sys.platform) == "win32"
    test = _matcher(list(patterns), fold)
    out = []
    for loc in locations:
        t0 = time.perf_counter()
        found: list[str] = []
        problem = None
        try:
            _list_location(loc, test, found)
        except Exception as exc:  # a fault in one location costs that location only
            problem = f"{type(exc).__name__}: {exc}"[:200]
        seen: set = set()
        unique = [p for p in found if not (p in seen or seen.add(p))]
        entry = {"label": loc.get("label", "?"), "dirs": list(loc.get("dirs", ())),
                 "candidates": unique, "ms": round((time.perf_counter() - t0) * 1000, 3)}
        if problem:
            entry["error"] = problem
        out.append(entry)
    return out


def _list_location(loc: dict, test, found: list) -> None:
    kind = loc.get("kind")
    if kind == "ldcache":
        from provider_runtime.libscan import _ldcache

        # Prefilter on the soname's literal head: only when no head is empty (a "*" pattern)
        # and names are matched case-sensitively.
        heads = tuple(h.encode() for h in getattr(test, "heads", ()))
        if not heads or b"" in heads:
            heads = ()
        entries = _ldcache.read(loc.get("path", _ldcache.PATH), loc.get("machine"), heads)
        for soname, path in entries or ():
            if test(soname) or test(os.path.basename(path)):
                found.append(path)
    elif kind == "frameworks":
        names = set(loc.get("names") or ())
        for d in loc.get("dirs", ()):
            for entry in _listdir(d):
                if entry.endswith(".framework") and entry[:-10] in names:
                    found.append(os.path.join(d, entry, entry[:-10]))
    else:
        heads = getattr(test, "heads", ())
        fold = getattr(test, "fold", False)
        for d in loc.get("dirs", ()):
            names = _listdir(d)[:MAX_DIR_ENTRIES]
            if heads and not fold:
                # The literal heads in C first: a big folder's names mostly stop here.
                names = [n for n in names if n.startswith(heads)]
            for name in names:
                if test(name):
                    found.append(os.path.join(d, name))


def read_library(path: str, *, symbols=(), prefixes=(), strings=(), strings_for=None,
                 host_arch: str | None = None, **limits) -> dict:
    """Identify the library file at ``path`` by reading it (see module doc); never raises."""
    opts = dict(DEFAULT_LIMITS)
    opts.update({k: v for k, v in limits.items() if k in DEFAULT_LIMITS})
    record: dict = {"path": path, "realpath": None, "size": None, "format": None}
    try:
        _read(path, record, list(symbols), tuple(prefixes), _encode(strings), opts,
              host_arch or _machine(), strings_for)
    except RecursionError:  # pragma: no cover - nothing here recurses; belt and braces
        record["error"] = "malformed: recursion"
    except MemoryError:
        record["error"] = "malformed: needs too much memory"
    except Exception as exc:
        from provider_runtime.libscan._file import Bad

        if isinstance(exc, Bad):
            record["error"] = str(exc)
        else:
            record["error"] = f"malformed ({type(exc).__name__}: {exc})"[:300]
    if "error" in record:
        # A skipped file reports why, not half-read fields.
        for key in ("symbols", "strings"):
            record.pop(key, None)
    return record


def _encode(patterns) -> list[bytes]:
    """String patterns as bytes (``str`` is encoded as UTF-8), empty ones dropped."""
    return [p.encode() if isinstance(p, str) else p for p in patterns or () if p]


def _read(path, record, symbols, prefixes, strings, opts, host_arch, strings_for) -> None:
    import errno
    import stat

    from provider_runtime.libscan._file import Bad, BoundedFile

    if not isinstance(path, str) or not path or "\0" in path:
        raise Bad("not a path")
    try:
        record["realpath"] = os.path.realpath(path)
    except (OSError, ValueError):
        record["realpath"] = path
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Bad("symlink loop") from None
        if exc.errno == errno.ENOENT:
            if ".framework" in path and os.path.isdir(os.path.dirname(path)):
                return _framework(path, record)
            raise Bad("missing (dangling symlink?)") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Bad("unreadable (permission denied)") from None
        raise Bad(f"cannot stat ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise Bad("a directory, not a library")
    if not stat.S_ISREG(st.st_mode):
        raise Bad("not a regular file")
    record["size"] = st.st_size
    if st.st_size > opts["max_size"]:
        raise Bad(f"huge file ({st.st_size} bytes), not read")
    if st.st_size < 16:
        raise Bad(f"too small to be a library ({st.st_size} bytes)")
    f = BoundedFile(path, st.st_size, opts["max_read"], opts["max_calls"])
    try:
        ranges = _identify(f, st.st_size, record, symbols, prefixes, strings, opts, host_arch)
        if strings_for is not None:
            _search_groups(f, record, ranges, strings_for, opts)
    finally:
        f.close()


def _identify(f, size, record, symbols, prefixes, strings, opts, host_arch):
    """Dispatch on the file's magic to the ELF, PE or Mach-O reader, then search ``strings``
    in the read-only data the reader found; return the reader's ranges function."""
    from provider_runtime.libscan._file import Bad

    head = f.read(0, min(64, size))
    if head[:4] == b"\x7fELF":
        if len(head) < 52:
            raise Bad("truncated ELF header")
        from provider_runtime.libscan._elf import read_elf

        ranges = read_elf(f, head[:16], record, symbols, prefixes, opts)
    elif head[:2] == b"MZ":
        from provider_runtime.libscan._pe import read_pe

        ranges = read_pe(f, record, symbols, prefixes, opts)
    else:
        from provider_runtime.libscan import _macho

        if _macho.is_macho(head[:4]):
            ranges = _macho.read_macho(f, record, symbols, prefixes, opts, host_arch)
        elif head.lstrip().startswith((b"/*", b"GROUP", b"INPUT", b"OUTPUT_FORMAT")):
            raise Bad("a linker script, not a library")
        else:
            raise Bad("not a shared library (unknown format)")
    if strings:
        record["strings"] = f.search(ranges(), strings, opts)
    return ranges


def _search_groups(f, record: dict, ranges, strings_for, opts) -> None:
    """The second stage of a read: ``strings_for(record)`` (the record as read so far) names
    groups of patterns; they are searched in order in the still open file, and the first group
    that finds anything ends the search (see module doc)."""
    from provider_runtime.libscan._file import Bad

    try:
        groups = [_encode(g) for g in strings_for(record) or ()]
    except Exception as exc:  # the caller's function: a bug there skips this file, loudly
        raise Bad(f"strings_for failed ({type(exc).__name__}: {exc})"[:300]) from None
    hits: dict = {}
    found = None
    for group in groups:
        if group:
            found = found or ranges()
            hits = f.search(found, group, opts)
            if hits:
                break
    record["strings"] = hits


def _framework(path: str, record: dict) -> None:
    """A macOS framework whose binary is not on disk: since macOS 11 system frameworks live
    only in the dyld shared cache. The framework folder and its Info.plist say it is there."""
    base = os.path.dirname(path)
    record["format"] = "framework"
    record["in_shared_cache"] = True
    record["soname"] = None
    record["needed"] = []
    record["symbols"] = []
    for plist in ("Resources/Info.plist", "Versions/Current/Resources/Info.plist", "Versions/A/Resources/Info.plist"):
        text = sysio.read_text(os.path.join(base, plist), 1 << 16)
        if text:
            record["framework_version"] = _plist_value(text, "CFBundleShortVersionString")
            break


def _plist_value(text: str, key: str) -> str | None:
    at = text.find(f"<key>{key}</key>")
    if at < 0:
        return None
    start = text.find("<string>", at)
    end = text.find("</string>", start)
    if start < 0 or end < 0 or end - start > 200:
        return None
    return text[start + 8 : end].strip()


def scan(specs, locations=None, *, max_candidates: int = 256, **location_kwargs) -> dict:
    """Find and read every candidate of ``specs`` (see module doc); never raises."""
    specs = [s for s in specs if isinstance(s, dict)]
    patterns = [p for s in specs for p in s.get("patterns", ())]
    fold = location_kwargs.get("system", sys.platform) == "win32"
    tests = [(_matcher(s.get("patterns", ()), fold), s) for s in specs]
    host_arch = location_kwargs.get("machine")
    per_loc = find_candidates(patterns, locations, **location_kwargs)
    libraries: list[dict] = []
    by_real: dict = {}
    out_locs = []
    for loc in per_loc:
        t0 = time.perf_counter()
        for path in loc["candidates"]:
            real = _identity(path)
            hit = by_real.get(real)
            if hit is None:
                if len(libraries) >= max_candidates:
                    continue
                name = os.path.basename(path)
                spec = next((s for t, s in tests if t(name)), {})
                limits = spec.get("limits")
                hit = read_library(
                    path,
                    symbols=spec.get("symbols", ()),
                    prefixes=spec.get("prefixes", ()),
                    strings=spec.get("strings", ()),
                    strings_for=spec.get("strings_for"),
                    host_arch=host_arch,
                    **(limits if isinstance(limits, dict) else {}),
                )
                hit["found"] = []
                by_real[real] = hit
                libraries.append(hit)
            hit["found"].append({"location": loc["label"], "path": path})
        out_locs.append({"label": loc["label"], "dirs": loc["dirs"], "candidates": len(loc["candidates"]),
                         "list_ms": loc["ms"], "read_ms": round((time.perf_counter() - t0) * 1000, 3)})
    return {"locations": out_locs, "libraries": libraries}
