"""Hostile input: random facts for the rules (hypothesis), and hostile files on disk for the
live probe (garbage, truncated libraries, symlink loops, FIFOs and folders named like MPI
libraries or like mpiexec). Nothing may raise, hang or print."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provider_mpi import MpiPlugin, _rules
from provider_runtime import FeatureConfig

FIXTURES = Path(__file__).parent / "fixtures"
ALL = {c.name: c for c in _rules.all_configs()}

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=40),
    st.floats(allow_nan=False),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
names = st.sampled_from(
    [
        "libmpi.so.12",
        "libmpi.so.40",
        "libmpi_abi.so.1",
        "libmpich.so.12",
        "msmpi.dll",
        "impi.dll",
        "libmpi.40.dylib",
        "libmpi_cray.so.12",
        "libmpi.so.",
        ".so.",
        "",
        "libmpi.so.99999999",
        "C:\\x\\IMPI.DLL",
        "/a/b/",
    ]
)
record = st.fixed_dictionaries(
    {},
    optional={
        "path": st.one_of(names, st.text(max_size=30)),
        "realpath": st.one_of(names, json_leaf),
        "soname": st.one_of(names, json_leaf),
        "machine": st.one_of(st.sampled_from(["x86_64", "i386", "arm64"]), json_leaf),
        "symbols": st.one_of(
            st.lists(
                st.sampled_from(
                    [
                        "MPI_Init",
                        "ompi_mpi_comm_self",
                        "I_MPI_Check_image_status",
                        "MPI_Abi_get_version",
                        "MSMPI_Get_version",
                        "MPII_Version_string",
                    ]
                ),
                max_size=6,
            ),
            json_value,
        ),
        "strings": st.one_of(
            st.dictionaries(
                st.sampled_from(
                    [
                        "Whether this ",
                        "/openmpi-",
                        "/mpich-",
                        "MVAPICH",
                        "CRAY MPICH",
                        "Spectrum MPI",
                        "Intel(R) MPI Library",
                        "MPICH Version",
                    ]
                ),
                st.lists(st.text(max_size=60), max_size=3),
                max_size=4,
            ),
            json_value,
        ),
        "found": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "location": st.sampled_from(
                            ["LD_LIBRARY_PATH", "python-env", "extra:I_MPI_ROOT", "x"]
                        ),
                        "path": st.one_of(names, st.text(max_size=20)),
                    }
                ),
                max_size=3,
            ),
            json_value,
        ),
        "error": st.one_of(st.none(), st.text(max_size=10)),
    },
)
facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "platform": st.one_of(
            st.fixed_dictionaries(
                {
                    "system": st.sampled_from(["Linux", "Windows", "Darwin", ""]),
                    "machine": st.sampled_from(["x86_64", "AMD64", "arm64", "ppc64le"]),
                }
            ),
            json_value,
        ),
        "env": st.one_of(
            st.dictionaries(
                st.sampled_from(["MPI4PY_LIBMPI", "MPI4PY_MPIABI", "LOADEDMODULES", "I_MPI_ROOT"]),
                st.one_of(st.text(max_size=30), names, json_leaf),
                max_size=4,
            ),
            json_value,
        ),
        "launchers": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "path": st.one_of(names, st.text(max_size=30)),
                        "chain": st.one_of(st.lists(st.text(max_size=20), max_size=3), json_value),
                    }
                ),
                max_size=2,
            ),
            json_value,
        ),
        "locations": st.one_of(
            st.lists(
                st.dictionaries(st.sampled_from(["label", "dirs", "candidates"]), json_value, max_size=3),
                max_size=3,
            ),
            json_value,
        ),
        "libraries": st.one_of(st.lists(record, max_size=6), json_value),
    },
)


def _valid(configs: list) -> None:
    assert isinstance(configs, list)
    seen = set()
    for c in configs:
        assert isinstance(c, FeatureConfig) and c.name in ALL and c.name not in seen
        seen.add(c.name)
        assert c.values and len(set(c.values)) == len(c.values)
        assert set(c.values) <= set(ALL[c.name].values), (c.name, c.values)
        assert c.multi_value == ALL[c.name].multi_value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_strategy)
def test_derive_any_facts(facts: dict) -> None:
    explain: list = []
    _valid(_rules.derive(facts, explain))
    assert all(isinstance(item, tuple) and len(item) == 2 for item in explain)
    _valid(_rules.derive(facts))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), json_leaf), st.integers(min_value=0, max_value=300))
def test_parsers_any_text(text, start) -> None:
    impl, version = _rules.parse_library_version(text)
    assert impl is None or impl in _rules.IMPLEMENTATIONS
    if isinstance(text, str):
        v = _rules.parse_version(text, start)
        assert v is None or (2 <= len(v) <= 3 and all(isinstance(n, int) and n >= 0 for n in v))
        stem, major = _rules.split_name(text)
        assert isinstance(stem, str) and (major is None or 0 <= major <= 9999)
        assert _rules.mpiabi_family(text, False) in (None, *_rules.POSIX_FAMILIES)
        assert _rules.mpiabi_family(text, True) in (None, *_rules.WINDOWS_FAMILIES)


def test_huge_strings_are_cheap() -> None:
    rec = {
        "soname": "libmpi.so.40",
        "symbols": ["MPI_Init", "ompi_mpi_comm_self"],
        "strings": {
            "Whether this ": ["Whether this " * 20000 + "9" * 50000],
            "/openmpi-": ["/openmpi-" * 50000],
        },
    }
    t0 = time.perf_counter()
    _valid(_rules.derive({"libraries": [rec] * 50}))
    assert time.perf_counter() - t0 < 2.0


def _hostile_tree(root: Path) -> None:
    lib = root / "lib"
    lib.mkdir(parents=True)
    (lib / "libmpi.so.12").write_bytes(b"\x7fELF" + os.urandom(4000))
    real = Path("/usr/lib/x86_64-linux-gnu/libmpi.so.40")
    if real.exists():
        (lib / "libmpi.so.40").write_bytes(real.read_bytes()[:5000])  # truncated real library
    (lib / "libmpi_abi.so.1").symlink_to(lib / "libmpi_abi.so.1")  # symlink loop
    (lib / "libmpich.so.12").mkdir()  # a folder named like a library
    os.mkfifo(lib / "libmpi_cray.so.12")  # reading it would block forever
    (lib / "libmpi_ibm.so").write_bytes(b"")
    (lib / "msmpi.dll").write_bytes(b"MZ" + b"\xff" * 100)
    bin_ = root / "bin"
    bin_.mkdir()
    (bin_ / "mpiexec").symlink_to(bin_ / "mpiexec")  # loop
    other = root / "bin2"
    other.mkdir()
    (other / "mpiexec").mkdir()  # a folder named mpiexec
    third = root / "bin3"
    third.mkdir()
    os.mkfifo(third / "mpiexec")


def test_live_probe_survives_hostile_files(tmp_path: Path) -> None:
    _hostile_tree(tmp_path)
    env = dict(os.environ)
    env.pop(MpiPlugin.facts_env, None)
    env.update(
        {
            "PROVIDER_MPI_PREFIX": str(tmp_path),
            "LD_LIBRARY_PATH": str(tmp_path / "lib"),
            "MPI4PY_LIBMPI": f"{tmp_path}/lib/libmpi.so.12:{tmp_path}/lib:{tmp_path}/lib/libmpi_cray.so.12",
            "I_MPI_ROOT": str(tmp_path),
            "MPI_HOME": "\x01weird",
            "MPI4PY_MPIABI": "\u2603" * 1000,
            "PATH": f"{tmp_path}/bin:{tmp_path}/bin2:{tmp_path}/bin3:" + ":" * 300 + "/usr/bin:/bin",
        }
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "provider_mpi", "--record"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert time.perf_counter() - t0 < 30
    facts = json.loads(proc.stdout)["facts"]
    errors = {
        os.path.basename(r["path"]): r.get("error")
        for r in facts["libraries"]
        if r["path"].startswith(str(tmp_path))
    }
    assert errors["libmpi.so.12"] and errors["libmpich.so.12"] and errors["libmpi_cray.so.12"], errors
    launchers = [entry["path"] for entry in facts["launchers"]]
    # a symlink loop, a folder and a FIFO named mpiexec are not launchers (only regular files)
    assert not any(p.startswith(str(tmp_path)) for p in launchers), launchers
    _valid(_rules.derive(facts, []))
    code = (
        "from provider_mpi import MpiPlugin\nr = MpiPlugin.get_supported_configs()\n"
        "assert isinstance(r, list)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
