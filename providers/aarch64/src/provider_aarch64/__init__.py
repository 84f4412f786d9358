"""Variant provider for the ``aarch64`` namespace: the Arm architecture version and the
extensions of this machine, from Linux hwcaps and /proc/cpuinfo, macOS sysctls, or Windows'
IsProcessorFeaturePresent.

Importing this package imports nothing beyond ``os``, ``sys`` and ``provider_runtime``; the
probe, the tables and the rules are loaded only when needed, and on a non-Arm machine the tables
are never loaded at all.
"""

from __future__ import annotations

import os

from provider_runtime import FeatureConfig, ProviderPlugin

from provider_aarch64 import _rules

__version__ = "1.0.0"
__all__ = ["AArch64Plugin", "__version__"]


class AArch64Plugin(ProviderPlugin):
    """Variant provider plugin for the ``aarch64`` namespace."""

    namespace = "aarch64"
    distribution = "provider-aarch64"
    version = __version__
    facts_env = "PROVIDER_AARCH64_FACTS"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this machine (the seam; imported lazily, it is the only I/O)."""
        from provider_aarch64._probe import probe

        return probe()

    derive = staticmethod(_rules.derive)
    check_facts = staticmethod(_rules.check_facts)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        return _rules.all_configs()

    @classmethod
    def current_facts(cls) -> tuple[dict | None, str]:
        """As :meth:`ProviderPlugin.current_facts`, but a usable facts file is read without
        importing ``json`` (which imports ``re`` and costs about as much as the interpreter's
        own start-up). Anything unusual falls back to the runtime's loader, which gives the
        standard warning naming the file and the field."""
        path = os.environ.get(cls.facts_env)
        if path:
            facts = _fast_facts(path, cls)
            if facts is not None:
                return facts, f"facts file {path} (from ${cls.facts_env})"
        return super().current_facts()


def _fast_facts(path: str, plugin: type) -> dict | None:
    """The facts of a well-formed facts file for ``plugin``, or None (let the runtime decide)."""
    try:
        import _json  # the C scanner alone: no ``re``, no ``json.decoder``

        with open(path, "rb") as handle:
            raw = handle.read(16 * 1024 * 1024 + 1)
        if len(raw) > 16 * 1024 * 1024:
            return None
        text = raw.decode("utf-8")
        scan = _json.make_scanner(_ScanContext())
        start = len(text) - len(text.lstrip())
        data, end = scan(text, start)
        if text[end:].strip() or not isinstance(data, dict):
            return None
        facts = data.get("facts")
        fmt = data.get("format")
        if fmt != 1 or isinstance(fmt, bool) or data.get("provider") != plugin.namespace:
            return None
        if not isinstance(facts, dict) or plugin.check_facts(facts):
            return None
        return facts
    except Exception:  # any oddity: the runtime's loader reports it properly
        return None


class _ScanContext:
    """The attributes ``_json.make_scanner`` reads (the same defaults as ``json.loads``)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict = {}

    def __init__(self) -> None:
        self.memo = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]
