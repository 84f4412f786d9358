"""The seam: the only module of this provider that reads the machine.

It returns raw, JSON-native facts and never raises, prints or spawns a process. The machine
check comes first and costs one ``os.uname()``: on anything but a 64-bit Arm process (this
includes x86 Python under Rosetta 2 or Windows' x64 emulation, which see ``x86_64``/``AMD64``)
the facts are the platform alone.

- Linux: ``AT_HWCAP``/``AT_HWCAP2``/``AT_HWCAP3`` from ``/proc/self/auxv`` and the raw
  ``/proc/cpuinfo`` text.
- macOS: the ``hw.optional.*`` sysctls named in ``_rules`` through ``sysctlbyname`` (ctypes).
- Windows: ``IsProcessorFeaturePresent(PF_ARM_*)`` (ctypes) and the ID-register mirrors in the
  registry (winreg).
"""

import sys

from provider_runtime import platform_facts

#: Auxiliary vector tags (include/uapi/linux/auxvec.h).
AT_NULL, AT_HWCAP, AT_HWCAP2, AT_HWCAP3 = 0, 16, 26, 29
_AUX_KEYS = {AT_HWCAP: "hwcap", AT_HWCAP2: "hwcap2", AT_HWCAP3: "hwcap3"}
#: The auxiliary vector is a few hundred bytes; this bounds the read.
AUXV_LIMIT = 8192


def probe() -> dict:
    """Raw facts: the platform, then whatever this OS exposes about the Arm CPU."""
    facts: dict = {"platform": {**platform_facts(), "bits": 64 if sys.maxsize > 2**32 else 32}}
    try:
        if facts["platform"]["machine"].lower() not in ("aarch64", "arm64"):
            return facts
        if facts["platform"]["bits"] != 64:
            return facts
        if sys.platform.startswith("linux") or sys.platform.startswith("android"):
            facts.update(_linux())
        elif sys.platform == "darwin":
            facts["sysctl"] = _darwin()
        elif sys.platform == "win32":
            facts["windows"] = _windows()
        else:  # FreeBSD and others also have AT_HWCAP, but no /proc/self/auxv by default
            facts.update(_linux())
    except Exception:  # never raise from the seam: what could not be read is left out
        pass
    return facts



def parse_auxv(data: bytes, word: int = 8, byteorder: str = sys.byteorder) -> dict:
    """``{"hwcap": int, ...}`` from raw ``/proc/self/auxv`` bytes (pairs of native words)."""
    out: dict = {}
    if not isinstance(data, (bytes, bytearray)):
        return out
    step = 2 * word
    for offset in range(0, len(data) - step + 1, step):
        tag = int.from_bytes(data[offset:offset + word], byteorder)
        if tag == AT_NULL:
            break
        key = _AUX_KEYS.get(tag)
        if key is not None and key not in out:
            out[key] = int.from_bytes(data[offset + word:offset + step], byteorder)
    return out


def _linux() -> dict:
    from provider_runtime import sysio  # through the module, so the harness can inject faults

    facts: dict = {}
    try:
        facts.update(parse_auxv(sysio.read_bytes("/proc/self/auxv", 0, AUXV_LIMIT) or b""))
    except Exception:
        pass
    try:
        text = sysio.read_text("/proc/cpuinfo")
    except Exception:
        text = None
    if isinstance(text, str) and text:
        facts["cpuinfo"] = text
    return facts


def _darwin() -> dict:
    """The sysctls this provider knows about: ``{name: int or str}``, absent names left out."""
    import ctypes

    from provider_aarch64 import _apple_windows as t

    libc = ctypes.CDLL(None, use_errno=True)
    sysctlbyname = libc.sysctlbyname
    sysctlbyname.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                             ctypes.c_void_p, ctypes.c_size_t]
    sysctlbyname.restype = ctypes.c_int
    out: dict = {}
    names = list(t.SYSCTL_FEAT) + [n for n in t.SYSCTL_LEGACY if n not in t.SYSCTL_FEAT]
    for name in names + list(t.SYSCTL_INFO):
        buf = ctypes.create_string_buffer(256)
        size = ctypes.c_size_t(ctypes.sizeof(buf))
        if sysctlbyname(name.encode(), buf, ctypes.byref(size), None, 0) != 0:
            continue  # unknown on this macOS release: absent, not an error
        raw = buf.raw[: size.value]
        if name == "machdep.cpu.brand_string":
            out[name] = raw.split(b"\0", 1)[0].decode("utf-8", "replace")
        elif size.value in (4, 8):
            out[name] = int.from_bytes(raw, "little", signed=True)
    return out


def _windows() -> dict:
    """``{"pf": {"<PF number>": bool}, "cp": {"CP 4030": int, ...}}``."""
    import ctypes

    from provider_aarch64 import _apple_windows as t

    out: dict = {"pf": {}, "cp": {}}
    present = ctypes.windll.kernel32.IsProcessorFeaturePresent  # type: ignore[attr-defined]
    present.argtypes = [ctypes.c_uint32]
    present.restype = ctypes.c_int
    for number in t.WINDOWS_PF:
        out["pf"][str(number)] = bool(present(number))
    try:
        import winreg

        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                             r"HARDWARE\DESCRIPTION\System\CentralProcessor\0")
        try:
            for name in t.WINDOWS_ID_KEYS:
                try:
                    value, kind = winreg.QueryValueEx(key, name)
                except OSError:
                    continue
                if isinstance(value, int):
                    out["cp"][name] = value
                elif isinstance(value, bytes) and len(value) == 8:
                    out["cp"][name] = int.from_bytes(value, "little")
        finally:
            winreg.CloseKey(key)
    except Exception:  # no registry access: the PF answers alone
        pass
    return out
