"""Variant provider for the ``nvidia`` namespace: the driver's CUDA version and the GPU code
(``sm_arch``) every visible NVIDIA GPU of this machine runs.

Drop-in compatible with the reference provider (``nvidia-variant-provider``): same features,
spellings, ranges and order, same override variables; see README.md for what it adds.
Importing this module costs nothing beyond the runtime: the seam (``_probe``) and ``ctypes``
are imported only when asked, and ``ctypes`` only when driver files exist.
"""

from __future__ import annotations

from provider_runtime import FeatureConfig, ProviderPlugin

_FORCE_CUDA_ENV = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"

__version__ = "1.0.0"
__all__ = ["NvidiaPlugin", "__version__"]


class NvidiaPlugin(ProviderPlugin):
    """Variant provider plugin for the ``nvidia`` namespace."""

    namespace = "nvidia"
    distribution = "provider-nvidia"
    version = __version__
    facts_env = "PROVIDER_NVIDIA_FACTS"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this machine (the seam; imported lazily, it is the only I/O)."""
        from provider_nvidia._probe import probe

        return probe()

    @staticmethod
    def scrub(facts: dict) -> dict:
        """Replace GPU UUIDs with placeholders before facts are recorded."""
        from provider_nvidia._probe import scrub

        return scrub(facts)

    @staticmethod
    def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
        """Supported features from facts (``_rules.derive``; see its rules).

        Facts with no driver call and no forced CUDA version can only give ``[]`` (no CUDA
        version was read): answered here without importing the rules, which is what a machine
        without an NVIDIA driver pays at every install.
        """
        if explain is None and isinstance(facts, dict) and not facts.get("calls"):
            env = facts.get("env")
            forced = env.get(_FORCE_CUDA_ENV) if isinstance(env, dict) else None
            if not (isinstance(forced, str) and forced):
                return []
        from provider_nvidia import _rules

        return _rules.derive(facts, explain)

    @staticmethod
    def check_facts(facts: dict) -> list[str]:
        """Problems that make a facts file unusable, each naming its field."""
        from provider_nvidia import _rules

        return _rules.check_facts(facts)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        from provider_nvidia import _rules

        return _rules.all_configs()
