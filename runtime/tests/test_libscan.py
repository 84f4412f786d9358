"""Tests of provider_runtime.libscan: search locations, the ld.so.cache parser, the binary
readers on real (gcc-built) and synthetic libraries, and hostile input (fuzzed)."""

from __future__ import annotations

import fnmatch
import os
import struct
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider_runtime import libscan, sysio
from provider_runtime.libscan import _ldcache

sys.path.insert(0, str(Path(__file__).parent))  # importlib mode: not on sys.path by itself
import libscan_builders as B  # noqa: E402

needs_gcc = pytest.mark.skipif(not B.have_gcc(), reason="gcc is not installed")


# -- the matcher --------------------------------------------------------------------------

@given(st.text(alphabet="ab.*?[]!-x0", max_size=8), st.text(alphabet="ab.x0[]-!", max_size=10))
@settings(max_examples=400, deadline=None)
def test_match_agrees_with_fnmatchcase(pattern: str, name: str) -> None:
    assert libscan.match(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_match_examples() -> None:
    assert libscan.match("libopenblas64_.so.0", "libopenblas*.so*")
    assert libscan.match("libmpi.so.40", "libmpi.so.*")
    assert not libscan.match("libmpi_cxx.so.40", "libmpi.so.*")
    assert not libscan.match("libblas.so.3", "libopenblas*")


# -- ld.so.cache --------------------------------------------------------------------------

ENTRIES = [("libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"),
           ("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6")]


@pytest.mark.parametrize("layout", ["new", "old+new", "old"])
def test_ldcache_formats(layout: str) -> None:
    data = B.synth_ldcache(ENTRIES, old_too=layout == "old+new", old_only=layout == "old")
    if layout == "old":
        # old-format entries carry no architecture bits
        assert _ldcache.parse(data, None) == ENTRIES
    else:
        assert _ldcache.parse(data, "x86_64") == ENTRIES
        assert _ldcache.parse(data, "aarch64") == []  # other architecture's entries skipped


@pytest.mark.parametrize("cut", [0, 5, 20, 47, 60, 100])
def test_ldcache_truncated_or_garbage(cut: int) -> None:
    data = B.synth_ldcache(ENTRIES)
    assert isinstance(_ldcache.parse(data[:cut], "x86_64"), list)
    assert _ldcache.parse(b"\xff" * cut, "x86_64") == []


def test_ldcache_hostile_counts() -> None:
    data = bytearray(B.synth_ldcache(ENTRIES))
    struct.pack_into("<I", data, 20, 0xFFFFFFFF)  # nlibs
    assert _ldcache.parse(bytes(data), "x86_64") == []
    data = bytearray(B.synth_ldcache(ENTRIES))
    struct.pack_into("<I", data, 48 + 4, 0xFFFFFF00)  # key offset far outside
    assert _ldcache.parse(bytes(data), "x86_64") == ENTRIES[1:]


@pytest.mark.skipif(not os.path.exists("/etc/ld.so.cache"), reason="no /etc/ld.so.cache here")
def test_real_ldcache_has_libc() -> None:
    entries = _ldcache.read(machine=os.uname().machine)
    assert entries, "the machine's ld.so.cache parsed to nothing"
    assert any(name == "libc.so.6" for name, _ in entries)


# -- locations ------------------------------------------------------------------------------

def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_linux_locations_and_candidates(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(root / "usr/lib/x86_64-linux-gnu/libopenblas.so.0")
    _touch(root / "usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")
    _touch(root / "usr/lib/x86_64-linux-gnu/libz.so.1")
    (root / "etc").mkdir()
    (root / "etc/ld.so.cache").write_bytes(B.synth_ldcache(ENTRIES))
    llp = tmp_path / "llp"
    _touch(llp / "libopenblas.so.0")
    prefix = tmp_path / "venv"
    _touch(prefix / "lib/libmkl_rt.so.2")
    _touch(prefix / "lib/python3.11/site-packages/scipy_openblas32/lib/libscipy_openblas.so")
    _touch(prefix / "lib/python3.11/site-packages/numpy.libs/libscipy_openblas64_-ff651d7f.so")
    conda = tmp_path / "conda"
    _touch(conda / "lib/libblas.so.3")
    extra = tmp_path / "intel"
    _touch(extra / "libmkl_rt.so.2")
    env = {"LD_LIBRARY_PATH": f"{llp}::", "CONDA_PREFIX": str(conda)}
    found = libscan.find_candidates(
        ["libopenblas*.so*", "libblas.so*", "libmkl_rt.so*", "libscipy_openblas*"],
        system="linux", machine="x86_64", env=env, prefixes=[str(prefix)], root=str(root),
        subdirs=["openblas*"], extra=[("MKLROOT", str(extra))],
    )
    by = {loc["label"]: [os.path.relpath(p, tmp_path) for p in loc["candidates"]] for loc in found}
    assert list(by) == ["LD_LIBRARY_PATH", "ld.so.cache", "standard", "conda", "python-env",
                        "site-packages", "extra:MKLROOT"]
    assert by["LD_LIBRARY_PATH"] == ["llp/libopenblas.so.0"]
    assert by["ld.so.cache"] == ["../../../usr/lib/x86_64-linux-gnu/libopenblas.so.0".replace(
        "../../../", os.path.relpath("/", tmp_path) + "/")]
    assert by["standard"] == ["root/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                              "root/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"]
    assert by["conda"] == ["conda/lib/libblas.so.3"]
    assert by["python-env"] == ["venv/lib/libmkl_rt.so.2"]
    assert sorted(by["site-packages"]) == [
        "venv/lib/python3.11/site-packages/numpy.libs/libscipy_openblas64_-ff651d7f.so",
        "venv/lib/python3.11/site-packages/scipy_openblas32/lib/libscipy_openblas.so"]
    assert by["extra:MKLROOT"] == ["intel/libmkl_rt.so.2"]
    assert all(isinstance(loc["ms"], float) for loc in found)


def test_darwin_locations_find_framework_in_shared_cache(tmp_path: Path) -> None:
    root = tmp_path / "root"
    fw = root / "System/Library/Frameworks/Accelerate.framework"
    _touch(fw / "Versions/A/Resources/Info.plist",
           b"<plist><dict><key>CFBundleShortVersionString</key><string>1.11</string></dict></plist>")
    os.symlink("Versions/Current/Accelerate", fw / "Accelerate")  # dangling, as on macOS 11+
    dyld = tmp_path / "dyld"
    _touch(dyld / "libopenblas.0.dylib", B.synth_macho("@rpath/libopenblas.0.dylib", symbols=("dgemm_",)))
    result = libscan.scan(
        [{"patterns": ["libopenblas*.dylib"], "symbols": ["dgemm_"]}, {"patterns": ["Accelerate"]}],
        system="darwin", machine="arm64", env={"DYLD_LIBRARY_PATH": str(dyld)}, prefixes=[],
        root=str(root), frameworks=["Accelerate"],
    )
    labels = [loc["label"] for loc in result["locations"]]
    assert labels[:3] == ["DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH", "frameworks"]
    libs = {os.path.basename(r["path"]): r for r in result["libraries"]}
    assert libs["Accelerate"]["format"] == "framework"
    assert libs["Accelerate"]["framework_version"] == "1.11"
    assert "error" not in libs["Accelerate"]
    assert libs["libopenblas.0.dylib"]["soname"] == "@rpath/libopenblas.0.dylib"
    assert libs["libopenblas.0.dylib"]["symbols"] == ["dgemm_"]


def test_windows_path_dlls_case_insensitive(tmp_path: Path) -> None:
    bin_dir = tmp_path / "Intel" / "bin"
    _touch(bin_dir / "MKL_RT.2.DLL", B.synth_pe("mkl_rt.2.dll", exports=("DGEMM", "dgemm_64", "MKL_Get_Version")))
    _touch(bin_dir / "other.dll", B.synth_pe("other.dll"))
    result = libscan.scan([{"patterns": ["mkl_rt*.dll"], "symbols": ["dgemm_64", "MKL_Get_Version"]}],
                          system="win32", machine="x86_64", env={"PATH": f"{bin_dir};C:\\nowhere"},
                          prefixes=[])
    assert result["locations"][0]["label"] == "PATH"
    (lib,) = result["libraries"]
    assert lib["format"] == "pe" and lib["soname"] == "mkl_rt.2.dll"
    assert lib["symbols"] == ["MKL_Get_Version", "dgemm_64"]
    assert lib["needed"] == ["KERNEL32.dll"]


# -- the readers on real libraries ----------------------------------------------------------

@needs_gcc
@pytest.mark.parametrize("hash_style", ["gnu", "sysv", "both"])
def test_gcc_library_read(tmp_path: Path, hash_style: str) -> None:
    dep = B.gcc_library(tmp_path, "libdep.so", "libdep.so.1", ["dep_fn"])
    lib = B.gcc_library(tmp_path, "libfake.so.3", "libfake.so.3", ["dgemm_", "dgemm_64_", "cblas_dgemm", "zz_last"],
                        strings=["FakeBLAS 1.2.3 USE64BITINT"], needed=[dep], hash_style=hash_style)
    rec = libscan.read_library(str(lib), symbols=["dgemm_", "dgemm_64_", "absent_", "printf", "hidden_helper"],
                               strings=[b"FakeBLAS "])
    assert "error" not in rec, rec
    assert rec["format"] == "elf" and rec["bits"] == 64 and rec["soname"] == "libfake.so.3"
    assert "libdep.so.1" in rec["needed"]
    assert rec["symbols"] == ["dgemm_", "dgemm_64_"]  # not undefined, not static, not absent
    assert rec["strings"] == {"FakeBLAS ": ["FakeBLAS 1.2.3 USE64BITINT"]}
    full = libscan.read_library(str(lib), prefixes=["dgemm", "zz_"])
    assert full["symbols"] == ["dgemm_", "dgemm_64_", "zz_last"]


@needs_gcc
def test_section_headers_stripped(tmp_path: Path) -> None:
    lib = B.gcc_library(tmp_path, "libfake.so", "libfake.so.1", ["dgemm_", "other"], strings=["FakeBLAS 9"])
    data = bytearray(lib.read_bytes())
    struct.pack_into("<QHHH", data, 40, 0, 0, 0, 0)  # e_shoff, (flags skipped) - zero the table
    struct.pack_into("<HHH", data, 58, 0, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
    stripped = tmp_path / "libstripped.so"
    stripped.write_bytes(bytes(data))
    rec = libscan.read_library(str(stripped), symbols=["dgemm_"], prefixes=["oth"], strings=[b"FakeBLAS"])
    assert "error" not in rec, rec
    assert rec["soname"] == "libfake.so.1"
    assert rec["symbols"] == ["dgemm_", "other"]
    assert rec["strings"]["FakeBLAS"] == ["FakeBLAS 9"]


@pytest.mark.parametrize("bits,endian", [(32, "<"), (32, ">"), (64, "<"), (64, ">")])
def test_synthetic_elf_any_class_and_endian(tmp_path: Path, bits: int, endian: str) -> None:
    data = B.synth_elf(bits, endian, soname="libsynth.so.7", needed=("liba.so.1", "libb.so.2"),
                       symbols=("dgemm_", "sgemm_", "openblas_get_config"), undefined=("memcpy",),
                       rodata=b"\0OpenBLAS 0.3.26 USE64BITINT DYNAMIC_ARCH\0", machine=22 if endian == ">" else 62)
    path = tmp_path / "libsynth.so"
    path.write_bytes(data)
    rec = libscan.read_library(str(path), symbols=["dgemm_", "memcpy", "nope", "openblas_get_config"],
                               strings=[b"OpenBLAS "])
    assert "error" not in rec, rec
    assert rec["bits"] == bits and rec["byteorder"] == ("little" if endian == "<" else "big")
    assert rec["machine"] == ("s390x" if endian == ">" else "x86_64")
    assert rec["soname"] == "libsynth.so.7" and rec["needed"] == ["liba.so.1", "libb.so.2"]
    assert rec["symbols"] == ["dgemm_", "openblas_get_config"]
    assert rec["strings"] == {"OpenBLAS ": ["OpenBLAS 0.3.26 USE64BITINT DYNAMIC_ARCH"]}
    walk = libscan.read_library(str(path), prefixes=["s", "m"])
    assert walk["symbols"] == ["sgemm_"]


def test_macho_thin_and_fat(tmp_path: Path) -> None:
    for fat in (False, True):
        path = tmp_path / f"lib{fat}.dylib"
        path.write_bytes(B.synth_macho("/opt/lib/libopenblas.0.dylib", symbols=("dgemm_", "openblas_get_config"),
                                       cstrings=("OpenBLAS 0.3.27 DYNAMIC_ARCH NO_AFFINITY neoversen1",), fat=fat))
        rec = libscan.read_library(str(path), symbols=["dgemm_", "undefined_thing"], strings=[b"OpenBLAS "],
                                   host_arch="x86_64")
        assert "error" not in rec, rec
        assert rec["format"] == "macho" and rec["soname"] == "/opt/lib/libopenblas.0.dylib"
        assert rec["needed"] == ["/usr/lib/libSystem.B.dylib"]
        assert rec["symbols"] == ["dgemm_"]
        assert rec["strings"]["OpenBLAS "] == ["OpenBLAS 0.3.27 DYNAMIC_ARCH NO_AFFINITY neoversen1"]
        assert rec["machine"] == "x86_64"
        if fat:
            assert rec["archs"] == ["arm64", "x86_64"]


def test_java_class_is_not_a_fat_binary(tmp_path: Path) -> None:
    path = tmp_path / "libodd.dylib"
    path.write_bytes(b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 100)
    rec = libscan.read_library(str(path))
    assert rec["error"].startswith("not a universal binary")


def test_pe_strings(tmp_path: Path) -> None:
    path = tmp_path / "libopenblas.dll"
    path.write_bytes(B.synth_pe("libopenblas.dll", exports=("dgemm_",), rdata_strings=("OpenBLAS 0.3.28 USE64BITINT",)))
    rec = libscan.read_library(str(path), symbols=["dgemm_"], strings=[b"OpenBLAS "])
    assert rec["strings"] == {"OpenBLAS ": ["OpenBLAS 0.3.28 USE64BITINT"]}


# -- bad input: skipped with a reason, never an exception ---------------------------------------

def test_skips_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "libdir.so.1").mkdir()
    os.symlink("libloop2.so", tmp_path / "libloop1.so")
    os.symlink("libloop1.so", tmp_path / "libloop2.so")
    os.symlink("nowhere.so", tmp_path / "libdangling.so")
    (tmp_path / "libempty.so").write_bytes(b"")
    (tmp_path / "libscript.so").write_text("/* GNU ld script */\nGROUP ( /lib/libc.so.6 )\n")
    (tmp_path / "libtext.so").write_text("hello, I am not a library at all\n")
    (tmp_path / "libtrunc.so").write_bytes(B.synth_elf()[:200])
    huge = tmp_path / "libhuge.so"
    with open(huge, "wb") as handle:
        handle.truncate(5 << 30)  # sparse: costs no disk
    os.mkfifo(tmp_path / "libfifo.so")
    reasons = {p.name: libscan.read_library(str(p)).get("error") for p in sorted(tmp_path.iterdir())}
    assert reasons == {
        "libdangling.so": "missing (dangling symlink?)",
        "libdir.so.1": "a directory, not a library",
        "libempty.so": "too small to be a library (0 bytes)",
        "libfifo.so": "not a regular file",
        "libhuge.so": f"huge file ({5 << 30} bytes), not read",
        "libloop1.so": "symlink loop",
        "libloop2.so": "symlink loop",
        "libscript.so": "a linker script, not a library",
        "libtext.so": "not a shared library (unknown format)",
        "libtrunc.so": reasons["libtrunc.so"],
    }
    assert reasons["libtrunc.so"].startswith("truncated"), reasons["libtrunc.so"]


def test_unreadable_through_sysio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "libok.so"
    path.write_bytes(B.synth_elf())
    monkeypatch.setattr(sysio, "open_reader", lambda path: None)
    assert libscan.read_library(str(path))["error"] == "unreadable"

    def boom(*a, **k):
        raise OSError(5, "injected")

    class Raising:
        read = staticmethod(boom)
        close = staticmethod(lambda: None)

    monkeypatch.setattr(sysio, "open_reader", lambda path: Raising())
    assert libscan.read_library(str(path))["error"].startswith("malformed (OSError")
    monkeypatch.setattr(sysio, "read_bytes", boom)
    monkeypatch.setattr(sysio, "listdir", boom)
    # listing and cache faults are contained too: no location raises
    locs = libscan.find_candidates(["lib*"], system="linux", root=str(tmp_path), env={})
    assert [loc["candidates"] for loc in locs] == [[]] * len(locs)
    assert locs[1]["label"] == "ld.so.cache" and locs[1]["error"].startswith("OSError")


def test_hostile_hash_chain_is_bounded(tmp_path: Path) -> None:
    data = bytearray(B.synth_elf(symbols=("a",) * 1, undefined=()))
    # Point DT_HASH's nchain/nbucket at absurd values.
    at = data.find(struct.pack("<II", 3, 2))
    struct.pack_into("<II", data, at, 3, 0xFFFFFFF)
    path = tmp_path / "libhostile.so"
    path.write_bytes(bytes(data))
    rec = libscan.read_library(str(path), symbols=["a", "b"])
    assert "error" in rec


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> dict:
    real = sysio.open_reader
    stats = {"bytes": 0, "calls": 0, "largest": 0, "opens": 0}

    class Counting:
        def __init__(self, reader):
            self.reader = reader

        def read(self, offset, size):
            stats["calls"] += 1
            stats["bytes"] += size
            stats["largest"] = max(stats["largest"], size)
            return self.reader.read(offset, size)

        def close(self):
            self.reader.close()

    def opening(path):
        stats["opens"] += 1
        reader = real(path)
        return Counting(reader) if reader else None

    monkeypatch.setattr(sysio, "open_reader", opening)
    return stats


@given(st.binary(min_size=0, max_size=2048))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzz_random_bytes(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for head in (b"", b"\x7fELF\x02\x01\x01", b"\x7fELF\x01\x02\x01", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ"):
        path = folder / "libfuzz.so"
        path.write_bytes(head + data)
        rec = libscan.read_library(str(path), symbols=["dgemm_"], prefixes=["x"], strings=[b"OpenBLAS "])
        assert isinstance(rec, dict) and rec["path"] == str(path)


@pytest.fixture(scope="module")
def real_elf(tmp_path_factory) -> bytes:
    if B.have_gcc():
        folder = tmp_path_factory.mktemp("real")
        return B.gcc_library(folder, "libm.so", "libm.so", ["dgemm_", "sgemm_"], strings=["OpenBLAS 0.3"]).read_bytes()
    return B.synth_elf()


@given(st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1, max_size=24),
       st.integers(0, 1 << 16))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzz_mutated_real_elf(tmp_path_factory, real_elf: bytes, flips, cut) -> None:
    data = bytearray(real_elf)
    for pos, value in flips:
        # Bias mutations to the headers and tables, where the offsets live.
        data[pos % min(len(data), 4096 if pos & 1 else len(data))] = value
    data = bytes(data[: max(cut, 64)] if cut < len(data) and cut & 1 else data)
    path = tmp_path_factory.mktemp("mut") / "libmut.so"
    path.write_bytes(data)
    t0 = time.perf_counter()
    rec = libscan.read_library(str(path), symbols=["dgemm_", "sgemm_"], prefixes=["s"], strings=[b"OpenBLAS"],
                               max_calls=2000)
    assert isinstance(rec, dict)
    assert time.perf_counter() - t0 < 2.0


def test_read_budget_is_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "libbig.so"
    path.write_bytes(B.synth_elf(rodata=b"\0" * (3 << 20) + b"OpenBLAS 1.0\0"))
    stats = _count_reads(monkeypatch)
    rec = libscan.read_library(str(path), strings=[b"OpenBLAS "], max_string_scan=1 << 20)
    assert rec["strings"] == {}  # the string lies past the scan budget
    assert stats["bytes"] < (1 << 20) + (256 << 10)
    rec = libscan.read_library(str(path), strings=[b"OpenBLAS "])
    assert rec["strings"] == {"OpenBLAS ": ["OpenBLAS 1.0"]}
    assert stats["largest"] <= 1 << 20


REAL_OPENBLAS = [p for p in ("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                             "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0") if os.path.exists(p)]


@pytest.mark.skipif(not REAL_OPENBLAS, reason="Debian's libopenblas0-pthread is not installed")
def test_real_openblas_cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 36 MB library is identified by reading well under 1 MB of it, in little memory."""
    stats = _count_reads(monkeypatch)
    tracemalloc.start()
    rec = libscan.read_library(REAL_OPENBLAS[0], symbols=["dgemm_", "openblas_get_config", "dgemm_64_"],
                               strings=[b"OpenBLAS 0.", b"OpenBLAS 1."])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rec["soname"] == "libopenblas.so.0"
    assert rec["symbols"] == ["dgemm_", "openblas_get_config"]
    assert rec["strings"]["OpenBLAS 0."][0].startswith("OpenBLAS 0.3.")
    assert stats["bytes"] < 2 << 20, stats
    assert peak < 4 << 20, peak


def test_import_is_light() -> None:
    import subprocess

    code = ("import sys; before = set(sys.modules); import provider_runtime.libscan; "
            "print(sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("'re'", "'fnmatch'", "'ctypes'", "'subprocess'", "'json'", "'typing'"):
        assert heavy not in out, out
