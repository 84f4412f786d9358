"""The vendor's first minute: copy and rename the template, install it, run its tests.

Also proves that the harness catches the mistakes it promises to catch: a deliberately broken
copy must fail with a message naming the broken rule.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "template"))
import rename  # noqa: E402  (template/rename.py, not an installed module)


def _install_and_test(src: Path, site: Path) -> subprocess.CompletedProcess:
    """Install ``src`` into its own target folder and run its tests against that install."""
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(site), str(src)],
        capture_output=True, text=True,
    )
    assert pip.returncode == 0, pip.stderr
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(src),
         str(src / "tests")],
        capture_output=True, text=True, env=env, cwd=src, timeout=600,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return rename.rename("acme_npu", tmp_path / "provider-acme-npu")


def test_rename_is_complete(copy: Path) -> None:
    leftovers = []
    for path in copy.rglob("*"):
        if path.is_file() and path.suffix in rename.TEXT_SUFFIXES:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if "provider_template" in line or "TemplatePlugin" in line or '"template"' in line:
                    leftovers.append(f"{path.relative_to(copy)}:{number}: {line}")
    assert leftovers == []
    assert (copy / "src" / "provider_acme_npu" / "__init__.py").exists()
    assert 'acme_npu = "provider_acme_npu:AcmeNpuPlugin"' in (copy / "pyproject.toml").read_text()


def test_renamed_copy_installs_and_passes(copy: Path, tmp_path: Path) -> None:
    proc = _install_and_test(copy, tmp_path / "site")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_rename_refuses_bad_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        rename.rename("Acme-NPU", tmp_path / "x")


BREAKAGES = {
    # label: (file, old text, new text, rule the harness must name)
    "upper-case-value": ("_rules.py", 'UNIT_THRESHOLDS = ("256"', 'UNIT_THRESHOLDS = ("V256"', "[value-regex]"),
    "print-in-plugin": (
        "__init__.py",
        '    rules_module = "provider_broken._rules"\n',
        '    rules_module = "provider_broken._rules"\n\n    @classmethod\n    def get_supported_configs(cls):\n'
        "        print('debug')\n        return super().get_supported_configs()\n",
        "[no-stdout]",
    ),
    "raising-seam": ("_probe.py", '    facts: dict = {"platform"', '    raise RuntimeError("seam broke")\n    facts: dict = {"platform"',
                     "[seam-never-raises]"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_harness_catches_broken_copy(breakage: str, tmp_path: Path) -> None:
    filename, old, new, rule = BREAKAGES[breakage]
    copy = rename.rename("broken", tmp_path / "provider-broken")
    target = copy / "src" / "provider_broken" / filename
    text = target.read_text()
    assert old in text, f"the template changed; update the breakage {breakage!r}"
    target.write_text(text.replace(old, new, 1))
    proc = _install_and_test(copy, tmp_path / "site")
    assert proc.returncode != 0, f"the harness passed a copy with {breakage}"
    assert rule in proc.stdout, f"no failure names {rule}:\n{proc.stdout[-4000:]}"
