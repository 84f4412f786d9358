"""PE/COFF DLLs (PE32 and PE32+): DLL name and exported names from the export directory,
imported DLL names from the import directory, strings in ``.rdata``.

Layouts from Microsoft's "PE Format" specification (learn.microsoft.com, windows/win32/debug/
pe-format): DOS header ``e_lfanew`` at 0x3C, ``PE\\0\\0``, COFF header (20 bytes), optional
header (magic 0x10B / 0x20B; data directories at 96 / 112), section table (40-byte entries),
export directory (name RVA at 12, number of names at 24, name pointer table RVA at 32),
import descriptors (20 bytes, name RVA at 12). Limits: delay-load imports and forwarded
exports are not followed.
"""

from __future__ import annotations

import struct

from provider_runtime.libscan._file import Bad, BoundedFile

MACHINES = {0x14C: "i386", 0x8664: "x86_64", 0xAA64: "arm64", 0x1C4: "arm"}
MAX_SECTIONS = 96
MAX_EXPORTS = 200_000
MAX_IMPORTS = 512


class _Pe:
    def __init__(self, f: BoundedFile) -> None:
        self.f = f
        (lfanew,) = struct.unpack("<I", f.read(0x3C, 4))
        if f.read(lfanew, 4) != b"PE\0\0":
            raise Bad("MZ file without a PE header")
        machine, nsect, _t, _p, _n, optsize, _c = struct.unpack("<HHIIIHH", f.read(lfanew + 4, 20))
        self.machine = MACHINES.get(machine, hex(machine))
        if nsect > MAX_SECTIONS:
            raise Bad(f"implausible section count {nsect}")
        opt = lfanew + 24
        (magic,) = struct.unpack("<H", f.read(opt, 2))
        if magic == 0x10B:
            self.bits, dd_count_at, dd_at = 32, 92, 96
        elif magic == 0x20B:
            self.bits, dd_count_at, dd_at = 64, 108, 112
        else:
            raise Bad(f"unknown optional header magic {magic:#x}")
        if optsize < dd_at:
            raise Bad("optional header too small for data directories")
        (ndd,) = struct.unpack("<I", f.read(opt + dd_count_at, 4))
        ndd = min(ndd, 16, (optsize - dd_at) // 8)
        dirs = f.read(opt + dd_at, ndd * 8)
        self.dirs = [struct.unpack("<II", dirs[i * 8 : i * 8 + 8]) for i in range(ndd)]
        table = f.read(opt + optsize, nsect * 40)
        self.sections = []
        for i in range(nsect):
            raw = table[i * 40 : (i + 1) * 40]
            name = raw[:8].split(b"\0", 1)[0].decode("latin-1")
            vsize, va, rawsize, rawptr = struct.unpack("<IIII", raw[8:24])
            self.sections.append((name, va, max(vsize, rawsize), rawptr, rawsize))

    def offset(self, rva: int, size: int = 1) -> int:
        for _n, va, vsize, rawptr, rawsize in self.sections:
            if va <= rva and rva + size <= va + min(vsize, rawsize):
                return rawptr + (rva - va)
        raise Bad(f"RVA {rva:#x} is in no section")

    def name_at(self, rva: int) -> str:
        return self.f.cstring(self.offset(rva), limit=4096)


def read_pe(f: BoundedFile, record: dict, symbols: list[str], prefixes: tuple, opts: dict):
    """Fill ``record`` from the PE file behind ``f``; return a function that gives the
    ``(offset, size)`` ranges of ``.rdata``."""
    pe = _Pe(f)
    record["format"] = "pe"
    record["bits"] = pe.bits
    record["machine"] = pe.machine
    record["soname"] = None
    record["needed"] = []
    found: list[str] = []
    if pe.dirs and pe.dirs[0][0]:
        exp = f.read(pe.offset(pe.dirs[0][0], 40), 40)
        name_rva, _base, _nfunc, nnames, _funcs, names_rva, _ords = struct.unpack("<IIIIIII", exp[12:40])
        record["soname"] = pe.name_at(name_rva) if name_rva else None
        if (symbols or prefixes) and nnames:
            nnames = min(nnames, MAX_EXPORTS)
            ptrs = f.read(pe.offset(names_rva, nnames * 4), nnames * 4)
            wanted = set(symbols)
            for (rva,) in struct.iter_unpack("<I", ptrs):
                try:
                    name = pe.name_at(rva)
                except Bad:
                    continue
                if name in wanted or (prefixes and name.startswith(prefixes)):
                    found.append(name)
                    if len(found) >= opts["max_symbols"]:
                        record["symbols_truncated"] = True
                        break
    if len(pe.dirs) > 1 and pe.dirs[1][0]:
        off = pe.offset(pe.dirs[1][0], 20)
        for i in range(MAX_IMPORTS):
            desc = f.read(off + i * 20, 20)
            if desc == b"\0" * 20:
                break
            (name_rva,) = struct.unpack("<I", desc[12:16])
            if name_rva:
                record["needed"].append(pe.name_at(name_rva))
    record["symbols"] = sorted(set(found))
    return lambda: [(ptr, size) for name, _va, _vs, ptr, size in pe.sections if name == ".rdata" and size]
