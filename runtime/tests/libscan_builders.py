"""Builders of small binaries for the libscan tests: real shared libraries compiled with gcc,
and synthetic ELF (any class and byte order), Mach-O and PE files laid out by hand from the
format specifications, for what this machine's compiler cannot produce."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path


def have_gcc() -> bool:
    return shutil.which("gcc") is not None


def gcc_library(folder: Path, filename: str, soname: str, symbols: list[str], strings: list[str] = (),
                needed: list[Path] = (), hash_style: str = "gnu") -> Path:
    """Compile a shared library exporting ``symbols`` (functions) with ``strings`` in .rodata."""
    src = folder / (filename + ".c")
    lines = [f"int {name}(void) {{ return {i}; }}" for i, name in enumerate(symbols)]
    lines += [f'const char keep_{i}[] = "{text}";' for i, text in enumerate(strings)]
    lines.append("static int hidden_helper(void) { return 7; }")
    lines.append("int uses_hidden(void) { return hidden_helper(); }")
    src.write_text("\n".join(lines) + "\n")
    out = folder / filename
    cmd = ["gcc", "-shared", "-fPIC", "-O0", f"-Wl,-soname,{soname}", f"-Wl,--hash-style={hash_style}",
           "-o", str(out), str(src)]
    for lib in needed:
        cmd += ["-Wl,--no-as-needed", str(lib)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def synth_elf(bits: int = 64, endian: str = "<", soname: str = "libsynth.so.1",
              needed: tuple = ("libc.so.6",), symbols: tuple = ("foo", "bar"),
              undefined: tuple = ("printf",), rodata: bytes = b"", machine: int = 62) -> bytes:
    """A minimal ELF shared object: program headers only (no section headers), PT_DYNAMIC with
    DT_STRTAB/DT_SYMTAB/DT_HASH (SysV)/DT_SONAME/DT_NEEDED, one read-only PT_LOAD."""
    is64 = bits == 64
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    syment = 24 if is64 else 16
    # strings
    strtab = bytearray(b"\0")

    def add(s: str) -> int:
        off = len(strtab)
        strtab.extend(s.encode() + b"\0")
        return off

    so_off = add(soname)
    need_offs = [add(n) for n in needed]
    syms = [(0, 0, 0)]  # (name, info, shndx)
    for name in symbols:
        syms.append((add(name), (1 << 4) | 2, 5))  # GLOBAL FUNC, defined in section 5
    for name in undefined:
        syms.append((add(name), (1 << 4) | 2, 0))  # undefined
    # SysV hash
    nbucket = 3
    names = [None] + list(symbols) + list(undefined)
    from provider_runtime.libscan._elf import sysv_hash

    buckets = [0] * nbucket
    chains = [0] * len(syms)
    for i in range(1, len(syms)):
        b = sysv_hash(names[i].encode()) % nbucket
        chains[i] = buckets[b]
        buckets[b] = i
    hash_blob = struct.pack(endian + "II", nbucket, len(syms)) + struct.pack(
        endian + "%dI" % (nbucket + len(syms)), *buckets, *chains)
    symtab = bytearray()
    for name, info, shndx in syms:
        if is64:
            symtab += struct.pack(endian + "IBBHQQ", name, info, 0, shndx, 0x1000 if shndx else 0, 0)
        else:
            symtab += struct.pack(endian + "IIIBBH", name, 0x1000 if shndx else 0, 0, info, 0, shndx)
    # layout
    phoff = ehsize
    body_at = phoff + 2 * phentsize
    parts = {}
    pos = body_at
    for key, blob in (("str", bytes(strtab)), ("sym", bytes(symtab)), ("hash", hash_blob), ("ro", rodata)):
        pos = (pos + 7) & ~7
        parts[key] = (pos, blob)
        pos += len(blob)
    pos = (pos + 7) & ~7
    dyn_at = pos
    tags = [(5, parts["str"][0]), (10, len(strtab)), (6, parts["sym"][0]), (11, syment),
            (4, parts["hash"][0]), (14, so_off)] + [(1, o) for o in need_offs] + [(0, 0)]
    dyn = b"".join(struct.pack(endian + ("qQ" if is64 else "iI"), t, v) for t, v in tags)
    total = dyn_at + len(dyn)
    out = bytearray(total)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1 if endian == "<" else 2, 1]) + b"\0" * 9
    if is64:
        hdr = struct.pack(endian + "HHIQQQIHHHHHH", 3, machine, 1, 0, phoff, 0, 0, ehsize, phentsize, 2, 64, 0, 0)
        ph = struct.pack(endian + "IIQQQQQQ", 1, 4, 0, 0, 0, total, total, 0x1000)
        ph += struct.pack(endian + "IIQQQQQQ", 2, 6, dyn_at, dyn_at, dyn_at, len(dyn), len(dyn), 8)
    else:
        hdr = struct.pack(endian + "HHIIIIIHHHHHH", 3, machine, 1, 0, phoff, 0, 0, ehsize, phentsize, 2, 40, 0, 0)
        ph = struct.pack(endian + "IIIIIIII", 1, 0, 0, 0, total, total, 4, 0x1000)
        ph += struct.pack(endian + "IIIIIIII", 2, dyn_at, dyn_at, dyn_at, len(dyn), len(dyn), 6, 4)
    out[0:16] = ident
    out[16 : 16 + len(hdr)] = hdr
    out[phoff : phoff + len(ph)] = ph
    for off, blob in parts.values():
        out[off : off + len(blob)] = blob
    out[dyn_at:total] = dyn
    return bytes(out)


def synth_macho(install_name: str = "/usr/lib/libsynth.dylib", deps: tuple = ("/usr/lib/libSystem.B.dylib",),
                symbols: tuple = ("foo", "bar"), cstrings: tuple = (), fat: bool = False) -> bytes:
    """A thin little-endian 64-bit Mach-O dylib (optionally wrapped in a fat header):
    LC_SEGMENT_64 __TEXT with __cstring, LC_ID_DYLIB, LC_LOAD_DYLIB, LC_SYMTAB."""
    def dylib_cmd(cmd: int, name: str) -> bytes:
        raw = name.encode() + b"\0"
        size = (24 + len(raw) + 7) & ~7
        return struct.pack("<IIIIII", cmd, size, 24, 2, 0x10000, 0x10000) + raw.ljust(size - 24, b"\0")

    cstr = b"".join(s.encode() + b"\0" for s in cstrings) or b"\0"
    strtab = bytearray(b" \0")
    nlist = bytearray()
    for name in symbols:
        off = len(strtab)
        strtab += b"_" + name.encode() + b"\0"
        nlist += struct.pack("<IBBHQ", off, 0x0F, 1, 0, 0x1000)  # N_SECT | N_EXT
    off = len(strtab)
    strtab += b"_undefined_thing\0"
    nlist += struct.pack("<IBBHQ", off, 0x01, 0, 0, 0)  # N_UNDF | N_EXT
    nsyms = len(symbols) + 1
    cmds_wo_seg = [dylib_cmd(0xD, install_name)] + [dylib_cmd(0xC, d) for d in deps]
    seg_size = 72 + 80
    ncmds = 1 + len(cmds_wo_seg) + 1
    sizeofcmds = seg_size + sum(len(c) for c in cmds_wo_seg) + 24
    data_at = 32 + sizeofcmds
    cstr_at = data_at
    sym_at = (cstr_at + len(cstr) + 7) & ~7
    str_at = sym_at + len(nlist)
    total = str_at + len(strtab)
    seg = struct.pack("<II16sQQQQiiII", 0x19, seg_size, b"__TEXT", 0, total, 0, total, 5, 5, 1, 0)
    seg += struct.pack("<16s16sQQIIIIIIII", b"__cstring", b"__TEXT", cstr_at, len(cstr), cstr_at, 0, 0, 0, 2, 0, 0, 0)
    symtab = struct.pack("<IIIIII", 0x2, 24, sym_at, nsyms, str_at, len(strtab))
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 6, ncmds, sizeofcmds, 0, 0)
    body = bytearray(header + seg + b"".join(cmds_wo_seg) + symtab)
    body += cstr
    body += b"\0" * (sym_at - len(body))
    body += nlist + strtab
    if not fat:
        return bytes(body)
    slice_at = 0x1000
    fat_hdr = struct.pack(">II", 0xCAFEBABE, 2)
    fat_hdr += struct.pack(">iiIII", 0x0100000C, 0, slice_at, len(body), 12)  # arm64 slice
    fat_hdr += struct.pack(">iiIII", 0x01000007, 3, slice_at, len(body), 12)  # x86_64: same bytes
    return fat_hdr.ljust(slice_at, b"\0") + bytes(body)


def synth_pe(dll_name: str = "synth.dll", exports: tuple = ("foo", "bar"), imports: tuple = ("KERNEL32.dll",),
             rdata_strings: tuple = ()) -> bytes:
    """A PE32+ DLL with one ``.rdata`` section holding the export directory, the import
    descriptors and the strings (RVA = file offset + 0x1000 - 0x400)."""
    sect_raw, sect_va = 0x400, 0x1000

    def rva(off: int) -> int:
        return off - sect_raw + sect_va

    blob = bytearray()
    here = lambda: sect_raw + len(blob)  # noqa: E731
    # strings first
    name_rvas = []
    for name in exports:
        name_rvas.append(rva(here()))
        blob += name.encode() + b"\0"
    dll_rva = rva(here())
    blob += dll_name.encode() + b"\0"
    imp_name_rvas = []
    for name in imports:
        imp_name_rvas.append(rva(here()))
        blob += name.encode() + b"\0"
    for s in rdata_strings:
        blob += s.encode() + b"\0"
    while len(blob) % 4:
        blob += b"\0"
    names_rva = rva(here())
    for r in name_rvas:
        blob += struct.pack("<I", r)
    ords_rva = rva(here())
    for i in range(len(exports)):
        blob += struct.pack("<H", i)
    while len(blob) % 4:
        blob += b"\0"
    funcs_rva = rva(here())
    for i in range(len(exports)):
        blob += struct.pack("<I", 0x2000 + i)
    exp_rva = rva(here())
    blob += struct.pack("<IIHHIIIIIII", 0, 0, 0, 0, dll_rva, 1, len(exports), len(exports), funcs_rva, names_rva, ords_rva)
    imp_rva = rva(here())
    for r in imp_name_rvas:
        blob += struct.pack("<IIIII", 0, 0, 0, r, 0)
    blob += b"\0" * 20
    lfanew = 0x80
    dos = bytearray(b"MZ".ljust(0x40, b"\0"))
    struct.pack_into("<I", dos, 0x3C, lfanew)
    optsize = 112 + 16 * 8
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, optsize, 0x2022)
    opt = bytearray(optsize)
    struct.pack_into("<H", opt, 0, 0x20B)
    struct.pack_into("<I", opt, 108, 16)
    struct.pack_into("<II", opt, 112, exp_rva, 40)
    struct.pack_into("<II", opt, 120, imp_rva, 20 * (len(imports) + 1))
    section = struct.pack("<8sIIIIIIHHI", b".rdata", len(blob), sect_va, len(blob), sect_raw, 0, 0, 0, 0, 0x40000040)
    head = bytes(dos).ljust(lfanew, b"\0") + b"PE\0\0" + coff + bytes(opt) + section
    return head.ljust(sect_raw, b"\0") + bytes(blob)


def synth_ldcache(entries: list[tuple[str, str]], old_too: bool = False, flags: int = 0x0303,
                  old_only: bool = False) -> bytes:
    """An ``/etc/ld.so.cache`` in the new format (optionally preceded by an old-format one)."""
    n = len(entries)
    strings = bytearray()
    offs = []
    header_and_entries = 48 + 24 * n
    for key, value in entries:
        k = header_and_entries + len(strings)
        strings += key.encode() + b"\0"
        v = header_and_entries + len(strings)
        strings += value.encode() + b"\0"
        offs.append((k, v))
    new = bytearray(b"glibc-ld.so.cache1.1")
    new += struct.pack("<IIB3xI12x", n, len(strings), 0, 0)
    for k, v in offs:
        new += struct.pack("<iIIIQ", flags, k, v, 0, 0)
    new += strings
    if not old_too and not old_only:
        return bytes(new)
    old = bytearray(b"ld.so-1.7.0\0") + struct.pack("<I", n)
    old_strings = bytearray()
    for key, value in entries:
        k = len(old_strings)
        old_strings += key.encode() + b"\0"
        v = len(old_strings)
        old_strings += value.encode() + b"\0"
        old += struct.pack("<iII", 1, k, v)
    if old_only:
        return bytes(old) + bytes(old_strings)
    # glibc < 2.32 placed the new cache right after the old entries (aligned), the old
    # strings living in the new cache's string area; for the test the new cache follows.
    while len(old) % 8:
        old += b"\0"
    return bytes(old) + bytes(new)
