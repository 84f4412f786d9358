"""Variant provider for the ``mpi`` namespace.

Reports the MPI ABI families a wheel can link against in this environment (``abi``: the MPI-5
standard ABI ``mpiabi``, the ``mpich`` and ``openmpi`` families, ``msmpi``/``impi`` on
Windows), the MPI implementations present (``implementation``) and version floors of Open MPI
and MPICH. Libraries are found where the loader, mpi4py and the Python environment would find
them and identified by reading their files with ``provider_runtime.libscan``; nothing is loaded
into the installer's process and no process is spawned.
"""

from provider_runtime import ProviderPlugin

__version__ = "1.0.0"
__all__ = ["MpiPlugin", "__version__"]


class MpiPlugin(ProviderPlugin):
    """Variant provider plugin for the ``mpi`` namespace."""

    namespace = "mpi"
    distribution = "provider-mpi"
    version = __version__
    facts_env = "PROVIDER_MPI_FACTS"

    seam_module = "provider_mpi._probe"
    rules_module = "provider_mpi._rules"
