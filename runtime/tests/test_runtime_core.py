"""The fast-path runtime: FeatureConfig, the plugin base's guard and facts override, sysio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provider_runtime import FeatureConfig, ProviderPlugin, sysio


class Toy(ProviderPlugin):
    namespace = "toy"
    distribution = "provider-toy"
    version = "0.1"
    facts_env = "PROVIDER_TOY_FACTS"

    @staticmethod
    def probe() -> dict:
        return {"n": 3}

    @staticmethod
    def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
        n = facts.get("n")
        return [FeatureConfig("n", [str(n)])] if isinstance(n, int) else []

    @staticmethod
    def check_facts(facts: dict) -> list[str]:
        from provider_runtime.facts import check_fields

        return check_fields(facts, {"n": (int,)})

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        return [FeatureConfig("n", [str(i) for i in range(10)])]


def test_feature_config_equality_and_repr() -> None:
    a = FeatureConfig("level", ["v3", "v2"])
    assert a == FeatureConfig("level", ["v3", "v2"], False)
    assert a != FeatureConfig("level", ["v3", "v2"], True)
    assert a.to_dict() == {"name": "level", "values": ["v3", "v2"], "multi_value": False}
    assert "level" in repr(a)
    with pytest.raises(AttributeError):
        a.other = 1  # __slots__: no accidental attributes


def test_live_probe_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROVIDER_TOY_FACTS", raising=False)
    assert Toy.get_supported_configs() == [FeatureConfig("n", ["3"])]
    assert Toy.current_facts() == ({"n": 3}, "probed live on this machine")


def test_facts_file_replaces_probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"format": 1, "provider": "toy", "facts": {"n": 7}}))
    monkeypatch.setenv("PROVIDER_TOY_FACTS", str(path))
    assert Toy.get_supported_configs() == [FeatureConfig("n", ["7"])]


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "cannot read it"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not valid JSON"),
        (b"[]", "top level must be a JSON object"),
        (b'{"format": 2, "provider": "toy", "facts": {}}', "field 'format' must be 1"),
        (b'{"format": 1, "provider": "toy", "facts": 3}', "field 'facts' must be a JSON object"),
        (b'{"format": 1, "provider": "other", "facts": {}}', "field 'provider' is 'other'"),
        (b'{"format": 1, "provider": "toy", "facts": {"n": "x"}}', "field 'facts.n' must be an integer"),
        (b'{"format": 1, "provider": "toy", "facts": {"n": true}}', "field 'facts.n' must be an integer"),
    ],
)
def test_bad_facts_file_warns_and_reports_nothing(
    content: bytes | None, needle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture,
) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("PROVIDER_TOY_FACTS", str(path))
    assert Toy.get_supported_configs() == []
    captured = capfd.readouterr()
    assert captured.out == ""
    assert str(path) in captured.err and needle in captured.err


def test_exceptions_are_contained(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("PROVIDER_TOY_FACTS", raising=False)
    monkeypatch.setattr(Toy, "derive", staticmethod(lambda facts, explain=None: 1 / 0))
    assert Toy.get_supported_configs() == []
    err = capfd.readouterr().err
    assert "ZeroDivisionError" in err and "'toy'" in err


def test_probe_returning_non_dict_is_contained(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("PROVIDER_TOY_FACTS", raising=False)
    monkeypatch.setattr(Toy, "probe", staticmethod(lambda: ["not", "a", "dict"]))
    assert Toy.get_supported_configs() == []
    assert "not dict" in capfd.readouterr().err


def test_fast_path_imports_nothing_new() -> None:
    """Importing the runtime must not load json, re, typing, dataclasses, ctypes, ..."""
    code = (
        "import sys; before = set(sys.modules); import provider_runtime, provider_runtime.sysio; "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    loaded = json.loads(out.stdout.replace("'", '"'))
    assert [m for m in loaded if not m.startswith("provider_runtime")] == []


def test_sysio_never_raises(tmp_path: Path) -> None:
    assert sysio.read_text(str(tmp_path / "missing")) is None
    assert sysio.read_text(str(tmp_path)) is None  # a directory
    assert sysio.read_text("bad\x00path") is None
    assert sysio.read_bytes(str(tmp_path)) is None
    assert sysio.read_bytes(str(tmp_path / "missing")) is None
    assert sysio.listdir(str(tmp_path / "missing")) == []
    big = tmp_path / "big"
    big.write_bytes(b"a" * 5000)
    assert sysio.read_text(str(big), limit=100) == "a" * 100
    assert sysio.read_bytes(str(big), 4990, 100) == b"a" * 10
    assert sysio.read_bytes(str(big), -1, 10) is None
    assert sysio.read_bytes(str(big), 2**70, 10) is None
    (tmp_path / "bin").write_bytes(b"\xff\xfeok")
    assert sysio.read_text(str(tmp_path / "bin")) == "\ufffd\ufffdok"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_sysio_does_not_block_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert sysio.read_text(str(fifo)) in ("", None)  # O_NONBLOCK: no writer, no wait
    assert sysio.read_bytes(str(fifo)) is None  # not a regular file


def test_facts_parser_agrees_with_json_on_every_fixture() -> None:
    from provider_runtime.facts import parse_json

    root = Path(__file__).resolve().parents[2]
    paths = sorted(root.glob("providers/*/tests/fixtures/*.json")) + sorted(root.glob("template/tests/fixtures/*.json"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert parse_json(text) == json.loads(text), path.name


@pytest.mark.parametrize("text", ["", "{", '{"a": 1} x', "[1,]", "nan", '{"a": NaN}', " \n[1, 2.5, true, null]\n"])
def test_facts_parser_errors_like_json(text: str) -> None:
    from provider_runtime.facts import parse_json

    try:
        expected = json.loads(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as info:
            parse_json(text)
        assert str(info.value) == str(exc)
    else:
        got = parse_json(text)
        assert repr(got) == repr(expected)


def test_replaying_a_facts_file_imports_neither_json_nor_re(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"format": 1, "provider": "template", "facts": {"cpu_count": 4, "byteorder": "little"}}))
    code = (
        "import sys; before = set(sys.modules)\n"
        "from provider_template import TemplatePlugin as P\n"
        "assert P.get_supported_configs()[0].values == ['4', '2', '1']\n"
        "print(' '.join(sorted(m for m in set(sys.modules) - before if not m.startswith('provider_'))))\n"
    )
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PROVIDER_TEMPLATE_FACTS": str(path)})
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) <= {"_json"}


def test_file_reader(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(bytes(range(100)))
    with sysio.open_reader(str(path)) as reader:
        assert reader.read(10, 5) == bytes(range(10, 15))
        assert reader.read(98, 10) == bytes([98, 99])
        assert reader.read(-1, 5) is None
        assert reader.read(2**70, 5) is None
    assert reader.read(0, 1) is None  # closed
    assert sysio.open_reader(str(tmp_path)) is None
    assert sysio.open_reader(str(tmp_path / "missing")) is None
