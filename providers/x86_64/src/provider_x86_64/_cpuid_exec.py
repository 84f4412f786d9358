"""Executing CPUID and XGETBV from Python (part of the seam; imported only when needed).

Python has no CPUID, so a few bytes of x86-64 machine code are copied into executable memory
and called through ctypes. Safety rules, each a reason for a line below:

- only in a 64-bit process on an x86-64 machine (the bytes are 64-bit code);
- POSIX: an anonymous mmap that is writable and executable; if the OS refuses (SELinux
  execmem, PaX, hardened macOS runtime) nothing is executed and no CPUID facts are recorded;
- Windows: VirtualAlloc read-write, copy, VirtualProtect to execute-read (never W+X at once),
  FlushInstructionCache; if any step fails (Arbitrary Code Guard, ...) the facts come from
  IsProcessorFeaturePresent instead;
- XGETBV only when CPUID.1:ECX.OSXSAVE[27] is set: otherwise the instruction faults (#UD).

Machine code (assembled with GNU as, Intel syntax)::

    cpuid_sysv:  push rbx; mov r8, rdi; mov eax, [r8]; mov ecx, [r8+4]; cpuid
                 mov [r8], eax; mov [r8+4], ebx; mov [r8+8], ecx; mov [r8+12], edx
                 pop rbx; ret                      ; void f(uint32_t buf[4]), buf = {leaf, subleaf}
    cpuid_win64: the same with "mov r8, rcx" (the Windows x64 first argument)
    xgetbv0:     xor ecx, ecx; xgetbv; shl rdx, 32; or rax, rdx; ret   ; uint64_t f(void)
"""

from __future__ import annotations

import sys

_CPUID_BODY = bytes.fromhex("418b00" "418b4804" "0fa2" "418900" "41895804" "41894808" "4189500c" "5b" "c3")
CPUID_SYSV = bytes.fromhex("53" "4989f8") + _CPUID_BODY
CPUID_WIN64 = bytes.fromhex("53" "4989c8") + _CPUID_BODY
XGETBV0 = bytes.fromhex("31c9" "0f01d0" "48c1e220" "4809d0" "c3")

# Leaves recorded (leaf, subleaf): what _rules.EXTENSIONS reads, plus leaf 0x0D.0 (the XCR0
# bits the CPU supports) for reports. Extended leaves are read only up to the reported maximum.
BASIC_LEAVES = ((1, 0), (7, 0), (7, 1), (0xD, 0), (0xD, 1), (0x24, 0))
EXTENDED_LEAVES = ((0x80000001, 0), (0x80000008, 0))


def collect(cpuid, xgetbv) -> dict:
    """Facts from two callables: ``cpuid(leaf, subleaf) -> [eax, ebx, ecx, edx]`` and
    ``xgetbv() -> int``. XGETBV is called only when OSXSAVE is set. Pure apart from the calls."""
    out: dict = {}
    top = cpuid(0, 0)
    out["0x%08x.%d" % (0, 0)] = top
    for leaf, sub in BASIC_LEAVES:
        if leaf <= top[0]:
            out["0x%08x.%d" % (leaf, sub)] = cpuid(leaf, sub)
    ext = cpuid(0x80000000, 0)
    out["0x%08x.%d" % (0x80000000, 0)] = ext
    for leaf, sub in EXTENDED_LEAVES:
        if 0x80000000 < leaf <= ext[0] <= 0x8000FFFF:
            out["0x%08x.%d" % (leaf, sub)] = cpuid(leaf, sub)
    leaf1 = out.get("0x00000001.0")
    osxsave = leaf1 is not None and bool(leaf1[2] >> 27 & 1)
    return {"cpuid": out, "xcr0": xgetbv() if osxsave else None}


def read(windows: bool) -> dict:
    """``{"cpuid": ..., "xcr0": ...}`` of this CPU, or (Windows) ``processor_features``, or
    ``{}``; never raises."""
    if sys.maxsize <= 2**32:  # a 32-bit process cannot run the 64-bit code
        return _processor_features() if windows else {}
    try:
        if windows:
            return _run_windows()
        return _run_posix()
    except Exception:
        return _processor_features() if windows else {}


def _callables(ctypes, address: int, cpuid_code: bytes):
    buf_type = ctypes.c_uint32 * 4
    cpuid_fn = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_uint32))(address)
    xgetbv_fn = ctypes.CFUNCTYPE(ctypes.c_uint64)(address + 64)

    def cpuid(leaf: int, subleaf: int) -> list:
        buf = buf_type(leaf, subleaf, 0, 0)
        cpuid_fn(buf)
        return [int(buf[0]), int(buf[1]), int(buf[2]), int(buf[3])]

    def xgetbv() -> int:
        return int(xgetbv_fn())

    return cpuid, xgetbv


def _code(cpuid_code: bytes) -> bytes:
    # CPUID stub at offset 0, XGETBV stub at offset 64.
    return cpuid_code.ljust(64, b"\xcc") + XGETBV0


def _run_posix() -> dict:
    import ctypes
    import mmap

    code = _code(CPUID_SYSV)
    prot = mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC
    mem = mmap.mmap(-1, mmap.PAGESIZE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=prot)
    try:
        mem.write(code)
        anchor = ctypes.c_char.from_buffer(mem)
        address = ctypes.addressof(anchor)
        del anchor  # the mapping must have no exported buffer left when it is closed
        cpuid, xgetbv = _callables(ctypes, address, CPUID_SYSV)
        return collect(cpuid, xgetbv)
    finally:
        mem.close()


def _run_windows() -> dict:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.VirtualAlloc.restype = ctypes.c_void_p
    kernel32.VirtualAlloc.argtypes = (ctypes.c_void_p, ctypes.c_size_t, wintypes.DWORD, wintypes.DWORD)
    kernel32.VirtualProtect.restype = wintypes.BOOL
    kernel32.VirtualProtect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, wintypes.DWORD,
                                        ctypes.POINTER(wintypes.DWORD))
    kernel32.VirtualFree.restype = wintypes.BOOL
    kernel32.VirtualFree.argtypes = (ctypes.c_void_p, ctypes.c_size_t, wintypes.DWORD)
    kernel32.FlushInstructionCache.argtypes = (wintypes.HANDLE, ctypes.c_void_p, ctypes.c_size_t)
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    MEM_COMMIT_RESERVE, MEM_RELEASE = 0x3000, 0x8000
    PAGE_READWRITE, PAGE_EXECUTE_READ = 0x04, 0x20
    code = _code(CPUID_WIN64)
    address = kernel32.VirtualAlloc(None, 4096, MEM_COMMIT_RESERVE, PAGE_READWRITE)
    if not address:
        return _processor_features()
    try:
        ctypes.memmove(address, code, len(code))
        old = wintypes.DWORD(0)
        if not kernel32.VirtualProtect(address, 4096, PAGE_EXECUTE_READ, ctypes.byref(old)):
            return _processor_features()
        kernel32.FlushInstructionCache(kernel32.GetCurrentProcess(), address, len(code))
        cpuid, xgetbv = _callables(ctypes, address, CPUID_WIN64)
        return collect(cpuid, xgetbv)
    finally:
        kernel32.VirtualFree(address, 0, MEM_RELEASE)


def _processor_features() -> dict:  # pragma: no cover - Windows only
    """IsProcessorFeaturePresent for each PF_* constant in _rules.WINDOWS_PF."""
    try:
        import ctypes

        from provider_x86_64._rules import WINDOWS_PF

        fn = ctypes.windll.kernel32.IsProcessorFeaturePresent
        return {"processor_features": {name: bool(fn(number)) for name, number, _ in WINDOWS_PF}}
    except Exception:
        return {}
