"""``python -m provider_nvidia --report | --json | --record | --facts FILE``."""

import sys

from provider_runtime.cli import main

from provider_nvidia import NvidiaPlugin

if __name__ == "__main__":
    sys.exit(main(NvidiaPlugin))
