"""``python -m provider_mpi --report | --json | --record | --facts FILE [--query-library]``.

``--query-library`` (with the live ``--report``) adds what each identified MPI library says
about itself through ``MPI_Get_library_version`` / ``MPI_Get_version``, asked in a child
process with a time limit (see ``_query``). It is never part of the plugin path.
"""

import sys

from provider_runtime.cli import main

from provider_mpi import MpiPlugin


def _run(argv: list[str]) -> int:
    query = "--query-library" in argv
    argv = [a for a in argv if a != "--query-library"]
    status = main(MpiPlugin, argv)
    if query and status == 0 and not any(a in argv for a in ("--json", "--record", "--all", "--facts")):
        from provider_mpi._query import report

        sys.stdout.write(report(MpiPlugin.probe()))
    return status


if __name__ == "__main__":
    sys.exit(_run(sys.argv[1:]))
