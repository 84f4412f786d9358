"""Mach-O dynamic libraries (thin 32/64-bit and fat/universal files): install name,
dependent libraries, exported symbols from the ``LC_SYMTAB`` nlist table, strings in
``__TEXT,__cstring`` / ``__TEXT,__const``.

Layouts from Apple's ``<mach-o/loader.h>``, ``<mach-o/nlist.h>`` and ``<mach-o/fat.h>``.
Limits (documented in the README): the export trie (``LC_DYLD_INFO`` / ``LC_DYLD_EXPORTS_TRIE``)
is not walked - the nlist table lists the same external symbols for every dylib a linker
produces; system libraries that live only in the dyld shared cache (macOS 11+, e.g.
Accelerate) have no file to read and are reported by the framework directory instead.
"""

from __future__ import annotations

import struct

from provider_runtime.libscan._file import Bad, BoundedFile

MH_MAGIC, MH_MAGIC_64 = 0xFEEDFACE, 0xFEEDFACF
FAT_MAGIC, FAT_MAGIC_64 = 0xCAFEBABE, 0xCAFEBABF
CPU_TYPES = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64", 18: "ppc", 0x01000012: "ppc64"}
LC_SEGMENT, LC_SYMTAB, LC_LOAD_DYLIB, LC_ID_DYLIB, LC_SEGMENT_64 = 0x1, 0x2, 0xC, 0xD, 0x19
LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB = 0x80000018, 0x8000001F
N_STAB, N_TYPE, N_EXT, N_SECT = 0xE0, 0x0E, 0x01, 0x0E
MAX_CMDS = 4096
MAX_FAT = 16


def is_macho(magic4: bytes) -> bool:
    le = int.from_bytes(magic4, "little")
    be = int.from_bytes(magic4, "big")
    return le in (MH_MAGIC, MH_MAGIC_64) or be in (MH_MAGIC, MH_MAGIC_64) or be in (FAT_MAGIC, FAT_MAGIC_64)


def read_macho(f: BoundedFile, record: dict, symbols: list[str], prefixes: tuple,
               opts: dict, host_arch: str):
    """Fill ``record`` from the Mach-O file behind ``f`` (the host's slice of a fat file);
    return a function that gives the ``(offset, size)`` ranges of its read-only strings."""
    record["format"] = "macho"
    base = 0
    head = f.read(0, 8)
    if int.from_bytes(head[:4], "big") in (FAT_MAGIC, FAT_MAGIC_64):
        wide = int.from_bytes(head[:4], "big") == FAT_MAGIC_64
        nfat = int.from_bytes(head[4:8], "big")
        if nfat == 0 or nfat > MAX_FAT:
            # 0xCAFEBABE is also a Java class file's magic: a class file has a big "count".
            raise Bad(f"not a universal binary ({nfat} architectures)")
        entsize = 32 if wide else 20
        table = f.read(8, nfat * entsize)
        slices = []
        for i in range(nfat):
            raw = table[i * entsize : (i + 1) * entsize]
            if wide:
                cpu, _sub, off, size, _al, _r = struct.unpack(">iiQQII", raw)
            else:
                cpu, _sub, off, size, _al = struct.unpack(">iiIII", raw)
            slices.append((CPU_TYPES.get(cpu & 0xFFFFFFFF, str(cpu)), off, size))
        record["archs"] = [s[0] for s in slices]
        chosen = next((s for s in slices if s[0] == host_arch), slices[0])
        base = chosen[1]
        if base <= 0 or base >= f.size:
            raise Bad("universal binary slice outside the file")
    magic = f.read(base, 4)
    if int.from_bytes(magic, "little") in (MH_MAGIC, MH_MAGIC_64):
        end = "<"
    elif int.from_bytes(magic, "big") in (MH_MAGIC, MH_MAGIC_64):
        end = ">"
    else:
        raise Bad("universal binary slice is not Mach-O")
    is64 = struct.unpack(end + "I", magic)[0] == MH_MAGIC_64
    hsize = 32 if is64 else 28
    _m, cpu, _sub, filetype, ncmds, sizeofcmds, _flags = struct.unpack(end + "IiiIIII", f.read(base, 28))
    record["bits"] = 64 if is64 else 32
    record["machine"] = CPU_TYPES.get(cpu & 0xFFFFFFFF, str(cpu))
    record["macho_type"] = {1: "object", 2: "exec", 6: "dylib", 8: "bundle"}.get(filetype, str(filetype))
    if ncmds > MAX_CMDS or sizeofcmds > 16 << 20:
        raise Bad(f"implausible load commands ({ncmds}, {sizeofcmds} bytes)")
    cmds = f.read(base + hsize, sizeofcmds)
    pos = 0
    soname = None
    needed: list[str] = []
    symtab = None
    text_ranges: list[tuple[int, int]] = []
    for _ in range(ncmds):
        if pos + 8 > len(cmds):
            raise Bad("load commands run past their area")
        cmd, size = struct.unpack(end + "II", cmds[pos : pos + 8])
        if size < 8 or pos + size > len(cmds):
            raise Bad(f"load command of {size} bytes at {pos}")
        body = cmds[pos : pos + size]
        if cmd in (LC_ID_DYLIB, LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB) and size >= 24:
            (name_off,) = struct.unpack(end + "I", body[8:12])
            if 8 <= name_off < size:
                name = body[name_off:].split(b"\0", 1)[0].decode("utf-8", "replace")
                if cmd == LC_ID_DYLIB:
                    soname = name
                elif len(needed) < 256:
                    needed.append(name)
        elif cmd == LC_SYMTAB and size >= 24:
            symtab = struct.unpack(end + "IIII", body[8:24])
        elif cmd in (LC_SEGMENT, LC_SEGMENT_64):
            seg_size, sect_size = (72, 80) if cmd == LC_SEGMENT_64 else (56, 68)
            if size >= seg_size and body[8:24].split(b"\0", 1)[0] == b"__TEXT":
                nsects = struct.unpack(end + "I", body[seg_size - 8 : seg_size - 4])[0]
                for k in range(min(nsects, (size - seg_size) // sect_size)):
                    sect = body[seg_size + k * sect_size : seg_size + (k + 1) * sect_size]
                    sname = sect[:16].split(b"\0", 1)[0]
                    if sname in (b"__cstring", b"__const"):
                        if cmd == LC_SEGMENT_64:
                            ssize, soff = struct.unpack(end + "QI", sect[40:52])
                        else:
                            ssize, soff = struct.unpack(end + "II", sect[36:44])
                        text_ranges.append((base + soff, ssize))
        pos += size
    record["soname"] = soname
    record["needed"] = needed
    found: list[str] = []
    if (symbols or prefixes) and symtab is not None:
        symoff, nsyms, stroff, strsize = symtab
        entsize = 16 if is64 else 12
        nsyms = min(nsyms, 1_000_000)
        wanted = set(symbols)
        step = 4096
        for first in range(0, nsyms, step):
            n = min(step, nsyms - first)
            raw = f.read(base + symoff + first * entsize, n * entsize)
            for k in range(n):
                strx, ntype = struct.unpack(end + "IB", raw[k * entsize : k * entsize + 5])
                if ntype & N_STAB or not ntype & N_EXT or (ntype & N_TYPE) != N_SECT or strx >= strsize:
                    continue
                try:
                    name = f.cstring(base + stroff + strx, base + stroff + strsize, limit=4096)
                except Bad:
                    continue
                name = name[1:] if name.startswith("_") else name  # C names carry a leading "_"
                if name in wanted or (prefixes and name.startswith(prefixes)):
                    found.append(name)
                    if len(found) >= opts["max_symbols"]:
                        record["symbols_truncated"] = True
                        break
            if record.get("symbols_truncated"):
                break
    record["symbols"] = sorted(set(found))
    return lambda: text_ranges
