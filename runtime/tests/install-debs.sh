#!/usr/bin/env bash
# Install Debian packages that a provider's live-library tests read (shared by
# providers/*/tests/install-test-libs.sh): `install-debs.sh TAG PACKAGE...`. Installs only the
# missing ones, as root with apt-get; otherwise (or on failure) says so and skips: the tests
# then SKIP with a reason, or FAIL when CI=true. The apt log is /tmp/provider-TAG-apt.log.
# Always exits 0.
set -u
TAG="$1"
shift
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "install-test-libs: apt-get install$missing"
        { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; } \
            >"/tmp/provider-$TAG-apt.log" 2>&1 || echo "install-test-libs: apt-get failed (see /tmp/provider-$TAG-apt.log); skipping Debian packages"
    else
        echo "install-test-libs: Debian packages already installed"
    fi
else
    echo "install-test-libs: not root or no apt-get; skipping Debian packages"
fi
exit 0
