"""Hypothesis fuzzing of the aarch64 parsers and rules: any input, a valid answer, no exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from provider_aarch64 import AArch64Plugin, _apple_windows, _probe, _rules
from provider_conformance import contract

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
FEATURE_WORDS = st.sampled_from(_rules.FEATURE_ORDER + ("half", "thumb", "vfp", "neon", "garbage", ""))
FEATURES_LINE = st.lists(FEATURE_WORDS, max_size=40).map(lambda ws: "Features\t: " + " ".join(ws))
CPUINFO = st.lists(
    FEATURES_LINE
    | st.text(max_size=60)
    | st.sampled_from(["CPU implementer\t: 0x41", "CPU part\t: 0xd4f", ":", ""]),
    max_size=12,
).map("\n".join)
FACT_KEYS = st.sampled_from(
    ["platform", "hwcap", "hwcap2", "hwcap3", "cpuinfo", "sysctl", "windows", "other"]
)
SYSCTL = st.dictionaries(
    st.sampled_from(
        list(_apple_windows.SYSCTL_FEAT) + list(_apple_windows.SYSCTL_LEGACY) + ["hw.optional.arm64", "x"]
    ),
    st.integers(min_value=-2, max_value=3) | st.text(max_size=5) | st.none(),
    max_size=20,
)
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "platform": st.fixed_dictionaries(
            {},
            optional={
                "machine": st.sampled_from(["aarch64", "arm64", "ARM64", "x86_64", "armv7l", ""]) | JSON,
                "bits": st.sampled_from([64, 32]) | JSON,
                "system": JSON,
            },
        )
        | JSON,
        "hwcap": st.integers(min_value=-1, max_value=2**64) | JSON,
        "hwcap2": st.integers(min_value=-1, max_value=2**64) | JSON,
        "hwcap3": st.integers(min_value=0, max_value=7) | JSON,
        "cpuinfo": CPUINFO | JSON,
        "sysctl": SYSCTL | JSON,
        "windows": st.fixed_dictionaries(
            {},
            optional={
                "pf": st.dictionaries(
                    st.sampled_from([str(n) for n in _apple_windows.WINDOWS_PF] + ["x"]), st.booleans() | JSON
                ),
                "cp": st.dictionaries(
                    st.sampled_from(list(_apple_windows.WINDOWS_ID_KEYS) + ["x"]),
                    st.integers(min_value=-1, max_value=2**64) | JSON,
                ),
            },
        )
        | JSON,
    },
)
ALL = AArch64Plugin.get_all_configs()


@settings(max_examples=400, deadline=None)
@given(FACTS)
def test_derive_any_facts(facts: dict) -> None:
    explain: list = []
    result = _rules.derive(facts, explain)
    assert contract.check_configs(result, "derive") == []
    assert contract.check_subset(result, ALL) == []
    assert [c.name for c in _rules.derive(facts)] == [c.name for c in result]  # explain changes nothing
    if result and result[0].name == "version":
        assert result[0].values == [v for v in _rules.VERSION_ORDER if v in result[0].values]
    assert all(isinstance(p, str) for p in _rules.check_facts(facts))


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_derive_any_json(value: object) -> None:
    assert contract.check_configs(_rules.derive(value), "derive") == []  # type: ignore[arg-type]
    _rules.check_facts(value)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parse_cpuinfo_any_text(text: str) -> None:
    info = _rules.parse_cpuinfo(text)
    assert isinstance(info["features"], set) and info["lines"] >= 0


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_parse_auxv_any_bytes(data: bytes) -> None:
    out = _probe.parse_auxv(data)
    assert set(out) <= {"hwcap", "hwcap2", "hwcap3"}
    assert all(0 <= v < 2**64 for v in out.values())


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(_rules.FEATURE_ORDER)))
def test_versions_never_exceed_their_requirements(names: set) -> None:
    """Soundness of the rule: every reported version has each of its required features."""
    got = _rules.derive({"cpuinfo": "Features : " + " ".join(sorted(names | {"fp", "asimd"}))})
    versions = got[0].values if got and got[0].name == "version" else []
    steps = list(_rules.VERSION_STEPS)
    for v in versions:
        if v.startswith("8"):
            need = set().union(*(_rules.VERSION_STEPS[s] for s in steps[: steps.index(v) + 1]))
        else:
            row = next(r for r in _rules.VERSIONS_9 if r[0] == v)
            need = set().union(*(_rules.VERSION_STEPS[s] for s in steps[: steps.index(row[1]) + 1])) | set(
                row[3]
            )
        assert need <= names | {"fp", "asimd"}, (v, need - names)
