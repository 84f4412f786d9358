"""``python -m provider_aarch64 --report | --json | --record | --facts FILE``."""

import sys

from provider_runtime.cli import main

from provider_aarch64 import AArch64Plugin

if __name__ == "__main__":
    sys.exit(main(AArch64Plugin))
