"""Tests of the x86_64 provider: the conformance suite, real recorded dumps, and its own rules."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provider_conformance import ProviderContract
from provider_x86_64 import X86_64Plugin, _cpuid_exec, _darwin, _probe, _rules, compiler_flags
from provider_x86_64 import _rules as T

FIXTURES = Path(__file__).parent / "fixtures"
LIVE_X86_LINUX = sys.platform.startswith("linux") and platform.machine() == "x86_64"

# The 56 extension names of the published provider-variant-x86-64 0.0.1.post2 (its
# plugin.py all_features list, read from the wheel on PyPI).
PUBLISHED = """avx_vnni cppc ibrs_enhanced tsc_adjust flush_l1d movdir64b movdiri avx512_bf16
avx512_bitalg avx512_vbmi2 avx512_vnni avx512_vp2intersect avx512_vpopcntdq avx512ifma avx512vbmi
rdpid sha_ni vaes vpclmulqdq clwb clzero avx512bw avx512cd avx512dq avx512f avx512vl clflushopt
gfni rdseed xsavec xsaveopt adx avx2 avx bmi2 bmi1 abm f16c fma movbe xsave rdrand aes pclmulqdq
sse4a fsgsbase sse4_2 sse4_1 ssse3 sse3 cx16 lahf_lm popcnt sse2 sse mmx""".split()

# Public knowledge (archspec's labels, psABI levels of those microarchitectures).
PUBLIC_LEVELS = {
    "linux-centos7-cascadelake": "v4", "linux-rhel6-piledriver": "v2", "linux-rhel7-broadwell": "v3",
    "linux-rhel7-haswell": "v3", "linux-rhel7-ivybridge": "v2", "linux-rhel7-skylake_avx512": "v4",
    "linux-rhel7-x86_64_v3": "v3", "linux-rhel7-zen": "v3", "linux-rocky8.5-zen4": "v4",
    "linux-rocky9-zen5": "v4", "linux-scientific7-k10": "v1", "linux-scientific7-piledriver": "v2",
    "linux-scientificfermi6-bulldozer": "v2", "linux-scientificfermi6-piledriver": "v2",
    "linux-ubuntu18.04-broadwell": "v3", "linux-ubuntu20.04-zen3": "v3",
    "linux-ubuntu24.04-alderlake": "v3", "linux-ubuntu26.04-arrowlake_s": "v3",
    "linux-unknown-sapphirerapids": "v4", "darwin-mojave-haswell": "v3",
    "darwin-mojave-ivybridge": "v2", "darwin-mojave-skylake": "v3",
}


class TestX86_64Contract(ProviderContract):
    plugin = X86_64Plugin
    fixtures = FIXTURES


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _derive(facts: dict, explain: list | None = None) -> dict:
    return {c.name: c.values for c in _rules.derive(facts, explain)}


def _all_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


# -- vocabulary and order -----------------------------------------------------------------------

def test_all_configs_superset_of_published_vocabulary() -> None:
    configs = {c.name: c for c in X86_64Plugin.get_all_configs()}
    assert len(PUBLISHED) == 56 and len(set(PUBLISHED)) == 56
    assert configs["level"].values == ["v4", "v3", "v2", "v1"]
    for name in PUBLISHED:
        assert configs[name].values == ["on"] and configs[name].multi_value is False, name
    assert list(configs)[0] == "level"
    for newer in ("avx10_version", "apx_f", "amx_tile", "avx512_fp16", "avx_vnni_int8", "sha512"):
        assert newer in configs


def test_every_x86_dump_is_a_fixture() -> None:
    dumps = Path("/work/shared/hardware/archspec-targets")
    if not dumps.is_dir():
        pytest.skip("shared hardware dumps not present")
    x86 = [p.name for p in dumps.iterdir() if p.name.startswith("windows-cpuid-")
           or p.name.startswith("linux-") and "\nflags" in p.read_text(errors="replace")
           or p.name.startswith("darwin-") and "machdep.cpu.features" in p.read_text(errors="replace")]
    names = [p.name for p in _all_fixtures()]
    for dump in x86:
        assert any(n.startswith(dump + "-") for n in names), dump


@pytest.mark.parametrize("dump,level", sorted(PUBLIC_LEVELS.items()))
def test_recorded_dumps_match_public_levels(dump: str, level: str) -> None:
    [path] = [p for p in _all_fixtures() if p.name.startswith(dump + "-") and "xcr0" not in p.name]
    assert path.name == f"{dump}-{level}.json"
    assert _fixture(path.name)["expected"][0] == {"name": "level", "values": ["v4", "v3", "v2", "v1"][
        ["v4", "v3", "v2", "v1"].index(level):], "multi_value": False}
    assert "archspec-targets/" + dump in _fixture(path.name)["source"]


def test_fixture_names_say_the_level() -> None:
    for path in _all_fixtures():
        data = _fixture(path.name)
        expected = data["expected"]
        if data.get("no_hardware"):
            assert expected == [] and path.stem.endswith("not-x86"), path.name
        else:
            assert path.stem.endswith("-" + expected[0]["values"][0]), path.name


def test_feature_order_is_table_order_after_level_and_avx10() -> None:
    facts = _fixture("linux-unknown-sapphirerapids-v4.json")["facts"]
    names = [c.name for c in _rules.derive(facts)]
    table = [e[0] for e in T.EXTENSIONS]
    assert names[0] == "level"
    assert names[1:] == sorted(names[1:], key=table.index)
    assert {"amx_tile", "amx_int8", "amx_bf16", "avx512_fp16", "avx_vnni", "avx512_bf16"} <= set(names)


def test_cpuinfo_pni_is_published_sse3_and_abm_is_lzcnt() -> None:
    got = _derive(_fixture("linux-rhel7-haswell-v3.json")["facts"])
    assert got["sse3"] == ["on"] and got["abm"] == ["on"] and "pni" not in got
    assert got["level"] == ["v3", "v2", "v1"]
    assert "avx512f" not in got


def test_alder_lake_has_avx512_fused_off_but_avx_vnni() -> None:
    got = _derive(_fixture("linux-ubuntu24.04-alderlake-v3.json")["facts"])
    assert got["level"][0] == "v3" and "avx512f" not in got and got["avx_vnni"] == ["on"]


def test_zen5_has_vp2intersect_and_zen4_features() -> None:
    got = _derive(_fixture("linux-rocky9-zen5-v4.json")["facts"])
    for name in ("avx512_vp2intersect", "avx512_bf16", "avx512_vnni", "clzero", "cppc", "ibrs_enhanced"):
        assert got[name] == ["on"], name


# -- XCR0 and OSXSAVE ---------------------------------------------------------------------------

def _icelake() -> dict:
    return _fixture("windows-cpuid-icelake-xcr0-assumed-v4.json")["facts"]


def test_avx512_in_cpuid_without_zmm_state_is_v3_and_explained() -> None:
    facts = dict(_icelake(), xcr0=0x7)
    explain: list = []
    got = _derive(facts, explain)
    assert got["level"] == ["v3", "v2", "v1"]
    assert not any(n.startswith("avx512") for n in got)
    assert ("avx512f", "CPUID.(EAX=0x7,ECX=0):EBX[16] set, but XCR0=0x7 lacks ZMM (bits 1-2, 5-7)"
            " -> not usable") in explain
    assert got["avx2"] == ["on"] and got["vaes"] == ["on"]


def test_xcr0_without_ymm_is_v2_but_gpr_and_sse_features_stay() -> None:
    got = _derive(dict(_icelake(), xcr0=0x3))
    assert got["level"] == ["v2", "v1"]
    assert "avx" not in got and "fma" not in got and "vaes" not in got
    assert got["bmi2"] == ["on"] and got["gfni"] == ["on"] and got["sha_ni"] == ["on"]


def test_osxsave_clear_ignores_even_a_recorded_xcr0() -> None:
    facts = _fixture("synthetic-osxsave-clear-v2.json")["facts"]
    assert _derive(dict(facts, xcr0=0xE7))["level"] == ["v2", "v1"]
    explain: list = []
    _rules.derive(facts, explain)
    assert any("OSXSAVE is clear" in text for name, text in explain if name == "avx")


def test_unknown_xcr0_claims_no_vector_state() -> None:
    got = _derive(dict(_icelake(), xcr0=None))
    assert got["level"] == ["v2", "v1"] and "avx" not in got


def test_cpuinfo_with_recorded_xcr0_is_masked() -> None:
    facts = dict(_fixture("linux-rocky8.5-zen4-v4.json")["facts"], xcr0=0x7)
    got = _derive(facts)
    assert got["level"][0] == "v3" and "avx512f" not in got and got["avx2"] == ["on"]


def test_avx10_version_and_apx_need_their_state() -> None:
    cpuid = {k: list(v) for k, v in _icelake()["cpuid"].items()}
    cpuid["0x00000000.0"][0] = 0x24
    cpuid["0x00000007.1"][3] |= 1 << 19 | 1 << 21  # AVX10, APX_F
    cpuid["0x00000024.0"] = [0, 0x70002, 0, 0]  # AVX10.2, 128/256/512
    facts = {"platform": {"system": "Windows", "machine": "AMD64"}, "cpuid": cpuid}
    got = _derive(dict(facts, xcr0=0xE7 | T.APX))
    assert got["avx10_version"] == ["2", "1"] and got["apx_f"] == ["on"]
    assert [c.name for c in _rules.derive(dict(facts, xcr0=0xE7 | T.APX))][:3] == ["level", "avx10_version", "apx_f"]
    got = _derive(dict(facts, xcr0=0xE7))
    assert "apx_f" not in got and got["avx10_version"] == ["2", "1"]
    got = _derive(dict(facts, xcr0=0x7))
    assert "avx10_version" not in got and "apx_f" not in got
    # A future version beyond what this provider knows reports every known value.
    cpuid["0x00000024.0"][1] = 7
    assert _derive(dict(facts, xcr0=0xE7))["avx10_version"] == ["2", "1"]


def test_amx_needs_tile_state() -> None:
    cpuid = {k: list(v) for k, v in _icelake()["cpuid"].items()}
    cpuid["0x00000007.0"][3] |= 1 << 24 | 1 << 25 | 1 << 22
    facts = {"platform": {"system": "Windows", "machine": "AMD64"}, "cpuid": cpuid}
    assert "amx_tile" not in _derive(dict(facts, xcr0=0xE7))
    got = _derive(dict(facts, xcr0=0xE7 | T.AMX))
    assert got["amx_tile"] == got["amx_int8"] == got["amx_bf16"] == ["on"]


def test_cpuid_beyond_maximum_leaf_is_ignored() -> None:
    cpuid = {k: list(v) for k, v in _icelake()["cpuid"].items()}
    cpuid["0x00000000.0"][0] = 1  # a CPU that has no leaf 7: the recorded leaf 7 is stale
    got = _derive({"cpuid": cpuid, "xcr0": 0xE7})
    assert "avx2" not in got and got["level"] == ["v2", "v1"]


# -- macOS ---------------------------------------------------------------------------------------

def test_darwin_hw_optional_is_the_truth_for_avx512() -> None:
    on = _derive(_fixture("synthetic-darwin-imacpro-avx512-v4.json")["facts"])
    off = _derive(_fixture("synthetic-darwin-avx512-hw-optional-off-v3.json")["facts"])
    assert on["level"][0] == "v4" and on["avx512f"] == ["on"]
    assert off["level"][0] == "v3" and not any(n.startswith("avx512") for n in off)


def test_rosetta_drops_avx512_even_if_advertised() -> None:
    facts = _fixture("synthetic-darwin-imacpro-avx512-v4.json")["facts"]
    sysctl = dict(facts["sysctl"], **{"sysctl.proc_translated": "1"})
    got = _derive(dict(facts, sysctl=sysctl))
    assert got["level"][0] == "v3" and "avx512f" not in got
    assert _derive(_fixture("synthetic-darwin-rosetta2-v2.json")["facts"])["level"] == ["v2", "v1"]


def test_darwin_xsaveopt_from_extended_state1() -> None:
    got = _derive(_fixture("darwin-mojave-ivybridge-v2.json")["facts"])
    assert got["xsaveopt"] == ["on"] and "xsavec" not in got and got["avx"] == ["on"]


def test_darwin_probe_reads_sysctlbyname(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    values = {b"machdep.cpu.features": b"FPU SSE2 AVX1.0\0", b"hw.optional.avx512f": (1).to_bytes(4, "little")}

    class FakeFn:
        def __call__(self, name, buf, size_ref, new, newlen):
            value = values.get(name)
            if value is None:
                return -1
            size = size_ref._obj
            if buf is not None:
                ctypes.memmove(buf, value, len(value))
            size.value = len(value)
            return 0

    class FakeLib:
        sysctlbyname = FakeFn()

    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: FakeLib())
    monkeypatch.setattr(sys, "byteorder", "little")
    got = _darwin.read_sysctl()
    assert got == {"machdep.cpu.features": "FPU SSE2 AVX1.0", "hw.optional.avx512f": "1"}


# -- Windows fallback ------------------------------------------------------------------------------

def test_processor_features_fallback_is_level_v1_with_named_features() -> None:
    pf = {name: True for name, _, _ in T.WINDOWS_PF}
    got = _derive({"platform": {"system": "Windows", "machine": "AMD64"}, "processor_features": pf})
    assert got["level"] == ["v1"] and got["avx2"] == ["on"] and got["avx512f"] == ["on"]


def test_windows_read_is_safe_off_windows() -> None:
    assert _cpuid_exec.read(windows=True) in ({}, {"processor_features": {}}) or sys.platform == "win32"


# -- the seam -----------------------------------------------------------------------------------------

def test_collect_never_runs_xgetbv_without_osxsave() -> None:
    calls = []
    leaves = {0: [0xD, 0, 0, 0], 1: [0, 0, 1 << 28, 0], 0x80000000: [0x80000008, 0, 0, 0]}

    def cpuid(leaf, sub):
        return list(leaves.get(leaf, [0, 0, 0, 0]))

    def xgetbv():
        calls.append(1)
        return 7

    facts = _cpuid_exec.collect(cpuid, xgetbv)
    assert calls == [] and facts["xcr0"] is None
    assert "0x00000024.0" not in facts["cpuid"] and "0x00000007.0" in facts["cpuid"]
    leaves[1][2] |= 1 << 27
    assert _cpuid_exec.collect(cpuid, xgetbv)["xcr0"] == 7 and calls == [1]


def test_non_x86_machine_probes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_probe, "platform_facts", lambda: {"system": "Linux", "machine": "aarch64"})
    monkeypatch.setattr(_probe.sysio, "read_text", lambda *a, **k: pytest.fail("read on non-x86"))
    facts = _probe.probe()
    assert facts == {"platform": {"system": "Linux", "machine": "aarch64"}}
    assert _rules.derive(facts) == []


def test_cpuid_level_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = []
    monkeypatch.setattr(_probe, "_exec_cpuid", lambda facts, windows: ran.append(windows))
    monkeypatch.setattr(_probe.sysio, "read_text", lambda *a, **k: "cpuid level\t: 35\nflags\t: fpu lm\n")
    _probe._linux({})
    assert ran == []
    monkeypatch.setattr(_probe.sysio, "read_text", lambda *a, **k: "x\ncpuid level\t: 36\nflags\t: fpu lm\n")
    _probe._linux({})
    assert ran == [False]


@pytest.mark.skipif(not LIVE_X86_LINUX, reason="needs Linux on x86-64")
def test_executed_cpuid_agrees_with_proc_cpuinfo() -> None:
    executed = _cpuid_exec.read(windows=False)
    assert executed and executed["xcr0"] is not None and executed["xcr0"] & 0x3 == 0x3
    live = _probe.probe()
    from_cpuinfo = {c.name: c.values for c in _rules.derive({"cpuinfo": live["cpuinfo"]})}
    from_cpuid = {c.name: c.values for c in _rules.derive(executed)}
    assert from_cpuid["level"] == from_cpuinfo["level"]
    # The kernel may hide a few (e.g. flags it does not know); vector ISAs must agree.
    vector = {e[0] for e in T.EXTENSIONS if e[6]}
    assert {n for n in from_cpuid if n in vector} == {n for n in from_cpuinfo if n in vector}


def _glibc_level() -> str | None:
    for loader in ("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"):
        if os.path.exists(loader):
            try:
                out = subprocess.run([loader, "--help"], capture_output=True, text=True, timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                return None
            levels = [line.split()[0][len("x86-64-"):] for line in out.splitlines()
                      if line.strip().startswith("x86-64-v") and "supported" in line]
            return max(levels) if levels else None
    return None


@pytest.mark.skipif(not LIVE_X86_LINUX, reason="needs Linux on x86-64")
def test_live_level_matches_glibc() -> None:
    glibc = _glibc_level()
    if glibc is None:
        pytest.skip("glibc's ld.so --help lists no x86-64-vN (glibc < 2.33 or not glibc)")
    live = X86_64Plugin.get_supported_configs()
    assert live[0].name == "level" and live[0].values[0] == glibc


# -- bad input ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("facts,expected", [
    ({"cpuid": {"0x00000001.0": [1, 2, 3]}}, "field 'facts.cpuid.0x00000001.0' must have 4 registers"),
    ({"cpuid": {"0x00000001.0": [1, 2, 3, -1]}}, "field 'facts.cpuid.0x00000001.0': EDX must be an unsigned 32-bit"),
    ({"cpuid": {"0x00000001.0": [2**32, 0, 0, 0]}}, "field 'facts.cpuid.0x00000001.0': EAX must be an unsigned 32-bit"),
    ({"cpuid": {"0x00000001.0": [1, "2", 3, 4]}}, "field 'facts.cpuid.0x00000001.0': EBX must be an integer"),
    ({"cpuid": {"leaf1": [0, 0, 0, 0]}}, "field 'facts.cpuid.leaf1': key must look like"),
    ({"cpuid": [1, 2]}, "field 'facts.cpuid' must be an object or null"),
    ({"xcr0": -1}, "field 'facts.xcr0' must be an unsigned 64-bit integer"),
    ({"xcr0": 2**70}, "field 'facts.xcr0' must be an unsigned 64-bit integer"),
    ({"xcr0": "7"}, "field 'facts.xcr0' must be an integer or null"),
    ({"cpuinfo": ""}, "field 'facts.cpuinfo' has no 'flags' line"),
    ({"cpuinfo": "flags : fpu vme de"}, "field 'facts.cpuinfo': the flags line lacks the x86-64 baseline"),
    ({"sysctl": {"machdep.cpu.features": 5}}, "field 'facts.sysctl.machdep.cpu.features' must be a string"),
    ({"platform": {"machine": 64}}, "field 'facts.platform.machine' must be a string"),
])
def test_check_facts_names_the_field(facts: dict, expected: str) -> None:
    problems = _rules.check_facts(facts)
    assert any(p.startswith(expected) for p in problems), problems


def test_recorded_fixtures_pass_check_facts() -> None:
    for path in _all_fixtures():
        assert _rules.check_facts(_fixture(path.name)["facts"]) == [], path.name


def test_cli_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "short-cpuid.json"
    bad.write_text(json.dumps({"format": 1, "provider": "x86_64",
                               "facts": {"cpuid": {"0x00000001.0": [1, 2, 3]}}}))
    proc = subprocess.run([sys.executable, "-m", "provider_x86_64", "--facts", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and str(bad) in proc.stderr and "facts.cpuid.0x00000001.0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_report_explains_xcr0_decision() -> None:
    path = FIXTURES / "synthetic-avx512-cpuid-xcr0-lacks-zmm-v3.json"
    proc = subprocess.run([sys.executable, "-m", "provider_x86_64", "--report", "--facts", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "avx512f CPUID.(EAX=0x7,ECX=0):EBX[16] set, but XCR0=0x7 lacks ZMM" in text
    assert "level = v3, v2, v1" in text


# -- fuzzing the parsers -------------------------------------------------------------------------------

_u32 = st.integers(min_value=-5, max_value=2**33)
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=12), c, max_size=5),
                     max_leaves=15)
_keys = st.sampled_from(["0x00000000.0", "0x00000001.0", "0x00000007.0", "0x00000007.1",
                         "0x0000000d.1", "0x00000024.0", "0x80000000.0", "0x80000001.0", "bogus"])
_cpuid = st.dictionaries(_keys, st.lists(_u32, min_size=0, max_size=6) | _json, max_size=9)
_flag_words = st.lists(st.sampled_from([e[1] for e in T.EXTENSIONS + T.BASELINE if e[1]] + ["pni", ":", "flags"]), max_size=60)
_cpuinfo = st.one_of(st.text(max_size=300),
                     _flag_words.map(lambda ws: "processor : 0\nflags\t\t: " + " ".join(ws) + "\n"))
_facts = st.fixed_dictionaries({}, optional={
    "platform": _json | st.fixed_dictionaries({"system": st.text(max_size=8), "machine": st.sampled_from(["x86_64", "AMD64", "arm64", "", "i686"])}),
    "cpuinfo": _cpuinfo | _json, "cpuid": _cpuid | _json, "xcr0": st.integers(min_value=-2, max_value=2**66) | _json,
    "sysctl": st.dictionaries(st.sampled_from(["machdep.cpu.features", "machdep.cpu.leaf7_features", "hw.optional.avx512f",
                                                 "sysctl.proc_translated", "machdep.cpu.xsave.extended_state1"]),
                              st.text(max_size=40) | _json, max_size=5) | _json,
    "processor_features": st.dictionaries(st.text(max_size=40), _json, max_size=4) | _json,
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_facts)
def test_fuzz_derive_and_check_facts(facts: dict) -> None:
    all_configs = {c.name: c.values for c in X86_64Plugin.get_all_configs()}
    explain: list = []
    result = _rules.derive(facts, explain)
    assert type(result) is list
    names = [c.name for c in result]
    assert len(names) == len(set(names))
    for c in result:
        assert c.values and set(c.values) <= set(all_configs[c.name]) and c.multi_value is False
    assert [c.name for c in _rules.derive(facts)] == names  # explain does not change the answer
    problems = _rules.check_facts(facts)
    assert all(isinstance(p, str) and p.startswith("field 'facts") for p in problems)


@settings(max_examples=300, deadline=None)
@given(_cpuinfo)
def test_fuzz_cpuinfo_flags(text: str) -> None:
    flags = _rules.cpuinfo_flags(text)
    if flags is not None:
        assert all(isinstance(f, str) and f and " " not in f for f in flags)
    if "\nflags" not in "\n" + text:
        assert flags is None


# -- compiler flags ---------------------------------------------------------------------------------------

def test_compiler_flags() -> None:
    assert compiler_flags(["x86_64 :: level :: v3", "x86_64 :: level :: v2"]) == ["-march=x86-64-v3"]
    assert compiler_flags([("x86_64", "level", "v1")]) == ["-march=x86-64"]
    assert compiler_flags(["x86_64 :: level :: v4", "x86_64 :: avx512_bf16 :: on",
                           "x86_64 :: tsc_adjust :: on", "aarch64 :: version :: 8a",
                           "x86_64 :: avx10_version :: 1"], "clang") == [
        "-march=x86-64-v4", "-mavx10.1", "-mavx512bf16"]
    with pytest.raises(ValueError):
        compiler_flags(["x86_64 :: level :: v5"])
    every = [f"x86_64 :: {c.name} :: {c.values[0]}" for c in X86_64Plugin.get_all_configs()]
    assert compiler_flags(every)[0] == "-march=x86-64-v4"


@pytest.mark.skipif(not LIVE_X86_LINUX, reason="needs gcc on x86-64 Linux")
def test_compiler_flags_are_accepted_by_gcc(tmp_path: Path) -> None:
    gcc = "/usr/bin/gcc"
    if not os.path.exists(gcc):
        pytest.skip("no gcc")
    src = tmp_path / "t.c"
    src.write_text("int main(void) { return 0; }\n")
    for level in ("v1", "v2", "v3", "v4"):
        flags = compiler_flags([f"x86_64 :: level :: {level}", "x86_64 :: avx2 :: on", "x86_64 :: abm :: on"])
        proc = subprocess.run([gcc, *flags, "-c", str(src), "-o", str(tmp_path / "t.o")],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
