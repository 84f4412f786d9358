"""Pure helpers for the rules of providers built on libscan: reading facts and library records
tolerantly, architecture matching, explain notes for the scan, home-folder scrubbing.

A provider's ``_rules`` module (imported on the installer's fast path) uses these instead of
its own copies. No I/O and nothing imported beyond ``os`` (for :func:`scrub_home`, lazily):
facts may hold any JSON value anywhere, so every accessor takes anything and never raises.

Stable API (provider-runtime 1.x): :func:`as_str`, :func:`as_list`, :func:`as_dict`,
:func:`str_list`, :func:`base_name`, :func:`arch`, :func:`host_arch`, :func:`arch_ok`,
:func:`found_in`, :func:`location_notes`, :func:`scrub_home`.
"""

__all__ = ["as_str", "as_list", "as_dict", "str_list", "base_name", "arch", "host_arch", "arch_ok",
           "found_in", "location_notes", "scrub_home", "ARCH_ALIASES"]


def as_str(value: object) -> str:
    """``value`` if it is a string, else ``""``."""
    return value if isinstance(value, str) else ""


def as_list(value: object) -> list:
    """``value`` if it is a list, else ``[]``."""
    return value if isinstance(value, list) else []


def as_dict(value: object) -> dict:
    """``value`` if it is a dict, else ``{}``."""
    return value if isinstance(value, dict) else {}


def str_list(value: object) -> list[str]:
    """The strings of ``value`` if it is a list (other items dropped), else ``[]``."""
    return [v for v in as_list(value) if isinstance(v, str)]


def base_name(path: str) -> str:
    """Last component of a POSIX or Windows path, lower-cased (``C:\\x\\MSMPI.DLL`` ->
    ``msmpi.dll``): file names compare alike from facts of any platform."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower()


#: One spelling per architecture for host names (``os.uname().machine``, Windows'
#: ``PROCESSOR_ARCHITECTURE``) and libscan's record names (ELF ``e_machine``, PE machine,
#: Mach-O CPU type names in ``_elf``/``_pe``/``_macho``). Names not listed are kept as they
#: are (``s390x``, ``riscv64``, ``loongarch64`` are spelled alike on both sides).
ARCH_ALIASES = {
    "amd64": "x86_64", "x64": "x86_64", "x86_64": "x86_64",
    "arm64": "aarch64", "aarch64": "aarch64",
    "i386": "i386", "i486": "i386", "i586": "i386", "i686": "i386", "x86": "i386",
    "armv7l": "arm", "armv8l": "arm", "armv6l": "arm", "arm": "arm",
    "ppc64le": "ppc64le", "ppc64": "ppc64", "ppc": "ppc",
}


def arch(name: object) -> str:
    """The one spelling of an architecture name (``AMD64`` -> ``x86_64``); ``""`` for none."""
    name = as_str(name).lower()
    return ARCH_ALIASES.get(name, name)


def host_arch(facts: object) -> str:
    """Architecture of the machine the facts were recorded on (``platform.machine``)."""
    return arch(as_dict(as_dict(facts).get("platform")).get("machine"))


def _record_arch(rec: dict) -> str:
    machine = arch(rec.get("machine"))
    if machine == "ppc64" and rec.get("byteorder") == "little":
        # ELF has one e_machine (21) for both byte orders of 64-bit POWER.
        return "ppc64le"
    return machine


def arch_ok(rec: object, host: str) -> bool:
    """False for a library record of another architecture than ``host`` (an i386 library on
    an x86_64 machine, a big-endian POWER library on ppc64le); True when either is unknown."""
    machine = _record_arch(as_dict(rec))
    host = arch(host)
    if not machine or not host:
        return True
    if host == "ppc64" and machine == "ppc64le":  # a host "ppc64" may be either byte order
        return True
    return machine == host


def found_in(rec: object) -> str:
    """The location labels a record was found in, sorted and comma-separated."""
    labels = {as_str(as_dict(f).get("location")) for f in as_list(as_dict(rec).get("found"))}
    return ", ".join(sorted(labels - {""}))


def location_notes(facts: object) -> list[tuple[str, str]]:
    """Explain notes (``("", text)``) for each searched location and a failed scan."""
    facts = as_dict(facts)
    out = []
    for loc in as_list(facts.get("locations")):
        loc = as_dict(loc)
        out.append(("", f"searched {as_str(loc.get('label')) or '?'}: {loc.get('candidates')} candidate(s), "
                        f"list {loc.get('list_ms')} ms, read {loc.get('read_ms')} ms"
                        + (f", error {loc.get('error')}" if loc.get("error") else "")))
    if facts.get("scan_error"):
        out.append(("", f"library scan failed: {facts.get('scan_error')}"))
    return out


#: Characters that continue a file name: ``home`` followed by one of them is another folder
#: (``/home/al`` in ``/home/alice``), not the home folder.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+@")


def _replace_home(text: str, home: str) -> str:
    at = text.find(home)
    if at < 0:
        return text
    parts, start = [], 0
    while at >= 0:
        end = at + len(home)
        if end >= len(text) or text[end] not in _NAME_CHARS:
            parts.append(text[start:at])
            parts.append("~")
            start = end
        at = text.find(home, end)
    parts.append(text[start:])
    return "".join(parts)


def scrub_home(facts: object, home: str | None = None) -> object:
    """A copy of ``facts`` with the user's home folder (default ``~``) replaced by ``~`` in
    every string and key (for ``--record``: a recording shows no user name). Only whole
    folder names are replaced; a home of ``/`` or none leaves the facts as they are."""
    if home is None:
        import os

        home = os.path.expanduser("~")
    home = home.rstrip("/\\") if isinstance(home, str) else ""
    if not home or home == "~" or home.endswith(":"):  # "/" or a Windows drive: nothing to hide
        return facts

    def walk(value: object) -> object:
        if isinstance(value, str):
            return _replace_home(value, home)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        return value

    return walk(facts)
