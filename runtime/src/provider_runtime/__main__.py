"""``python -m provider_runtime``: the report of every installed provider of the suite.

Finds plugins through the ``variant_plugins`` entry points (as installers do) and prints each
one's report, or with ``--json`` one JSON object keyed by namespace. Plugins that are not
built on :class:`provider_runtime.ProviderPlugin` are listed by their supported configs only.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import entry_points

from provider_runtime import ProviderPlugin
from provider_runtime import facts as _facts
from provider_runtime.cli import _configs_json, gather, render_report


def _plugins() -> list[tuple[str, object]]:
    found = []
    for ep in sorted(entry_points(group="variant_plugins"), key=lambda e: e.name):
        try:
            found.append((ep.name, ep.load()))
        except Exception as exc:  # one broken plugin must not hide the others
            print(f"warning: cannot load plugin {ep.name} ({ep.value}): {exc}", file=sys.stderr)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m provider_runtime",
        description="Report what every installed variant provider sees on this machine.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--all", action="store_true", help="all valid configs, not just supported")
    args = parser.parse_args(argv)
    plugins = _plugins()
    if not plugins:
        print("no variant provider plugins are installed", file=sys.stderr)
        return 1
    status = 0
    doc = {}
    for name, plugin in plugins:
        ours = isinstance(plugin, type) and issubclass(plugin, ProviderPlugin)
        try:
            info = gather(plugin) if ours else None
        except _facts.FactsError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            status = 2
            continue
        if args.json:
            configs = (plugin.get_all_configs() if args.all else
                       (info["supported"] if info else plugin.get_supported_configs()))
            doc[name] = _configs_json(configs)
        elif ours:
            sys.stdout.write(render_report(plugin, info, show_all=args.all) + "\n")
        else:
            sys.stdout.write(f"{name} (not part of this suite):\n")
            for cfg in plugin.get_supported_configs():
                sys.stdout.write(f"  {cfg.name} = {', '.join(cfg.values)}\n")
            sys.stdout.write("\n")
    if args.json:
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
