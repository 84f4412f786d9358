"""Variant provider for the ``aarch64`` namespace: the Arm architecture version and the
extensions of this machine, from Linux hwcaps and /proc/cpuinfo, macOS sysctls, or Windows'
IsProcessorFeaturePresent.

Importing this package imports nothing beyond ``os``, ``sys`` and ``provider_runtime``; the
probe, the tables and the rules are loaded only when needed, and on a non-Arm machine the tables
are never loaded at all.
"""


from provider_runtime import FeatureConfig, ProviderPlugin

__version__ = "1.0.0"
__all__ = ["AArch64Plugin", "__version__"]


class AArch64Plugin(ProviderPlugin):
    """Variant provider plugin for the ``aarch64`` namespace."""

    namespace = "aarch64"
    distribution = "provider-aarch64"
    version = __version__
    facts_env = "PROVIDER_AARCH64_FACTS"

    seam_module = "provider_aarch64._probe"
    rules_module = "provider_aarch64._rules"

    @classmethod
    def derive(cls, facts: dict, explain: list | None = None) -> list[FeatureConfig]:
        """Supported features from facts (``_rules.derive``); a record of a foreign machine is
        answered here, without importing the rules."""
        if explain is None and isinstance(facts, dict) and platform_verdict(facts) is not None:
            return []
        return super().derive(facts, explain)


#: ``platform.machine`` spellings of a 64-bit Arm process (Linux, macOS, Windows).
ARM64_MACHINES = ("aarch64", "arm64")


def platform_verdict(facts: dict) -> str | None:
    """Why this record cannot be from an AArch64 process, or None when it may be one.

    The first and cheapest rule (it lives here so that a non-Arm machine never loads the
    rules): ``platform.machine`` other than aarch64/arm64 (x86 Python under Rosetta 2 or
    Windows' x64 emulation included), or a pointer size other than 64 bits.
    """
    platform = facts.get("platform")
    if not isinstance(platform, dict):
        return None
    machine = platform.get("machine")
    if isinstance(machine, str) and machine and machine.lower() not in ARM64_MACHINES:
        return f"platform.machine is {machine!r}: not a 64-bit Arm process"
    bits = platform.get("bits")
    if isinstance(bits, int) and not isinstance(bits, bool) and bits != 64:
        return f"platform.bits is {bits}: a {bits}-bit process cannot run aarch64 code"
    return None
