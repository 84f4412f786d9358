"""Pure functions from recorded driver calls to the ``nvidia`` variant features.

No I/O here: everything is decided from the facts the seam (``_probe.py``) recorded, so a
recording replays to the same answer anywhere. Every function accepts any JSON value in any
field and never raises.

Features, in order (the first dominates installers' sort):

1. ``cuda_version_lower_bound`` - a wheel needs a driver whose CUDA version is >= the value.
2. ``cuda_version_upper_bound`` - a wheel needs a driver whose CUDA version is < the value.
3. ``sm_arch`` (multi-value) - GPU code a wheel carries, in CMake CUDA_ARCHITECTURES spelling.

The spellings, ranges and order of 1-3 are those of the reference provider
(wheelnext/nvidia-variant-provider, see ``design/plugin-contract.md``); ``sm_arch`` gains new
values for architecture-specific (``90a``) and family-specific (``100f``) targets.
"""

from provider_runtime import FeatureConfig

# -- vocabulary (the reference provider's, published) -----------------------------------------

#: CUDA versions the bounds can name: majors 11..15, minors 0..20, plus the bare major
#: (design/plugin-contract.md; reference provider's UMD_MAJOR_RANGE / UMD_MINOR_RANGE).
CUDA_MAJORS = (11, 12, 13, 14, 15)
CUDA_MAX_MINOR = 20
#: Compute capabilities ``sm_arch`` can name: majors 5..12, minors 0..9 (same sources).
SM_MAJORS = (5, 6, 7, 8, 9, 10, 11, 12)
SM_MAX_MINOR = 9

# -- new values: architecture- and family-specific targets -----------------------------------
# Source: NVIDIA CUDA C++ Programming Guide 12.9 / 13.0, "Feature Availability" (sections
# "Architecture-Specific Features" and "Family-Specific Features"), the nvcc manual's
# "GPU Feature List" (12.9: sm_90a, sm_100a/f, sm_101a/f, sm_103a/f, sm_120a/f, sm_121a/f;
# 13.0 renames sm_101 to sm_110), and NVIDIA's technical blog "NVIDIA Blackwell and NVIDIA CUDA
# 12.9 Introduce Family-Specific Architecture Features" (2025). Code built for an ``a`` target
# runs only on devices of exactly that compute capability; code built for an ``f`` target runs
# on the devices of that family listed below (same major, a later minor of the family).
#: arch-specific target -> the one compute capability that runs it
ARCH_SPECIFIC = {
    "90a": (9, 0),
    "100a": (10, 0),
    "101a": (10, 1),
    "103a": (10, 3),
    "110a": (11, 0),
    "120a": (12, 0),
    "121a": (12, 1),
}
#: family-specific target -> the compute capabilities that run it
FAMILY_SPECIFIC = {
    "100f": ((10, 0), (10, 3)),
    "101f": ((10, 1),),
    "103f": ((10, 3),),
    "110f": ((11, 0),),
    "120f": ((12, 0), (12, 1)),
    "121f": ((12, 1),),
}

# -- driver-call return codes (nvml.h, cuda.h) --------------------------------------------------
NVML_SUCCESS = 0
CUDA_SUCCESS = 0
#: cuDeviceGetAttribute attribute numbers (cuda.h, CUdevice_attribute)
CU_ATTR_CC_MAJOR = 75
CU_ATTR_CC_MINOR = 76

FEATURES = ("cuda_version_lower_bound", "cuda_version_upper_bound", "sm_arch")
FORCE_CUDA_ENV = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
FORCE_SM_ENV = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"


def _cuda_catalog() -> list[str]:
    out = []
    for major in reversed(CUDA_MAJORS):
        out += [f"{major}.{minor}" for minor in range(CUDA_MAX_MINOR, -1, -1)]
        out.append(str(major))
    return out


def _sm_catalog() -> list[str]:
    reals = [f"{M}{m}_real" for M in reversed(SM_MAJORS) for m in range(SM_MAX_MINOR, -1, -1)]
    virtuals = [f"{M}{m}_virtual" for M in reversed(SM_MAJORS) for m in range(SM_MAX_MINOR, -1, -1)]
    # New values go after the reference's 160 so that nothing already published moves.
    targets = sorted(list(ARCH_SPECIFIC) + list(FAMILY_SPECIFIC), key=lambda t: (-int(t[:-1]), t[-1]))
    return reals + virtuals + [f"{t}_real" for t in targets] + [f"{t}_virtual" for t in targets]


_CATALOG: dict = {}


def _catalog() -> dict:
    # Built on first use, not at import: the no-driver path never needs it.
    if not _CATALOG:
        cuda, sm = _cuda_catalog(), _sm_catalog()
        _CATALOG.update(cuda=cuda, sm=sm, cuda_set=frozenset(cuda), sm_set=frozenset(sm))
    return _CATALOG


def cuda_values() -> list[str]:
    """Every CUDA version value, highest first (the reference's catalog)."""
    return list(_catalog()["cuda"])


def sm_catalog() -> list[str]:
    """Every ``sm_arch`` value: the reference's 160, then the new targets."""
    return list(_catalog()["sm"])


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version knows (a constant; only ever grows)."""
    return [
        FeatureConfig(FEATURES[0], cuda_values()),
        FeatureConfig(FEATURES[1], cuda_values()),
        FeatureConfig(FEATURES[2], sm_catalog(), multi_value=True),
    ]


# -- CUDA version bounds ----------------------------------------------------------------------


def lower_bound_values(major: int, minor: int) -> list[str]:
    """Lower bounds a driver of CUDA ``major.minor`` satisfies, newest first.

    The reference's list: its own major's minors down to 0 and the bare major, then every
    older major in full; values outside the catalog (a driver newer than 15.20) are dropped, so
    such a driver satisfies every known lower bound.
    """
    out = []
    for M in range(major, CUDA_MAJORS[0] - 1, -1):
        top = minor if M == major else CUDA_MAX_MINOR
        out += [f"{M}.{m}" for m in range(top, -1, -1)]
        out.append(str(M))
    return [v for v in out if v in _catalog()["cuda_set"]]


def upper_bound_values(major: int, minor: int) -> list[str]:
    """Upper bounds (exclusive) a driver of CUDA ``major.minor`` satisfies, highest first.

    The reference's list: newer majors in full (with the bare major), then its own major's
    minors above ``minor`` - the bare own major is not included (``12`` means "< 12.0").
    """
    out = []
    for M in range(CUDA_MAJORS[-1], major - 1, -1):
        if M > major:
            out += [f"{M}.{m}" for m in range(CUDA_MAX_MINOR, -1, -1)]
            out.append(str(M))
        else:
            out += [f"{M}.{m}" for m in range(CUDA_MAX_MINOR, minor, -1)]
    return [v for v in out if v in _catalog()["cuda_set"]]


def decode_cuda_version(value: object) -> tuple[int, int] | None:
    """``12080`` -> ``(12, 8)``: the encoding of nvmlSystemGetCudaDriverVersion and
    cuDriverGetVersion (1000 * major + 10 * minor)."""
    if not _is_int(value) or value <= 0 or value >= 10**7:
        return None
    return value // 1000, (value % 1000) // 10


_SUFFIXES = ("alpha", "beta", "preview", "pre", "rc", "a", "b", "c", "post", "rev", "r", "dev")


def parse_forced_version(text: object) -> tuple[int, int] | None:
    """Major and minor of a version string the way the reference reads its override
    (``packaging.version.Version``): optional ``v`` and epoch, release segments, and any
    pre/post/dev/local suffix; ``"12"`` is ``12.0``. None when it is not a version."""
    if not isinstance(text, str):
        return None
    s = text.strip().lower()
    if s.startswith("v"):
        s = s[1:]
    if "!" in s:
        epoch, _, s = s.partition("!")
        if not epoch.isdigit():
            return None
    s = s.split("+", 1)[0]
    release = ""
    for i, ch in enumerate(s):
        if not (ch.isdigit() or ch == "."):
            release, suffix = s[:i], s[i:]
            implicit_post = suffix[0] == "-" and suffix[1:].isdigit()  # "12.7-1"
            if release.endswith("."):
                release = release[:-1]
            elif suffix[0] in "-_":
                suffix = suffix[1:]
            if not implicit_post and not suffix.startswith(_SUFFIXES):  # PEP 440 pre/post/dev words
                return None
            break
    else:
        release = s
    parts = release.split(".")
    if not release or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    major = int(parts[0])
    minor = int(parts[1]) if len(parts) > 1 else 0
    return major, minor


def parse_forced_sm(text: object) -> tuple[int, int] | None:
    """``"9.0"`` -> ``(9, 0)``, as the reference reads ``NV_VARIANT_PROVIDER_FORCE_SM_ARCH``
    (two integers separated by one dot); None otherwise."""
    if not isinstance(text, str):
        return None
    major, dot, minor = text.strip().partition(".")
    try:
        if not dot:
            return None
        return int(major), int(minor)
    except ValueError:
        return None


# -- sm_arch ----------------------------------------------------------------------------------


def sm_values(major: int, minor: int) -> list[str]:
    """``sm_arch`` values a device of compute capability ``major.minor`` runs, best first.

    Reference part (unchanged meaning): real code of the same major with a minor <= the
    device's (binary compatibility within a major), then PTX of ``major.0``. New values:
    the device's own arch-specific target first (its code is the most specialised), then the
    family targets it belongs to, before the plain reals; their PTX forms before ``M0_virtual``.
    Values outside the catalog are dropped; a device below 5.0 runs none of them.
    """
    if (major, minor) < (5, 0):
        return []
    cc = (major, minor)
    arch = [t for t, dev in ARCH_SPECIFIC.items() if dev == cc]
    fam = sorted((t for t, devs in FAMILY_SPECIFIC.items() if cc in devs), key=lambda t: -int(t[:-1]))
    out = [f"{t}_real" for t in arch + fam]
    out += [f"{major}{m}_real" for m in range(minor, -1, -1)]
    out += [f"{t}_virtual" for t in arch + fam]
    out.append(f"{major}0_virtual")
    return [v for v in out if v in _catalog()["sm_set"]]


def common_sm_values(ccs: list[tuple[int, int]]) -> list[str]:
    """Values EVERY device in ``ccs`` runs, in the order of the most capable device's list.

    A wheel lists the code it carries and installers accept it when ONE listed value is
    supported; offering only values common to all visible GPUs means an accepted wheel has
    code that runs on each of them (a host with sm_75 and sm_90 cards is not handed a wheel
    with sm_90 code only).
    """
    if not ccs:
        return []
    ordered = sorted(set(ccs), reverse=True)
    first = sm_values(*ordered[0])
    others = [set(sm_values(*cc)) for cc in ordered[1:]]
    return [v for v in first if all(v in s for s in others)]


# -- reading the call log -----------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _calls(facts: dict) -> list[dict]:
    calls = facts.get("calls")
    if not isinstance(calls, list):
        return []
    return [c for c in calls if isinstance(c, dict) and isinstance(c.get("fn"), str)]


def _ok(call: dict) -> bool:
    return call.get("rc") == 0 and not isinstance(call.get("rc"), bool)


def _first_ok(calls: list[dict], fn: str, **match: object) -> dict | None:
    for call in calls:
        if call["fn"] == fn and _ok(call) and all(call.get(k) == v for k, v in match.items()):
            return call
    return None


def _cc_pair(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value):
        major, minor = value
        if 0 <= major < 100 and 0 <= minor < 100:
            return major, minor
    return None


def read_cuda_version(calls: list[dict]) -> tuple[tuple[int, int] | None, str]:
    """The driver's CUDA version from the first call that answered it, and which call."""
    # libcuda's answer counts only when cuInit then succeeded: a library whose kernel driver
    # does not work (version mismatch, no device node) runs no CUDA code at all.
    cuda_works = _first_ok(calls, "cuInit") is not None
    for fn in ("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion", "cuDriverGetVersion"):
        if fn == "cuDriverGetVersion" and not cuda_works:
            continue
        call = _first_ok(calls, fn)
        if call is not None:
            version = decode_cuda_version(call.get("value"))
            if version is not None:
                return version, f"{fn} -> {call.get('value')}"
    return None, "no driver call answered the CUDA version"


def read_devices(calls: list[dict]) -> tuple[list[dict], str]:
    """Devices with what was read about each: ``{"index", "cc", "uuid", "error"}``.

    NVML's devices when NVML counted them; otherwise libcuda's (which already applies
    CUDA_VISIBLE_DEVICES itself: ``"source": "libcuda"``).
    """
    count_call = _first_ok(calls, "nvmlDeviceGetCount_v2")
    if count_call is not None and _is_int(count_call.get("value")) and 0 <= count_call["value"] < 4096:
        devices = []
        for index in range(count_call["value"]):
            dev: dict = {"index": index, "cc": None, "uuid": None, "error": None}
            handle = [
                c for c in calls if c["fn"] == "nvmlDeviceGetHandleByIndex_v2" and c.get("index") == index
            ]
            if not handle or not _ok(handle[0]):
                dev["error"] = f"handle rc={handle[0].get('rc') if handle else 'not called'}"
            else:
                cc = _first_ok(calls, "nvmlDeviceGetCudaComputeCapability", index=index)
                dev["cc"] = _cc_pair(cc.get("value")) if cc else None
                if dev["cc"] is None:
                    failed = [
                        c
                        for c in calls
                        if c["fn"] == "nvmlDeviceGetCudaComputeCapability" and c.get("index") == index
                    ]
                    dev["error"] = f"compute capability rc={failed[0].get('rc') if failed else 'not called'}"
                uuid = _first_ok(calls, "nvmlDeviceGetUUID", index=index)
                if uuid is not None and isinstance(uuid.get("value"), str):
                    dev["uuid"] = uuid["value"]
            devices.append(dev)
        return devices, "nvml"
    count_call = _first_ok(calls, "cuDeviceGetCount")
    if count_call is not None and _is_int(count_call.get("value")) and 0 <= count_call["value"] < 4096:
        devices = []
        for ordinal in range(count_call["value"]):
            major = _first_ok(calls, "cuDeviceGetAttribute", ordinal=ordinal, attribute=CU_ATTR_CC_MAJOR)
            minor = _first_ok(calls, "cuDeviceGetAttribute", ordinal=ordinal, attribute=CU_ATTR_CC_MINOR)
            cc = _cc_pair([major.get("value"), minor.get("value")]) if major and minor else None
            devices.append(
                {
                    "index": ordinal,
                    "cc": cc,
                    "uuid": None,
                    "error": None if cc else "cuDeviceGetAttribute failed",
                }
            )
        return devices, "libcuda"
    return [], "none"


def visible_devices(devices: list[dict], source: str, env: dict) -> tuple[list[dict], str]:
    """The devices CUDA programs will see, following CUDA_VISIBLE_DEVICES.

    CUDA's rule (CUDA Programming Guide, "CUDA Environment Variables"): a comma-separated
    list of device indices or GPU UUIDs (a unique prefix is enough); the first entry that names
    no device ends the list; set but empty means no device. Indices count in CUDA's order,
    which equals NVML's (PCI bus) order only with CUDA_DEVICE_ORDER=PCI_BUS_ID; under the
    default FASTEST_FIRST order an index on a host with different GPUs is ambiguous, and then
    every device counts (the safe side: fewer sm_arch values, never a wrong one). A MIG
    instance UUID also counts every device. libcuda's list is already restricted.
    """
    cvd = env.get("CUDA_VISIBLE_DEVICES") if isinstance(env, dict) else None
    if source != "nvml" or not isinstance(cvd, str):
        return devices, "all devices"
    chosen: list[dict] = []
    by_index = env.get("CUDA_DEVICE_ORDER") == "PCI_BUS_ID"
    distinct = {d["cc"] for d in devices if d["cc"] is not None}
    for raw in cvd.split(","):
        token = raw.strip()
        if token.lstrip("-").isdigit() and token.isascii():
            index = int(token)
            if not 0 <= index < len(devices):
                break
            if not by_index and len(distinct) > 1:
                return (
                    devices,
                    f"CUDA_VISIBLE_DEVICES={cvd!r} counts in FASTEST_FIRST order: all devices kept",
                )
            pick = devices[index]
        elif token.startswith("MIG-"):
            return devices, f"CUDA_VISIBLE_DEVICES={cvd!r} names a MIG instance: all devices kept"
        elif token.startswith("GPU-") and len(token) > 4:
            matches = [d for d in devices if isinstance(d["uuid"], str) and d["uuid"].startswith(token)]
            if len(matches) != 1:
                break
            pick = matches[0]
        else:
            break
        if pick not in chosen:
            chosen.append(pick)
    return chosen, f"CUDA_VISIBLE_DEVICES={cvd!r}: devices {[d['index'] for d in chosen]}"


# -- derive ---------------------------------------------------------------------------------------


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this machine supports, from its facts; never raises on odd input."""
    note = explain.append if explain is not None else _drop
    facts = facts if isinstance(facts, dict) else {}
    env = facts.get("env") if isinstance(facts.get("env"), dict) else {}
    if facts.get("timed_out") is True:
        note(("", "the driver calls did not finish in time: no features for this namespace"))
        return []
    calls = _calls(facts)

    forced_cuda = env.get(FORCE_CUDA_ENV)
    version = None
    if isinstance(forced_cuda, str) and forced_cuda:
        version = parse_forced_version(forced_cuda)
        why = f"{FORCE_CUDA_ENV}={forced_cuda!r}"
        if version is None:
            why += " is not a version: no CUDA version"
    else:
        version, why = read_cuda_version(calls)

    out = []
    if version is None:
        # Reference behaviour: without a CUDA version nothing is reported, sm_arch included.
        note(("", f"{why}: no NVIDIA features"))
        return []
    lower = lower_bound_values(*version)
    upper = upper_bound_values(*version)
    if lower:
        out.append(FeatureConfig(FEATURES[0], lower))
    if explain is not None:
        v = f"{version[0]}.{version[1]}"
        note(
            (
                FEATURES[0],
                f"CUDA {v} ({why}): wheels needing >= {v} or less"
                if lower
                else f"CUDA {v} ({why}) is older than every known lower bound (11)",
            )
        )
    if upper:
        out.append(FeatureConfig(FEATURES[1], upper))
    if explain is not None:
        note(
            (
                FEATURES[1],
                f"CUDA {v}: wheels needing < a higher version"
                if upper
                else f"CUDA {v} is newer than every known upper bound (15.20)",
            )
        )

    sm = _sm_feature(facts, calls, env, note, explain is not None)
    if sm:
        out.append(FeatureConfig(FEATURES[2], sm, multi_value=True))
    return out


def _sm_feature(facts: dict, calls: list[dict], env: dict, note, explaining: bool) -> list[str]:
    forced = env.get(FORCE_SM_ENV)
    if isinstance(forced, str) and forced:
        cc = parse_forced_sm(forced)
        if cc is None:
            note((FEATURES[2], f"{FORCE_SM_ENV}={forced!r} is not MAJOR.MINOR: no sm_arch"))
            return []
        values = sm_values(*cc)
        note((FEATURES[2], f"{FORCE_SM_ENV}={forced!r}: compute capability {cc[0]}.{cc[1]}"))
        return values
    devices, source = read_devices(calls)
    visible, why = visible_devices(devices, source, env)
    ccs = [d["cc"] for d in visible if d["cc"] is not None]
    if explaining:
        for d in devices:
            state = f"{d['cc'][0]}.{d['cc'][1]}" if d["cc"] else f"unreadable ({d['error']})"
            note((FEATURES[2], f"{source} device {d['index']}: compute capability {state}"))
        note(
            (FEATURES[2], f"{why}; code every readable visible device runs: {sorted(set(ccs), reverse=True)}")
        )
    return common_sm_values(ccs)


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    from provider_runtime.facts import check_fields

    problems = check_fields(
        facts,
        {
            "platform": (dict,),
            "env": (dict,),
            "calls": (list,),
            "driver_files": (list,),
            "timed_out": (bool,),
            "kernel_module": (str, None),
        },
    )
    calls = facts.get("calls") if isinstance(facts, dict) else None
    if isinstance(calls, list):
        for i, call in enumerate(calls):
            if not isinstance(call, dict) or not isinstance(call.get("fn"), str):
                problems.append(f"field 'facts.calls[{i}]' must be an object with a string 'fn'")
                break
    return problems


def _drop(_item: object) -> None:
    pass
