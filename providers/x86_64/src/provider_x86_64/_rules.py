"""Pure functions from raw facts to the ``x86_64`` variant features: no I/O, any input accepted.

One source of truth per machine, chosen in this order (the first usable one decides):

1. ``cpuinfo`` - Linux ``/proc/cpuinfo`` text. The kernel prints a flag only when the feature
   is usable: it clears AVX, AVX-512, AMX flags whose XSAVE state it did not enable. The flags
   common to every CPU listed are used. A recorded ``xcr0`` (int) masks them further. Features
   the kernel never prints (AVX10 version, APX, AMX-COMPLEX) come from ``cpuid`` + ``xcr0`` when
   those were recorded.
2. ``cpuid`` + ``xcr0`` - raw CPUID leaves (any OS; how Windows is read). A feature that needs
   register state is usable only when CPUID.1:ECX.OSXSAVE[27] is set and XCR0 has its state
   bits (AVX: 1-2, AVX-512: 1-2 and 5-7, AMX: 17-18, APX: 19), as glibc decides. ``xcr0`` null
   means "unknown": such features are then not reported (never claim what the OS may not have
   enabled).
3. ``sysctl`` - macOS. ``hw.optional.*`` values, where recorded, are the kernel's word (it
   enables AVX-512 state lazily, so XCR0 would lie); otherwise the ``machdep.cpu.*`` feature
   strings. Under Rosetta 2 (``sysctl.proc_translated`` = 1) the strings describe Rosetta's
   virtual CPU, which is exactly what the translated process can run; AVX-512, AMX and APX are
   dropped in any case, as Rosetta translates none of them.
4. ``processor_features`` - Windows ``IsProcessorFeaturePresent`` answers, used only when CPUID
   could not be executed. They cannot tell POPCNT, LAHF, BMI, ... so the level stays at v1.

The level is the highest psABI level whose every feature is usable (``LEVELS`` below).
Facts that do not even show the x86-64 baseline (a truncated or foreign recording) give ``[]``.
"""

from provider_runtime import FeatureConfig

# == Tables (data) ==========================================================================
#
# Every extension this provider knows, where each OS reports it, and what state it needs.
#
# Sources (facts only; cited per column):
#
# - CPUID leaf/subleaf/register/bit: Intel 64 and IA-32 Architectures Software Developer's
#   Manual, Vol. 2A, CPUID (Table 3-8, "Information returned by CPUID"); Intel Architecture
#   Instruction Set Extensions and Future Features Programming Reference (leaf 7 subleaf 1,
#   leaf 0x24 for AVX10, APX); AMD64 Architecture Programmer's Manual Vol. 3, Appendix E
#   (leaves 0x80000001 and 0x80000008).
# - /proc/cpuinfo spellings: Linux arch/x86/include/asm/cpufeatures.h (the quoted name in a
#   flag's comment, or the lower-cased macro name; "" = the kernel does not print the flag).
#   SSE3 is printed as "pni"; the published vocabulary calls it "sse3".
# - XSAVE state each feature needs in XCR0: Intel SDM Vol. 1, 13.3 "Enabling the XSAVE feature
#   set" (AVX: bits 1-2; AVX-512: bits 5-7 with 1-2; AMX: bits 17-18) and the APX
#   specification (bit 19), the way glibc's sysdeps/x86/cpu-features.c decides "usable".
#   VEX-encoded general-purpose instructions (BMI1, BMI2) need no vector state.
# - macOS names: the machdep.cpu.features / leaf7_features / extfeatures strings of XNU
#   (osfmk/i386/cpuid.c) and its hw.optional.* sysctls.

# XCR0 masks (Intel SDM Vol. 1, 13.1): bit 1 SSE, bit 2 AVX (YMM upper halves), bits 5-7
# opmask/ZMM_Hi256/Hi16_ZMM, bits 17-18 TILECFG/TILEDATA, bit 19 APX extended GPRs.
YMM = 0x6
ZMM = 0xE6
AMX = 0x60000
APX = 0x80000

EAX, EBX, ECX, EDX = 0, 1, 2, 3
NONE = -1

# (name, cpuinfo spelling, leaf, subleaf, register, bit, XCR0 state, macOS machdep token,
#  macOS hw.optional name)
# In preference order: the provider's feature order after `level` (the first feature a wheel
# declares dominates installers' sorting). Rationale: the newest and widest vector ISAs first
# (a wheel built for them gains most), then the VEX (AVX) extensions, bit manipulation,
# cryptography, the SSE generations, other instructions, and last the system features the
# published vocabulary happens to contain.
EXTENSIONS = (
    # APX and AMX
    ("apx_f", "", 7, 1, EDX, 21, APX, "", ""),
    ("amx_tile", "amx_tile", 7, 0, EDX, 24, AMX, "", ""),
    ("amx_int8", "amx_int8", 7, 0, EDX, 25, AMX, "", ""),
    ("amx_bf16", "amx_bf16", 7, 0, EDX, 22, AMX, "", ""),
    ("amx_fp16", "amx_fp16", 7, 1, EAX, 21, AMX, "", ""),
    ("amx_complex", "", 7, 1, EDX, 8, AMX, "", ""),
    # AVX-512 (newest first, then the v4 foundation, then Xeon Phi only)
    ("avx512_fp16", "avx512_fp16", 7, 0, EDX, 23, ZMM, "", ""),
    ("avx512_bf16", "avx512_bf16", 7, 1, EAX, 5, ZMM, "", ""),
    ("avx512_vp2intersect", "avx512_vp2intersect", 7, 0, EDX, 8, ZMM, "", ""),
    ("avx512_vnni", "avx512_vnni", 7, 0, ECX, 11, ZMM, "AVX512VNNI", ""),
    ("avx512_vbmi2", "avx512_vbmi2", 7, 0, ECX, 6, ZMM, "AVX512VBMI2", ""),
    ("avx512_bitalg", "avx512_bitalg", 7, 0, ECX, 12, ZMM, "AVX512BITALG", ""),
    ("avx512_vpopcntdq", "avx512_vpopcntdq", 7, 0, ECX, 14, ZMM, "AVX512VPCNTDQ", ""),
    ("avx512vbmi", "avx512vbmi", 7, 0, ECX, 1, ZMM, "AVX512VBMI", "avx512vbmi"),
    ("avx512ifma", "avx512ifma", 7, 0, EBX, 21, ZMM, "AVX512IFMA", "avx512ifma"),
    ("avx512f", "avx512f", 7, 0, EBX, 16, ZMM, "AVX512F", "avx512f"),
    ("avx512bw", "avx512bw", 7, 0, EBX, 30, ZMM, "AVX512BW", "avx512bw"),
    ("avx512cd", "avx512cd", 7, 0, EBX, 28, ZMM, "AVX512CD", "avx512cd"),
    ("avx512dq", "avx512dq", 7, 0, EBX, 17, ZMM, "AVX512DQ", "avx512dq"),
    ("avx512vl", "avx512vl", 7, 0, EBX, 31, ZMM, "AVX512VL", "avx512vl"),
    ("avx512_4vnniw", "avx512_4vnniw", 7, 0, EDX, 2, ZMM, "AVX5124VNNIW", ""),
    ("avx512_4fmaps", "avx512_4fmaps", 7, 0, EDX, 3, ZMM, "AVX5124FMAPS", ""),
    ("avx512er", "avx512er", 7, 0, EBX, 27, ZMM, "", ""),
    ("avx512pf", "avx512pf", 7, 0, EBX, 26, ZMM, "", ""),
    # VEX-encoded vector extensions (need YMM state)
    ("avx_vnni_int16", "avx_vnni_int16", 7, 1, EDX, 10, YMM, "", ""),
    ("avx_vnni_int8", "avx_vnni_int8", 7, 1, EDX, 4, YMM, "", ""),
    ("avx_ne_convert", "avx_ne_convert", 7, 1, EDX, 5, YMM, "", ""),
    ("avx_ifma", "avx_ifma", 7, 1, EAX, 23, YMM, "", ""),
    ("avx_vnni", "avx_vnni", 7, 1, EAX, 4, YMM, "", ""),
    ("sha512", "sha512", 7, 1, EAX, 0, YMM, "", ""),
    ("sm3", "sm3", 7, 1, EAX, 1, YMM, "", ""),
    ("sm4", "sm4", 7, 1, EAX, 2, YMM, "", ""),
    ("vaes", "vaes", 7, 0, ECX, 9, YMM, "VAES", ""),
    ("vpclmulqdq", "vpclmulqdq", 7, 0, ECX, 10, YMM, "VPCLMULQDQ", ""),
    ("avx2", "avx2", 7, 0, EBX, 5, YMM, "AVX2", "avx2_0"),
    ("fma", "fma", 1, 0, ECX, 12, YMM, "FMA", "fma"),
    ("f16c", "f16c", 1, 0, ECX, 29, YMM, "F16C", "f16c"),
    ("avx", "avx", 1, 0, ECX, 28, YMM, "AVX1.0", "avx1_0"),
    ("fma4", "fma4", 0x80000001, 0, ECX, 16, YMM, "", ""),
    ("xop", "xop", 0x80000001, 0, ECX, 11, YMM, "", ""),
    # bit manipulation (GPR instructions, no vector state)
    ("bmi2", "bmi2", 7, 0, EBX, 8, 0, "BMI2", "bmi2"),
    ("bmi1", "bmi1", 7, 0, EBX, 3, 0, "BMI1", "bmi1"),
    ("abm", "abm", 0x80000001, 0, ECX, 5, 0, "LZCNT", ""),
    ("tbm", "tbm", 0x80000001, 0, ECX, 21, 0, "", ""),
    ("adx", "adx", 7, 0, EBX, 19, 0, "ADX", "adx"),
    ("movbe", "movbe", 1, 0, ECX, 22, 0, "MOVBE", ""),
    ("popcnt", "popcnt", 1, 0, ECX, 23, 0, "POPCNT", ""),
    # cryptography and randomness
    ("gfni", "gfni", 7, 0, ECX, 8, 0, "GFNI", ""),
    ("sha_ni", "sha_ni", 7, 0, EBX, 29, 0, "SHA", ""),
    ("aes", "aes", 1, 0, ECX, 25, 0, "AES", "aes"),
    ("pclmulqdq", "pclmulqdq", 1, 0, ECX, 1, 0, "PCLMULQDQ", ""),
    ("rdseed", "rdseed", 7, 0, EBX, 18, 0, "RDSEED", ""),
    ("rdrand", "rdrand", 1, 0, ECX, 30, 0, "RDRAND", "rdrand"),
    # SSE generations
    ("sse4a", "sse4a", 0x80000001, 0, ECX, 6, 0, "", ""),
    ("sse4_2", "sse4_2", 1, 0, ECX, 20, 0, "SSE4.2", "sse4_2"),
    ("sse4_1", "sse4_1", 1, 0, ECX, 19, 0, "SSE4.1", "sse4_1"),
    ("ssse3", "ssse3", 1, 0, ECX, 9, 0, "SSSE3", "supplementalsse3"),
    ("sse3", "pni", 1, 0, ECX, 0, 0, "SSE3", "sse3"),
    ("sse2", "sse2", 1, 0, EDX, 26, 0, "SSE2", "sse2"),
    ("sse", "sse", 1, 0, EDX, 25, 0, "SSE", "sse"),
    ("mmx", "mmx", 1, 0, EDX, 23, 0, "MMX", "mmx"),
    # other instructions
    ("cmpccxadd", "cmpccxadd", 7, 1, EAX, 7, 0, "", ""),
    ("serialize", "serialize", 7, 0, EDX, 14, 0, "", ""),
    ("movdir64b", "movdir64b", 7, 0, ECX, 28, 0, "MOVDIR64B", ""),
    ("movdiri", "movdiri", 7, 0, ECX, 27, 0, "MOVDIRI", ""),
    ("rdpid", "rdpid", 7, 0, ECX, 22, 0, "RDPID", ""),
    ("clwb", "clwb", 7, 0, EBX, 24, 0, "CLWB", ""),
    ("clflushopt", "clflushopt", 7, 0, EBX, 23, 0, "CLFSOPT", ""),
    ("clzero", "clzero", 0x80000008, 0, EBX, 0, 0, "", ""),
    ("fsgsbase", "fsgsbase", 7, 0, EBX, 0, 0, "RDWRFSGS", ""),
    ("xsavec", "xsavec", 0xD, 1, EAX, 1, 0, "", ""),
    ("xsaveopt", "xsaveopt", 0xD, 1, EAX, 0, 0, "", ""),
    ("xsave", "xsave", 1, 0, ECX, 26, 0, "XSAVE", ""),
    ("cx16", "cx16", 1, 0, ECX, 13, 0, "CX16", ""),
    ("lahf_lm", "lahf_lm", 0x80000001, 0, ECX, 0, 0, "LAHF", ""),
    # system features in the published vocabulary. ibrs_enhanced comes from an MSR
    # (IA32_ARCH_CAPABILITIES.IBRS_ALL) or AMD's AutoIBRS, which only the kernel reads:
    # it is known from /proc/cpuinfo only.
    ("tsc_adjust", "tsc_adjust", 7, 0, EBX, 1, 0, "TSC_THREAD_OFFSET", ""),
    ("flush_l1d", "flush_l1d", 7, 0, EDX, 28, 0, "L1DF", ""),
    ("ibrs_enhanced", "ibrs_enhanced", NONE, 0, 0, 0, 0, "", ""),
    ("cppc", "cppc", 0x80000008, 0, EBX, 27, 0, "", ""),
)

# Facts the level rules need that are not features of their own (same columns).
# OSXSAVE is never printed by Linux; there, AVX being listed implies the kernel enabled XSAVE.
BASELINE = (
    ("fpu", "fpu", 1, 0, EDX, 0, 0, "FPU", ""),
    ("cx8", "cx8", 1, 0, EDX, 8, 0, "CX8", ""),
    ("cmov", "cmov", 1, 0, EDX, 15, 0, "CMOV", ""),
    ("fxsr", "fxsr", 1, 0, EDX, 24, 0, "FXSR", ""),
    ("lm", "lm", 0x80000001, 0, EDX, 29, 0, "EM64T", "x86_64"),
    ("osxsave", "", 1, 0, ECX, 27, 0, "OSXSAVE", ""),
)

# x86-64 psABI microarchitecture levels (System V AMD64 psABI, "Micro-architecture levels"),
# highest first. LZCNT is "abm" in /proc/cpuinfo; SSE3 is "sse3" here (cpuinfo "pni").
# v1 additionally names OSFXSR and SCE, which every x86-64 OS enables (no CPUID bit to test).
LEVELS = (
    ("v4", ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")),
    ("v3", ("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "osxsave")),
    ("v2", ("cx16", "lahf_lm", "popcnt", "sse3", "ssse3", "sse4_1", "sse4_2")),
    ("v1", ("lm", "cmov", "cx8", "fpu", "fxsr", "mmx", "sse", "sse2")),
)

# AVX10 versions this provider version knows (CPUID.(EAX=24H,ECX=0):EBX[7:0]), highest first.
AVX10_VERSIONS = ("2", "1")

# Windows IsProcessorFeaturePresent constants (winnt.h), used only when CPUID cannot be
# executed. They reflect what the OS enabled (PF_AVX* are clear when the OS disabled AVX).
WINDOWS_PF = (
    ("PF_MMX_INSTRUCTIONS_AVAILABLE", 3, "mmx"),
    ("PF_XMMI_INSTRUCTIONS_AVAILABLE", 6, "sse"),
    ("PF_XMMI64_INSTRUCTIONS_AVAILABLE", 10, "sse2"),
    ("PF_SSE3_INSTRUCTIONS_AVAILABLE", 13, "sse3"),
    ("PF_COMPARE_EXCHANGE128", 14, "cx16"),
    ("PF_RDRAND_INSTRUCTION_AVAILABLE", 28, "rdrand"),
    ("PF_SSSE3_INSTRUCTIONS_AVAILABLE", 36, "ssse3"),
    ("PF_SSE4_1_INSTRUCTIONS_AVAILABLE", 37, "sse4_1"),
    ("PF_SSE4_2_INSTRUCTIONS_AVAILABLE", 38, "sse4_2"),
    ("PF_AVX_INSTRUCTIONS_AVAILABLE", 39, "avx"),
    ("PF_AVX2_INSTRUCTIONS_AVAILABLE", 40, "avx2"),
    ("PF_AVX512F_INSTRUCTIONS_AVAILABLE", 41, "avx512f"),
)

# Machine names (uname / PROCESSOR_ARCHITECTURE) of x86-64 systems.
X86_64_MACHINES = ("x86_64", "amd64", "AMD64", "x64", "X86_64")

# AVX10 (Intel AVX10 Architecture Specification): CPUID.(EAX=7,ECX=1):EDX[19] says AVX10 is
# present, CPUID.(EAX=24H,ECX=0):EBX[7:0] its version; it needs the AVX-512 (ZMM) state.
# Linux does not print it in /proc/cpuinfo.
AVX10_BIT = (7, 1, EDX, 19)
AVX10_LEAF = 0x24

# == Rules ===========================================================================



def _sources():
    # Everything off the Linux fast path (CPUID, macOS, Windows, explanations, checks) lives
    # in _sources, imported only when needed: fewer bytes to load at every install.
    from provider_x86_64 import _sources as mod

    return mod

def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version knows: ``level``, ``avx10_version``, extensions."""
    out = [FeatureConfig("level", [lv for lv, _ in LEVELS]),
           FeatureConfig("avx10_version", list(AVX10_VERSIONS))]
    out.extend(FeatureConfig(e[0], ["on"]) for e in EXTENSIONS)
    return out


# -- the sources ------------------------------------------------------------------------------

def cpuinfo_flags(text: object) -> set | None:
    """The flags every CPU in ``/proc/cpuinfo`` text lists, or None without a flags line."""
    if not isinstance(text, str):
        return None
    flags = None
    first = None
    for line in text.split("\n"):
        if not line.startswith("flags"):
            continue
        key, sep, value = line.partition(":")
        if not sep or key.strip() != "flags":
            continue
        if first is None:
            first = value
            flags = set(value.split())
        elif value != first:  # only a differing CPU costs a set
            flags &= set(value.split())
    return flags


def _from_cpuinfo(flags: set, facts: dict, note) -> set:
    have = {e[0] for e in EXTENSIONS + BASELINE if e[1] and e[1] in flags}
    if "xsave" in flags:
        have.add("osxsave")  # Linux prints xsave only when it enabled XSAVE (CR4.OSXSAVE)
    if note is not None or facts.get("xcr0") is not None or facts.get("cpuid") is not None:
        from provider_x86_64 import _sources

        _sources.cpuinfo_extras(flags, facts, have, note)
    return have


# -- the decision ------------------------------------------------------------------------------

def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this machine supports, from its facts; never raises on odd input."""
    note = explain.append if explain is not None else None
    if not isinstance(facts, dict):
        facts = {}
    platform = facts.get("platform")
    machine = platform.get("machine") if isinstance(platform, dict) else None
    if isinstance(machine, str) and machine and machine not in X86_64_MACHINES:
        if note is not None:
            note(("", f"platform.machine = {machine!r}: not an x86-64 machine, nothing to report"))
        return []
    flags = cpuinfo_flags(facts.get("cpuinfo"))
    cpuid = facts.get("cpuid")
    sysctl = facts.get("sysctl")
    pf = facts.get("processor_features")
    if flags is not None and "lm" in flags:
        have = _from_cpuinfo(flags, facts, note)
    elif isinstance(cpuid, dict) and _sources().cpuid_regs(cpuid, 1, 0) is not None:
        have = _sources()._from_cpuid(cpuid, facts, note)
    elif isinstance(sysctl, dict) and isinstance(sysctl.get("machdep.cpu.features"), str):
        have = _sources()._from_sysctl(sysctl, note)
    elif isinstance(pf, dict) and pf:
        have = _sources()._from_processor_features(pf, note)
    else:
        if note is not None:
            note(("", "no usable source: no /proc/cpuinfo flags line with 'lm', no CPUID leaf 1, "
                      "no macOS machdep.cpu.features, no Windows processor features"))
        return []
    return _configs(have, facts, note)


def _configs(have: set, facts: dict, note) -> list[FeatureConfig]:
    # Levels are cumulative (v3 = v2 + ...): climb from v1 while every feature is usable.
    values: list = []
    for level, needs in reversed(LEVELS):
        missing = [n for n in needs if n not in have]
        if missing:
            if note is not None:
                note(("level", f"{level} not reached: missing {', '.join(missing)}"))
            break
        values.insert(0, level)
    if not values:
        if note is not None:
            note(("", "the x86-64 baseline (v1) is not visible in the facts: a truncated or "
                      "foreign recording; nothing reported"))
        return []
    if note is not None:
        note(("level", f"{values[0]}: every feature of {', '.join(values)} is usable"))
    out = [FeatureConfig("level", values)]
    version = _sources()._avx10_version(facts, have, note) if isinstance(facts.get("cpuid"), dict) else 0
    if version:
        out.append(FeatureConfig("avx10_version", [v for v in AVX10_VERSIONS if int(v) <= version]))
    for e in EXTENSIONS:
        if e[0] in have:
            out.append(FeatureConfig(e[0], ["on"]))
    return out


# -- checking a facts file ----------------------------------------------------------------------

def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    return _sources().check_facts(facts)
