"""Template variant provider for the fictional ``template`` device.

The fictional device has one compute unit per logical CPU, so its live path runs on every
machine. A vendor copies this package, renames it (see README: "Adding your hardware"), and
replaces ``_probe.py`` (the one module that reads the machine) and ``_rules.py`` (pure
functions of the facts).
"""

from provider_runtime import FeatureConfig, ProviderPlugin

from provider_template import _rules

__version__ = "1.0.0"
__all__ = ["TemplatePlugin", "__version__"]


class TemplatePlugin(ProviderPlugin):
    """Variant provider plugin for the ``template`` namespace."""

    namespace = "template"
    distribution = "provider-template"
    version = __version__
    facts_env = "PROVIDER_TEMPLATE_FACTS"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this machine (the seam; imported lazily, it is the only I/O)."""
        from provider_template._probe import probe

        return probe()

    derive = staticmethod(_rules.derive)
    check_facts = staticmethod(_rules.check_facts)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        return _rules.all_configs()
