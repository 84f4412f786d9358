"""The plugin contract as checks that return messages (no pytest needed).

Each message starts with the rule it breaks in brackets, e.g. ``[value-regex] ...``, so that a
failing test says which rule of ``design/plugin-contract.md`` was broken. Installers (variantlib
0.2.x, PEP 817 drafts, uv's variant branch) enforce these rules; a provider that breaks one
breaks installs.
"""

from __future__ import annotations

import inspect
import re

NAME_RE = re.compile(r"^[a-z0-9_]+$")
VALUE_RE = re.compile(r"^[a-z0-9_.]+$")
RESERVED_NAMESPACES = {"abi_dependency"}
METHODS = ("get_all_configs", "get_supported_configs")


def check_shape(plugin: object) -> list[str]:
    """Rules about the plugin object itself."""
    problems = []
    if not isinstance(plugin, type):
        return [f"[shape-class] the plugin must be a class, found {type(plugin).__name__}"]
    for method in METHODS:
        raw = inspect.getattr_static(plugin, method, None)
        if raw is None:
            problems.append(f"[shape-methods] {plugin.__name__}.{method} is missing")
        elif not isinstance(raw, (staticmethod, classmethod)):
            problems.append(
                f"[shape-methods] {plugin.__name__}.{method} must be a staticmethod or "
                "classmethod: variantlib 0.2.x calls it on the class"
            )
    try:
        plugin()
    except Exception as exc:
        problems.append(f"[shape-no-arg-constructor] {plugin.__name__}() failed: {exc!r}")
    if "." in plugin.__qualname__:
        problems.append(
            f"[shape-object-path] {plugin.__qualname__} is nested; uv imports a single-level name"
        )
    namespace = getattr(plugin, "namespace", None)
    if not isinstance(namespace, str) or not NAME_RE.fullmatch(namespace):
        problems.append(f"[namespace] namespace must be a str matching {NAME_RE.pattern}, found {namespace!r}")
    elif namespace in RESERVED_NAMESPACES:
        problems.append(f"[namespace] namespace {namespace!r} is reserved")
    aot = getattr(plugin, "is_aot_plugin", False)
    compat = getattr(plugin, "all_properties_compatible", False)
    if not isinstance(aot, bool) or not isinstance(compat, bool) or aot != compat:
        problems.append(
            "[aot-flags] is_aot_plugin and all_properties_compatible must both be bools and "
            f"equal, found {aot!r} and {compat!r}"
        )
    return problems


def check_configs(configs: object, where: str) -> list[str]:
    """Rules about one list returned by a plugin method (``where`` names the call)."""
    if type(configs) is not list:
        return [f"[list-type] {where} must return a list, found {type(configs).__name__}"]
    problems = []
    seen_names: set = set()
    for index, item in enumerate(configs):
        label = f"{where}[{index}]"
        name = getattr(item, "name", None)
        values = getattr(item, "values", None)
        multi = getattr(item, "multi_value", None)
        if isinstance(item, dict) or name is None or values is None or multi is None:
            problems.append(
                f"[item-shape] {label} must have attributes name, values, multi_value "
                f"(dicts are rejected), found {item!r}"
            )
            continue
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            problems.append(f"[name-regex] {label}: feature name {name!r} must match {NAME_RE.pattern}")
        if name in seen_names:
            problems.append(f"[features-unique] {label}: feature {name!r} appears twice")
        seen_names.add(name)
        if not isinstance(multi, bool):
            problems.append(f"[item-shape] {label}: multi_value must be a bool, found {multi!r}")
        if type(values) is not list:
            problems.append(f"[list-type] {label}: values of {name!r} must be a list, found {type(values).__name__}")
            continue
        if not values:
            problems.append(f"[values-non-empty] {label}: feature {name!r} has no values (omit it instead)")
        for value in values:
            if not isinstance(value, str) or not VALUE_RE.fullmatch(value):
                problems.append(
                    f"[value-regex] {label}: value {value!r} of feature {name!r} must match {VALUE_RE.pattern}"
                )
        if len(set(map(repr, values))) != len(values):
            problems.append(f"[values-unique] {label}: feature {name!r} repeats a value: {values!r}")
    return problems


def check_subset(supported: list, all_configs: list) -> list[str]:
    """Supported must be a subset of all, with the same ``multi_value`` per feature."""
    problems = []
    by_name = {getattr(c, "name", None): c for c in all_configs}
    for cfg in supported:
        ref = by_name.get(cfg.name)
        if ref is None:
            problems.append(f"[subset] supported feature {cfg.name!r} is not in get_all_configs()")
            continue
        if ref.multi_value != cfg.multi_value:
            problems.append(
                f"[subset] feature {cfg.name!r}: multi_value {cfg.multi_value!r} in supported but "
                f"{ref.multi_value!r} in get_all_configs()"
            )
        extra = [v for v in cfg.values if v not in ref.values]
        if extra:
            problems.append(f"[subset] feature {cfg.name!r}: values {extra!r} are not in get_all_configs()")
    return problems


def check_aot(plugin: type, supported: list, all_configs: list) -> list[str]:
    """A build-time provider: supported is constant and equal to all; no multi-value."""
    if not getattr(plugin, "all_properties_compatible", False):
        return []
    problems = []
    if as_data(supported) != as_data(all_configs):
        problems.append("[aot-constant] an AoT plugin's get_supported_configs() must equal get_all_configs()")
    for cfg in all_configs:
        if cfg.multi_value:
            problems.append(f"[aot-multi-value] AoT plugin feature {cfg.name!r} may not be multi-value")
    return problems


def as_data(configs: list) -> list[dict]:
    """Configs as plain JSON-comparable data."""
    return [
        {"name": c.name, "values": list(c.values), "multi_value": c.multi_value} for c in configs
    ]


def check_plugin(plugin: type) -> list[str]:
    """Every rule that can be checked by calling the plugin on this machine once."""
    problems = check_shape(plugin)
    if problems and problems[0].startswith("[shape-class]"):
        return problems
    results = {}
    for method in METHODS:
        try:
            results[method] = getattr(plugin, method)()
        except Exception as exc:
            problems.append(f"[never-raises] {plugin.__name__}.{method}() raised {exc!r}")
            continue
        problems += check_configs(results[method], f"{method}()")
    if len(results) == 2 and not problems:
        all_configs = results["get_all_configs"]
        if not all_configs:
            problems.append("[all-non-empty] get_all_configs() must not be empty")
        problems += check_subset(results["get_supported_configs"], all_configs)
        problems += check_aot(plugin, results["get_supported_configs"], all_configs)
    return problems
