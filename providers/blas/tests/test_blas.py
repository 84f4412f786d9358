"""Tests of the blas_lapack provider: the conformance suite, its rules on recorded facts, and
the live probe against real libraries (Debian packages and PyPI wheels installed by
``install-test-libs.sh``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provider_conformance import ProviderContract

from provider_blas import BlasPlugin, _rules

FIXTURES = Path(__file__).parent / "fixtures"
#: The scratch environment install-test-libs.sh fills with the scipy-openblas32/64 and mkl
#: wheels (override with BLAS_TEST_TARGET).
TARGET = Path(os.environ.get("BLAS_TEST_TARGET", "/tmp/provider-blas-test-target"))
IN_CI = os.environ.get("CI", "").lower() == "true"


class TestBlasContract(ProviderContract):
    plugin = BlasPlugin
    fixtures = FIXTURES


def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())["facts"]


def _values(configs) -> dict:
    return {c.name: c.values for c in configs}


# -- rules on recorded facts ------------------------------------------------------------------

def test_debian_recording() -> None:
    got = _values(_rules.derive(_load("linux-debian12-x86_64-amd-openblas-blis-reference-mkl-wheels.json")))
    # AMD CPU: no AOCL found, so MKL (vendor) leads, then the generic ones, reference last.
    assert got["provider"] == ["mkl", "openblas", "blis", "reference"]
    assert got["interface"] == ["lp64", "ilp64"]
    assert got["openblas_version"][0] == "0.3.34"  # scipy-openblas 0.3.34.481.3 is the newest


def test_no_blas_keeps_published_values() -> None:
    got = _values(_rules.derive(_load("linux-no-blas-x86_64-intel.json")))
    assert got == {"provider": ["openblas", "mkl"]}


def test_accelerate_only_on_macos() -> None:
    mac = _values(_rules.derive(_load("macos14-arm64-accelerate-only.json")))
    assert mac["provider"] == ["accelerate", "openblas", "mkl"]
    assert mac["interface"] == ["lp64", "ilp64"]
    old = _values(_rules.derive(_load("macos12-x86_64-accelerate-homebrew-openblas.json")))
    assert old["provider"] == ["accelerate", "openblas", "mkl"]
    assert old["interface"] == ["lp64"]
    assert old["openblas_version"][0] == "0.3.27"
    linux = _values(_rules.derive(_load("linux-no-blas-x86_64-intel.json")))
    assert "accelerate" not in linux["provider"]


def test_vendor_before_generic_and_foreign_arch_ignored() -> None:
    got = _values(_rules.derive(_load("linux-graviton3-armpl-openblas.json")))
    assert got["provider"] == ["armpl", "openblas", "mkl"]
    assert got["interface"] == ["lp64", "ilp64"]
    explain: list = []
    _rules.derive(_load("linux-graviton3-armpl-openblas.json"), explain)
    assert any("not this aarch64 machine" in text for _, text in explain)


def test_conda_switch_identified_by_content() -> None:
    got = _values(_rules.derive(_load("linux-conda-x86_64-libblas-switched-to-mkl.json")))
    assert got["provider"] == ["mkl", "openblas"] and got["interface"] == ["lp64", "ilp64"]


def test_flexiblas_with_backends() -> None:
    got = _values(_rules.derive(_load("linux-fedora40-x86_64-flexiblas-backends.json")))
    assert got["provider"] == ["openblas", "flexiblas", "blis", "mkl"]
    assert got["interface"] == ["lp64", "ilp64"]


def test_user_override_and_libsci() -> None:
    got = _values(_rules.derive(_load("linux-x86_64-user-prefers-openblas.json")))
    assert got["provider"] == ["openblas", "mkl"]
    assert got["interface"] == ["lp64"]
    facts = _load("linux-x86_64-user-prefers-openblas.json")
    facts["env"] = {}
    assert _values(_rules.derive(facts))["provider"] == ["mkl", "openblas"]
    facts["env"] = {"PROVIDER_BLAS_PREFER": "mkl"}
    facts["libraries"] = []
    assert _values(_rules.derive(facts))["provider"] == ["mkl", "openblas"]  # absent but always
    cray = _values(_rules.derive(_load("linux-cray-ex-zen3-libsci.json")))
    assert cray["provider"] == ["libsci", "openblas", "mkl"]


@pytest.mark.parametrize("record,expected", [
    ({"soname": "libopenblas64_.so.0", "symbols": ["openblas_get_config64_", "dgemm_64_"]}, ("openblas", ["ilp64"])),
    ({"soname": "libopenblas.so.0", "strings": {"OpenBLAS 0.": ["OpenBLAS 0.3.21  USE64BITINT DYNAMIC_ARCH"]}},
     ("openblas", ["ilp64"])),
    ({"soname": "libopenblas.so.0", "symbols": ["openblas_get_config"]}, ("openblas", ["lp64"])),
    ({"soname": "libblis.so.4", "symbols": ["bli_info_get_version_str"]}, ("blis", ["lp64"])),
    ({"soname": "libblis64.so.4", "symbols": ["bli_info_get_version_str"]}, ("blis", ["ilp64"])),
    ({"soname": "libblas.so.3", "strings": {"libblis: ": ["libblis: sup var1n2m"]}}, ("blis", ["lp64"])),
    ({"soname": "libblas.so.3", "needed": ["libopenblas.so.0"]}, ("openblas", ["lp64"])),
    ({"soname": "libblas64.so.3", "needed": ["libopenblas64.so.0"]}, ("openblas", ["ilp64"])),
    ({"soname": "libblas.so.3", "symbols": ["dgemm_"]}, ("reference", ["lp64"])),
    ({"soname": "libblas64.so.3", "symbols": ["dgemm_64_"]}, ("reference", ["ilp64"])),
    ({"soname": "libnvpl_blas_ilp64_gomp.so.0"}, ("nvpl", ["ilp64"])),
    ({"soname": "libblas.so.3"}, (None, [])),
    ({"soname": "liblapack.so.3", "symbols": ["dgesv_"]}, (None, [])),
    ({"soname": "libblis-mt.so.4", "strings": {"AOCL-BLAS ": ["AOCL-BLAS 4.2.0 Build 20240313"]}}, ("aocl", ["lp64"])),
    ({"soname": "libopenblas.so.0", "error": "symlink loop", "symbols": ["openblas_get_config"]}, (None, [])),
])
def test_identify(record: dict, expected: tuple) -> None:
    impl, ifaces, why = _rules.identify(record)
    assert (impl, ifaces) == expected, why


def test_garbage_never_raises() -> None:
    for facts in ({}, {"libraries": [None, 1, "x", {"symbols": 5, "strings": [], "found": 3}]},
                  {"platform": "x", "env": [], "cpu_vendor": 7, "macos_version": {}},
                  {"libraries": [{"strings": {"OpenBLAS 0.": ["OpenBLAS 0.99999999.1 x", "OpenBLAS 0.3.x"]}}]}):
        configs = _rules.derive(facts, [])
        assert [c.name for c in configs][:1] == ["provider"]


def test_check_facts_names_fields() -> None:
    assert _rules.check_facts({"libraries": {}}) == ["field 'facts.libraries' must be a list, found dict"]
    assert _rules.check_facts({"libraries": [3]}) == ["field 'facts.libraries[0]' must be an object, found int"]


def test_explain_reports_time_per_location() -> None:
    explain: list = []
    _rules.derive(_load("linux-debian12-x86_64-amd-openblas-blis-reference-mkl-wheels.json"), explain)
    notes = [text for name, text in explain if name == ""]
    assert any(t.startswith("searched ld.so.cache:") and " ms" in t for t in notes)


# -- the live probe against real libraries ----------------------------------------------------

def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: install-test-libs.sh should have installed it)")
    pytest.skip(f"{reason}: run providers/blas/tests/install-test-libs.sh")


def _live(env: dict | None = None) -> dict:
    full = dict(os.environ)
    full.update(env or {})
    full.pop(BlasPlugin.facts_env, None)
    proc = subprocess.run([sys.executable, "-m", "provider_blas", "--record"], capture_output=True, text=True,
                          env=full, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["facts"]


MULTIARCH = "/usr/lib/x86_64-linux-gnu" if os.path.isdir("/usr/lib/x86_64-linux-gnu") else "/usr/lib/aarch64-linux-gnu"


def _by_impl(facts: dict) -> dict:
    out: dict = {}
    for rec in facts["libraries"]:
        impl, ifaces, _why = _rules.identify(rec)
        if impl:
            out.setdefault(impl, []).append((rec, ifaces))
    return out


def test_live_debian_packages() -> None:
    _require(os.path.exists(f"{MULTIARCH}/libopenblas.so.0"), "Debian's libopenblas0-pthread is not installed")
    _require(os.path.exists(f"{MULTIARCH}/libopenblas64.so.0"), "Debian's libopenblas64-0-pthread is not installed")
    _require(os.path.exists(f"{MULTIARCH}/libblis.so.4"), "Debian's libblis4 is not installed")
    _require(os.path.exists(f"{MULTIARCH}/blas/libblas.so.3"), "Debian's libblas3 is not installed")
    facts = _live()
    found = _by_impl(facts)
    openblas = {rec["soname"]: ifaces for rec, ifaces in found["openblas"]}
    assert openblas["libopenblas.so.0"] == ["lp64"]
    assert openblas["libopenblas64.so.0"] == ["ilp64"]  # Debian: USE64BITINT without suffixes
    assert any(rec["soname"] == "libblis.so.4" for rec, _ in found["blis"])
    assert any(rec["realpath"].endswith("/blas/libblas.so.3.11.0") for rec, _ in found["reference"])
    labels = [loc["label"] for loc in facts["locations"]]
    assert labels[:3] == ["LD_LIBRARY_PATH", "ld.so.cache", "standard"]
    cache_hits = [f for rec in facts["libraries"] for f in rec["found"] if f["location"] == "ld.so.cache"]
    assert cache_hits, "ld.so.cache parsing found none of the installed libraries"
    values = _values(_rules.derive(facts))
    assert values["provider"][:1] != ["reference"] and {"openblas", "blis", "reference"} <= set(values["provider"])
    assert values["interface"][:2] in (["lp64", "ilp64"], ["ilp64", "lp64"])
    assert values["openblas_version"][-1] == "0.3.0"


def test_live_wheels_in_target_env() -> None:
    site = list(TARGET.glob("lib/python3*/site-packages"))
    _require(bool(site) and (site[0] / "scipy_openblas64").is_dir() and (site[0] / "scipy_openblas32").is_dir(),
             f"scipy-openblas32/64 wheels are not installed in {TARGET}")
    _require(bool(list(TARGET.glob("lib/libmkl_rt.so*"))), f"the mkl wheel is not installed in {TARGET}")
    facts = _live({"PROVIDER_BLAS_PREFIX": str(TARGET)})
    found = _by_impl(facts)
    wheel = {os.path.basename(rec["path"]): (ifaces, rec["found"][0]["location"]) for rec, ifaces in found["openblas"]
             if "scipy_openblas" in rec["path"]}
    assert wheel["libscipy_openblas.so"] == (["lp64"], "site-packages")
    assert wheel["libscipy_openblas64_.so"] == (["ilp64"], "site-packages")
    mkl = [(rec, ifaces) for rec, ifaces in found["mkl"] if rec["path"].startswith(str(TARGET))]
    assert mkl and mkl[0][1] == ["lp64", "ilp64"] and mkl[0][0]["found"][0]["location"] == "python-env"
    values = _values(_rules.derive(facts))
    assert values["provider"][:2] in (["mkl", "openblas"], ["openblas", "mkl"])
    assert "ilp64" in values["interface"]
