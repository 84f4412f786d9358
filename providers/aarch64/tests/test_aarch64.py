"""Tests of the aarch64 provider: the conformance suite plus its own rules and seam."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from provider_aarch64 import AArch64Plugin, _probe, _rules, flags
from provider_conformance import ProviderContract
from provider_runtime import sysio

FIXTURES = Path(__file__).parent / "fixtures"


class TestAArch64Contract(ProviderContract):
    plugin = AArch64Plugin
    fixtures = FIXTURES


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def supported(facts: dict) -> dict[str, list[str]]:
    return {c.name: c.values for c in _rules.derive(facts)}


# -- versions on real machines against public knowledge --------------------------------------

PUBLIC = {
    # fixture -> newest version this rule gives (public label in the fixture's note)
    "linux-amazon-cortex_a72-8a": "8a",
    "linux-centos7-thunderx2-8.1a": "8.1a",
    "linux-amazon-neoverse_n1-8.2a": "8.2a",
    "linux-rocky8-a64fx-8.2a": "8.2a",
    "linux-amazon-neoverse_v1-8.4a": "8.4a",
    "linux-rhel8-neoverse_v1-8.4a": "8.4a",
    "linux-asahi-m1-8.5a": "8.5a",
    "darwin-monterey-m1-8.5a": "8.5a",
    "linux-asahi-m2-8.6a": "8.6a",
    "darwin-monterey-m2-8.6a": "8.6a",
    "linux-ubuntu22.04-ampere1-8.6a": "8.6a",
    "darwin-sequoia-m4-8.7a": "8.7a",
    "linux-rhel9-neoverse_n2-9.1a": "9.1a",
    "linux-rhel9-neoverse_v2-9.1a": "9.1a",
    "linux-ubuntu24.04-neoverse_v3ae-9.2a": "9.2a",
    "darwin-bigsur-m1-8.3a": "8.3a",
}


@pytest.mark.parametrize("name, version", sorted(PUBLIC.items()))
def test_newest_version_on_real_machines(name: str, version: str) -> None:
    got = supported(load(name)["facts"])
    assert got["version"][0] == version
    # every older version of the same line is there too, newest first
    assert got["version"] == [v for v in _rules.VERSION_ORDER if v in got["version"]]
    assert got["version"][-1] == "8a"


def test_rhel8_hides_pac_but_graviton3_stays_84a() -> None:
    amazon = supported(load("linux-amazon-neoverse_v1-8.4a")["facts"])
    rhel = supported(load("linux-rhel8-neoverse_v1-8.4a")["facts"])
    assert "paca" in amazon and "paca" not in rhel and "pacg" not in rhel
    assert rhel["version"] == amazon["version"] == ["8.4a", "8.3a", "8.2a", "8.1a", "8a"]
    assert set(amazon) - set(rhel) == {"paca", "pacg"}


def test_hwcap_only_equals_cpuinfo_record() -> None:
    assert (
        load("synthetic-hwcap-only-graviton3-8.4a")["expected"]
        == load("linux-amazon-neoverse_v1-8.4a")["expected"]
    )


def test_cpuinfo_only_equals_full_record() -> None:
    assert (
        load("synthetic-cpuinfo-only-neoverse_v2-9.1a")["expected"]
        == load("linux-rhel9-neoverse_v2-9.1a")["expected"]
    )


def test_hidden_pac_bti_keeps_version() -> None:
    full = supported(load("linux-ubuntu22.04-ampere1-8.6a")["facts"])
    hidden = supported(load("synthetic-kernel-hides-pac-bti-ampere1-8.6a")["facts"])
    assert hidden["version"] == full["version"]
    assert set(full) - set(hidden) == {"paca", "pacg", "bti", "btiecv"}


def test_m4_has_sme_but_no_9x() -> None:
    got = supported(load("darwin-sequoia-m4-8.7a")["facts"])
    assert "sme2" in got and "sme" in got and "sve" not in got and "ssbs" not in got
    assert not any(v.startswith("9") for v in got["version"])


def test_a64fx_has_sve_without_83a() -> None:
    got = supported(load("linux-rocky8-a64fx-8.2a")["facts"])
    assert "sve" in got and "fcma" in got and "jscvt" not in got


def test_requirements_are_exact() -> None:
    base = set().union(*_rules.VERSION_STEPS.values()) | {
        "sve",
        "sve2",
        "svebf16",
        "svei8mm",
        "lut",
        "faminmax",
    }
    cpuinfo = "Features\t: " + " ".join(sorted(base)) + "\n"
    assert supported({"cpuinfo": cpuinfo})["version"][0] == "9.5a"
    # removing any one required feature of 8.4a drops to 8.3a (and every 9.x)
    for name in _rules.VERSION_STEPS["8.4a"]:
        got = supported({"cpuinfo": "Features\t: " + " ".join(sorted(base - {name})) + "\n"})
        assert got["version"][0] == "8.3a", name


def test_no_sve2_means_no_9x_but_8x_continues() -> None:
    names = set().union(
        *(_rules.VERSION_STEPS[v] for v in ("8a", "8.1a", "8.2a", "8.3a", "8.4a", "8.5a", "8.6a"))
    )
    got = supported({"cpuinfo": "Features : " + " ".join(sorted(names))})
    assert got["version"][0] == "8.6a"


def test_compound_published_names() -> None:
    got = supported(load("linux-centos7-thunderx2-8.1a")["facts"])
    assert got["asimdrdmatomics"] == ["on"]
    assert "btiecv" in supported(load("linux-ubuntu22.04-ampere1-8.6a")["facts"])
    assert "btiecv" not in supported(load("linux-ubuntu22.04-neoverse_v2-9.1a")["facts"])  # bti, no ecv


def test_docker_desktop_implementer_zero() -> None:
    explain: list = []
    got = _rules.derive(load("synthetic-docker-desktop-apple_m1-8.5a")["facts"], explain)
    assert got[0].values[0] == "8.5a"
    assert any("implementer 0x00" in text for _, text in explain)


def test_32bit_and_foreign_machines_report_nothing() -> None:
    for name in (
        "synthetic-raspberrypi4-32bit-kernel-none",
        "synthetic-raspberrypi4-32bit-cpuinfo-only-none",
        "linux-rhel7-haswell-x86_64-none",
        "synthetic-rosetta2-x86_64-python-none",
    ):
        assert _rules.derive(load(name)["facts"]) == [], name
    s390 = (
        "vendor_id : IBM/S390\nfeatures\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx\n"
    )
    assert _rules.derive({"cpuinfo": s390}) == []


def test_windows_registry_adds_what_pf_flags_cannot_say() -> None:
    full = supported(load("synthetic-windows11-snapdragon_8cx_gen3-8.2a")["facts"])
    pf_only = supported(load("synthetic-windows11-pf-only-8a")["facts"])
    assert full["version"][0] == "8.2a" and pf_only["version"] == ["8a"]
    assert "asimdrdm" in full and "asimdrdm" not in pf_only and "asimddp" in pf_only


# -- vocabulary --------------------------------------------------------------------------------


def test_all_configs_cover_published_vocabulary() -> None:
    configs = AArch64Plugin.get_all_configs()
    assert configs[0].name == "version" and not configs[0].multi_value
    assert set(["8a", "8.1a", "8.2a", "8.3a", "8.4a", "8.5a", "9.0a"]) <= set(configs[0].values)
    names = [c.name for c in configs[1:]]
    assert set(_rules.PUBLISHED) <= set(names) and len(_rules.PUBLISHED) == 40
    assert {"sve2", "sme", "sme2", "bf16", "i8mm", "svebf16", "sve2p1", "mops", "cssc"} <= set(names)
    assert all(c.values == ["on"] and not c.multi_value for c in configs[1:])
    assert configs[0].values[:3] == ["9.5a", "9.4a", "9.3a"] and configs[0].values[-1] == "8a"


def test_every_hwcap_name_is_a_feature() -> None:
    names = {c.name for c in AArch64Plugin.get_all_configs()}
    assert set(_rules.HWCAP_BITS) | set(_rules.HWCAP2_BITS) | set(_rules.HWCAP3_BITS) <= names
    assert (
        len(_rules.HWCAP2_BITS) == 64 and _rules.HWCAP2_BITS[1] == "sve2" and _rules.HWCAP_BITS[22] == "sve"
    )


# -- explanations, facts checks ----------------------------------------------------------------


def test_report_names_the_bit_or_sysctl() -> None:
    explain: list = []
    _rules.derive(load("synthetic-hwcap-only-graviton3-8.4a")["facts"], explain)
    assert ("sve", "AT_HWCAP bit 22") in explain
    assert ("bf16", "AT_HWCAP2 bit 14") in explain
    explain = []
    _rules.derive(load("darwin-sequoia-m4-8.7a")["facts"], explain)
    assert ("sme2", "sysctl hw.optional.arm.FEAT_SME2 = 1") in explain
    assert any(n == "version" and t.startswith("8.8a not reported: missing mops, hbc") for n, t in explain)


def test_check_facts_names_the_field() -> None:
    assert _rules.check_facts({"hwcap": "0x1"}) == [
        "field 'facts.hwcap' must be an integer or null, found str"
    ]
    assert _rules.check_facts({"hwcap2": -1}) == ["field 'facts.hwcap2' must not be negative, found -1"]
    assert _rules.check_facts({"cpuinfo": 5}) == ["field 'facts.cpuinfo' must be a string or null, found int"]
    assert _rules.check_facts({"sysctl": {"hw.optional.arm.FEAT_SB": [1]}}) == [
        "field 'facts.sysctl.hw.optional.arm.FEAT_SB' must be an integer or a string, found list"
    ]
    assert _rules.check_facts({"windows": {"pf": {"43": 1}}}) == [
        "field 'facts.windows.pf.43' must be a boolean, found int"
    ]
    assert _rules.check_facts({"platform": {"machine": 7}}) == [
        "field 'facts.platform.machine' must be a string, found int"
    ]
    assert _rules.check_facts(load("linux-asahi-m2-8.6a")["facts"]) == []


# -- the seam ----------------------------------------------------------------------------------


def _auxv(pairs: list[tuple[int, int]]) -> bytes:
    return b"".join(t.to_bytes(8, sys.byteorder) + v.to_bytes(8, sys.byteorder) for t, v in pairs)


def test_parse_auxv() -> None:
    blob = _auxv([(6, 4096), (16, 0x8FFF), (26, 0x2), (29, 0x4), (0, 0), (16, 1)])
    assert _probe.parse_auxv(blob) == {"hwcap": 0x8FFF, "hwcap2": 0x2, "hwcap3": 0x4}
    assert _probe.parse_auxv(blob[:20]) == {}
    assert _probe.parse_auxv(None) == {}  # type: ignore[arg-type]


def test_linux_arm_probe_reads_auxv_and_cpuinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    text = load("linux-rhel9-neoverse_v2-9.1a")["facts"]["cpuinfo"]
    monkeypatch.setattr(_probe, "platform_facts", lambda: {"system": "Linux", "machine": "aarch64"})
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(
        sysio, "read_bytes", lambda path, offset=0, size=0: _auxv([(16, 1 << 22 | 3), (26, 2), (0, 0)])
    )
    monkeypatch.setattr(sysio, "read_text", lambda path, *a: text if path == "/proc/cpuinfo" else None)
    facts = _probe.probe()
    assert (
        facts["platform"]["machine"] == "aarch64" and facts["hwcap"] == (1 << 22 | 3) and facts["hwcap2"] == 2
    )
    assert facts["cpuinfo"] == text
    assert supported(facts)["version"][0] == "9.1a"
    monkeypatch.setattr(sysio, "read_bytes", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "injected")))
    monkeypatch.setattr(sysio, "read_text", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "injected")))
    assert _probe.probe() == {"platform": {"system": "Linux", "machine": "aarch64", "bits": 64}}


def test_non_arm_probe_is_platform_only() -> None:
    if os.uname().machine in ("aarch64", "arm64"):
        pytest.skip("this machine is Arm")
    assert set(_probe.probe()) == {"platform"}


def _fresh(code: str, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


CHECK_IMPORTS = (
    "import sys\nfrom provider_aarch64 import AArch64Plugin as P\nr = P.get_supported_configs()\n"
    "import json\nprint(json.dumps({'n': len(r), 'heavy': [m for m in ('json', 're', 'ctypes', 'typing', "
    "'dataclasses', 'platform', 'subprocess', 'json.decoder', 'provider_aarch64._rules') "
    "if m in sys._loaded_before]}))"
)


@pytest.mark.parametrize("facts_file", [None, "linux-rhel9-neoverse_v2-9.1a"])
def test_fast_path_imports_nothing_heavy(facts_file: str | None) -> None:
    if facts_file is None and os.uname().machine in ("aarch64", "arm64"):
        pytest.skip("the live path on Arm loads the tables by design")
    env = {"PROVIDER_AARCH64_FACTS": str(FIXTURES / f"{facts_file}.json")} if facts_file else {}
    code = CHECK_IMPORTS.replace(
        "r = P.get_supported_configs()",
        "r = P.get_supported_configs()\nsys._loaded_before = set(sys.modules)",
    )
    out = _fresh(code, env)
    heavy = out["heavy"]
    if facts_file:  # replaying a facts file needs the tables and the runtime facts loader (no json)
        assert out["n"] > 10 and heavy == ["provider_aarch64._rules"]
    else:
        assert out["n"] == 0 and heavy == []


# -- compiler flags ------------------------------------------------------------------------------


def test_march_per_version() -> None:
    assert _rules.march("8a") == "armv8-a"
    assert _rules.march("8.4a") == "armv8.4-a"
    assert _rules.march("9.0a") == "armv9-a"
    assert _rules.march("9.2a") == "armv9.2-a"


def test_compiler_flags() -> None:
    assert flags.compiler_flags(["aarch64 :: version :: 8.4a", "aarch64 :: sve :: on"]) == [
        "-march=armv8.4-a+sve"
    ]
    assert flags.compiler_flags([("aarch64", "version", "9.0a"), ("aarch64", "version", "8.2a")]) == [
        "-march=armv8.2-a"
    ]
    assert flags.compiler_flags(
        ["x86_64 :: level :: v3", "aarch64 :: asimddp :: on", "aarch64 :: cpuid :: on"]
    ) == ["-march=armv8-a+dotprod"]
    assert flags.build_setup(["aarch64 :: i8mm :: on"]) == {
        "cflags": ["-march=armv8-a+i8mm"],
        "cxxflags": ["-march=armv8-a+i8mm"],
    }
