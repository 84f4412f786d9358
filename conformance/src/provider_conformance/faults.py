"""Fault injection: odd versions of recorded facts, and odd results from the seam's reads.

A provider's ``derive`` must accept every mutation produced here without raising and return a
valid result; its ``probe`` must survive every read fault. The mutations are deterministic so
that a failure replays.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

GARBAGE_TEXT = "\x00\xff garbage: ::: \n\t{[(<>)]} 0x 9999999999999999999999 -1 ÿ\ufffd\n"
GARBAGE_BYTES = bytes(range(256)) * 4
#: Values substituted for a fact: each stands for a source that is missing, unreadable,
#: empty, of the wrong type, or absurd.
REPLACEMENTS: tuple[tuple[str, object], ...] = (
    ("null", None),
    ("empty-string", ""),
    ("garbage-string", GARBAGE_TEXT),
    ("zero", 0),
    ("negative", -1),
    ("huge", 2**70),
    ("bool", True),
    ("float", 1.5),
    ("empty-list", []),
    ("empty-object", {}),
    ("list-of-garbage", [None, "x", -1, 2**64, [], {}]),
    ("object-of-garbage", {"": None, "x": [1, "y"], "0x00000001.0": "z"}),
)


def truncated(value: object) -> object:
    """The first half of a string, list or object (as a cut-off recording would be)."""
    if isinstance(value, str):
        return value[: len(value) // 2]
    if isinstance(value, list):
        return value[: len(value) // 2]
    if isinstance(value, dict):
        keys = list(value)[: len(value) // 2]
        return {k: value[k] for k in keys}
    return value


def _paths(facts: dict, depth: int, limit: int) -> list[tuple]:
    """Key paths into ``facts``: every top-level key, and up to ``limit`` children of each
    object or list at the top level (down to ``depth``)."""
    paths: list[tuple] = []

    def walk(node: object, prefix: tuple, level: int) -> None:
        if level > depth:
            return
        if isinstance(node, dict):
            items = list(node.items())[:limit]
        elif isinstance(node, list):
            items = list(enumerate(node))[:limit]
        else:
            return
        for key, child in items:
            paths.append(prefix + (key,))
            walk(child, prefix + (key,), level + 1)

    walk(facts, (), 1)
    return paths


def _set(facts: dict, path: tuple, value: object, delete: bool = False) -> dict:
    out = copy.deepcopy(facts)
    node = out
    for key in path[:-1]:
        node = node[key]
    if delete:
        if isinstance(node, dict):
            del node[path[-1]]
        else:
            node.pop(path[-1])
    else:
        node[path[-1]] = value
    return out


def mutations(facts: dict, depth: int = 3, limit: int = 40) -> Iterator[tuple[str, dict]]:
    """``(label, mutated facts)`` for every fact path and every kind of fault."""
    yield "facts=empty-object", {}
    for path in _paths(facts, depth, limit):
        label = "facts" + "".join(f"[{k!r}]" for k in path)
        node = facts
        for key in path:
            node = node[key]
        yield f"{label}:missing", _set(facts, path, None, delete=True)
        yield f"{label}:truncated", _set(facts, path, truncated(node))
        for name, value in REPLACEMENTS:
            yield f"{label}:{name}", _set(facts, path, value)
