"""Pure functions from raw facts to variant features: no I/O, any input accepted.

Feature order is preference order for installers: the first feature dominates the sort.
"""

from provider_runtime import FeatureConfig

# Unit-count thresholds a wheel may require ("needs at least N units"), highest first.
# Data, not code: a vendor lists the values its product line can have.
UNIT_THRESHOLDS = ("256", "128", "64", "32", "16", "8", "4", "2", "1")
BYTE_ORDERS = ("little", "big")


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version of the provider knows."""
    return [
        FeatureConfig("units", list(UNIT_THRESHOLDS)),
        FeatureConfig("byteorder", list(BYTE_ORDERS)),
    ]


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this machine supports, from its facts; never raises on odd input."""
    note = explain.append if explain is not None else _drop
    out = []
    facts = facts if isinstance(facts, dict) else {}
    count = facts.get("cpu_count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 1:
        values = [v for v in UNIT_THRESHOLDS if int(v) <= count]
        out.append(FeatureConfig("units", values))
        note(("units", f"cpu_count = {count}: a device of {count} units runs wheels needing <= {count}"))
    else:
        note(("units", f"cpu_count = {count!r}: no usable unit count, no device"))
    order = facts.get("byteorder")
    if order in BYTE_ORDERS:
        out.append(FeatureConfig("byteorder", [order]))
        note(("byteorder", f"byteorder = {order!r}"))
    else:
        note(("byteorder", f"byteorder = {order!r}: not one of {', '.join(BYTE_ORDERS)}"))
    return out


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    from provider_runtime.facts import check_fields

    problems = check_fields(facts, {"cpu_count": (int, None), "byteorder": (str,), "platform": (dict,)})
    count = facts.get("cpu_count") if isinstance(facts, dict) else None
    if isinstance(count, int) and not isinstance(count, bool) and count < 0:
        problems.append(f"field 'facts.cpu_count' must not be negative, found {count}")
    return problems


def _drop(_item: object) -> None:
    pass
