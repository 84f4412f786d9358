"""The contract checker names the rule each bad plugin breaks."""

from __future__ import annotations

import pytest

from provider_conformance import check_plugin, contract, faults
from provider_runtime import FeatureConfig


def make(all_configs: list, supported: list | None = None, **attrs: object) -> type:
    body = {
        "namespace": "ok_ns",
        "is_aot_plugin": False,
        "all_properties_compatible": False,
        "get_all_configs": staticmethod(lambda: all_configs),
        "get_supported_configs": staticmethod(lambda: all_configs if supported is None else supported),
    }
    body.update(attrs)
    return type("P", (), body)


def rules(problems: list[str]) -> set[str]:
    return {p.split("]")[0] + "]" for p in problems}


GOOD = [FeatureConfig("level", ["v2", "v1"]), FeatureConfig("sm_arch", ["90_real"], True)]


def test_good_plugin_passes() -> None:
    assert check_plugin(make(GOOD)) == []


@pytest.mark.parametrize(
    "configs, rule",
    [
        ([FeatureConfig("Level", ["v1"])], "[name-regex]"),
        ([FeatureConfig("level", ["V1"])], "[value-regex]"),
        ([FeatureConfig("level", ["v-1"])], "[value-regex]"),
        ([FeatureConfig("level", [])], "[values-non-empty]"),
        ([FeatureConfig("level", ["v1", "v1"])], "[values-unique]"),
        ([FeatureConfig("a", ["1"]), FeatureConfig("a", ["2"])], "[features-unique]"),
        ([{"name": "a", "values": ["1"], "multi_value": False}], "[item-shape]"),
        ([FeatureConfig("a", ("1",))], "[list-type]"),
        ([FeatureConfig("a", ["1"], multi_value=1)], "[item-shape]"),
        ((FeatureConfig("a", ["1"]),), "[list-type]"),
    ],
)
def test_each_rule_is_named(configs: list, rule: str) -> None:
    assert rule in rules(check_plugin(make(configs)))


def test_subset_rules() -> None:
    extra_value = [FeatureConfig("level", ["v3"])]
    assert "[subset]" in rules(check_plugin(make(GOOD, extra_value)))
    flipped = [FeatureConfig("sm_arch", ["90_real"], False)]
    assert "[subset]" in rules(check_plugin(make(GOOD, flipped)))
    unknown = [FeatureConfig("nope", ["1"])]
    assert "[subset]" in rules(check_plugin(make(GOOD, unknown)))


def test_shape_rules() -> None:
    assert "[aot-flags]" in rules(check_plugin(make(GOOD, is_aot_plugin=True)))
    assert "[namespace]" in rules(check_plugin(make(GOOD, namespace="Bad-NS")))
    assert "[namespace]" in rules(check_plugin(make(GOOD, namespace="abi_dependency")))
    plain = make(GOOD)
    plain.get_all_configs = lambda self: GOOD  # a plain method: variantlib calls it on the class
    assert "[shape-methods]" in rules(contract.check_shape(plain))
    assert "[shape-class]" in rules(check_plugin(object()))


def test_aot_rules() -> None:
    aot = make(GOOD, [GOOD[0]], is_aot_plugin=True, all_properties_compatible=True)
    found = rules(check_plugin(aot))
    assert "[aot-constant]" in found and "[aot-multi-value]" in found


def test_raising_plugin_is_named() -> None:
    def boom() -> list:
        raise RuntimeError("x")

    assert "[never-raises]" in rules(check_plugin(make(GOOD, get_supported_configs=staticmethod(boom))))


def test_fault_mutations_cover_every_path() -> None:
    facts = {"a": "text", "b": {"c": [1, 2]}}
    labels = [label for label, _ in faults.mutations(facts)]
    assert "facts['a']:missing" in labels
    assert "facts['b']['c']:truncated" in labels
    assert "facts['b']['c'][0]:huge" in labels
    mutated = dict(faults.mutations(facts))
    assert mutated["facts['b']['c']:truncated"] == {"a": "text", "b": {"c": [1]}}
    assert facts == {"a": "text", "b": {"c": [1, 2]}}  # the original is never changed
