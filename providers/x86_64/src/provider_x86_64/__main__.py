"""``python -m provider_x86_64 --report | --json | --record | --facts FILE``."""

import sys

from provider_runtime.cli import main

from provider_x86_64 import X86_64Plugin

if __name__ == "__main__":
    sys.exit(main(X86_64Plugin))
