#!/usr/bin/env bash
# Real BLAS libraries for providers/blas tests (called by `python suite.py test` with the suite
# venv's python as $1; runnable by hand). Each step skips, with a message, what it cannot do:
# the tests then SKIP with a reason, or FAIL when CI=true.
#
#   Debian packages (root + apt-get): OpenBLAS LP64 and ILP64 (pthread builds), BLIS,
#   reference BLAS/LAPACK.
#   PyPI wheels scipy-openblas32, scipy-openblas64, mkl into a scratch venv
#   ($BLAS_TEST_TARGET, default /tmp/provider-blas-test-target) that the tests pass to the
#   probe as the target environment (PROVIDER_BLAS_PREFIX).
set -u
PY="${1:-python3}"
TARGET="${BLAS_TEST_TARGET:-/tmp/provider-blas-test-target}"
PACKAGES="libopenblas0-pthread libopenblas64-0-pthread libblis4-pthread libblas3 liblapack3"

# The apt part is shared with the other providers' scripts.
bash "$(dirname "$0")/../../../runtime/tests/install-debs.sh" blas $PACKAGES

if [ ! -x "$TARGET/bin/python" ]; then
    "$PY" -m venv --without-pip "$TARGET" 2>/dev/null || "$PY" -m venv "$TARGET" || { echo "install-test-libs: cannot create $TARGET"; exit 0; }
fi
if ls "$TARGET"/lib/python3*/site-packages/scipy_openblas64 >/dev/null 2>&1 \
   && ls "$TARGET"/lib/python3*/site-packages/scipy_openblas32 >/dev/null 2>&1 \
   && ls "$TARGET"/lib/libmkl_rt.so* >/dev/null 2>&1; then
    echo "install-test-libs: wheels already in $TARGET"
    exit 0
fi
# The suite venv's pip installs into the target with --prefix (no pip needed in the target).
"$PY" -m pip install --disable-pip-version-check -q --no-deps --prefix "$TARGET" \
    scipy-openblas32 scipy-openblas64 mkl >/tmp/provider-blas-pip.log 2>&1 \
    && echo "install-test-libs: wheels installed into $TARGET" \
    || echo "install-test-libs: pip failed (see /tmp/provider-blas-pip.log); skipping wheels"
exit 0
