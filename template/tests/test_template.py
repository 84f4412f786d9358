"""Tests of the template provider: the conformance suite plus its own rules."""

from __future__ import annotations

from pathlib import Path

from provider_conformance import ProviderContract

from provider_template import TemplatePlugin, _rules

FIXTURES = Path(__file__).parent / "fixtures"


class TestTemplateContract(ProviderContract):
    plugin = TemplatePlugin
    fixtures = FIXTURES


def test_units_are_thresholds_up_to_the_count() -> None:
    configs = _rules.derive({"cpu_count": 6, "byteorder": "little"})
    assert configs[0].name == "units"
    assert configs[0].values == ["4", "2", "1"]
    assert configs[1].values == ["little"]


def test_no_count_means_no_device() -> None:
    assert _rules.derive({"cpu_count": None}) == []


def test_explanations_name_the_fact() -> None:
    explain: list = []
    _rules.derive({"cpu_count": 2, "byteorder": "big"}, explain)
    assert ("units", "cpu_count = 2: a device of 2 units runs wheels needing <= 2") in explain


def test_check_facts_names_the_field() -> None:
    assert _rules.check_facts({"cpu_count": "eight"}) == [
        "field 'facts.cpu_count' must be an integer or null, found str"
    ]
    assert _rules.check_facts({"cpu_count": -3}) == ["field 'facts.cpu_count' must not be negative, found -3"]
