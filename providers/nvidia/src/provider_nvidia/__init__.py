"""Variant provider for the ``nvidia`` namespace: the driver's CUDA version and the GPU code
(``sm_arch``) every visible NVIDIA GPU of this machine runs.

Drop-in compatible with the reference provider (``nvidia-variant-provider``): same features,
spellings, ranges and order, same override variables; see README.md for what it adds.
Importing this module costs nothing beyond the runtime: the seam (``_probe``) and ``ctypes``
are imported only when asked, and ``ctypes`` only when driver files exist.
"""

from __future__ import annotations

from provider_runtime import FeatureConfig, ProviderPlugin

from provider_nvidia import _rules

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

    derive = staticmethod(_rules.derive)
    check_facts = staticmethod(_rules.check_facts)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        return _rules.all_configs()
