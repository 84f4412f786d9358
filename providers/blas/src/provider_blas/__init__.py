"""Variant provider for the ``blas_lapack`` namespace.

Reports which BLAS/LAPACK implementations this environment has (``provider``, most preferred
first), which integer interfaces they offer (``interface``: lp64/ilp64) and the newest
OpenBLAS present (``openblas_version``). Libraries are found where the loader and the Python
environment would find them and identified by reading their files with
``provider_runtime.libscan``; nothing is loaded into the installer's process.
"""

from provider_runtime import FeatureConfig, ProviderPlugin

from provider_blas import _rules

__version__ = "1.0.0"
__all__ = ["BlasPlugin", "__version__"]


class BlasPlugin(ProviderPlugin):
    """Variant provider plugin for the ``blas_lapack`` namespace."""

    namespace = "blas_lapack"
    distribution = "provider-blas"
    version = __version__
    facts_env = "PROVIDER_BLAS_FACTS"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this environment (the seam; imported lazily, it is the only I/O)."""
        from provider_blas._probe import probe

        return probe()

    derive = staticmethod(_rules.derive)
    check_facts = staticmethod(_rules.check_facts)
    scrub = staticmethod(_rules.scrub)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        return _rules.all_configs()
