"""Wheel variant provider for the ``x86_64`` namespace.

Reports the x86-64 psABI level (``v4`` .. ``v1``, highest supported first) and one feature per
CPU extension (value ``on``) that this machine's CPU has *and* its OS has enabled. The live
path reads ``/proc/cpuinfo`` on Linux, ``sysctl`` on macOS and CPUID/XGETBV on Windows
(``_probe.py``, the only module that touches the machine); everything else is a pure function
of those raw facts (``_rules.py``: the tables and the fast path; ``_sources.py``: the rest).

Build backends: :func:`provider_x86_64.compiler.compiler_flags` turns properties into
``-march=x86-64-vN`` style flags (imported on demand, never on the installer's path).
"""

from provider_runtime import ProviderPlugin

__version__ = "1.0.0"
__all__ = ["X86_64Plugin", "__version__", "compiler_flags"]


class X86_64Plugin(ProviderPlugin):
    """Variant provider plugin for the ``x86_64`` namespace."""

    namespace = "x86_64"
    distribution = "provider-x86-64"
    version = __version__
    facts_env = "PROVIDER_X86_64_FACTS"

    seam_module = "provider_x86_64._probe"
    rules_module = "provider_x86_64._rules"


def compiler_flags(properties, compiler: str = "gcc") -> list[str]:
    """GCC/Clang flags for a set of ``x86_64`` properties (see :mod:`provider_x86_64.compiler`)."""
    from provider_x86_64.compiler import compiler_flags as _flags

    return _flags(properties, compiler)
