"""Shared runtime of the variant provider suite.

This module is on every provider's fast path: installers import a provider in a fresh
interpreter at every install, and everything imported here is paid for each time. It
therefore imports nothing beyond what the interpreter has already loaded (``os``, ``sys``).
Facts-file parsing (``json``), the command line (``argparse``) and the library scanner live in
submodules that are imported only when they are needed.

Public API (stable):

- :class:`FeatureConfig` - one feature with its values, the item type of both plugin methods.
- :class:`ProviderPlugin` - the base class of every provider's plugin class.
- :func:`warn` - one line on stderr, the only output a plugin may produce.
- :func:`platform_facts` - the ``platform`` entry of every facts file.
"""


import os
import sys

__version__ = "1.0.0"
__all__ = ["FeatureConfig", "ProviderPlugin", "platform_facts", "warn", "__version__"]


class FeatureConfig:
    """One variant feature: its name, its values (most preferred first), and whether a wheel
    may declare several values of it.

    A ``__slots__`` class rather than a dataclass: ``import dataclasses`` in a fresh
    interpreter costs more than the interpreter's own start-up, and this class is built on
    every install.
    """

    __slots__ = ("name", "values", "multi_value")

    def __init__(self, name: str, values: list[str], multi_value: bool = False) -> None:
        self.name = name
        self.values = values
        self.multi_value = multi_value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FeatureConfig):
            return NotImplemented
        return (self.name, self.values, self.multi_value) == (
            other.name,
            other.values,
            other.multi_value,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dataclass without frozen

    def __repr__(self) -> str:
        return (
            f"FeatureConfig(name={self.name!r}, values={self.values!r}, "
            f"multi_value={self.multi_value!r})"
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by ``--json`` and in fixtures' ``expected`` lists."""
        return {"name": self.name, "values": list(self.values), "multi_value": self.multi_value}


def warn(message: str) -> None:
    """Write one warning line to stderr. Never raises (stderr may be closed)."""
    try:
        sys.stderr.write(message.rstrip("\n") + "\n")
    except Exception:  # pragma: no cover - nothing sensible left to do
        pass


def platform_facts() -> dict:
    """``{"system": ..., "machine": ...}`` of this process, as every facts file records it.

    ``platform.system()``/``machine()`` import more than they are worth at every install;
    ``sys.platform`` and ``os.uname()`` say the same. ``machine`` is this process's
    architecture: ``x86_64`` for x86 Python under Rosetta 2, ``PROCESSOR_ARCHITECTURE``
    (``AMD64``, ``ARM64``, ``x86`` for 32-bit Python) on Windows.
    """
    if sys.platform.startswith("linux"):
        system = "Linux"
    else:
        system = {"darwin": "Darwin", "win32": "Windows", "cygwin": "Windows"}.get(sys.platform, sys.platform)
    try:
        machine = os.uname().machine
    except AttributeError:  # Windows
        machine = os.environ.get("PROCESSOR_ARCHITECTURE", "")
    return {"system": system, "machine": machine}



def _module(name: str, method: str) -> object:
    """The module ``name``, imported on first use (``importlib`` is not needed for that)."""
    if not name:
        raise NotImplementedError(f"set seam_module/rules_module or override {method}()")
    module = sys.modules.get(name)
    if module is None:
        __import__(name)
        module = sys.modules[name]
    return module


class ProviderPlugin:
    """Base class of every provider's plugin class.

    A provider subclasses it and sets the class attributes below, naming its seam module (the
    one that touches the machine: :meth:`probe`) and its rules module (pure functions of the
    facts: :meth:`derive`, :meth:`get_all_configs`). Installers call :meth:`get_supported_configs` and
    :meth:`get_all_configs` on the class (variantlib 0.2.x) or on an instance (uv): every
    method here is a class or static method, so both give the same results.

    :meth:`get_supported_configs` never raises and never writes to stdout: a facts file named
    by ``facts_env`` replaces the live probe; an unusable facts file, or any exception in the
    probe or the rules, gives a warning on stderr and an empty list for this namespace only.
    """

    #: The variant namespace (PEP 817 / uv read it; variantlib 0.2.x takes it from metadata).
    namespace: str = ""
    #: Build-time ("ahead of time") flags under both spellings; never True for a probing plugin.
    is_aot_plugin: bool = False
    all_properties_compatible: bool = False
    #: Distribution name and version, shown by ``--report`` and written by ``--record``.
    distribution: str = ""
    version: str = ""
    #: Environment variable naming a facts file to use instead of probing this machine.
    facts_env: str = ""

    #: Dotted names of the provider's two modules, imported on first use (so that importing
    #: the plugin stays cheap): the seam (``probe()``, optional ``scrub()``) and the rules
    #: (``derive(facts, explain=None)``, ``all_configs()``, optional ``check_facts(facts)`` and
    #: ``scrub(facts)``). With both set, a plugin class is pure data; a provider that needs a
    #: cheaper path (a check before importing its seam) overrides the method instead.
    seam_module: str = ""
    rules_module: str = ""

    @classmethod
    def probe(cls) -> dict:
        """Read this machine and return raw, JSON-native facts. Must never raise."""
        return _module(cls.seam_module, "probe").probe()

    @classmethod
    def derive(cls, facts: dict, explain: list | None = None) -> list[FeatureConfig]:
        """Supported features from facts; must accept any JSON value without raising.

        When ``explain`` is a list, append ``(feature_name, text)`` pairs that say why each
        feature has (or lacks) its values; ``feature_name`` ``""`` is a general note.
        """
        return _module(cls.rules_module, "derive").derive(facts, explain)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every valid feature with every valid value: a constant of the plugin version."""
        return _module(cls.rules_module, "get_all_configs").all_configs()

    @classmethod
    def check_facts(cls, facts: dict) -> list[str]:
        """Problems with a facts mapping, each naming its field; ``[]`` when usable."""
        check = getattr(_module(cls.rules_module, "check_facts"), "check_facts", None) if cls.rules_module else None
        return check(facts) if check is not None else []

    @classmethod
    def scrub(cls, facts: dict) -> dict:
        """Remove identifying data nobody needs (serials, UUIDs, host names) before recording."""
        for name in (cls.seam_module, cls.rules_module):
            scrub = getattr(_module(name, "scrub"), "scrub", None) if name else None
            if scrub is not None:
                return scrub(facts)
        return facts

    # -- what the runtime provides -------------------------------------------------------

    @classmethod
    def get_supported_configs(cls) -> list[FeatureConfig]:
        """Features and values this machine (or the facts file in ``facts_env``) supports,
        most important feature first, most preferred value first."""
        try:
            facts = cls.current_facts()[0]
            if facts is None:
                return []
            return cls.derive(facts)
        except Exception as exc:  # never break an install: this namespace only reports nothing
            warn(
                f"{cls.distribution or cls.__name__}: internal error ({type(exc).__name__}: "
                f"{exc}); reporting no supported features for namespace {cls.namespace!r}"
            )
            return []

    @classmethod
    def current_facts(cls) -> tuple[dict | None, str]:
        """``(facts, where they came from)``; ``facts`` is None when a named facts file is
        unusable (a warning has then been written)."""
        path = os.environ.get(cls.facts_env) if cls.facts_env else None
        if path:
            from provider_runtime import facts as _facts  # json is not free at start-up

            try:
                return _facts.load(path, cls), f"facts file {path} (from ${cls.facts_env})"
            except _facts.FactsError as exc:
                warn(
                    f"{cls.distribution or cls.__name__}: {exc}; reporting no supported "
                    f"features for namespace {cls.namespace!r}"
                )
                return None, f"unusable facts file {path} (from ${cls.facts_env})"
        facts = cls.probe()
        if not isinstance(facts, dict):
            raise TypeError(f"probe() returned {type(facts).__name__}, not dict")
        return facts, "probed live on this machine"
