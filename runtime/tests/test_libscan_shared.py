"""libscan's second-stage string search (``strings_for``), per-spec limits, ``target_prefixes``
and the pure helpers of ``provider_runtime.librecords`` that the blas and mpi providers
share."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from provider_runtime import libscan
from provider_runtime import librecords as records

sys.path.insert(0, str(Path(__file__).parent))
import libscan_builders as B  # noqa: E402

RODATA = b"\0Open MPI ident 5.0.3\0/build/mpich-4.1.2/src/x.c\0/build/mpich-4.1.2/src/y.c\0MVAPICH2 x\0"


def _lib(tmp_path: Path, name: str = "libmpi.so.12", rodata: bytes = RODATA) -> str:
    path = tmp_path / name
    path.write_bytes(B.synth_elf(soname=name, symbols=("MPI_Init", "MPII_Version_string"), rodata=rodata))
    return str(path)


def test_strings_for_sees_the_symbols_and_first_group_with_a_hit_wins(tmp_path: Path) -> None:
    seen = []

    def groups(rec: dict) -> list:
        seen.append((rec["soname"], list(rec["symbols"])))
        return [["nothing here"], ["/mpich-", b"MVAPICH"], ["Open MPI"]]

    rec = libscan.read_library(_lib(tmp_path), symbols=["MPI_Init", "MPII_Version_string", "absent"],
                               strings_for=groups, max_strings=1)
    assert seen == [("libmpi.so.12", ["MPII_Version_string", "MPI_Init"])]
    # second group: both of its patterns, one hit each (max_strings=1); the third is not searched
    assert rec["strings"] == {"/mpich-": ["/build/mpich-4.1.2/src/x.c"], "MVAPICH": ["MVAPICH2 x"]}
    again = libscan.read_library(_lib(tmp_path), symbols=["MPI_Init"], strings_for=groups)
    assert again["strings"]["/mpich-"] == ["/build/mpich-4.1.2/src/x.c", "/build/mpich-4.1.2/src/y.c"]


def test_strings_for_without_groups_or_hits_gives_empty_strings(tmp_path: Path) -> None:
    path = _lib(tmp_path)
    assert libscan.read_library(path, strings_for=lambda rec: [])["strings"] == {}
    assert libscan.read_library(path, strings_for=lambda rec: [["absent"], ["also absent"]])["strings"] == {}


def test_strings_for_failure_skips_the_file_with_a_reason(tmp_path: Path) -> None:
    def broken(rec: dict) -> list:
        raise KeyError("x")

    rec = libscan.read_library(_lib(tmp_path), symbols=["MPI_Init"], strings_for=broken)
    assert rec["error"].startswith("strings_for failed (KeyError")
    assert "strings" not in rec and "symbols" not in rec


def test_strings_for_not_called_for_skipped_files(tmp_path: Path) -> None:
    script = tmp_path / "libmpi.so"
    script.write_bytes(b"/* GNU ld script */\nINPUT(libmpi.so.12)\n")
    calls = []
    rec = libscan.read_library(str(script), strings_for=lambda r: calls.append(r) or [])
    assert rec["error"] == "a linker script, not a library" and calls == []


def test_scan_spec_limits_and_strings_for(tmp_path: Path) -> None:
    _lib(tmp_path, "libmpi.so.12")
    _lib(tmp_path, "libother.so.1")
    specs = [
        {"patterns": ["libmpi.so.*"], "symbols": ["MPI_Init"], "limits": {"max_strings": 1},
         "strings_for": lambda rec: [["/mpich-"]]},
        {"patterns": ["libother.so.*"], "strings": ["/mpich-"]},  # default max_strings (4)
    ]
    out = libscan.scan(specs, locations=[{"label": "here", "kind": "dirs", "dirs": [str(tmp_path)]}])
    by_name = {os.path.basename(r["path"]): r for r in out["libraries"]}
    assert by_name["libmpi.so.12"]["strings"] == {"/mpich-": ["/build/mpich-4.1.2/src/x.c"]}
    assert by_name["libmpi.so.12"]["symbols"] == ["MPI_Init"]
    assert len(by_name["libother.so.1"]["strings"]["/mpich-"]) == 2


def test_target_prefixes() -> None:
    sep = os.pathsep
    got = libscan.target_prefixes(["/venv", f"/a{sep}{sep}/b{sep}/venv", None, 3])
    assert got == [sys.prefix, "/venv", "/a", "/b"]
    assert libscan.target_prefixes([]) == [sys.prefix]


# -- records: pure helpers over facts -------------------------------------------------------


def test_tolerant_accessors() -> None:
    assert records.as_str(3) == "" and records.as_str("x") == "x"
    assert records.as_list({"a": 1}) == [] and records.as_dict([1]) == {}
    assert records.str_list(["a", 1, None, "b"]) == ["a", "b"] and records.str_list("ab") == []
    assert records.base_name("C:\\MPI\\Bin\\MSMPI.DLL") == "msmpi.dll"
    assert records.base_name("/usr/lib/libmpi.so.40") == "libmpi.so.40"


@pytest.mark.parametrize(
    "rec,host,ok",
    [
        ({"machine": "x86_64"}, "AMD64", True),
        ({"machine": "x86_64"}, "x64", True),
        ({"machine": "i386"}, "x86_64", False),
        ({"machine": "i386"}, "x86", True),
        ({"machine": "i386"}, "i686", True),
        ({"machine": "arm64"}, "aarch64", True),
        ({"machine": "arm"}, "armv7l", True),
        ({"machine": "ppc64", "byteorder": "little"}, "ppc64le", True),
        ({"machine": "ppc64", "byteorder": "big"}, "ppc64le", False),
        ({"machine": "ppc64", "byteorder": "little"}, "ppc64", True),
        ({"machine": "s390x"}, "s390x", True),
        ({}, "x86_64", True),
        ({"machine": "x86_64"}, "", True),
        ("junk", "x86_64", True),
    ],
)
def test_arch_ok(rec: object, host: str, ok: bool) -> None:
    assert records.arch_ok(rec, host) is ok


def test_host_arch_and_found_in() -> None:
    assert records.host_arch({"platform": {"machine": "ARM64"}}) == "aarch64"
    assert records.host_arch({"platform": "x"}) == "" and records.host_arch(None) == ""
    rec = {"found": [{"location": "standard"}, {"location": "ld.so.cache"}, {"location": "standard"}, 5, {}]}
    assert records.found_in(rec) == "ld.so.cache, standard"


def test_location_notes() -> None:
    facts = {"locations": [{"label": "ld.so.cache", "candidates": 2, "list_ms": 0.5, "read_ms": 1.0},
                           {"candidates": 0, "error": "OSError: x"}, "junk"],
             "scan_error": "boom"}
    assert records.location_notes(facts) == [
        ("", "searched ld.so.cache: 2 candidate(s), list 0.5 ms, read 1.0 ms"),
        ("", "searched ?: 0 candidate(s), list None ms, read None ms, error OSError: x"),
        ("", "searched ?: None candidate(s), list None ms, read None ms"),
        ("", "library scan failed: boom"),
    ]


def test_scrub_home_whole_folder_names_only() -> None:
    facts = {"libraries": [{"path": "/home/al/venv/lib/libmpi.so.12", "found": [{"path": "/home/al"}]}],
             "env": {"VIRTUAL_ENV": "/home/al/venv:/home/alice/venv", "/home/al/key": 1},
             "n": 3, "none": None}
    got = records.scrub_home(facts, "/home/al/")
    assert got == {"libraries": [{"path": "~/venv/lib/libmpi.so.12", "found": [{"path": "~"}]}],
                   "env": {"VIRTUAL_ENV": "~/venv:/home/alice/venv", "~/key": 1}, "n": 3, "none": None}
    assert facts["env"]["VIRTUAL_ENV"].startswith("/home/al/")  # a copy, not in place
    win = records.scrub_home({"p": "C:\\Users\\al\\lib\\mkl_rt.2.dll"}, "C:\\Users\\al")
    assert win == {"p": "~\\lib\\mkl_rt.2.dll"}
    for nothing in ("/", "", "~", "C:\\"):
        assert records.scrub_home(facts, nothing) is facts


def test_records_import_is_light() -> None:
    code = ("import sys; before = set(sys.modules); import provider_runtime.librecords; "
            "print(sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("'re'", "'json'", "'typing'", "'dataclasses'", "'struct'", "'provider_runtime.libscan'"):
        assert heavy not in out, out
