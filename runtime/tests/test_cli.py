"""The common command line, exercised on the template provider (installed with the suite)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[2] / "template" / "tests" / "fixtures" / "linux-x86_64-8cpu.json"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "provider_template", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


def test_report_from_facts_explains_each_feature() -> None:
    proc = run("--report", "--facts", str(FIXTURE))
    assert proc.returncode == 0, proc.stderr
    assert f"facts: facts file {FIXTURE}" in proc.stdout
    assert "units = 8, 4, 2, 1" in proc.stdout
    assert "cpu_count = 8: a device of 8 units" in proc.stdout
    assert "platform: Linux x86_64" in proc.stdout


def test_json_and_all() -> None:
    doc = json.loads(run("--json", "--facts", str(FIXTURE)).stdout)
    assert doc["namespace"] == "template"
    assert doc["supported"][0] == {"name": "units", "values": ["8", "4", "2", "1"], "multi_value": False}
    every = json.loads(run("--json", "--all").stdout)["all"]
    assert [c["name"] for c in every] == ["units", "byteorder"]


def test_report_all_marks_supported_values() -> None:
    out = run("--report", "--all", "--facts", str(FIXTURE)).stdout
    assert "units: 256, 128, 64, 32, 16, 8*, 4*, 2*, 1*" in out


def test_env_facts_file_is_used_and_named(tmp_path: Path) -> None:
    proc = run("--json", env={"PROVIDER_TEMPLATE_FACTS": str(FIXTURE)})
    assert json.loads(proc.stdout)["facts_source"].endswith("(from $PROVIDER_TEMPLATE_FACTS)")


def test_unusable_env_facts_file_is_an_error_for_the_cli(tmp_path: Path) -> None:
    proc = run("--report", env={"PROVIDER_TEMPLATE_FACTS": str(tmp_path / "nope.json")})
    assert proc.returncode == 2
    assert "nope.json" in proc.stderr and "cannot read it" in proc.stderr


def test_record_is_a_facts_file() -> None:
    doc = json.loads(run("--record").stdout)
    assert doc["format"] == 1 and doc["provider"] == "template"
    assert set(doc["facts"]) == {"platform", "cpu_count", "byteorder"}
    assert run("--record", "--facts", str(FIXTURE)).returncode == 2


def test_suite_report_lists_installed_providers() -> None:
    proc = subprocess.run([sys.executable, "-m", "provider_runtime"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "provider-template 1.0.0: namespace 'template'" in proc.stdout
    doc = json.loads(subprocess.run([sys.executable, "-m", "provider_runtime", "--json"],
                                    capture_output=True, text=True).stdout)
    assert "template" in doc
