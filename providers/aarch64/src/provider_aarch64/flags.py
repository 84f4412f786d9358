"""Compiler flags for a set of ``aarch64`` variant properties (for build backends).

Not on the installer's path: a build backend imports it to turn the properties a variant wheel
declares into GCC/Clang options, e.g.::

    >>> compiler_flags(["aarch64 :: version :: 8.4a", "aarch64 :: sve :: on"])
    ['-march=armv8.4-a+sve']

The version gives ``-march=armv<N>-a`` (``8a`` -> ``armv8-a``); each extension with a GCC and
Clang ``-march`` modifier adds ``+<modifier>`` (GCC "AArch64 Options", ``-march`` feature
modifiers; Clang accepts the same names). Extensions without a modifier (kernel features such as
``cpuid`` or ``evtstrm``, and ones compilers never need to be told about) add nothing.
"""

from __future__ import annotations

from provider_aarch64._rules import VERSION_ORDER, march

#: hwcap name -> ``-march`` modifier accepted by both GCC (>= 14) and Clang (>= 18).
MODIFIERS: dict[str, str] = {
    "crc32": "crc",
    "atomics": "lse",
    "asimdrdm": "rdm",
    "asimdrdmatomics": "lse+rdm",
    "aes": "aes",
    "pmull": "aes",
    "sha1": "sha2",
    "sha2": "sha2",
    "sha3": "sha3",
    "sha512": "sha3",
    "sm3": "sm4",
    "sm4": "sm4",
    "fphp": "fp16",
    "asimdhp": "fp16",
    "asimddp": "dotprod",
    "asimdfhm": "fp16fml",
    "lrcpc": "rcpc",
    "flagm": "flagm",
    "sb": "sb",
    "ssbs": "ssbs",
    "rng": "rng",
    "bf16": "bf16",
    "i8mm": "i8mm",
    "sve": "sve",
    "sve2": "sve2",
    "sveaes": "sve2-aes",
    "svepmull": "sve2-aes",
    "svebitperm": "sve2-bitperm",
    "svesha3": "sve2-sha3",
    "svesm4": "sve2-sm4",
    "svei8mm": "sve+i8mm",
    "svebf16": "sve+bf16",
    "svef32mm": "f32mm",
    "svef64mm": "f64mm",
    "sve2p1": "sve2p1",
    "sme": "sme",
    "sme2": "sme2",
    "smef64f64": "sme-f64f64",
    "smei16i64": "sme-i16i64",
    "mops": "mops",
    "cssc": "cssc",
    "paca": "pauth",
    "pacg": "pauth",
}


def _split(prop: object) -> tuple[str, str, str] | None:
    """(namespace, feature, value) of a property given as text, a tuple or an object."""
    if isinstance(prop, str):
        parts = [p.strip() for p in prop.split("::")]
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        if len(parts) == 2:
            return "aarch64", parts[0], parts[1]
        return None
    if isinstance(prop, (tuple, list)):
        if len(prop) == 3:
            return str(prop[0]), str(prop[1]), str(prop[2])
        if len(prop) == 2:
            return "aarch64", str(prop[0]), str(prop[1])
        return None
    names = (
        getattr(prop, "namespace", "aarch64"),
        getattr(prop, "feature", None),
        getattr(prop, "value", None),
    )
    if names[1] is None or names[2] is None:
        return None
    return str(names[0]), str(names[1]), str(names[2])


def march_value(properties: object) -> str:
    """The ``-march`` value for ``properties`` (an iterable of properties of any namespace)."""
    best = None
    modifiers: list[str] = []
    for prop in properties or ():  # type: ignore[union-attr]
        parts = _split(prop)
        if parts is None or parts[0] != "aarch64":
            continue
        _, feature, value = parts
        if feature == "version" and value in VERSION_ORDER:
            # A wheel declaring several versions runs where the oldest does: build for it.
            if best is None or VERSION_ORDER.index(value) > VERSION_ORDER.index(best):
                best = value
        elif value == "on" and feature in MODIFIERS:
            for mod in MODIFIERS[feature].split("+"):
                if mod not in modifiers:
                    modifiers.append(mod)
    return march(best or "8a") + "".join("+" + m for m in modifiers)


def compiler_flags(properties: object) -> list[str]:
    """GCC/Clang flags for a variant's ``aarch64`` properties: ``["-march=..."]``."""
    return ["-march=" + march_value(properties)]


def build_setup(properties: object) -> dict[str, list[str]]:
    """``{"cflags": [...], "cxxflags": [...]}`` for build backends that want a mapping."""
    flags = compiler_flags(properties)
    return {"cflags": list(flags), "cxxflags": list(flags)}
