"""The parts of the rules off the Linux fast path: CPUID + XCR0, macOS sysctl, Windows
processor features, explanations for ``--report``, and facts checking. Pure functions of facts,
like ``_rules`` (whose docstring states the rules); imported lazily by it.
"""

from __future__ import annotations

from provider_x86_64 import _rules as T
from provider_x86_64._rules import cpuinfo_flags

_REG = ("EAX", "EBX", "ECX", "EDX")
_STATE_NAME = {T.YMM: "YMM (bits 1-2)", T.ZMM: "ZMM (bits 1-2, 5-7)", T.AMX: "AMX tile (bits 17-18)",
               T.APX: "APX (bit 19)"}
_U32 = 1 << 32


def cpuid_key(leaf: int, subleaf: int) -> str:
    """The facts key of one CPUID query: ``"0x%08x.%d"``."""
    return "0x%08x.%d" % (leaf, subleaf)


def cpuid_regs(cpuid: object, leaf: int, subleaf: int) -> tuple | None:
    """``(eax, ebx, ecx, edx)`` of a recorded query, None when absent, malformed, or beyond
    the maximum leaf the CPU reports (leaf 0 / 0x80000000 EAX)."""
    if not isinstance(cpuid, dict):
        return None
    regs = _regs(cpuid.get(cpuid_key(leaf, subleaf)))
    if regs is None or leaf in (0, 0x80000000):
        return regs
    top = _regs(cpuid.get(cpuid_key(leaf & 0x80000000, 0)))
    if top is not None and leaf > top[0]:
        return None
    return regs


def _regs(value: object) -> tuple | None:
    if type(value) is not list or len(value) != 4:
        return None
    for v in value:
        if type(v) is not int or not 0 <= v < _U32:
            return None
    return tuple(value)


def _int(value: object, limit: int = 1 << 64) -> int | None:
    return value if type(value) is int and 0 <= value < limit else None


def _where(e: tuple) -> str:
    return f"CPUID.(EAX={e[2]:#x},ECX={e[3]}):{_REG[e[4]]}[{e[5]}]"


def cpuinfo_extras(flags: set, facts: dict, have: set, note) -> None:
    """The slow part of the cpuinfo source: explanations, a recorded XCR0, and the features
    the kernel never prints (from recorded CPUID)."""
    if note is not None:
        for e in T.EXTENSIONS:
            if e[1]:
                state = "present" if e[1] in flags else "absent"
                note((e[0], f"/proc/cpuinfo flag '{e[1]}' {state}"))
            elif e[2] != T.NONE:
                note((e[0], "not printed in /proc/cpuinfo; needs recorded CPUID"))
            else:
                note((e[0], "not in /proc/cpuinfo"))
        note(("", "source: /proc/cpuinfo flags (the kernel lists only features whose state it "
                  "enabled); OSXSAVE taken from the 'xsave' flag"))
    xcr0 = _int(facts.get("xcr0"))
    if xcr0 is not None:
        for e in T.EXTENSIONS:
            if e[6] and e[0] in have and xcr0 & e[6] != e[6]:
                have.discard(e[0])
                if note is not None:
                    note((e[0], f"listed, but XCR0={xcr0:#x} lacks {_STATE_NAME[e[6]]} -> not usable"))
    # Features the kernel never prints: from CPUID, when recorded, with XCR0 confirmed.
    cpuid = facts.get("cpuid")
    if isinstance(cpuid, dict):
        hidden = [e for e in T.EXTENSIONS if not e[1] and e[2] != T.NONE]
        _from_cpuid_entries(hidden, cpuid, xcr0, have, note)


def _usable_state(cpuid: object, xcr0: object) -> int | None:
    """The XCR0 value to trust: None when OSXSAVE is clear (XGETBV would fault) or XCR0 is
    not recorded."""
    leaf1 = cpuid_regs(cpuid, 1, 0)
    if leaf1 is None or not leaf1[2] >> 27 & 1:
        return None
    return _int(xcr0)


def _from_cpuid_entries(entries, cpuid, xcr0_raw, have: set, note) -> None:
    leaf1 = cpuid_regs(cpuid, 1, 0)
    osxsave = leaf1 is not None and bool(leaf1[2] >> 27 & 1)
    xcr0 = _int(xcr0_raw) if osxsave else None
    for e in entries:
        regs = cpuid_regs(cpuid, e[2], e[3])
        bit = regs is not None and bool(regs[e[4]] >> e[5] & 1)
        if not bit:
            if note is not None:
                why = "clear" if regs is not None else "not recorded (or beyond the maximum leaf)"
                note((e[0], f"{_where(e)} {why}"))
            continue
        state = e[6]
        if state:
            if not osxsave:
                if note is not None:
                    note((e[0], f"{_where(e)} set, but OSXSAVE is clear: the OS has not enabled "
                                "XSAVE -> not usable"))
                continue
            if xcr0 is None:
                if note is not None:
                    note((e[0], f"{_where(e)} set, but XCR0 is unknown -> not reported"))
                continue
            if xcr0 & state != state:
                if note is not None:
                    note((e[0], f"{_where(e)} set, but XCR0={xcr0:#x} lacks "
                                f"{_STATE_NAME[state]} -> not usable"))
                continue
        have.add(e[0])
        if note is not None:
            extra = f", XCR0={xcr0:#x} has {_STATE_NAME[state]}" if state else ""
            note((e[0], f"{_where(e)} set{extra}"))


def _from_cpuid(cpuid: dict, facts: dict, note) -> set:
    have: set = set()
    _from_cpuid_entries(T.EXTENSIONS + T.BASELINE, cpuid, facts.get("xcr0"), have, note)
    if note is not None:
        leaf1 = cpuid_regs(cpuid, 1, 0)
        osx = leaf1 is not None and leaf1[2] >> 27 & 1
        xcr0 = _int(facts.get("xcr0"))
        note(("", "source: raw CPUID leaves; OSXSAVE " + ("set" if osx else "clear") + ", XCR0 "
                  + (f"= {xcr0:#x}" if xcr0 is not None and osx else "not used" if not osx else "unknown")))
    return have


def _from_sysctl(sysctl: dict, note) -> set:
    def text(name: str) -> str:
        value = sysctl.get(name)
        return value if isinstance(value, str) else ""

    tokens = set(text("machdep.cpu.features").split())
    tokens.update(text("machdep.cpu.leaf7_features").split())
    tokens.update(text("machdep.cpu.extfeatures").split())
    translated = text("sysctl.proc_translated").strip() == "1"
    avx512_hw = sysctl.get("hw.optional.avx512f")
    have = set()
    for e in T.EXTENSIONS + T.BASELINE:
        hw = "hw.optional." + e[8] if e[8] else ""
        if hw and hw in sysctl:
            ok = text(hw).strip() == "1"
            why = f"sysctl {hw} = {text(hw).strip() or sysctl.get(hw)!r}"
        elif e[7]:
            ok = e[7] in tokens
            why = f"machdep.cpu token '{e[7]}' " + ("present" if ok else "absent")
        elif e[0] in ("xsaveopt", "xsavec"):
            # machdep.cpu.xsave.extended_state1 = CPUID.(EAX=0DH,ECX=1): EAX EBX ECX EDX
            words = text("machdep.cpu.xsave.extended_state1").split()
            eax = int(words[0]) if words and words[0].isdigit() and len(words[0]) < 12 else 0
            ok = bool(eax >> e[5] & 1)
            why = f"machdep.cpu.xsave.extended_state1 EAX bit {e[5]} " + ("set" if ok else "clear")
        else:
            ok, why = False, "not reported by macOS"
        if ok and e[6] == T.ZMM and avx512_hw is not None and text("hw.optional.avx512f").strip() != "1":
            ok, why = False, why + ", but hw.optional.avx512f != 1 -> not usable"
        if ok and translated and e[6] in (T.ZMM, T.AMX, T.APX):
            ok, why = False, why + ", but Rosetta 2 does not translate it"
        if ok:
            have.add(e[0])
        if note is not None:
            note((e[0], why))
    if note is not None:
        note(("", "source: macOS sysctl (hw.optional.* where recorded, else machdep.cpu.* strings)"
                  + ("; running under Rosetta 2: the virtual CPU Rosetta presents" if translated else "")))
    return have


def _from_processor_features(pf: dict, note) -> set:
    have = {"lm", "cmov", "cx8", "fpu", "fxsr"}  # architectural on every x86-64 CPU
    for name, number, feature in T.WINDOWS_PF:
        if pf.get(name) is True:
            have.add(feature)
        if note is not None:
            note((feature, f"IsProcessorFeaturePresent({name} = {number}) = {pf.get(name)!r}"))
    if note is not None:
        note(("", "source: Windows IsProcessorFeaturePresent (CPUID could not be executed); it "
                  "cannot tell POPCNT, LAHF, BMI, LZCNT, MOVBE, so the level is at most v1"))
    return have


def _avx10_version(facts: dict, have: set, note) -> int:
    """The AVX10 version (0 = none) from recorded CPUID, with the ZMM state confirmed."""
    cpuid = facts.get("cpuid")
    leaf, sub, reg, bit = T.AVX10_BIT
    regs = cpuid_regs(cpuid, leaf, sub)
    if regs is None or not regs[reg] >> bit & 1:
        if note is not None:
            note(("avx10_version", "CPUID.(EAX=7,ECX=1):EDX[19] (AVX10) " +
                  ("clear" if regs is not None else "not recorded")))
        return 0
    xcr0 = _usable_state(cpuid, facts.get("xcr0"))
    if xcr0 is None or xcr0 & T.ZMM != T.ZMM:
        if note is not None:
            note(("avx10_version", "AVX10 enumerated, but XCR0 unknown or lacking ZMM state -> not usable"))
        return 0
    v = cpuid_regs(cpuid, T.AVX10_LEAF, 0)
    version = v[1] & 0xFF if v is not None else 0
    if note is not None:
        note(("avx10_version", f"CPUID.(EAX=24H,ECX=0):EBX[7:0] = {version}, XCR0={xcr0:#x} has ZMM state"))
    return min(version, int(T.AVX10_VERSIONS[0]))


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    from provider_runtime.facts import check_fields

    problems = check_fields(facts, {
        "platform": (dict,), "cpuinfo": (str, None), "cpuid": (dict, None), "xcr0": (int, None),
        "sysctl": (dict, None), "processor_features": (dict, None),
    })
    if not isinstance(facts, dict):
        return problems
    platform = facts.get("platform")
    if isinstance(platform, dict):
        for key in ("system", "machine"):
            if key in platform and not isinstance(platform[key], str):
                problems.append(f"field 'facts.platform.{key}' must be a string, "
                                f"found {type(platform[key]).__name__}")
    machine = platform.get("machine") if isinstance(platform, dict) else None
    x86 = not isinstance(machine, str) or not machine or machine in T.X86_64_MACHINES
    xcr0 = facts.get("xcr0")
    if type(xcr0) is int and not 0 <= xcr0 < 1 << 64:
        problems.append(f"field 'facts.xcr0' must be an unsigned 64-bit integer, found {xcr0}")
    cpuid = facts.get("cpuid")
    if isinstance(cpuid, dict):
        for key, value in cpuid.items():
            problems.extend(_check_cpuid_entry(key, value))
            if len(problems) > 10:
                break
    text = facts.get("cpuinfo")
    if isinstance(text, str) and x86:
        flags = cpuinfo_flags(text)
        if flags is None:
            problems.append("field 'facts.cpuinfo' has no 'flags' line (empty, truncated or not "
                            "an x86 /proc/cpuinfo)")
        else:
            base = [n for n in ("fpu", "cx8", "cmov", "fxsr", "mmx", "sse", "sse2", "lm") if n not in flags]
            if base:
                problems.append("field 'facts.cpuinfo': the flags line lacks the x86-64 baseline "
                                f"({', '.join(base)}): truncated or garbage")
    sysctl = facts.get("sysctl")
    if isinstance(sysctl, dict):
        for key, value in sysctl.items():
            if not isinstance(value, str):
                problems.append(f"field 'facts.sysctl.{key}' must be a string, found {type(value).__name__}")
                break
    pf = facts.get("processor_features")
    if isinstance(pf, dict):
        for key, value in pf.items():
            if not isinstance(value, bool):
                problems.append(f"field 'facts.processor_features.{key}' must be a boolean, "
                                f"found {type(value).__name__}")
                break
    return problems


def _check_cpuid_entry(key: object, value: object) -> list[str]:
    where = f"field 'facts.cpuid.{key}'"
    leaf, dot, sub = str(key).partition(".")
    ok = (dot and leaf.startswith("0x") and len(leaf) == 10 and sub.isdigit() and sub.isascii()
          and all(c in "0123456789abcdef" for c in leaf[2:]))
    if not ok:
        return [f"{where}: key must look like '0x00000007.0' (\"0x%08x.%d\" % (leaf, subleaf))"]
    if type(value) is not list:
        return [f"{where} must be a list of 4 integers [eax, ebx, ecx, edx], found {type(value).__name__}"]
    if len(value) != 4:
        return [f"{where} must have 4 registers [eax, ebx, ecx, edx], found {len(value)}"]
    for reg, v in zip(_REG, value, strict=True):
        if type(v) is not int:
            return [f"{where}: {reg} must be an integer, found {type(v).__name__}"]
        if not 0 <= v < _U32:
            return [f"{where}: {reg} must be an unsigned 32-bit integer, found {v}"]
    return []
