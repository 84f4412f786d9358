"""Variant provider for the ``mpi`` namespace.

Reports the MPI ABI families a wheel can link against in this environment (``abi``: the MPI-5
standard ABI ``mpiabi``, the ``mpich`` and ``openmpi`` families, ``msmpi``/``impi`` on
Windows), the MPI implementations present (``implementation``) and version floors of Open MPI
and MPICH. Libraries are found where the loader, mpi4py and the Python environment would find
them and identified by reading their files with ``provider_runtime.libscan``; nothing is loaded
into the installer's process and no process is spawned.
"""

from provider_runtime import FeatureConfig, ProviderPlugin

from provider_mpi import _rules

__version__ = "1.0.0"
__all__ = ["MpiPlugin", "__version__"]


class MpiPlugin(ProviderPlugin):
    """Variant provider plugin for the ``mpi`` namespace."""

    namespace = "mpi"
    distribution = "provider-mpi"
    version = __version__
    facts_env = "PROVIDER_MPI_FACTS"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this environment (the seam; imported lazily, it is the only I/O)."""
        from provider_mpi._probe import probe

        return probe()

    derive = staticmethod(_rules.derive)
    check_facts = staticmethod(_rules.check_facts)
    scrub = staticmethod(_rules.scrub)

    @classmethod
    def get_all_configs(cls) -> list[FeatureConfig]:
        """Every feature with every value this version knows (a constant)."""
        return _rules.all_configs()
