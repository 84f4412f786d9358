"""``/etc/ld.so.cache`` parsed directly (never by spawning ``ldconfig -p``).

Formats, from glibc's ``sysdeps/generic/dl-cache.h``:

- new (glibc >= 2.32 writes only this): magic ``"glibc-ld.so.cache"`` + version ``"1.1"``,
  ``uint32 nlibs, uint32 len_strings, uint8 flags, pad[3], uint32 extension_offset,
  uint32 unused[3]`` (48 bytes), then ``nlibs`` entries of ``int32 flags, uint32 key,
  uint32 value, uint32 osversion, uint64 hwcap`` (24 bytes); ``key`` (the soname) and
  ``value`` (the path) are offsets from the start of the new header.
- old (``"ld.so-1.7.0"``, 16-byte header, 12-byte entries ``int32 flags, uint32 key,
  uint32 value`` with offsets from the end of the entry table); glibc < 2.32 wrote it
  followed by a new-format cache (aligned to 8 bytes), which is preferred when present.

The byte order is the host's (the cache is never shared between machines).
"""

import struct
import sys

from provider_runtime import sysio

PATH = "/etc/ld.so.cache"
NEW_MAGIC = b"glibc-ld.so.cache1.1"
OLD_MAGIC = b"ld.so-1.7.0"
#: A cache is tens to hundreds of kilobytes; a bound keeps a hostile one from costing memory.
MAX_BYTES = 16 << 20
MAX_ENTRIES = 200_000

#: The architecture bits (``flags & 0xff00``, FLAG_*_LIB64 etc. in dl-cache.h) a host's own
#: libraries carry; other entries (i386 libraries on x86_64, x32) are skipped.
HOST_FLAGS = {
    "x86_64": (0x0300,), "aarch64": (0x0A00,), "ppc64le": (0x0500,), "ppc64": (0x0500,),
    "s390x": (0x0400,), "riscv64": (0x1000, 0x0F00), "i686": (0x0000,), "i386": (0x0000,),
    "armv7l": (0x0900, 0x0B00, 0x0000), "loongarch64": (0x1200, 0x1300, 0x1400),
}


def parse(data: bytes, machine: str | None = None, heads: tuple = ()) -> list[tuple[str, str]]:
    """``[(soname, path), ...]`` from the bytes of a cache file; ``[]`` when unusable.

    ``heads``: literal name prefixes (bytes); when given, only entries whose soname starts
    with one are decoded (a cheap ``bytes.startswith`` at the key's offset).
    """
    end = "<" if sys.byteorder == "little" else ">"
    want = HOST_FLAGS.get(machine or "")
    try:
        base = 0
        if data.startswith(OLD_MAGIC):
            (nold,) = struct.unpack_from(end + "I", data, 12)
            if nold > MAX_ENTRIES:
                return []
            after = 16 + nold * 12
            new_at = (after + 7) & ~7
            if data[new_at : new_at + len(NEW_MAGIC)] == NEW_MAGIC:
                base = new_at
            else:
                return _entries(data, 16, nold, 12, after, end, want, heads)
        if data[base : base + len(NEW_MAGIC)] != NEW_MAGIC:
            return []
        (nlibs,) = struct.unpack_from(end + "I", data, base + 20)
        if nlibs > MAX_ENTRIES:
            return []
        return _entries(data, base + 48, nlibs, 24, base, end, want, heads)
    except struct.error:
        return []


def _entries(data: bytes, at: int, count: int, size: int, strbase: int, end: str,
             want: tuple | None, heads: tuple = ()) -> list[tuple[str, str]]:
    out = []
    limit = len(data)
    count = max(0, min(count, (limit - at) // size))
    # One C-level unpack of the whole entry table (flags, key, value; the rest of an entry
    # skipped): a Python-level unpack_from per entry was most of the parse time.
    table = memoryview(data)[at : at + count * size]
    rows = struct.iter_unpack(f"{end}iII{size - 12}x", table)
    if heads:
        # The name test for every entry inside one comprehension (bytes.startswith with a
        # tuple runs in C); only the few survivors go through the loop below.
        rows = [row for row in rows
                if 0 <= strbase + row[1] < limit and data.startswith(heads, strbase + row[1])]
    for flags, key, value in rows:
        if want is not None and (flags & 0xFF00) not in want:
            continue
        k, v = strbase + key, strbase + value
        if not (0 <= k < limit and 0 <= v < limit):
            continue
        k_end, v_end = data.find(b"\0", k, k + 4096), data.find(b"\0", v, v + 4096)
        if k_end < 0 or v_end < 0:
            continue
        out.append((data[k:k_end].decode("utf-8", "replace"), data[v:v_end].decode("utf-8", "replace")))
    return out


def read(path: str = PATH, machine: str | None = None, heads: tuple = ()) -> list[tuple[str, str]] | None:
    """Entries of the cache at ``path``; None when there is no readable cache."""
    data = sysio.read_bytes(path, 0, MAX_BYTES)
    if not isinstance(data, bytes) or not data:
        return None
    return parse(data, machine, heads)
