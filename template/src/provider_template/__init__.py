"""Template variant provider for the fictional ``template`` device.

The fictional device has one compute unit per logical CPU, so its live path runs on every
machine. A vendor copies this package, renames it (see README: "Adding your hardware"), and
replaces ``_probe.py`` (the one module that reads the machine) and ``_rules.py`` (pure
functions of the facts).
"""

from provider_runtime import ProviderPlugin

__version__ = "1.0.0"
__all__ = ["TemplatePlugin", "__version__"]


class TemplatePlugin(ProviderPlugin):
    """Variant provider plugin for the ``template`` namespace."""

    namespace = "template"
    distribution = "provider-template"
    version = __version__
    facts_env = "PROVIDER_TEMPLATE_FACTS"

    #: The seam (the only module that reads the machine) and the rules (pure functions of
    #: the facts), imported on first use.
    seam_module = "provider_template._probe"
    rules_module = "provider_template._rules"
