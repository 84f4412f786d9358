"""The facts file: raw facts recorded on one machine, replayed on another.

Envelope (format 1)::

    {
      "format": 1,
      "provider": "<namespace>",
      "facts": {...},            # provider-specific raw facts, JSON-native
      "source": "...",           # optional: where the facts came from (ignored)
      "expected": [...],         # optional: recorded expected output (fixtures; ignored)
      ...                        # any other top-level key is ignored
    }

The JSON Schema of the envelope is ``facts-envelope.schema.json`` beside this module; each
provider documents the keys of its ``facts`` object in its README and checks them in its
``check_facts``. This module is imported only when a facts file is used (never on the live
fast path), but it is on the path of an install that replays a facts file
(``PROVIDER_<NAME>_FACTS``), so it parses with the C scanner of ``_json`` alone: ``import json``
pulls in ``re`` and ``json.decoder`` and costs about as much as the interpreter's own start-up.
The full ``json`` module is imported only to word an error or to write a file.
"""

import os
import sys

FORMAT = 1
#: A facts file is a few kilobytes; refuse anything absurd rather than read it into memory.
MAX_BYTES = 16 * 1024 * 1024


class FactsError(Exception):
    """A facts file that cannot be used; the message names the file and the field."""


def load_envelope(path: str) -> dict:
    """Read and check the envelope of a facts file; raise :class:`FactsError` if unusable."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise FactsError(f"facts file {path}: {size} bytes is too large (limit {MAX_BYTES})")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FactsError:
        raise
    except OSError as exc:
        raise FactsError(f"facts file {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = parse_json(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FactsError(f"facts file {path}: not UTF-8 text ({exc.reason})") from None
    except ValueError as exc:
        raise FactsError(f"facts file {path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise FactsError(f"facts file {path}: top level must be a JSON object")
    fmt = data.get("format")
    if fmt != FORMAT or isinstance(fmt, bool):
        raise FactsError(
            f"facts file {path}: field 'format' must be {FORMAT}, found {fmt!r}"
        )
    if not isinstance(data.get("facts"), dict):
        raise FactsError(f"facts file {path}: field 'facts' must be a JSON object")
    if not isinstance(data.get("provider"), str):
        raise FactsError(f"facts file {path}: field 'provider' must be a namespace string")
    return data


class _ScanContext:
    """What ``_json.make_scanner`` reads from its context: ``json.loads``'s defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    def __init__(self) -> None:
        self.memo: dict = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]


def parse_json(text: str) -> object:
    """``json.loads(text)`` without importing ``json`` when the text is well formed.

    Raises ``ValueError`` (``json.JSONDecodeError``) worded by the ``json`` module otherwise.
    """
    try:
        import _json

        scan = _json.make_scanner(_ScanContext())
        start = len(text) - len(text.lstrip(" \t\n\r"))
        value, end = scan(text, start)
        if not text[end:].strip(" \t\n\r"):
            return value
    except (ImportError, StopIteration, ValueError, RecursionError):
        pass
    import json  # word the error exactly as json does (or parse, where _json is missing)

    return json.loads(text)


def load(path: str, plugin: type) -> dict:
    """The ``facts`` of a facts file for ``plugin``, checked by the plugin's own rules."""
    data = load_envelope(path)
    namespace = getattr(plugin, "namespace", "")
    if data["provider"] != namespace:
        raise FactsError(
            f"facts file {path}: field 'provider' is {data['provider']!r}, "
            f"but this is the {namespace!r} provider"
        )
    facts = data["facts"]
    problems = plugin.check_facts(facts)
    if problems:
        raise FactsError(f"facts file {path}: " + "; ".join(problems))
    return facts


def envelope(plugin: type, facts: dict, **extra: object) -> dict:
    """A facts-file envelope around ``facts`` (as ``--record`` writes it)."""
    data: dict = {
        "format": FORMAT,
        "provider": plugin.namespace,
        "source": {
            "recorded_by": f"{plugin.distribution} {plugin.version}".strip(),
            "python": sys.version.split()[0],
        },
        "facts": facts,
    }
    data.update(extra)
    return data


def dumps(data: object) -> str:
    """Stable JSON text for facts files (sorted keys would reorder cpuid leaves; keep order)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- small checking helpers for providers' check_facts ------------------------------------

_TYPE_NAMES = {str: "a string", int: "an integer", dict: "an object", list: "a list", bool: "a boolean"}


def check_fields(facts: dict, fields: dict) -> list[str]:
    """Type-check optional top-level fields: ``{"cpuinfo": (str,), "xcr0": (int, None)}``.

    Missing fields are fine (a source the machine did not have); a present field of the wrong
    type is a problem naming the field. ``bool`` never passes for ``int``.
    """
    problems = []
    if not isinstance(facts, dict):
        return ["field 'facts' must be a JSON object"]
    for name, kinds in fields.items():
        if name not in facts:
            continue
        value = facts[name]
        if value is None and None in kinds:
            continue
        ok = any(
            k is not None and isinstance(value, k) and not (k is int and isinstance(value, bool))
            for k in kinds
        )
        if not ok:
            wanted = " or ".join("null" if k is None else _TYPE_NAMES.get(k, k.__name__) for k in kinds)
            problems.append(f"field 'facts.{name}' must be {wanted}, found {type(value).__name__}")
    return problems
