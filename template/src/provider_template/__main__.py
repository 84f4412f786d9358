"""``python -m provider_template --report | --json | --record | --facts FILE``."""

import sys

from provider_runtime.cli import main

from provider_template import TemplatePlugin

if __name__ == "__main__":
    sys.exit(main(TemplatePlugin))
