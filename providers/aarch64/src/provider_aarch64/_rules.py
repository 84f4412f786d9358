"""Pure functions from raw facts to ``aarch64`` variant features: no I/O, any input accepted.

The steps, each a function of the facts alone:

1. Is this record from an AArch64 process at all? (``platform.machine``, pointer size, or the
   facts themselves). Answered before the tables are imported, so a non-Arm machine costs only a
   dictionary look-up.
2. Which extensions are present: the union of what each source says (hwcap bits, the cpuinfo
   ``Features`` line common to every CPU, macOS sysctls, Windows PF_* answers and ID registers).
3. Which architecture versions every required feature of which is present (``_tables``).

Feature order is preference order for installers: ``version`` first, newest value first.
"""

from __future__ import annotations

from provider_runtime import FeatureConfig

#: ``platform.machine`` spellings of a 64-bit Arm process (Linux, macOS, Windows).
ARM64_MACHINES = ("aarch64", "arm64")
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


def _platform_verdict(facts: dict) -> str | None:
    """Why this record cannot be an AArch64 process, or None when it may be one."""
    platform = facts.get("platform")
    if not isinstance(platform, dict):
        return None
    machine = platform.get("machine")
    if isinstance(machine, str) and machine and machine.lower() not in ARM64_MACHINES:
        return f"platform.machine is {machine!r}: not a 64-bit Arm process"
    bits = platform.get("bits")
    if isinstance(bits, int) and not isinstance(bits, bool) and bits != 64:
        return f"platform.bits is {bits}: a {bits}-bit process cannot run aarch64 code"
    return None


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version of the provider knows (a constant)."""
    from provider_aarch64 import _tables as t

    return [FeatureConfig("version", list(t.VERSION_ORDER))] + [
        FeatureConfig(name, ["on"]) for name in t.FEATURE_ORDER
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
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip()
        if key == "Features":  # case matters: s390x prints a lower-case "features" line
            names = set(value.split())
            common = names if common is None else common & names
            lines += 1
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
    from provider_aarch64 import _tables as t

    note = notes.append if notes is not None else _drop
    found: dict[str, str] = {}
    arm_evidence = False
    platform = facts.get("platform")
    machine = platform.get("machine") if isinstance(platform, dict) else None
    if isinstance(machine, str) and machine.lower() in ARM64_MACHINES:
        arm_evidence = True

    for key, names, label in (
        ("hwcap", t.HWCAP_BITS, "AT_HWCAP"),
        ("hwcap2", t.HWCAP2_BITS, "AT_HWCAP2"),
        ("hwcap3", t.HWCAP3_BITS, "AT_HWCAP3"),
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
        if words & t.AARCH32_ONLY and not words & {"fp", "asimd"}:
            note(("", "cpuinfo Features are AArch32 spellings (" + " ".join(sorted(words & t.AARCH32_ONLY))
                  + "): a 32-bit Arm kernel or personality, which runs no aarch64 code"))
            if not arm_evidence:
                return None
        elif words & {"fp", "asimd"}:  # AArch64 spellings; AArch32 says vfp/neon
            arm_evidence = True
            for word in sorted(words):  # only real hwcap spellings (compound names are derived)
                if word in t.HWCAP_WHERE and word not in found:
                    found[word] = f"cpuinfo Features lists '{word}' ({t.HWCAP_WHERE[word]})"
        if info["implementer"] is not None:
            impl = info["implementer"]
            extra = " (0x00: a virtual CPU, e.g. a hypervisor such as Docker Desktop's; " \
                    "only what the VM exposes counts)" if impl in ("0x00", "0x0") else ""
            note(("", f"cpuinfo: CPU implementer {impl}, CPU part {info['part']}{extra}"))

    sysctl = facts.get("sysctl")
    if isinstance(sysctl, dict) and sysctl:
        has_feat = any(isinstance(k, str) and k.startswith("hw.optional.arm.FEAT_") for k in sysctl)
        if sysctl.get("hw.optional.arm64") == 1 or has_feat:
            arm_evidence = True
        for table in (t.SYSCTL_FEAT, t.SYSCTL_LEGACY):
            for key, names in table.items():
                value = sysctl.get(key)
                if _int(value) and value >= 1:
                    for name in names:
                        if name not in found:
                            found[name] = f"sysctl {key} = {value}"
        if sysctl.get("hw.optional.arm64") == 1 and not has_feat:
            note(("", "sysctl has no hw.optional.arm.FEAT_* keys (macOS 11): the arm64 macOS "
                  "baseline (Apple A12: Armv8.3-A with crypto and FP16) is assumed"))
            for name in t.MACOS_ARM64_BASELINE:
                if name not in found:
                    found[name] = "macOS arm64 baseline (hw.optional.arm64 = 1, macOS 11 sysctls)"

    windows = facts.get("windows")
    if isinstance(windows, dict) and windows:
        pf = windows.get("pf")
        if isinstance(pf, dict):
            for number, names in t.WINDOWS_PF.items():
                if pf.get(str(number)) is True:
                    arm_evidence = True
                    for name in names:
                        if name not in found:
                            found[name] = f"IsProcessorFeaturePresent({number}) = TRUE"
        cp = windows.get("cp")
        if isinstance(cp, dict):
            for key, shift, minimum, name in t.WINDOWS_ID_FIELDS:
                value = _int(cp.get(key))
                if value is None:
                    continue
                field = value >> shift & 0xF
                if minimum <= field < 0x8 and name not in found:  # 0x8-0xF: signed "absent"
                    found[name] = f"registry {key} bits {shift + 3}:{shift} = {field}"
            pfr0 = _int(cp.get("CP 4020"))
            if pfr0 is not None:
                # FP [19:16] and AdvSIMD [23:20]: 0 = present, 1 = present with FP16, 0xF = absent.
                for name, half, shift in (("fp", "fphp", 16), ("asimd", "asimdhp", 20)):
                    field = pfr0 >> shift & 0xF
                    if field in (0, 1) and name not in found:
                        found[name] = f"registry CP 4020 bits {shift + 3}:{shift} = {field}"
                    if field == 1 and half not in found:
                        found[half] = f"registry CP 4020 bits {shift + 3}:{shift} = 1"
        if arm_evidence and isinstance(machine, str):
            # The Windows arm64 ABI requires FP and Advanced SIMD (learn.microsoft.com,
            # "Overview of ARM64 ABI conventions").
            for name in ("fp", "asimd"):
                found.setdefault(name, "Windows arm64 ABI (FP and NEON are mandatory)")

    if not arm_evidence:
        return None
    for name, parts in t.COMPOUND.items():
        if all(p in found for p in parts):
            found[name] = "published compound name: " + " and ".join(parts) + " both present"
    return found


def versions(found: dict, notes: list | None = None) -> list[str]:
    """Architecture versions whose required features are all in ``found``, newest first."""
    from provider_aarch64 import _tables as t

    note = notes.append if notes is not None else _drop
    ok: set[str] = set()
    for version, needs in t.VERSION_STEPS.items():
        missing = [n for n in needs if n not in found]
        if missing:
            note(("version", f"{version} not reported: missing " + ", ".join(missing)
                  + " (required: " + ", ".join(needs) + ")"))
            break
        ok.add(version)
        note(("version", f"{version}: " + ", ".join(f"{n} [{found[n]}]" for n in needs)))
    for version, base8, base9, extra in t.VERSIONS_9:
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
    return [v for v in t.VERSION_ORDER if v in ok]


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this machine supports, from its facts; never raises on odd input."""
    if not isinstance(facts, dict):
        facts = {}
    why = _platform_verdict(facts)
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
    from provider_aarch64 import _tables as t

    out = []
    values = versions(found, explain)
    if values:
        out.append(FeatureConfig("version", values))
    for name in t.FEATURE_ORDER:
        if name in found:
            out.append(FeatureConfig(name, ["on"]))
            if explain is not None:
                explain.append((name, found[name]))
        elif explain is not None and name in t.PUBLISHED:
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
                problems.append(f"field 'facts.windows.{sub}' must be an object, found {type(table).__name__}")
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
