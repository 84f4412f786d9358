"""Variant provider for the ``blas_lapack`` namespace.

Reports which BLAS/LAPACK implementations this environment has (``provider``, most preferred
first), which integer interfaces they offer (``interface``: lp64/ilp64) and the newest
OpenBLAS present (``openblas_version``). Libraries are found where the loader and the Python
environment would find them and identified by reading their files with
``provider_runtime.libscan``; nothing is loaded into the installer's process.
"""

from provider_runtime import ProviderPlugin

__version__ = "1.0.0"
__all__ = ["BlasPlugin", "__version__"]


class BlasPlugin(ProviderPlugin):
    """Variant provider plugin for the ``blas_lapack`` namespace."""

    namespace = "blas_lapack"
    distribution = "provider-blas"
    version = __version__
    facts_env = "PROVIDER_BLAS_FACTS"

    seam_module = "provider_blas._probe"
    rules_module = "provider_blas._rules"
