"""Tests of the nvidia provider: the conformance suite, its rules, and its seam."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import provider_nvidia
import pytest
from provider_conformance import ProviderContract
from provider_nvidia import NvidiaPlugin, _probe, _rules

FIXTURES = Path(__file__).parent / "fixtures"


class TestNvidiaContract(ProviderContract):
    plugin = NvidiaPlugin
    fixtures = FIXTURES


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _by_name(configs: list) -> dict:
    return {c.name: c.values for c in configs}


def _cuda_range(major: int, top: int, bottom: int = 0) -> list[str]:
    return [f"{major}.{m}" for m in range(top, bottom - 1, -1)]


# -- the published examples (design/plugin-contract.md) -----------------------------------------

PUBLISHED_LOWER_12_8 = _cuda_range(12, 8) + ["12"] + _cuda_range(11, 20) + ["11"]
PUBLISHED_UPPER_12_8 = (
    _cuda_range(15, 20)
    + ["15"]
    + _cuda_range(14, 20)
    + ["14"]
    + _cuda_range(13, 20)
    + ["13"]
    + _cuda_range(12, 20, 9)
)
PUBLISHED_SM_8_6 = ["86_real", "85_real", "84_real", "83_real", "82_real", "81_real", "80_real", "80_virtual"]


def test_published_examples_via_overrides() -> None:
    facts = _fixture("forced-cuda12.8-sm8.6-no-driver")["facts"]
    got = _rules.derive(facts)
    assert [c.name for c in got] == ["cuda_version_lower_bound", "cuda_version_upper_bound", "sm_arch"]
    assert got[0].values == PUBLISHED_LOWER_12_8
    assert got[1].values == PUBLISHED_UPPER_12_8
    assert "12" not in got[1].values  # bare 12 means "< 12.0": a 12.8 driver does not satisfy it
    assert got[2].values == PUBLISHED_SM_8_6 and got[2].multi_value is True
    assert [c.multi_value for c in got] == [False, False, True]


def test_published_examples_from_detected_hardware() -> None:
    got = _by_name(_rules.derive(_fixture("linux-rtx4090-cuda12.8-sm89")["facts"]))
    assert got["cuda_version_lower_bound"] == PUBLISHED_LOWER_12_8
    assert got["cuda_version_upper_bound"] == PUBLISHED_UPPER_12_8
    wsl = _by_name(_rules.derive(_fixture("wsl2-rtx3080-cuda12.9-sm86")["facts"]))
    assert wsl["sm_arch"] == PUBLISHED_SM_8_6


# -- the reference provider's behaviour -----------------------------------------------------------
# The reference (wheelnext/nvidia-variant-provider) is not installable here: the PyPI name holds
# an empty placeholder (0.0.0a0) and the real wheel is served from the project's own index. So
# its single-GPU behaviour is restated below, independently, from its documented examples and
# the captured cases of wheelnext/nvidia-variant-provider2 (json/tests/cases/detected_12070.json:
# driver 12070 + CC 8.9; heterogeneous.json), and compared exhaustively with ours.


def _reference_lower(major: int, minor: int) -> list[str]:
    values = []
    for M in range(major, 10, -1):
        minors = range(minor if M == major else 20, -1, -1)
        values += [f"{M}.{m}" for m in minors] + [str(M)]
    return values


def _reference_upper(major: int, minor: int) -> list[str]:
    values = []
    for M in range(15, major - 1, -1):
        values += [f"{M}.{m}" for m in range(20, (minor if M == major else -1), -1)]
        if M > major:
            values.append(str(M))
    return values


def _reference_sm(major: int, minor: int) -> list[str]:
    return [f"{major}{m}_real" for m in range(minor, -1, -1)] + [f"{major}0_virtual"]


NEW_SM_VALUES = {v for v in _rules.sm_catalog() if v.split("_")[0][-1] in "af"}


def _single_gpu_facts(cuda: int, cc: tuple[int, int]) -> dict:
    return {
        "env": {},
        "calls": [
            {"fn": "nvmlInit_v2", "rc": 0},
            {"fn": "nvmlSystemGetCudaDriverVersion_v2", "rc": 0, "value": cuda},
            {"fn": "nvmlDeviceGetCount_v2", "rc": 0, "value": 1},
            {"fn": "nvmlDeviceGetHandleByIndex_v2", "index": 0, "rc": 0},
            {"fn": "nvmlDeviceGetCudaComputeCapability", "index": 0, "rc": 0, "value": list(cc)},
        ],
    }


def test_single_gpu_equals_reference_for_every_version_and_capability() -> None:
    """Driver CUDA 11.0 .. 15.20 x compute capability 5.0 .. 12.9: ours minus the new values is
    the reference's output, value for value and in order."""
    checked = 0
    for major in range(11, 16):
        for minor in range(0, 21):
            for cc_major in range(5, 13):
                for cc_minor in range(10):
                    got = _rules.derive(_single_gpu_facts(major * 1000 + minor * 10, (cc_major, cc_minor)))
                    ours = [
                        (c.name, [v for v in c.values if v not in NEW_SM_VALUES], c.multi_value) for c in got
                    ]
                    want = [
                        ("cuda_version_lower_bound", _reference_lower(major, minor), False),
                        ("cuda_version_upper_bound", _reference_upper(major, minor), False),
                        ("sm_arch", _reference_sm(cc_major, cc_minor), True),
                    ]
                    want = [w for w in want if w[1]]
                    assert ours == want, (major, minor, cc_major, cc_minor)
                    checked += 1
    assert checked == 5 * 21 * 8 * 10


def test_reference_captured_case_detected_12070_cc_8_9() -> None:
    got = _by_name(_rules.derive(_single_gpu_facts(12070, (8, 9))))
    assert got["cuda_version_lower_bound"][:9] == [
        "12.7",
        "12.6",
        "12.5",
        "12.4",
        "12.3",
        "12.2",
        "12.1",
        "12.0",
        "12",
    ]
    assert got["cuda_version_upper_bound"][-3:] == ["12.10", "12.9", "12.8"]
    assert got["sm_arch"] == [f"8{m}_real" for m in range(9, -1, -1)] + ["80_virtual"]


def test_reference_own_test_overrides_12_7_and_12_5() -> None:
    facts = {"env": {_rules.FORCE_CUDA_ENV: "12.7", _rules.FORCE_SM_ENV: "12.5"}, "calls": []}
    got = _by_name(_rules.derive(facts))
    assert got["cuda_version_lower_bound"][0] == "12.7" and got["cuda_version_lower_bound"][-1] == "11"
    assert got["cuda_version_upper_bound"][0] == "15.20" and got["cuda_version_upper_bound"][-1] == "12.8"
    reference_part = [v for v in got["sm_arch"] if v not in NEW_SM_VALUES]
    assert reference_part[0] == "125_real" and reference_part[-1] == "120_virtual"


def test_all_configs_extend_the_reference_catalog() -> None:
    all_configs = NvidiaPlugin.get_all_configs()
    reference_umd = [v for M in range(15, 10, -1) for v in [*(f"{M}.{m}" for m in range(20, -1, -1)), str(M)]]
    reference_sm = [
        f"{M}{m}_{kind}" for kind in ("real", "virtual") for M in range(12, 4, -1) for m in range(9, -1, -1)
    ]
    assert [c.name for c in all_configs] == [
        "cuda_version_lower_bound",
        "cuda_version_upper_bound",
        "sm_arch",
    ]
    assert all_configs[0].values == reference_umd and all_configs[1].values == reference_umd
    assert all_configs[2].values[:160] == reference_sm
    assert set(all_configs[2].values[160:]) == NEW_SM_VALUES
    assert len(all_configs[2].values) == 160 + 2 * (len(_rules.ARCH_SPECIFIC) + len(_rules.FAMILY_SPECIFIC))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.8", (12, 8)),
        ("12", (12, 0)),
        ("12.7.1", (12, 7)),
        ("v12.07", (12, 7)),
        ("12.7rc1", (12, 7)),
        ("1!12.7", (12, 7)),
        ("12.7+local", (12, 7)),
        ("12.7.post1", (12, 7)),
        ("twelve", None),
        ("12.x", None),
        ("", None),
        ("12..7", None),
    ],
)
def test_forced_cuda_version_parses_like_packaging(text: str, expected: tuple | None) -> None:
    assert _rules.parse_forced_version(text) == expected


def test_forced_cuda_version_agrees_with_packaging() -> None:
    version = pytest.importorskip("packaging.version")
    for text in (
        "12.8",
        "12",
        "12.7.1",
        "v12.07",
        "12.7rc1",
        "1!12.7",
        "12.7+local",
        "12.7.post1",
        "12.7-1",
        "12.7.dev0",
        "12.7a1",
        "12.x",
        "twelve",
        "12..7",
        "12.7-",
        "12.7.",
        " 12.8 ",
        "V12.8",
        "12.8_rc1",
    ):
        try:
            parsed = version.Version(text)
            want = (parsed.major, parsed.minor)
        except version.InvalidVersion:
            want = None
        assert _rules.parse_forced_version(text) == want, text


def test_forced_out_of_range_versions_keep_catalog_values_only() -> None:
    old = _by_name(_rules.derive({"env": {_rules.FORCE_CUDA_ENV: "10.9"}}))
    assert "cuda_version_lower_bound" not in old
    assert old["cuda_version_upper_bound"] == _rules.cuda_values()  # every known bound is above 10.9
    new = _by_name(_rules.derive({"env": {_rules.FORCE_CUDA_ENV: "16.25"}}))
    assert new["cuda_version_lower_bound"] == _rules.cuda_values()
    assert "cuda_version_upper_bound" not in new


def test_bad_forced_sm_drops_only_sm_arch() -> None:
    for bad in ("8", "8.9.1", "x.y", "4.9", "13.5"):
        got = _by_name(_rules.derive({"env": {_rules.FORCE_CUDA_ENV: "12.8", _rules.FORCE_SM_ENV: bad}}))
        assert list(got) == ["cuda_version_lower_bound", "cuda_version_upper_bound"], bad


# -- better than the reference --------------------------------------------------------------------


def test_arch_and_family_targets() -> None:
    assert _rules.sm_values(9, 0) == ["90a_real", "90_real", "90a_virtual", "90_virtual"]
    assert _rules.sm_values(10, 3)[:4] == ["103a_real", "103f_real", "100f_real", "103_real"]
    assert _rules.sm_values(12, 1)[:3] == ["121a_real", "121f_real", "120f_real"]
    assert "100f_real" not in _rules.sm_values(10, 1)  # 10.1 (Thor, CUDA 12.9) is its own family
    assert not any(v[:-5].endswith(("a", "f")) for v in _rules.sm_values(8, 9))  # nothing new before Hopper


def test_multi_gpu_offers_only_code_every_gpu_runs() -> None:
    assert _rules.common_sm_values([(7, 5), (9, 0)]) == []
    assert _rules.common_sm_values([(8, 0), (8, 6)]) == ["80_real", "80_virtual"]
    assert _rules.common_sm_values([(10, 0), (10, 3)]) == [
        "100f_real",
        "100_real",
        "100f_virtual",
        "100_virtual",
    ]
    assert _rules.common_sm_values([(9, 0), (9, 0)]) == _rules.sm_values(9, 0)
    got = _by_name(_rules.derive(_fixture("linux-mixed-t4-h100-no-common-sm")["facts"]))
    assert "sm_arch" not in got and got["cuda_version_lower_bound"] == PUBLISHED_LOWER_12_8


def test_cuda_visible_devices_restricts() -> None:
    facts = _fixture("linux-mixed-t4-h100-visible-h100-by-uuid")["facts"]
    assert _by_name(_rules.derive(facts))["sm_arch"] == _rules.sm_values(9, 0)
    facts["env"]["CUDA_VISIBLE_DEVICES"] = "GPU-scrubbed-0000"  # the T4
    assert _by_name(_rules.derive(facts))["sm_arch"] == _rules.sm_values(7, 5)
    facts["env"]["CUDA_VISIBLE_DEVICES"] = "GPU-scrubbed-000"  # ambiguous prefix: ends the list
    assert "sm_arch" not in _by_name(_rules.derive(facts))
    facts["env"]["CUDA_VISIBLE_DEVICES"] = "GPU-scrubbed-0001,7,GPU-scrubbed-0000"  # 7 is invalid: stops
    assert _by_name(_rules.derive(facts))["sm_arch"] == _rules.sm_values(9, 0)
    pci = _by_name(_rules.derive(_fixture("linux-mixed-t4-h100-visible-t4-by-pci-index")["facts"]))
    assert pci["sm_arch"] == _rules.sm_values(7, 5)
    assert "sm_arch" not in _by_name(
        _rules.derive(_fixture("linux-mixed-t4-h100-index-fastest-first-keeps-all")["facts"])
    )
    assert "sm_arch" not in _by_name(
        _rules.derive(_fixture("linux-h100-cuda-visible-devices-empty-no-sm")["facts"])
    )


def test_one_failing_gpu_does_not_hide_the_others() -> None:
    got = _by_name(_rules.derive(_fixture("linux-2x-a100-second-gpu-lost-sm80")["facts"]))
    assert got["sm_arch"] == ["80_real", "80_virtual"]


def test_no_nvml_falls_back_to_libcuda() -> None:
    got = _by_name(_rules.derive(_fixture("jetson-agx-orin-jetpack5-no-nvml-libcuda-cuda11.4-sm87")["facts"]))
    assert got["cuda_version_lower_bound"][0] == "11.4"
    assert got["sm_arch"] == [
        "87_real",
        "86_real",
        "85_real",
        "84_real",
        "83_real",
        "82_real",
        "81_real",
        "80_real",
        "80_virtual",
    ]


def test_never_invents_a_cuda_version() -> None:
    assert _rules.derive(_fixture("linux-nvml-mismatch-libcuda-mismatch-nothing")["facts"]) == []
    only_devices = _single_gpu_facts(12080, (9, 0))
    only_devices["calls"] = [c for c in only_devices["calls"] if "CudaDriverVersion" not in c["fn"]]
    assert _rules.derive(only_devices) == []


def test_plugin_shortcut_agrees_with_the_rules() -> None:
    """The plugin's no-driver shortcut gives what the rules give, on every fixture and fault."""
    from provider_conformance import faults

    checked = 0
    for path in sorted(FIXTURES.glob("*.json")):
        recorded = json.loads(path.read_text())["facts"]
        for _label, facts in [("as recorded", recorded), *faults.mutations(recorded, depth=2, limit=8)]:
            for env in (None, {_rules.FORCE_CUDA_ENV: "12.8"}, {_rules.FORCE_CUDA_ENV: ""}):
                if env is not None and isinstance(facts, dict):
                    facts = {**facts, "env": env}
                assert NvidiaPlugin.derive(facts) == _rules.derive(facts)
                checked += 1
    assert checked > 1000


def test_explanations_name_the_calls() -> None:
    explain: list = []
    _rules.derive(_fixture("linux-2x-a100-second-gpu-lost-sm80")["facts"], explain)
    text = "\n".join(t for _, t in explain)
    assert "nvmlSystemGetCudaDriverVersion_v2 -> 12040" in text
    assert "device 1: compute capability unreadable (handle rc=15)" in text


# -- the seam -------------------------------------------------------------------------------------


def test_scrub_replaces_uuids_consistently() -> None:
    facts = {
        "env": {"CUDA_VISIBLE_DEVICES": "GPU-8932f937, MIG-abc,GPU-0"},
        "calls": [
            {
                "fn": "nvmlDeviceGetUUID",
                "index": 0,
                "rc": 0,
                "value": "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6",
            },
            {
                "fn": "nvmlDeviceGetUUID",
                "index": 1,
                "rc": 0,
                "value": "GPU-04a2b1c3-1111-2222-3333-444455556666",
            },
        ],
    }
    out = _probe.scrub(facts)
    text = json.dumps(out)
    assert "8932f937" not in text and "04a2b1c3" not in text and "abc" not in text
    assert out["env"]["CUDA_VISIBLE_DEVICES"] == "GPU-scrubbed-0000,MIG-unmatched-1,GPU-scrubbed-0001"


def _run_py(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != NvidiaPlugin.facts_env}
    full.update(env or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=60)


@pytest.mark.skipif(
    any(os.path.exists(p) for p in provider_nvidia.LINUX_DRIVER_FILES), reason="this machine has a driver"
)
def test_no_driver_path_imports_no_ctypes() -> None:
    proc = _run_py(
        "import sys\nfrom provider_nvidia import NvidiaPlugin\n"
        "assert NvidiaPlugin.get_supported_configs() == []\n"
        "print(sorted(m for m in ('ctypes', 'threading', 'json', 're', 'dataclasses') if m in sys.modules))"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]" and proc.stderr == ""


def test_forced_values_skip_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider_nvidia, "_exists", lambda path: True)
    monkeypatch.setattr(_probe, "_call_driver_with_cap", lambda *a: pytest.fail("driver called"))
    monkeypatch.setenv(_rules.FORCE_CUDA_ENV, "12.8")
    monkeypatch.setenv(_rules.FORCE_SM_ENV, "8.6")
    got = NvidiaPlugin.get_supported_configs()
    assert got[0].values == PUBLISHED_LOWER_12_8 and got[2].values == PUBLISHED_SM_8_6


def test_wedged_driver_is_capped(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    import threading
    import time

    release = threading.Event()

    def wedged(calls: list, state: dict, env: dict) -> None:
        calls.append({"fn": "dlopen", "lib": "nvml", "name": "libnvidia-ml.so.1", "rc": 0})
        state["current"] = "nvmlInit_v2"
        release.wait(30)

    monkeypatch.setattr(provider_nvidia, "_exists", lambda path: True)
    monkeypatch.setattr(_probe, "_driver_calls", wedged)
    monkeypatch.setenv(_probe.TIMEOUT_ENV, "0.3")
    start = time.monotonic()
    try:
        facts = NvidiaPlugin.probe()
        result = NvidiaPlugin.derive(facts)
    finally:
        release.set()
    assert time.monotonic() - start < 5
    assert facts["timed_out"] is True and facts["stuck_in"] == "nvmlInit_v2" and result == []
    err = capfd.readouterr()
    assert err.out == "" and "did not answer within 0.3 s (stuck in nvmlInit_v2)" in err.err


# -- the real ctypes binding against a stand-in driver library (gcc builds it) ---------------------


@pytest.fixture(scope="module")
def fake_libs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import shutil

    if shutil.which("gcc") is None or not sys.platform.startswith("linux"):
        pytest.skip("needs gcc on Linux to build the stand-in driver")
    out = tmp_path_factory.mktemp("fake-driver")
    src = Path(__file__).parent / "fake_driver.c"
    libs = {"nvml": out / "libnvidia-ml.so.1", "cuda": out / "libcuda.so.1"}
    for kind, path in libs.items():
        flags = ["-DFAKE_CUDA"] if kind == "cuda" else []
        subprocess.run(["gcc", "-shared", "-fPIC", "-O1", *flags, "-o", str(path), str(src)], check=True)
    return libs


@pytest.fixture
def fake_driver(fake_libs: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(provider_nvidia, "_exists", lambda path: path == "/dev/nvidiactl")
    monkeypatch.setattr(_probe, "_nvml_names", lambda: (str(fake_libs["nvml"]),))
    monkeypatch.setattr(_probe, "_cuda_names", lambda: (str(fake_libs["cuda"]),))
    for key in provider_nvidia.ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    return fake_libs


def _fns(facts: dict) -> list[str]:
    return [c["fn"] for c in facts["calls"]]


def test_seam_records_every_nvml_call(fake_driver: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NV_MODE", "two")
    facts = NvidiaPlugin.probe()
    assert facts["driver_files"] == ["/dev/nvidiactl"] and facts["timed_out"] is False
    assert _fns(facts) == [
        "dlopen",
        "nvmlInit_v2",
        "nvmlSystemGetDriverVersion",
        "nvmlSystemGetCudaDriverVersion_v2",
        "nvmlDeviceGetCount_v2",
        "nvmlDeviceGetHandleByIndex_v2",
        "nvmlDeviceGetName",
        "nvmlDeviceGetCudaComputeCapability",
        "nvmlDeviceGetMigMode",
        "nvmlDeviceGetHandleByIndex_v2",
        "nvmlDeviceGetName",
        "nvmlDeviceGetCudaComputeCapability",
        "nvmlDeviceGetMigMode",
        "nvmlShutdown",
    ]
    by = {(c["fn"], c.get("index")): c for c in facts["calls"]}
    assert by[("nvmlSystemGetDriverVersion", None)]["value"] == "570.124.06"
    assert by[("nvmlDeviceGetCudaComputeCapability", 1)]["value"] == [9, 0]
    assert by[("nvmlDeviceGetMigMode", 0)]["rc"] == 3 and "value" not in by[("nvmlDeviceGetMigMode", 0)]
    got = _by_name(NvidiaPlugin.derive(facts))
    assert got["cuda_version_lower_bound"] == PUBLISHED_LOWER_12_8 and "sm_arch" not in got  # T4 + H100


def test_seam_one_lost_gpu(fake_driver: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NV_MODE", "lost")
    facts = NvidiaPlugin.probe()
    assert {"fn": "nvmlDeviceGetHandleByIndex_v2", "index": 1, "rc": 15} in facts["calls"]
    assert _by_name(NvidiaPlugin.derive(facts))["sm_arch"] == _rules.sm_values(7, 5)


def test_seam_uuid_restriction_is_recorded_scrubbed(
    fake_driver: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NV_MODE", "two")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-2222")
    live = NvidiaPlugin.probe()
    assert _by_name(NvidiaPlugin.derive(live))["sm_arch"] == _rules.sm_values(9, 0)
    recorded = NvidiaPlugin.scrub(json.loads(json.dumps(live)))
    text = json.dumps(recorded)
    assert "22222222" not in text and "11111111" not in text and "GPU-2222" not in text
    assert recorded["env"]["CUDA_VISIBLE_DEVICES"] == "GPU-scrubbed-0001"
    assert NvidiaPlugin.derive(recorded) == NvidiaPlugin.derive(live)


def test_seam_nvml_mismatch_falls_back_to_libcuda(fake_driver: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NV_MODE", "mismatch")
    facts = NvidiaPlugin.probe()
    assert _fns(facts) == [
        "dlopen",
        "nvmlInit_v2",
        "dlopen",
        "cuDriverGetVersion",
        "cuInit",
        "cuDeviceGetCount",
        "cuDeviceGet",
        "cuDeviceGetName",
        "cuDeviceGetAttribute",
        "cuDeviceGetAttribute",
    ]
    assert facts["calls"][1]["rc"] == 18
    got = _by_name(NvidiaPlugin.derive(facts))
    assert got["cuda_version_lower_bound"][0] == "11.4" and got["sm_arch"][0] == "87_real"


def test_seam_missing_libraries(fake_driver: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_probe, "_nvml_names", lambda: (str(tmp_path / "absent-nvml.so"),))
    monkeypatch.setattr(_probe, "_cuda_names", lambda: (str(tmp_path / "absent-cuda.so"),))
    facts = NvidiaPlugin.probe()
    assert [(c["fn"], c["lib"], c["rc"]) for c in facts["calls"]] == [
        ("dlopen", "nvml", 1),
        ("dlopen", "cuda", 1),
    ]
    assert NvidiaPlugin.derive(facts) == []


def test_seam_hanging_driver_is_capped(
    fake_driver: dict, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    import time

    monkeypatch.setenv("FAKE_NV_MODE", "hang")
    monkeypatch.setenv(_probe.TIMEOUT_ENV, "0.5")
    start = time.monotonic()
    assert NvidiaPlugin.get_supported_configs() == []
    assert time.monotonic() - start < 5
    err = capfd.readouterr()
    assert err.out == "" and "stuck in nvmlInit_v2" in err.err
