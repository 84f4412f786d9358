#!/usr/bin/env python3
"""Set-up and test entry point of the suite (needs only Python >= 3.10 and pip).

    python suite.py report    install every provider into .venv and print what each sees here
    python suite.py test      install everything the tests need into .venv and run every test
    python suite.py bench     run the benchmark (bench/benchmark.py)

Both create ``.venv`` beside this file on first use (set SUITE_VENV to use another path).
``test`` also installs the real libraries the blas/mpi tests probe where it can (Debian
packages when run as root with apt-get; PyPI wheels into a scratch venv), and exits non-zero
when any test fails or when no test ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SUITE_VENV", ROOT / ".venv"))
#: Test-only dependencies (the conformance harness pins the released variantlib itself).
TEST_REQUIREMENTS = [
    "pytest>=8", "hypothesis>=6", "pytest-mock>=3", "setuptools>=77", "wheel",
    # the end-to-end tests build variant wheels with variantlib's own commands (needs `build`)
    "variantlib[cli]==0.2.2",
]


def _python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def _run(*cmd: object, check: bool = True, **kw: object) -> int:
    printable = " ".join(str(c) for c in cmd)
    print(f"+ {printable}", flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)
    if check and code != 0:
        sys.exit(f"command failed ({code}): {printable}")
    return code


def _venv() -> Path:
    if not _python().exists():
        _run(sys.executable, "-m", "venv", VENV)
    return _python()


def providers() -> list[Path]:
    """Every provider folder with a pyproject.toml, in a stable order."""
    return sorted(p.parent for p in (ROOT / "providers").glob("*/pyproject.toml"))


def _pip(py: Path, *args: object) -> None:
    _run(py, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args)


def report() -> int:
    py = _venv()
    _pip(py, "./runtime", *(f"./{p.relative_to(ROOT)}" for p in providers()))
    return _run(py, "-m", "provider_runtime", check=False)


def test(pytest_args: list[str]) -> int:
    py = _venv()
    _pip(py, *TEST_REQUIREMENTS)
    editable = ["runtime", "conformance", "template", *(str(p.relative_to(ROOT)) for p in providers())]
    _pip(py, *(x for path in editable for x in ("-e", f"./{path}")))
    for script in sorted(ROOT.glob("providers/*/tests/install-test-libs.sh")):
        # Real libraries for the library-probing providers; each script skips what it cannot do.
        _run("bash", script, str(py), check=False)
    code = _run(py, "-m", "pytest", *pytest_args, check=False)
    if code == 5:
        print("pytest collected no tests: that is a failure here", file=sys.stderr)
        return 1
    return code


def bench(args: list[str]) -> int:
    return _run(sys.executable, ROOT / "bench" / "benchmark.py", *args, check=False)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("report", "test", "bench"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "report":
        return report()
    if argv[0] == "bench":
        return bench(argv[1:])
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
