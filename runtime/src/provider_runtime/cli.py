"""The command line every provider shares: ``python -m provider_<name> [options]``.

    --report        readable report: each feature, its values, and why (the default)
    --json          machine-readable: {"namespace", "supported": [...]} as the plugin returns
    --all           with --report/--json: the same for get_all_configs()
    --record        print this machine's raw facts as a facts file (identifying data removed)
    --facts FILE    use a recorded facts file instead of probing this machine

A facts file named with ``--facts`` (or in the provider's ``PROVIDER_<NAME>_FACTS`` variable)
that cannot be used is an error naming the file and the field, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap

from provider_runtime import FeatureConfig, ProviderPlugin
from provider_runtime import facts as _facts

EXIT_BAD_FACTS = 2


def _parser(plugin: type[ProviderPlugin]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {plugin.__module__.split('.')[0]}",
        description=f"{plugin.distribution}: what this machine supports in the "
        f"{plugin.namespace!r} variant namespace, and why.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--report", action="store_true", help="readable report (default)")
    mode.add_argument("--json", action="store_true", help="machine-readable output")
    mode.add_argument("--record", action="store_true", help="print this machine's raw facts")
    parser.add_argument("--all", action="store_true", help="all valid configs, not just supported")
    parser.add_argument("--facts", metavar="FILE", help="use a recorded facts file")
    parser.add_argument("--version", action="version", version=f"{plugin.distribution} {plugin.version}")
    return parser


def gather(plugin: type[ProviderPlugin], facts_file: str | None = None) -> dict:
    """Everything the report needs: facts, their source, supported configs and explanations.

    Raises :class:`provider_runtime.facts.FactsError` for an unusable facts file, whether it
    was named by ``facts_file`` or by the provider's environment variable.
    """
    if facts_file is None and plugin.facts_env and os.environ.get(plugin.facts_env):
        facts_file = os.environ[plugin.facts_env]
        origin = f"facts file {facts_file} (from ${plugin.facts_env})"
    else:
        origin = f"facts file {facts_file}" if facts_file else "probed live on this machine"
    problem = None
    if facts_file:
        facts = _facts.load(facts_file, plugin)
    else:
        try:
            facts = plugin.probe()
        except Exception as exc:  # the seam must not raise; say so instead of a traceback
            facts, problem = {}, f"the probe failed: {type(exc).__name__}: {exc}"
    explain: list = []
    try:
        supported = plugin.derive(facts, explain)
    except Exception as exc:
        supported, problem = [], f"the rules failed: {type(exc).__name__}: {exc}"
    return {
        "facts": facts,
        "origin": origin,
        "supported": supported,
        "explain": explain,
        "problem": problem,
    }


def _configs_json(configs: list[FeatureConfig]) -> list[dict]:
    return [{"name": c.name, "values": list(c.values), "multi_value": c.multi_value} for c in configs]


def _wrap(text: str, indent: str) -> str:
    lines = []
    for para in str(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(para, 96, initial_indent=indent, subsequent_indent=indent + "  ") or [indent])
    return "\n".join(lines)


def render_report(plugin: type[ProviderPlugin], info: dict, show_all: bool = False) -> str:
    """The readable report for one provider."""
    out = [f"{plugin.distribution} {plugin.version}: namespace {plugin.namespace!r}"]
    out.append(f"facts: {info['origin']}")
    platform = info["facts"].get("platform") if isinstance(info["facts"], dict) else None
    if isinstance(platform, dict) and platform:
        out.append("platform: " + " ".join(str(v) for v in platform.values() if v))
    if info["problem"]:
        out.append(f"WARNING: {info['problem']}")
    notes: dict[str, list[str]] = {}
    for item in info["explain"]:
        try:
            name, text = item
        except (TypeError, ValueError):
            name, text = "", str(item)
        notes.setdefault(str(name), []).append(str(text))
    supported = {c.name: c for c in info["supported"]}
    out.append("")
    if notes.get(""):
        out.append("Notes:")
        out.extend(_wrap(t, "  ") for t in notes[""])
        out.append("")
    if show_all:
        out.append("All valid configs (* = supported here, in preference order):")
        for cfg in plugin.get_all_configs():
            here = supported.get(cfg.name)
            marks = [v + ("*" if here and v in here.values else "") for v in cfg.values]
            kind = " (multi-value)" if cfg.multi_value else ""
            out.append(_wrap(f"{cfg.name}{kind}: " + ", ".join(marks), "  "))
        return "\n".join(out) + "\n"
    if supported:
        out.append("Supported, most important feature first, best value first:")
    else:
        out.append("Supported: nothing in this namespace on this machine.")
    for cfg in info["supported"]:
        kind = " (multi-value)" if cfg.multi_value else ""
        out.append(_wrap(f"{cfg.name}{kind} = " + ", ".join(cfg.values), "  "))
        out.extend(_wrap(t, "      ") for t in notes.get(cfg.name, []))
    missing = [n for n in notes if n and n not in supported]
    if missing:
        out.append("")
        out.append("Not supported:")
        for name in missing:
            out.append(f"  {name}")
            out.extend(_wrap(t, "      ") for t in notes[name])
    return "\n".join(out) + "\n"


def main(plugin: type[ProviderPlugin], argv: list[str] | None = None) -> int:
    """Run the command line for ``plugin``; returns the exit status."""
    args = _parser(plugin).parse_args(argv)
    if args.record:
        if args.facts:
            print("--record reads this machine; it cannot be combined with --facts", file=sys.stderr)
            return EXIT_BAD_FACTS
        facts = plugin.scrub(plugin.probe())
        sys.stdout.write(_facts.dumps(_facts.envelope(plugin, facts)))
        return 0
    try:
        info = gather(plugin, args.facts)
    except _facts.FactsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_FACTS
    if args.json:
        if args.all:
            doc = {"namespace": plugin.namespace, "all": _configs_json(plugin.get_all_configs())}
        else:
            doc = {"namespace": plugin.namespace, "supported": _configs_json(info["supported"])}
        doc["provider"] = {"distribution": plugin.distribution, "version": plugin.version}
        doc["facts_source"] = info["origin"]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    sys.stdout.write(render_report(plugin, info, show_all=args.all))
    return 0
