"""Data tables and pure functions from raw facts to ``aarch64`` variant features: no I/O, any
input accepted. (Tables and rules share one module: every module costs a fresh interpreter about
0.25 ms to import, and a replayed facts file needs both.)

The steps, each a function of the facts alone:

1. Is this record from an AArch64 process at all? (``platform.machine`` and pointer size are
   checked by ``provider_aarch64.platform_verdict`` before this module is imported, so a
   non-Arm machine never loads it; then the facts themselves.)
2. Which extensions are present: the union of what each source says (hwcap bits, the cpuinfo
   ``Features`` line common to every CPU, macOS sysctls, Windows PF_* answers and ID registers).
3. Which architecture versions every required feature of which is present (VERSION_STEPS).

Feature order is preference order for installers: ``version`` first, newest value first.
"""

from provider_runtime import FeatureConfig

from provider_aarch64 import ARM64_MACHINES, platform_verdict

# == Data tables (each with its source) ==========================================================

# -- Linux hwcaps --------------------------------------------------------------------------------
# Bit number -> /proc/cpuinfo spelling, from the Linux kernel's
# arch/arm64/include/uapi/asm/hwcap.h (HWCAP_*, HWCAP2_*, HWCAP3_* = 1 << index) and the
# spellings in arch/arm64/kernel/cpuinfo.c (hwcap_str[]), as of Linux 6.17.
# AT_HWCAP = 16, AT_HWCAP2 = 26, AT_HWCAP3 = 29 (include/uapi/linux/auxvec.h).
HWCAP_BITS: tuple[str, ...] = (
    "fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",              # 0-7
    "atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",     # 8-15
    "dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",           # 16-23
    "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",                 # 24-31
    "gcs", "cmpbr", "fprcvt", "f8mm8", "f8mm4", "svef16mm", "sveeltperm", "sveaes2",  # 32-39
    "svebfscale", "sve2p2", "sme2p2", "smesbitperm", "smeaes", "smesfexpa",          # 40-45
    "smestmop", "smesmop4",                                                          # 46-47
)
HWCAP2_BITS: tuple[str, ...] = (
    "dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2",      # 0-7
    "frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh",            # 8-15
    "rng", "bti", "mte", "ecv", "afp", "rpres", "mte3", "sme",                               # 16-23
    "smei16i64", "smef64f64", "smei8i32", "smef16f32", "smeb16f32", "smef32f32", "smefa64",  # 24-30
    "wfxt", "ebf16", "sveebf16", "cssc", "rprfm", "sve2p1", "sme2", "sme2p1",                # 31-38
    "smei16i32", "smebi32i32", "smeb16b16", "smef16f16", "mops", "hbc", "sveb16b16",         # 39-45
    "lrcpc3", "lse128", "fpmr", "lut", "faminmax", "f8cvt", "f8fma", "f8dp4",                # 46-53
    "f8dp2", "f8e4m3", "f8e5m2", "smelutv2", "smef8f16", "smef8f32", "smesf8fma",            # 54-60
    "smesf8dp4", "smesf8dp2", "poe",                                                         # 61-63
)
HWCAP3_BITS: tuple[str, ...] = ("mtefar", "mtestoreonly", "lsfe")                             # 0-2

#: hwcap name -> "AT_HWCAPn bit N", to name the bit behind a cpuinfo word in explanations.
HWCAP_WHERE: dict[str, str] = {
    name: f"{label} bit {bit}"
    for label, bits in (("AT_HWCAP", HWCAP_BITS), ("AT_HWCAP2", HWCAP2_BITS), ("AT_HWCAP3", HWCAP3_BITS))
    for bit, name in enumerate(bits)
}

#: Spellings an AArch32 kernel (or a 32-bit personality) prints in its ``Features`` line
#: (arch/arm/kernel/setup.c hwcap_str[], arch/arm64/kernel/cpuinfo.c compat_hwcap_str[]).
#: A cpuinfo with these and without ``fp``/``asimd`` is a 32-bit view: no AArch64 at all.
AARCH32_ONLY = frozenset(("half", "thumb", "fastmult", "vfp", "edsp", "neon", "vfpv3", "tls",
                          "vfpv4", "idiva", "idivt", "vfpd32", "lpae", "swp", "java"))

# -- Published vocabulary ------------------------------------------------------------------------
#: The 40 extension names published by provider-variant-aarch64 0.0.1.post2 (PyPI), in its
#: order. Two of them are compound spellings that exist in wheels' metadata as published:
#: ``asimdrdmatomics`` and ``btiecv`` (see COMPOUND).
PUBLISHED: tuple[str, ...] = (
    "sve2", "flagm2", "frint", "sb", "btiecv", "paca", "pacg", "ssbs", "asimdfhm", "bf16",
    "dcpodp", "dgh", "dit", "flagm", "i8mm", "ilrcpc", "jscvt", "rng", "sha3", "sha512",
    "svebf16", "svei8mm", "uscat", "asimddp", "lrcpc", "asimdhp", "dcpop", "fcma", "fphp", "sve",
    "asimdrdmatomics", "aes", "asimd", "cpuid", "crc32", "evtstrm", "fp", "pmull", "sha1", "sha2",
)
#: Published compound names: on exactly when every part is on.
COMPOUND: dict[str, tuple[str, ...]] = {
    "asimdrdmatomics": ("asimdrdm", "atomics"),
    "btiecv": ("bti", "ecv"),
}
#: Extensions newer than SVE2 that a wheel specialises on; they sort ahead of the published
#: list so that a wheel built for them wins over an SVE2 one on a machine that has both.
FRONT: tuple[str, ...] = ("sme2p2", "sme2p1", "sme2", "sme", "sve2p2", "sve2p1")


def _feature_order() -> tuple[str, ...]:
    # dict.fromkeys keeps the first position of each name (a list scan would be quadratic).
    return tuple(dict.fromkeys(FRONT + PUBLISHED + HWCAP_BITS + HWCAP2_BITS + HWCAP3_BITS))


#: Every extension feature in the order installers see them (after ``version``): FRONT, then
#: the published order, then the remaining hwcaps in kernel bit order (HWCAP, HWCAP2, HWCAP3).
FEATURE_ORDER: tuple[str, ...] = _feature_order()

# -- Architecture versions -----------------------------------------------------------------------
# A version is reported when every feature it REQUIRES is present. Required = the user-visible
# (hwcap) features that the version makes mandatory AND whose instructions a compiler may emit
# for -march=armv<version>-a (Arm ARM DDI 0487 section A2 "Armv8.x/9.x architecture
# extensions"; LLVM llvm/lib/Target/AArch64/AArch64Features.td HasV8_*aOps / HasV9_*aOps).
# Deliberately NOT required (documented in README): paca/pacg (8.3; hidden by RHEL 8/9 kernels,
# compilers emit PAC only with -mbranch-protection, in the hint space), bti (8.5; hint space,
# hidden by kernels without BTI support, absent on Apple M1), ssbs (8.5; Apple M4 reports none,
# a PSTATE bit no compiler sets), dit (8.4; hidden by some images, never emitted), ecv/afp/rpres
# (8.6/8.7; timer and FPCR behaviour, no instruction a compiler emits), fphp/asimdfhm (optional).
VERSION_STEPS: dict[str, tuple[str, ...]] = {
    "8a": ("fp", "asimd"),
    "8.1a": ("crc32", "atomics", "asimdrdm"),           # FEAT_CRC32, FEAT_LSE, FEAT_RDM
    "8.2a": ("dcpop",),                                 # FEAT_DPB (DC CVAP)
    "8.3a": ("jscvt", "fcma", "lrcpc"),                 # FEAT_JSCVT, FEAT_FCMA, FEAT_LRCPC
    "8.4a": ("asimddp", "flagm", "ilrcpc", "uscat"),    # FEAT_DotProd, FEAT_FlagM, FEAT_LRCPC2, FEAT_LSE2
    "8.5a": ("sb", "frint", "flagm2", "dcpodp"),        # FEAT_SB, FEAT_FRINTTS, FEAT_FlagM2, FEAT_DPB2
    "8.6a": ("bf16", "i8mm"),                           # FEAT_BF16, FEAT_I8MM
    "8.7a": ("wfxt",),                                  # FEAT_WFxT
    "8.8a": ("mops", "hbc"),                            # FEAT_MOPS, FEAT_HBC
    "8.9a": ("cssc",),                                  # FEAT_CSSC
}
#: (version, previous 8.x version it includes, previous 9.x version, extra requirements).
#: Armv9.N-A = Armv8.(N+5)-A + SVE2 (Arm ARM: "Armv9.0 extends Armv8.5"); with SVE, BF16 and
#: I8MM also enable their SVE forms under -march=armv9.1-a, hence svebf16/svei8mm.
#: 9.5a: LLVM's HasV9_5aOps turns on FEAT_LUT and FEAT_FAMINMAX.
VERSIONS_9: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    ("9.0a", "8.5a", None, ("sve", "sve2")),
    ("9.1a", "8.6a", "9.0a", ("svebf16", "svei8mm")),
    ("9.2a", "8.7a", "9.1a", ()),
    ("9.3a", "8.8a", "9.2a", ()),
    ("9.4a", "8.9a", "9.3a", ()),
    ("9.5a", "8.9a", "9.4a", ("lut", "faminmax")),
)
#: Every version value, newest first (get_all_configs order). 9.x sorts before 8.x.
VERSION_ORDER: tuple[str, ...] = tuple(v[0] for v in reversed(VERSIONS_9)) + tuple(reversed(VERSION_STEPS))

def march(version: str) -> str:
    """The ``-march=`` value for a version value, as GCC and Clang spell it: ``8a`` ->
    ``armv8-a``, ``8.4a`` -> ``armv8.4-a``, ``9.0a`` -> ``armv9-a`` (neither accepts
    ``armv9.0-a`` everywhere)."""
    number = version[:-1]
    if number.endswith(".0"):
        number = number[:-2]
    return "armv" + number + "-a"


# == Rules ========================================================================================
_FACT_TYPES = {
    "platform": (dict,),
    "hwcap": (int, None),
    "hwcap2": (int, None),
    "hwcap3": (int, None),
    "cpuinfo": (str, None),
    "sysctl": (dict, None),
    "windows": (dict, None),
}


def _int(value: object) -> int | None:
    """A non-negative int fact, else None (bools are not ints here)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version of the provider knows (a constant)."""
    return [FeatureConfig("version", list(VERSION_ORDER))] + [
        FeatureConfig(name, ["on"]) for name in FEATURE_ORDER
    ]


def parse_cpuinfo(text: str) -> dict:
    """The parts of ``/proc/cpuinfo`` this provider uses.

    ``features``: the names on EVERY ``Features`` line (a heterogeneous system is only as capable
    as its weakest CPU; the kernel prints the system-wide set anyway); ``implementer``/``part``:
    the first ``CPU implementer``/``CPU part`` values; ``lines``: how many Features lines.
    """
    common: set | None = None
    lines = 0
    implementer = part = None
    seen_value = None
    for line in text.split("\n"):
        if not line.startswith(("Features", "CPU implementer", "CPU part")):
            continue  # most of a cpuinfo; skipping early keeps a 256-CPU dump cheap
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip()
        if key == "Features":  # case matters: s390x prints a lower-case "features" line
            lines += 1
            if value == seen_value:  # every CPU usually prints the same line
                continue
            seen_value = value
            names = set(value.split())
            common = names if common is None else common & names
        elif key == "CPU implementer" and implementer is None:
            implementer = value.strip()
        elif key == "CPU part" and part is None:
            part = value.strip()
    return {"features": common or set(), "lines": lines, "implementer": implementer, "part": part}


def _from_bits(value: int, names: tuple, label: str, found: dict) -> None:
    for bit, name in enumerate(names):
        if value >> bit & 1 and name not in found:
            found[name] = f"{label} bit {bit}"


def extensions(facts: dict, notes: list | None = None) -> dict[str, str] | None:
    """``{hwcap name: the fact that says so}`` for an AArch64 record, or None for a record that
    is not from an AArch64 process (a foreign machine, a 32-bit kernel or process)."""
    note = notes.append if notes is not None else _drop
    found: dict[str, str] = {}
    arm_evidence = False
    platform = facts.get("platform")
    machine = platform.get("machine") if isinstance(platform, dict) else None
    if isinstance(machine, str) and machine.lower() in ARM64_MACHINES:
        arm_evidence = True

    for key, names, label in (
        ("hwcap", HWCAP_BITS, "AT_HWCAP"),
        ("hwcap2", HWCAP2_BITS, "AT_HWCAP2"),
        ("hwcap3", HWCAP3_BITS, "AT_HWCAP3"),
    ):
        value = _int(facts.get(key))
        if value:
            arm_evidence = True
            _from_bits(value, names, label, found)
            note(("", f"{key} = {value:#x} ({label} from the auxiliary vector)"))

    text = facts.get("cpuinfo")
    if isinstance(text, str) and text:
        info = parse_cpuinfo(text)
        words = info["features"]
        if words & AARCH32_ONLY and not words & {"fp", "asimd"}:
            note(("", "cpuinfo Features are AArch32 spellings (" + " ".join(sorted(words & AARCH32_ONLY))
                  + "): a 32-bit Arm kernel or personality, which runs no aarch64 code"))
            if not arm_evidence:
                return None
        elif words & {"fp", "asimd"}:  # AArch64 spellings; AArch32 says vfp/neon
            arm_evidence = True
            for word in sorted(words):  # only real hwcap spellings (compound names are derived)
                if word in HWCAP_WHERE and word not in found:
                    found[word] = f"cpuinfo Features lists '{word}' ({HWCAP_WHERE[word]})"
        if info["implementer"] is not None:
            impl = info["implementer"]
            extra = " (0x00: a virtual CPU, e.g. a hypervisor such as Docker Desktop's; " \
                    "only what the VM exposes counts)" if impl in ("0x00", "0x0") else ""
            note(("", f"cpuinfo: CPU implementer {impl}, CPU part {info['part']}{extra}"))

    sysctl, windows = facts.get("sysctl"), facts.get("windows")
    if (isinstance(sysctl, dict) and sysctl) or (isinstance(windows, dict) and windows):
        from provider_aarch64 import _apple_windows  # only for macOS and Windows records

        if _apple_windows.add(facts, found, note, isinstance(machine, str)):
            arm_evidence = True

    if not arm_evidence:
        return None
    for name, parts in COMPOUND.items():
        if all(p in found for p in parts):
            found[name] = "published compound name: " + " and ".join(parts) + " both present"
    return found


def versions(found: dict, notes: list | None = None) -> list[str]:
    """Architecture versions whose required features are all in ``found``, newest first."""
    note = notes.append if notes is not None else _drop
    ok: set[str] = set()
    for version, needs in VERSION_STEPS.items():
        missing = [n for n in needs if n not in found]
        if missing:
            note(("version", f"{version} not reported: missing " + ", ".join(missing)
                  + " (required: " + ", ".join(needs) + ")"))
            break
        ok.add(version)
        note(("version", f"{version}: " + ", ".join(f"{n} [{found[n]}]" for n in needs)))
    for version, base8, base9, extra in VERSIONS_9:
        missing = [n for n in extra if n not in found]
        if base8 not in ok:
            missing.insert(0, f"the {base8} requirements")
        if base9 is not None and base9 not in ok:
            missing.insert(0, f"the {base9} requirements")
        if missing:
            note(("version", f"{version} not reported: missing " + ", ".join(missing)))
            break
        ok.add(version)
        note(("version", f"{version} = {base8} + " + (", ".join(extra) or f"{base9}")))
    return [v for v in VERSION_ORDER if v in ok]


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this machine supports, from its facts; never raises on odd input."""
    if not isinstance(facts, dict):
        facts = {}
    why = platform_verdict(facts)
    if why is not None:  # the cheap check first: a non-Arm machine imports no tables
        if explain is not None:
            explain.append(("", why + "; no aarch64 features"))
        return []
    found = extensions(facts, explain)
    if found is None:
        if explain is not None:
            explain.append(("", "no AArch64 facts (no hwcaps, no AArch64 cpuinfo Features, no Arm "
                            "sysctls or Windows PF_ARM answers): no aarch64 features"))
        return []
    out = []
    values = versions(found, explain)
    if values:
        out.append(FeatureConfig("version", values))
    for name in FEATURE_ORDER:
        if name in found:
            out.append(FeatureConfig(name, ["on"]))
            if explain is not None:
                explain.append((name, found[name]))
        elif explain is not None and name in PUBLISHED:
            explain.append((name, "not reported by any source"))
    if explain is not None:
        hidden = [n for n in ("paca", "pacg", "bti", "ssbs", "dit") if n not in found]
        if hidden and values:
            explain.append(("", "absent but not required by any version (kernels, hypervisors or "
                            "Apple hide them; their instructions are hints or never emitted by "
                            "-march): " + ", ".join(hidden)))
    return out


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field.

    Written without ``provider_runtime.facts`` (which imports ``json``) so that replaying a
    facts file stays on the fast path.
    """
    if not isinstance(facts, dict):
        return ["field 'facts' must be a JSON object"]
    names = {dict: "an object", int: "an integer", str: "a string", None: "null"}
    problems = []
    for field, kinds in _FACT_TYPES.items():
        if field not in facts:
            continue
        value = facts[field]
        if value is None and None in kinds:
            continue
        if not any(k is not None and isinstance(value, k) and not (k is int and isinstance(value, bool))
                   for k in kinds):
            wanted = " or ".join(names[k] for k in kinds)
            problems.append(f"field 'facts.{field}' must be {wanted}, found {type(value).__name__}")
        elif kinds[0] is int and value < 0:
            problems.append(f"field 'facts.{field}' must not be negative, found {value}")
    sysctl = facts.get("sysctl")
    if isinstance(sysctl, dict):
        for key, value in sysctl.items():
            if not isinstance(value, (int, str)) or isinstance(value, bool):
                problems.append(f"field 'facts.sysctl.{key}' must be an integer or a string, "
                                f"found {type(value).__name__}")
                break
    windows = facts.get("windows")
    if isinstance(windows, dict):
        for sub, kind, label in (("pf", bool, "a boolean"), ("cp", int, "an integer")):
            table = windows.get(sub)
            if table is None:
                continue
            if not isinstance(table, dict):
                problems.append(
                    f"field 'facts.windows.{sub}' must be an object, found {type(table).__name__}"
                )
                continue
            for key, value in table.items():
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    problems.append(f"field 'facts.windows.{sub}.{key}' must be {label}, "
                                    f"found {type(value).__name__}")
                    break
    platform = facts.get("platform")
    if isinstance(platform, dict):
        for key in ("system", "machine"):
            if key in platform and not isinstance(platform[key], str):
                problems.append(f"field 'facts.platform.{key}' must be a string, "
                                f"found {type(platform[key]).__name__}")
    return problems


def _drop(_item: object) -> None:
    pass
