"""``python -m provider_blas --report | --json | --record | --facts FILE``."""

import sys

from provider_runtime.cli import main

from provider_blas import BlasPlugin

if __name__ == "__main__":
    sys.exit(main(BlasPlugin))
