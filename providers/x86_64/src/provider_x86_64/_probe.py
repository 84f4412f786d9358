"""The seam: the only module of this provider that reads the machine.

Returns raw, JSON-native facts and never raises, never prints, never spawns a process:

- every OS: ``platform`` = {system, machine}; a machine that is not x86-64 stops here (fast).
- Linux: ``cpuinfo``, the text of ``/proc/cpuinfo`` (first 64 KiB: enough for dozens of CPUs,
  and bounded on machines where generating the file is slow). Only when the CPU reports a
  maximum CPUID leaf >= 0x24 (2024+ CPUs, the only ones that can have AVX10 or APX, which the
  kernel does not print) are CPUID/XGETBV also executed, because loading ctypes costs more
  than the rest of the probe. If /proc/cpuinfo is unusable, CPUID is the fallback.
- macOS: ``sysctl``, the machdep.cpu.* / hw.optional.* / sysctl.proc_translated values, read
  with sysctlbyname through ctypes.
- Windows and other x86-64 systems: ``cpuid`` and ``xcr0`` by executing CPUID/XGETBV
  (``_cpuid_exec``); on Windows, if no executable memory can be had, ``processor_features``
  from IsProcessorFeaturePresent.
"""


from provider_runtime import platform_facts, sysio

CPUINFO_LIMIT = 1 << 16
# Leaf 0x24 (AVX10) exists only on CPUs whose maximum basic leaf reaches it.
EXEC_CPUID_FROM_LEVEL = 0x24

def probe() -> dict:
    """Raw facts of this machine; whatever cannot be read is left out."""
    here = platform_facts()
    system, machine = here["system"], here["machine"]
    facts: dict = {"platform": {"system": system, "machine": machine}}
    if machine not in ("x86_64", "amd64", "AMD64", "x64", "X86_64"):
        return facts
    try:
        if system == "Linux":
            _linux(facts)
        elif system == "Darwin":
            from provider_x86_64._darwin import read_sysctl

            facts["sysctl"] = read_sysctl()
        else:
            _exec_cpuid(facts, windows=system == "Windows")
    except Exception:  # never raise from the seam: what was read so far stands
        pass
    return facts


def _linux(facts: dict) -> None:
    try:
        text = sysio.read_text("/proc/cpuinfo", CPUINFO_LIMIT)
    except Exception:
        text = None
    if text is not None:
        facts["cpuinfo"] = text
    level = _cpuid_level(text)
    has_flags = isinstance(text, str) and "\nflags" in text
    if level >= EXEC_CPUID_FROM_LEVEL or not has_flags:
        _exec_cpuid(facts, windows=False)


def _cpuid_level(text: object) -> int:
    """The "cpuid level" field of the first CPU (decimal), 0 when absent."""
    if not isinstance(text, str):
        return 0
    at = text.find("\ncpuid level")
    if at < 0:
        return 0
    value = text[at + 1: text.find("\n", at + 1)].partition(":")[2].strip()
    return int(value) if value.isdigit() and len(value) < 10 else 0


def _exec_cpuid(facts: dict, windows: bool) -> None:
    from provider_x86_64 import _cpuid_exec

    facts.update(_cpuid_exec.read(windows))


