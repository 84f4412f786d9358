"""ELF shared objects (32/64-bit, either byte order): soname, DT_NEEDED, exported symbols,
strings in read-only data.

Layouts from the System V ABI (gABI, "Object Files" chapter) and the GNU hash section as
documented in binutils/glibc (``DT_GNU_HASH``: nbuckets, symoffset, bloom_size, bloom_shift,
bloom words, buckets, chain). Dynamic information comes from the program headers
(``PT_DYNAMIC`` and ``PT_LOAD``, what the loader itself uses), so section-stripped files work;
the section headers, when present, give the exact ``.dynsym`` size and the ``.rodata`` extent.
"""

import struct

from provider_runtime.libscan._file import Bad, BoundedFile

# e_machine values (gABI registry) for the record; others are reported by number.
MACHINES = {
    3: "i386", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "arm", 50: "ia64",
    62: "x86_64", 183: "aarch64", 243: "riscv64", 258: "loongarch64",
}
PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT, DT_SONAME = 0, 1, 4, 5, 6, 10, 11, 14
DT_RUNPATH, DT_RPATH = 29, 15
DT_GNU_HASH = 0x6FFFFEF5
SHT_DYNSYM = 11
SHN_UNDEF = 0
STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE = 1, 2, 10
STT_SECTION, STT_FILE = 3, 4

MAX_PHNUM = 512
MAX_SHNUM = 4096
MAX_DYN = 4096
MAX_NEEDED = 256
MAX_SYMS = 1_000_000
MAX_CHAIN = 4096


#: gnu_hash of the names looked up so far: a probe asks every candidate file for the same
#: couple of dozen names, and the byte loop was a tenth of a file's identification time.
_GNU_MEMO: dict[bytes, int] = {}


def gnu_hash(name: bytes) -> int:
    h = _GNU_MEMO.get(name)
    if h is not None:
        return h
    h = 5381
    for c in name:
        h = (h * 33 + c) & 0xFFFFFFFF
    if len(_GNU_MEMO) < 4096:
        _GNU_MEMO[name] = h
    return h


def sysv_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


class ElfReader:
    """Parse the parts of one ELF file that identify a library; every field is checked."""

    def __init__(self, f: BoundedFile, ident: bytes) -> None:
        self.f = f
        if ident[4] not in (1, 2) or ident[5] not in (1, 2):
            raise Bad(f"ELF with unknown class {ident[4]} or data encoding {ident[5]}")
        self.is64 = ident[4] == 2
        self.end = "<" if ident[5] == 1 else ">"
        hdr = f.read(0, 64 if self.is64 else 52)
        if self.is64:
            (self.type, self.machine, _v, _entry, self.phoff, self.shoff, _flags, _ehsize,
             self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = struct.unpack(
                self.end + "HHIQQQIHHHHHH", hdr[16:64])
        else:
            (self.type, self.machine, _v, _entry, self.phoff, self.shoff, _flags, _ehsize,
             self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = struct.unpack(
                self.end + "HHIIIIIHHHHHH", hdr[16:52])
        self.word = 8 if self.is64 else 4
        self.loads: list[tuple[int, int, int, int]] = []  # (vaddr, memsz, offset, filesz)
        self.ro_segments: list[tuple[int, int]] = []
        self.dynamic: list[tuple[int, int]] = []
        self.sections: list[tuple] = []
        self._shstr = None

    # -- headers ---------------------------------------------------------------------------

    def read_program_headers(self) -> None:
        size = 56 if self.is64 else 32
        if self.phnum == 0 or self.phnum > MAX_PHNUM or self.phentsize < size:
            raise Bad(f"no usable program headers (phnum {self.phnum}, phentsize {self.phentsize})")
        table = self.f.read(self.phoff, self.phnum * self.phentsize)
        dyn = None
        for i in range(self.phnum):
            raw = table[i * self.phentsize : i * self.phentsize + size]
            if self.is64:
                p_type, p_flags, off, vaddr, _pa, filesz, memsz, _al = struct.unpack(self.end + "IIQQQQQQ", raw)
            else:
                p_type, off, vaddr, _pa, filesz, memsz, p_flags, _al = struct.unpack(self.end + "IIIIIIII", raw)
            if p_type == PT_LOAD:
                self.loads.append((vaddr, memsz, off, filesz))
                if not p_flags & 1 and not p_flags & 2:  # neither executable nor writable
                    self.ro_segments.append((off, filesz))
            elif p_type == PT_DYNAMIC and dyn is None:
                dyn = (off, filesz)
        if dyn is None:
            return
        off, filesz = dyn
        entsize = 2 * self.word
        count = min(filesz // entsize, MAX_DYN)
        raw = self.f.read(off, count * entsize)
        fmt = self.end + ("qQ" if self.is64 else "iI")
        for tag, val in struct.iter_unpack(fmt, raw):
            if tag == DT_NULL:
                break
            self.dynamic.append((tag, val))

    def read_section_headers(self) -> None:
        size = 64 if self.is64 else 40
        if self.sections:
            return
        if self.shoff == 0 or self.shnum == 0:
            return
        if self.shnum > MAX_SHNUM or self.shentsize < size:
            return  # odd section table: the program headers are enough
        try:
            table = self.f.read(self.shoff, self.shnum * self.shentsize)
        except Bad:
            return
        fmt = self.end + ("IIQQQQIIQQ" if self.is64 else "IIIIIIIIII")
        for i in range(self.shnum):
            raw = table[i * self.shentsize : i * self.shentsize + size]
            self.sections.append(struct.unpack(fmt, raw))
        # names: only needed to find .rodata
        if 0 < self.shstrndx < len(self.sections):
            strtab = self.sections[self.shstrndx]
            self._shstr = (strtab[4], strtab[5])
        else:
            self._shstr = None

    def section_name(self, sec: tuple) -> str:
        if not self._shstr:
            return ""
        off, size = self._shstr
        if sec[0] >= size:
            return ""
        try:
            return self.f.cstring(off + sec[0], off + size, limit=256)
        except Bad:
            return ""

    # -- address mapping -----------------------------------------------------------------

    def offset_of(self, vaddr: int, size: int = 1) -> int:
        """File offset of virtual address ``vaddr`` through the PT_LOAD segments."""
        for start, memsz, off, filesz in self.loads:
            if start <= vaddr and vaddr + size <= start + min(memsz, filesz):
                return off + (vaddr - start)
        raise Bad(f"address {vaddr:#x} is not in any loaded segment")

    def dyn_values(self, tag: int) -> list[int]:
        return [v for t, v in self.dynamic if t == tag]

    def dyn_value(self, tag: int) -> int | None:
        for t, v in self.dynamic:
            if t == tag:
                return v
        return None

    # -- dynamic strings -------------------------------------------------------------------

    def setup_strtab(self) -> None:
        strtab = self.dyn_value(DT_STRTAB)
        strsz = self.dyn_value(DT_STRSZ)
        if strtab is None or not strsz:
            self.str_off = self.str_size = None
            return
        self.str_off = self.offset_of(strtab, 1)
        self.str_size = min(strsz, self.f.size - self.str_off)

    def dynstr(self, index: int) -> str:
        if self.str_off is None or index >= self.str_size:
            raise Bad(f"string index {index} outside the dynamic string table")
        return self.f.cstring(self.str_off + index, self.str_off + self.str_size, limit=4096)

    # -- symbols ---------------------------------------------------------------------------

    def setup_symtab(self, need_count: bool) -> None:
        self.sym_off = None
        self.sym_count = 0
        symtab = self.dyn_value(DT_SYMTAB)
        self.syment = 24 if self.is64 else 16
        ent = self.dyn_value(DT_SYMENT)
        if ent not in (None, self.syment):
            raise Bad(f"unexpected symbol entry size {ent}")
        if symtab is None:
            return
        self.sym_off = self.offset_of(symtab, self.syment)
        if not need_count:
            return  # hash look-ups find their way without the count
        self.read_section_headers()
        # Count: the .dynsym section size when there is one, else from the hash tables.
        for sec in self.sections:
            if sec[1] == SHT_DYNSYM and sec[4] == self.sym_off:
                self.sym_count = sec[5] // self.syment
                break
        else:
            hash_addr = self.dyn_value(DT_HASH)
            if hash_addr is not None:
                nchain = struct.unpack(self.end + "I", self.f.read(self.offset_of(hash_addr, 8) + 4, 4))[0]
                self.sym_count = nchain
            else:
                self.sym_count = self._gnu_count()
        self.sym_count = min(self.sym_count, MAX_SYMS, max(0, (self.f.size - self.sym_off) // self.syment))

    def symbol(self, index: int) -> tuple[int, int, int, int]:
        """``(name index, info, other, shndx)`` of dynamic symbol ``index``."""
        raw = self.f.read(self.sym_off + index * self.syment, self.syment)
        if self.is64:
            name, info, other, shndx = struct.unpack(self.end + "IBBH", raw[:8])
        else:
            name, _v, _s, info, other, shndx = struct.unpack(self.end + "IIIBBH", raw)
        return name, info, other, shndx

    @staticmethod
    def exported(info: int, other: int, shndx: int) -> bool:
        """Defined, global or weak, default or protected visibility, not a section/file."""
        return (
            shndx != SHN_UNDEF
            and (info >> 4) in (STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE)
            and (info & 0xF) not in (STT_SECTION, STT_FILE)
            and (other & 3) in (0, 3)
        )

    def _gnu_header(self):
        addr = self.dyn_value(DT_GNU_HASH)
        if addr is None:
            return None
        off = self.offset_of(addr, 16)
        nbuckets, symoffset, bloom_size, bloom_shift = struct.unpack(self.end + "IIII", self.f.read(off, 16))
        if nbuckets == 0 or nbuckets > 1 << 22 or bloom_size > 1 << 22 or bloom_shift >= 64:
            raise Bad("implausible GNU hash table")
        bloom_off = off + 16
        buckets_off = bloom_off + bloom_size * self.word
        chain_off = buckets_off + nbuckets * 4
        return nbuckets, symoffset, bloom_size, bloom_shift, bloom_off, buckets_off, chain_off

    def _gnu_count(self) -> int:
        hdr = self._gnu_header()
        if hdr is None:
            return 0
        nbuckets, symoffset, _bs, _sh, _bo, buckets_off, chain_off = hdr
        buckets = struct.unpack(self.end + "%dI" % nbuckets, self.f.read(buckets_off, nbuckets * 4))
        last = max(buckets)
        if last < symoffset:
            return symoffset
        i = last
        for _ in range(MAX_SYMS):
            (ch,) = struct.unpack(self.end + "I", self.f.read(chain_off + (i - symoffset) * 4, 4))
            i += 1
            if ch & 1:
                return i
        raise Bad("GNU hash chain does not end")

    def lookup(self, names: list[str]) -> list[str] | None:
        """The ``names`` exported by this file, looked up through DT_GNU_HASH or DT_HASH;
        None when the file has neither (the caller then scans the whole table)."""
        if self.sym_off is None or self.str_off is None:
            return []
        gnu = self._gnu_header()
        if gnu is not None:
            return self._lookup_gnu(names, gnu)
        addr = self.dyn_value(DT_HASH)
        if addr is not None:
            return self._lookup_sysv(names, addr)
        return None

    def _matches(self, index: int, name: bytes) -> bool:
        if index >= self.sym_count and self.sym_count:
            return False
        st_name, info, other, shndx = self.symbol(index)
        if not self.exported(info, other, shndx):
            return False
        if st_name + len(name) >= self.str_size:
            return False
        return self.f.read(self.str_off + st_name, len(name) + 1) == name + b"\0"

    def _lookup_gnu(self, names: list[str], hdr) -> list[str]:
        nbuckets, symoffset, bloom_size, bloom_shift, bloom_off, buckets_off, chain_off = hdr
        bits = self.word * 8
        wfmt = self.end + ("Q" if self.is64 else "I")
        found = []
        for text in names:
            name = text.encode("utf-8", "replace")
            h = gnu_hash(name)
            if bloom_size:
                (word,) = struct.unpack(wfmt, self.f.read(bloom_off + ((h // bits) % bloom_size) * self.word, self.word))
                mask = (1 << (h % bits)) | (1 << ((h >> bloom_shift) % bits))
                if word & mask != mask:
                    continue
            (index,) = struct.unpack(self.end + "I", self.f.read(buckets_off + (h % nbuckets) * 4, 4))
            if index == 0 or index < symoffset:
                continue
            for _ in range(MAX_CHAIN):
                (ch,) = struct.unpack(self.end + "I", self.f.read(chain_off + (index - symoffset) * 4, 4))
                if (ch | 1) == (h | 1) and self._matches(index, name):
                    found.append(text)
                    break
                if ch & 1:
                    break
                index += 1
        return found

    def _lookup_sysv(self, names: list[str], addr: int) -> list[str]:
        off = self.offset_of(addr, 8)
        nbucket, nchain = struct.unpack(self.end + "II", self.f.read(off, 8))
        if nbucket == 0 or nbucket > 1 << 22 or nchain > MAX_SYMS:
            raise Bad("implausible SysV hash table")
        found = []
        for text in names:
            name = text.encode("utf-8", "replace")
            (index,) = struct.unpack(self.end + "I", self.f.read(off + 8 + (sysv_hash(name) % nbucket) * 4, 4))
            for _ in range(MAX_CHAIN):
                if index == 0 or index >= nchain:
                    break
                if self._matches(index, name):
                    found.append(text)
                    break
                (index,) = struct.unpack(self.end + "I", self.f.read(off + 8 + (nbucket + index) * 4, 4))
        return found

    def scan_symbols(self, wanted: set[str], prefixes: tuple, limit: int) -> tuple[list[str], bool]:
        """Walk the whole dynamic symbol table: names in ``wanted`` or starting with one of
        ``prefixes`` (at most ``limit``); returns ``(names, truncated)``."""
        out: list[str] = []
        if self.sym_off is None or self.str_off is None or not self.sym_count:
            return out, False
        # The table and its strings in bounded pieces rather than one symbol per read.
        step = 4096
        for first in range(0, self.sym_count, step):
            n = min(step, self.sym_count - first)
            raw = self.f.read(self.sym_off + first * self.syment, n * self.syment)
            for k in range(n):
                rec = raw[k * self.syment : (k + 1) * self.syment]
                if self.is64:
                    st_name, info, other, shndx = struct.unpack(self.end + "IBBH", rec[:8])
                else:
                    st_name, _v, _s, info, other, shndx = struct.unpack(self.end + "IIIBBH", rec)
                if not self.exported(info, other, shndx) or st_name >= self.str_size:
                    continue
                try:
                    name = self.dynstr(st_name)
                except Bad:
                    continue
                if name in wanted or (prefixes and name.startswith(prefixes)):
                    out.append(name)
                    if len(out) >= limit:
                        return out, True
        return out, False

    def rodata_ranges(self) -> list[tuple[int, int]]:
        """``(offset, size)`` of ``.rodata`` (or the read-only segments without sections)."""
        if not self.sections:
            self.read_section_headers()
        ranges = []
        for sec in self.sections:
            if sec[1] == 1 and sec[5] and self.section_name(sec) == ".rodata":  # SHT_PROGBITS
                ranges.append((sec[4], sec[5]))
        return ranges or list(self.ro_segments)


def read_elf(f: BoundedFile, ident: bytes, record: dict, symbols: list[str], prefixes: tuple,
             opts: dict):
    """Fill ``record`` from the ELF file behind ``f``; return a function that gives the
    ``(offset, size)`` ranges of its read-only data (called only when strings are wanted:
    it may read the section headers)."""
    r = ElfReader(f, ident)
    record["format"] = "elf"
    record["bits"] = 64 if r.is64 else 32
    record["byteorder"] = "little" if r.end == "<" else "big"
    record["machine"] = MACHINES.get(r.machine, str(r.machine))
    record["elf_type"] = {1: "rel", 2: "exec", 3: "dyn", 4: "core"}.get(r.type, str(r.type))
    r.read_program_headers()
    if not r.dynamic:
        raise Bad("no dynamic section: not a shared library")
    r.setup_strtab()
    if r.str_off is None:
        raise Bad("no dynamic string table")
    soname = r.dyn_value(DT_SONAME)
    record["soname"] = r.dynstr(soname) if soname is not None else None
    record["needed"] = [r.dynstr(v) for v in r.dyn_values(DT_NEEDED)[:MAX_NEEDED]]
    hashed = r.dyn_value(DT_GNU_HASH) is not None or r.dyn_value(DT_HASH) is not None
    r.setup_symtab(need_count=bool(prefixes) or not hashed)
    found: list[str] = []
    if symbols or prefixes:
        looked = r.lookup(list(symbols)) if symbols and not prefixes else None
        if looked is None and not r.sym_count:
            r.setup_symtab(need_count=True)
        if looked is None:
            found, cut = r.scan_symbols(set(symbols), prefixes, opts["max_symbols"])
            if cut:
                record["symbols_truncated"] = True
        else:
            found = looked
    record["symbols"] = sorted(set(found))
    return r.rodata_ranges
