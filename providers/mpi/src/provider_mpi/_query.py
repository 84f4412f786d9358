"""``--report --query-library``: ask each identified MPI library for its own version string.

``MPI_Get_library_version`` and ``MPI_Get_version`` may be called before ``MPI_Init`` (MPI-4.1
section 9.1.1 lists them among the routines callable at any time). Loading an MPI library runs
its constructors, so this happens only on request, never on the plugin path, and in a child
process per library with a time limit: a library that hangs, crashes or prints costs that
child only. The parent never loads anything.
"""

import json
import subprocess
import sys

TIMEOUT_S = 10
#: Run in the child: dlopen the library, call the two query functions, print one JSON line.
#: The buffer is larger than any implementation's MPI_MAX_LIBRARY_VERSION_STRING (Open MPI 256,
#: MPICH and the MPI-5 ABI 8192).
CHILD = r"""
import ctypes, json, sys
lib = ctypes.CDLL(sys.argv[1], getattr(ctypes, "RTLD_LOCAL", 0))
out = {}
buf, n = ctypes.create_string_buffer(1 << 16), ctypes.c_int(0)
if lib.MPI_Get_library_version(buf, ctypes.byref(n)) == 0:
    raw = buf.raw[: max(0, min(n.value, len(buf.raw)))].split(b"\0", 1)[0]
    out["library_version"] = raw.decode("utf-8", "replace")
major, minor = ctypes.c_int(0), ctypes.c_int(0)
if lib.MPI_Get_version(ctypes.byref(major), ctypes.byref(minor)) == 0:
    out["version"] = [major.value, minor.value]
sys.stdout.write("\n@@provider-mpi@@" + json.dumps(out) + "\n")
"""


def query(path: str, timeout: float = TIMEOUT_S) -> dict:
    """What the library at ``path`` says about itself, or ``{"error": ...}``."""
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", CHILD, path],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout} s"}
    except OSError as exc:
        return {"error": f"cannot start a child process: {exc}"}
    for line in proc.stdout.splitlines():
        if line.startswith("@@provider-mpi@@"):
            try:
                return json.loads(line[len("@@provider-mpi@@") :])
            except ValueError:
                break
    tail = (proc.stderr or "").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
    return {"error": tail[0][:300]}


def report(facts: dict) -> str:
    """The ``--query-library`` section of the report for the libraries in ``facts``."""
    from provider_mpi._rules import identify, parse_library_version

    lines = ["", "Libraries queried in a child process (MPI_Get_library_version, MPI_Get_version):"]
    seen = set()
    for rec in facts.get("libraries", []):
        impl, family, _why = identify(rec)
        path = rec.get("realpath") or rec.get("path")
        if (impl is None and family is None) or not isinstance(path, str) or path in seen:
            continue
        seen.add(path)
        got = query(path)
        if "error" in got:
            lines.append(f"  {path}: {got['error']}")
            continue
        text = got.get("library_version", "")
        said, version = parse_library_version(text)
        first = text.strip().splitlines()[0] if text.strip() else "(empty)"
        lines.append(f"  {path}: MPI {'.'.join(map(str, got.get('version', []))) or '?'}; {first[:120]}")
        lines.append(
            f"      says {said or '?'} {'.'.join(map(str, version or ())) or ''}; "
            f"file identified as {impl or '?'} (ABI {family or 'none'})"
        )
    if len(lines) == 2:
        lines.append("  (no MPI library identified)")
    return "\n".join(lines) + "\n"
