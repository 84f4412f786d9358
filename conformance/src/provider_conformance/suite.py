"""``ProviderContract``: the conformance suite a provider's tests subclass in a few lines.

.. code-block:: python

    from pathlib import Path
    from provider_conformance import ProviderContract
    from provider_acme import AcmePlugin

    class TestAcmeContract(ProviderContract):
        plugin = AcmePlugin
        fixtures = Path(__file__).parent / "fixtures"

Every test's failure message starts with the rule it checks, e.g. ``[value-regex]``.

Fixtures are facts files (``*.json`` in ``fixtures``, found by glob: a new file is a new test
case) with an ``expected`` list: the output ``get_supported_configs()`` must give when the file
is replayed through the plugin's ``PROVIDER_<NAME>_FACTS`` variable. Run the suite with
``PROVIDER_REGENERATE_FIXTURES=1`` to rewrite every ``expected`` from the current rules, then
review the diff. At least one fixture must be marked ``"no_hardware": true``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provider_conformance import contract, faults

REGENERATE_ENV = "PROVIDER_REGENERATE_FIXTURES"


def _fail(problems: list[str]) -> None:
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _load_fixture(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _run(args: list[str], env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


class ProviderContract:
    """Subclass with ``plugin`` (the plugin class) and ``fixtures`` (a folder of facts files)."""

    #: The plugin class under test.
    plugin: type = None  # type: ignore[assignment]
    #: Folder of recorded facts files with expected output.
    fixtures: Path | str = None  # type: ignore[assignment]
    #: Distribution name whose ``variant_plugins`` entry point must name the plugin
    #: (defaults to ``plugin.distribution``).
    distribution: str | None = None
    #: Fixtures used for fault injection; by default one per distinct set of fact keys.
    fault_fixture_names: list[str] | None = None

    # -- parametrization -------------------------------------------------------------------

    @classmethod
    def fixture_paths(cls) -> list[Path]:
        """Every fixture file, sorted."""
        if cls.fixtures is None:
            return []
        return sorted(Path(cls.fixtures).glob("*.json"))

    @classmethod
    def fault_fixture_paths(cls) -> list[Path]:
        paths = cls.fixture_paths()
        if cls.fault_fixture_names is not None:
            return [p for p in paths if p.name in cls.fault_fixture_names]
        chosen, shapes = [], set()
        for path in paths:
            try:
                facts = _load_fixture(path).get("facts", {})
            except ValueError:
                continue
            shape = tuple(sorted(facts)) if isinstance(facts, dict) else ()
            if shape not in shapes:
                shapes.add(shape)
                chosen.append(path)
        return chosen

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "fixture_path" in metafunc.fixturenames:
            paths = self.fixture_paths()
            metafunc.parametrize("fixture_path", paths, ids=[p.stem for p in paths])
        if "fault_fixture_path" in metafunc.fixturenames:
            paths = self.fault_fixture_paths()
            metafunc.parametrize("fault_fixture_path", paths, ids=[p.stem for p in paths])

    @pytest.fixture(autouse=True)
    def _clean_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Each test starts without a facts override for this plugin."""
        if self.plugin is not None and getattr(self.plugin, "facts_env", ""):
            monkeypatch.delenv(self.plugin.facts_env, raising=False)

    # -- 1. the plugin contract -------------------------------------------------------------

    def test_contract_shape(self) -> None:
        """Class, static/class methods, no-arg constructor, namespace, AoT flags."""
        _fail(contract.check_shape(self.plugin))

    def test_contract_live(self, capfd: pytest.CaptureFixture) -> None:
        """Both methods on this machine: types, regexes, uniqueness, subset, no stdout."""
        problems = contract.check_plugin(self.plugin)
        out = capfd.readouterr().out
        if out:
            problems.append(f"[no-stdout] the plugin wrote to stdout: {out[:200]!r}")
        _fail(problems)

    def test_class_and_instance_agree(self) -> None:
        """variantlib calls methods on the class, uv on an instance: same results."""
        instance = self.plugin()
        problems = []
        for method in contract.METHODS:
            on_class = contract.as_data(getattr(self.plugin, method)())
            on_instance = contract.as_data(getattr(instance, method)())
            if on_class != on_instance:
                problems.append(f"[class-instance] {method}() differs between class and instance")
        _fail(problems)

    def test_deterministic(self) -> None:
        """The same machine gives the same answer on every call."""
        first = contract.as_data(self.plugin.get_supported_configs())
        second = contract.as_data(self.plugin.get_supported_configs())
        _fail([] if first == second else [f"[deterministic] two calls differ: {first} / {second}"])

    def test_seam_never_raises(self, capfd: pytest.CaptureFixture) -> None:
        """The probe itself (not only the guarded plugin call) returns a dict and is silent."""
        problems = []
        try:
            facts = self.plugin.probe()
        except Exception as exc:
            problems.append(f"[seam-never-raises] {self.plugin.__name__}.probe() raised {exc!r}")
        else:
            if not isinstance(facts, dict):
                problems.append(f"[seam-never-raises] probe() returned {type(facts).__name__}, not dict")
            else:
                try:
                    json.dumps(facts)
                except (TypeError, ValueError) as exc:
                    problems.append(f"[facts-json-native] probe() facts are not JSON-native: {exc}")
        out = capfd.readouterr().out
        if out:
            problems.append(f"[no-stdout] probe() wrote to stdout: {out[:200]!r}")
        _fail(problems)

    def test_entry_point(self) -> None:
        """Installed, with a ``variant_plugins`` entry point named after the namespace."""
        from importlib.metadata import entry_points

        dist = self.distribution or getattr(self.plugin, "distribution", "")
        eps = [ep for ep in entry_points(group="variant_plugins") if ep.name == self.plugin.namespace]
        if not eps:
            _fail([f"[entry-point] no 'variant_plugins' entry point named {self.plugin.namespace!r} "
                   f"is installed (is {dist!r} installed?)"])
        problems = []
        for ep in eps:
            owner = ep.dist.name if ep.dist is not None else None
            if dist and owner and owner.replace("_", "-").lower() != dist.replace("_", "-").lower():
                problems.append(f"[entry-point] entry point {ep.name!r} belongs to {owner!r}, not {dist!r}")
            if ep.load() is not self.plugin:
                problems.append(f"[entry-point] entry point {ep.name} = {ep.value} is not {self.plugin!r}")
            if ":" not in ep.value or "." in ep.value.split(":", 1)[1]:
                problems.append(f"[entry-point] {ep.value!r} must be 'module:ClassName' (single level)")
        _fail(problems)

    # -- 2. recorded fixtures ------------------------------------------------------------------

    def test_fixtures_present(self) -> None:
        """At least one fixture, and at least one of a machine without the hardware."""
        paths = self.fixture_paths()
        problems = []
        if not paths:
            problems.append(f"[fixtures] no *.json fixtures in {self.fixtures}")
        elif not any(_load_fixture(p).get("no_hardware") is True for p in paths):
            problems.append('[fixtures] no fixture is marked "no_hardware": true')
        _fail(problems)

    def test_fixture_replays(
        self, fixture_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
    ) -> None:
        """Replaying a fixture through the facts variable gives its recorded ``expected``."""
        data = _load_fixture(fixture_path)
        if data.get("provider") != self.plugin.namespace:
            _fail([f"[fixture] {fixture_path.name}: provider is {data.get('provider')!r}, "
                   f"not {self.plugin.namespace!r}"])
        all_before = contract.as_data(self.plugin.get_all_configs())
        monkeypatch.setenv(self.plugin.facts_env, str(fixture_path))
        supported = self.plugin.get_supported_configs()
        captured = capfd.readouterr()
        problems = contract.check_configs(supported, "get_supported_configs()")
        problems += contract.check_subset(supported, self.plugin.get_all_configs())
        if captured.out:
            problems.append(f"[no-stdout] replay wrote to stdout: {captured.out[:200]!r}")
        if captured.err:
            problems.append(f"[fixture] {fixture_path.name}: replay warned: {captured.err.strip()[:300]}")
        if contract.as_data(self.plugin.get_all_configs()) != all_before:
            problems.append("[all-constant] get_all_configs() changed with the facts file")
        got = contract.as_data(supported)
        if os.environ.get(REGENERATE_ENV):
            if data.get("expected") != got:
                data["expected"] = got
                fixture_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        elif "expected" not in data:
            problems.append(f"[fixture] {fixture_path.name} has no 'expected' (run with {REGENERATE_ENV}=1)")
        elif got != data["expected"]:
            problems.append(
                f"[fixture-replay] {fixture_path.name}: expected {json.dumps(data['expected'])}\n"
                f"                 got      {json.dumps(got)}"
            )
        _fail(problems)

    # -- 3. fault injection ----------------------------------------------------------------------

    def test_faults_in_facts(self, fault_fixture_path: Path, capfd: pytest.CaptureFixture) -> None:
        """Every fact missing, empty, truncated, garbage or of the wrong type: ``derive`` returns
        a valid subset of all configs, raises nothing and prints nothing."""
        facts = _load_fixture(fault_fixture_path)["facts"]
        all_configs = self.plugin.get_all_configs()
        problems = []
        for label, mutated in faults.mutations(facts):
            try:
                result = self.plugin.derive(mutated)
            except Exception as exc:
                problems.append(f"[fault-tolerance] derive raised {exc!r} for {label}")
                continue
            found = contract.check_configs(result, f"derive({label})") + contract.check_subset(result, all_configs)
            problems += [f"[fault-tolerance] {p}" for p in found]
            if len(problems) > 20:
                break
        out = capfd.readouterr().out
        if out:
            problems.append(f"[no-stdout] derive wrote to stdout under faults: {out[:200]!r}")
        _fail(problems)

    @pytest.mark.parametrize("fault", ["missing", "empty", "truncated", "garbage", "raising"])
    def test_faults_in_reads(
        self, fault: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
    ) -> None:
        """Every file the seam reads through ``provider_runtime.sysio`` (``read_text``,
        ``read_bytes``, ``open_reader``, ``listdir``) missing, empty,
        truncated, garbage or raising: the plugin returns a valid result and prints nothing."""
        from provider_runtime import sysio

        real_text, real_bytes = sysio.read_text, sysio.read_bytes

        def text(path: str, *args: object, **kw: object) -> str | None:
            if fault == "raising":
                raise OSError(5, "injected I/O error", path)
            if fault == "missing":
                return None
            if fault == "empty":
                return ""
            if fault == "garbage":
                return faults.GARBAGE_TEXT * 8
            value = real_text(path, *args, **kw)
            return value[: len(value) // 2] if value else value

        def data(path: str, offset: int = 0, size: int = 1 << 16) -> bytes | None:
            if fault == "raising":
                raise OSError(5, "injected I/O error", path)
            if fault == "missing":
                return None
            if fault == "empty":
                return b""
            if fault == "garbage":
                return faults.GARBAGE_BYTES[:size]
            value = real_bytes(path, offset, size)
            return value[: len(value) // 2] if value else value

        class Reader:  # sysio.open_reader's FileReader, with the same faults
            def __init__(self, path: str) -> None:
                self.path = path

            def read(self, offset: int, size: int) -> bytes | None:
                return data(self.path, offset, size)

            def close(self) -> None:
                pass

        def reader(path: str) -> Reader | None:
            if fault == "raising":
                raise OSError(5, "injected I/O error", path)
            return None if fault == "missing" else Reader(path)

        monkeypatch.setattr(sysio, "read_text", text)
        monkeypatch.setattr(sysio, "read_bytes", data)
        monkeypatch.setattr(sysio, "open_reader", reader)
        if fault in ("missing", "raising"):
            monkeypatch.setattr(sysio, "listdir", lambda path: [] if fault == "missing" else (_ for _ in ()).throw(OSError(5, "injected")))
        problems = []
        try:
            result = self.plugin.get_supported_configs()
        except Exception as exc:
            _fail([f"[never-raises] get_supported_configs() raised {exc!r} with reads {fault}"])
        problems += contract.check_configs(result, f"get_supported_configs() with reads {fault}")
        problems += contract.check_subset(result, self.plugin.get_all_configs())
        out = capfd.readouterr().out
        if out:
            problems.append(f"[no-stdout] wrote to stdout with reads {fault}: {out[:200]!r}")
        _fail(problems)

    def test_probe_raising_is_contained(
        self, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
    ) -> None:
        """A probe that raises anyway gives ``[]`` and a warning on stderr, never a traceback."""

        def boom() -> dict:
            raise RuntimeError("injected probe failure")

        monkeypatch.setattr(self.plugin, "probe", staticmethod(boom))
        result = self.plugin.get_supported_configs()
        captured = capfd.readouterr()
        problems = []
        if result != []:
            problems.append(f"[never-raises] a raising probe must give [], got {result!r}")
        if captured.out:
            problems.append(f"[no-stdout] wrote to stdout: {captured.out[:200]!r}")
        if "injected probe failure" not in captured.err:
            problems.append("[warn-on-stderr] a contained failure must be reported on stderr")
        _fail(problems)

    def test_bad_facts_file_in_installer(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
    ) -> None:
        """A missing, garbage or foreign facts file named by the variable: warning and ``[]``."""
        cases = {
            "missing": tmp_path / "does-not-exist.json",
            "garbage": tmp_path / "garbage.json",
            "foreign": tmp_path / "foreign.json",
        }
        cases["garbage"].write_bytes(faults.GARBAGE_BYTES)
        cases["foreign"].write_text(json.dumps({"format": 1, "provider": "not_this_one", "facts": {}}))
        problems = []
        for label, path in cases.items():
            monkeypatch.setenv(self.plugin.facts_env, str(path))
            result = self.plugin.get_supported_configs()
            captured = capfd.readouterr()
            if result != []:
                problems.append(f"[bad-facts] {label} facts file must give [], got {result!r}")
            if captured.out:
                problems.append(f"[no-stdout] {label} facts file wrote to stdout")
            if str(path) not in captured.err:
                problems.append(f"[bad-facts] the warning for a {label} facts file must name the file")
        _fail(problems)

    # -- 4. the command line and the real client (fresh processes) ------------------------------

    def _module(self) -> str:
        return self.plugin.__module__.split(".")[0]

    def _api(self) -> str:
        return f"{self.plugin.__module__}:{self.plugin.__qualname__}"

    def _sample_fixture(self) -> Path | None:
        """A fixture with a non-empty expected output (makes comparisons meaningful)."""
        for path in self.fixture_paths():
            if _load_fixture(path).get("expected"):
                return path
        return None

    def test_cli_json_matches_plugin(self) -> None:
        """``--json --facts FILE`` prints exactly what the plugin returns for that file."""
        path = self._sample_fixture()
        if path is None:
            pytest.skip("no fixture with a non-empty expected output")
        proc = _run(["-m", self._module(), "--json", "--facts", str(path)])
        assert proc.returncode == 0, f"[cli] --json failed: {proc.stderr}"
        doc = json.loads(proc.stdout)
        expected = _load_fixture(path)["expected"]
        assert doc["namespace"] == self.plugin.namespace, "[cli] --json namespace"
        assert doc["supported"] == expected, "[cli] --json differs from the fixture's expected output"
        proc = _run(["-m", self._module(), "--json", "--all"])
        assert json.loads(proc.stdout)["all"] == contract.as_data(self.plugin.get_all_configs()), "[cli] --all"

    def test_cli_report(self) -> None:
        """``--report`` names the provider, its version and the facts source, for live and file."""
        proc = _run(["-m", self._module(), "--report"])
        assert proc.returncode == 0, f"[cli] --report failed: {proc.stderr}"
        assert self.plugin.version in proc.stdout and "probed live" in proc.stdout, "[cli] --report header"
        path = self._sample_fixture()
        if path is not None:
            proc = _run(["-m", self._module(), "--report", "--facts", str(path)])
            assert proc.returncode == 0 and str(path) in proc.stdout, f"[cli] --report --facts: {proc.stderr}"
            for feature in _load_fixture(path)["expected"]:
                assert feature["name"] in proc.stdout, f"[cli] report lacks feature {feature['name']}"

    def test_cli_bad_facts_file(self, tmp_path: Path) -> None:
        """A bad ``--facts`` file: non-zero exit and an error naming the file; no traceback."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"format": 1, "provider": "%s", "facts": [1, 2]}' % self.plugin.namespace)
        proc = _run(["-m", self._module(), "--report", "--facts", str(bad)])
        assert proc.returncode != 0, "[cli-bad-facts] a bad facts file must fail the command"
        assert str(bad) in proc.stderr and "facts" in proc.stderr, f"[cli-bad-facts] {proc.stderr}"
        assert "Traceback" not in proc.stderr, f"[cli-bad-facts] traceback: {proc.stderr}"

    def test_record_replays_to_live_result(self, tmp_path: Path) -> None:
        """``--record`` on this machine, replayed with ``--facts``, gives the live answer."""
        proc = _run(["-m", self._module(), "--record"])
        assert proc.returncode == 0, f"[record] --record failed: {proc.stderr}"
        recorded = tmp_path / "recorded.json"
        recorded.write_text(proc.stdout)
        live = _run(["-m", self._module(), "--json"])
        replay = _run(["-m", self._module(), "--json", "--facts", str(recorded)])
        assert replay.returncode == 0, f"[record] replay failed: {replay.stderr}"
        assert json.loads(live.stdout)["supported"] == json.loads(replay.stdout)["supported"], (
            "[record-replay] the recorded facts do not replay to the live result"
        )

    def test_loaded_by_variantlib(self, tmp_path: Path) -> None:
        """The released ``variantlib`` loads the installed plugin in a fresh process and gets the
        plugin's own output, for both methods, live and from a facts file."""
        pytest.importorskip("variantlib", reason="[variantlib-load] variantlib is not installed")
        script = tmp_path / "via_variantlib.py"
        script.write_text(
            "import json, sys\n"
            "from variantlib.plugins.loader import DictPluginLoader\n"
            "ns, api = sys.argv[1], sys.argv[2]\n"
            "out = {}\n"
            "with DictPluginLoader({ns: api}) as loader:\n"
            "    for method in ('get_all_configs', 'get_supported_configs'):\n"
            "        cfg = getattr(loader, method)().get(ns)\n"
            "        out[method] = [] if cfg is None else [\n"
            "            {'name': c.name, 'values': list(c.values), 'multi_value': c.multi_value}\n"
            "            for c in cfg.configs]\n"
            "print(json.dumps(out))\n"
        )
        own = tmp_path / "own.py"
        own.write_text(
            "import json, sys, importlib\n"
            "mod, _, name = sys.argv[1].partition(':')\n"
            "p = getattr(importlib.import_module(mod), name)\n"
            "conv = lambda cs: [{'name': c.name, 'values': list(c.values), 'multi_value': c.multi_value} for c in cs]\n"
            "print(json.dumps({'get_all_configs': conv(p.get_all_configs()),"
            " 'get_supported_configs': conv(p.get_supported_configs())}))\n"
        )
        envs = [{}]
        sample = self._sample_fixture()
        if sample is not None:
            envs.append({self.plugin.facts_env: str(sample)})
        for env in envs:
            via = _run([str(script), self.plugin.namespace, self._api()], env=env)
            assert via.returncode == 0, f"[variantlib-load] variantlib failed to load the plugin: {via.stderr}"
            mine = _run([str(own), self._api()], env=env)
            assert mine.returncode == 0, mine.stderr
            assert json.loads(via.stdout) == json.loads(mine.stdout), (
                f"[variantlib-load] variantlib's view differs from the plugin's own (env {env})"
            )
