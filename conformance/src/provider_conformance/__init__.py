"""Conformance harness for variant provider plugins.

- :class:`ProviderContract` (``provider_conformance.suite``): the pytest suite a provider's
  tests subclass with two attributes, ``plugin`` and ``fixtures``.
- :mod:`provider_conformance.contract`: the contract's rules as plain functions returning
  rule-named messages (``check_plugin(MyPlugin)``), usable outside pytest.
- :mod:`provider_conformance.faults`: the fault-injection mutations.
"""

from __future__ import annotations

__version__ = "1.0.0"
__all__ = ["ProviderContract", "check_plugin", "__version__"]

from provider_conformance.contract import check_plugin


def __getattr__(name: str) -> object:
    # pytest is imported only by those who use the suite, not by check_plugin() users.
    if name == "ProviderContract":
        from provider_conformance.suite import ProviderContract

        return ProviderContract
    raise AttributeError(name)
