"""macOS part of the seam: sysctl values through sysctlbyname (ctypes; no process spawned).

Imported by ``_probe`` on macOS only.
"""

from __future__ import annotations

import sys

# hw.optional names read on macOS (XNU bsd/kern/kern_mib.c); machdep strings in _rules.EXTENSIONS.
DARWIN_SYSCTLS = (
    "machdep.cpu.vendor", "machdep.cpu.brand_string", "machdep.cpu.features",
    "machdep.cpu.leaf7_features", "machdep.cpu.extfeatures",
    "machdep.cpu.xsave.extended_state", "machdep.cpu.xsave.extended_state1",
    "sysctl.proc_translated",
    "hw.optional.x86_64", "hw.optional.mmx", "hw.optional.sse", "hw.optional.sse2",
    "hw.optional.sse3", "hw.optional.supplementalsse3", "hw.optional.sse4_1",
    "hw.optional.sse4_2", "hw.optional.aes", "hw.optional.avx1_0", "hw.optional.rdrand",
    "hw.optional.f16c", "hw.optional.fma", "hw.optional.avx2_0", "hw.optional.bmi1",
    "hw.optional.bmi2", "hw.optional.adx", "hw.optional.avx512f", "hw.optional.avx512cd",
    "hw.optional.avx512dq", "hw.optional.avx512bw", "hw.optional.avx512vl",
    "hw.optional.avx512ifma", "hw.optional.avx512vbmi",
)


def read_sysctl() -> dict:
    """The sysctl values above that exist, as strings (numbers in decimal)."""
    import ctypes

    libc = ctypes.CDLL("/usr/lib/libc.dylib", use_errno=True)
    fn = libc.sysctlbyname
    fn.restype = ctypes.c_int
    fn.argtypes = (ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                   ctypes.c_void_p, ctypes.c_size_t)
    out = {}
    for name in DARWIN_SYSCTLS:
        size = ctypes.c_size_t(0)
        if fn(name.encode(), None, ctypes.byref(size), None, 0) != 0 or not 0 < size.value <= 4096:
            continue  # absent on this macOS version (e.g. proc_translated outside Rosetta)
        buf = ctypes.create_string_buffer(size.value)
        if fn(name.encode(), buf, ctypes.byref(size), None, 0) != 0:
            continue
        raw = buf.raw[: size.value]
        if name.startswith(("hw.optional.", "sysctl.")) and size.value in (4, 8):
            out[name] = str(int.from_bytes(raw, sys.byteorder))
        else:
            out[name] = raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    return out
