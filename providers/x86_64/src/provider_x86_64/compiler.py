"""Compiler flags for ``x86_64`` variant properties, for build backends (not on the install path).

    >>> compiler_flags(["x86_64 :: level :: v3", "x86_64 :: avx512_bf16 :: on"])
    ['-march=x86-64-v3', '-mavx512bf16']

``level`` maps to GCC/Clang's psABI targets (GCC >= 11, Clang >= 12): ``-march=x86-64`` for v1,
``-march=x86-64-v2`` .. ``-march=x86-64-v4``. Each extension maps to its ``-m`` option (GCC
"x86 Options", Clang "X86" options). Features that are not instruction sets (tsc_adjust,
flush_l1d, ibrs_enhanced, cppc) and the Xeon Phi sets GCC 15 removed (avx512er, avx512pf,
avx512_4vnniw, avx512_4fmaps) give no flag.
"""

from __future__ import annotations

MARCH = {"v1": "-march=x86-64", "v2": "-march=x86-64-v2", "v3": "-march=x86-64-v3",
         "v4": "-march=x86-64-v4"}

# feature -> compiler option (GCC and Clang spell these the same).
EXTENSION_FLAGS = {
    "apx_f": "-mapxf", "amx_tile": "-mamx-tile", "amx_int8": "-mamx-int8",
    "amx_bf16": "-mamx-bf16", "amx_fp16": "-mamx-fp16", "amx_complex": "-mamx-complex",
    "avx512_fp16": "-mavx512fp16", "avx512_bf16": "-mavx512bf16",
    "avx512_vp2intersect": "-mavx512vp2intersect", "avx512_vnni": "-mavx512vnni",
    "avx512_vbmi2": "-mavx512vbmi2", "avx512_bitalg": "-mavx512bitalg",
    "avx512_vpopcntdq": "-mavx512vpopcntdq", "avx512vbmi": "-mavx512vbmi",
    "avx512ifma": "-mavx512ifma", "avx512f": "-mavx512f", "avx512bw": "-mavx512bw",
    "avx512cd": "-mavx512cd", "avx512dq": "-mavx512dq", "avx512vl": "-mavx512vl",
    "avx_vnni_int16": "-mavxvnniint16", "avx_vnni_int8": "-mavxvnniint8",
    "avx_ne_convert": "-mavxneconvert", "avx_ifma": "-mavxifma", "avx_vnni": "-mavxvnni",
    "sha512": "-msha512", "sm3": "-msm3", "sm4": "-msm4", "vaes": "-mvaes",
    "vpclmulqdq": "-mvpclmulqdq", "avx2": "-mavx2", "fma": "-mfma", "f16c": "-mf16c",
    "avx": "-mavx", "fma4": "-mfma4", "xop": "-mxop", "bmi2": "-mbmi2", "bmi1": "-mbmi",
    "abm": "-mlzcnt", "tbm": "-mtbm", "adx": "-madx", "movbe": "-mmovbe", "popcnt": "-mpopcnt",
    "gfni": "-mgfni", "sha_ni": "-msha", "aes": "-maes", "pclmulqdq": "-mpclmul",
    "rdseed": "-mrdseed", "rdrand": "-mrdrnd", "sse4a": "-msse4a", "sse4_2": "-msse4.2",
    "sse4_1": "-msse4.1", "ssse3": "-mssse3", "sse3": "-msse3", "sse2": "-msse2",
    "sse": "-msse", "mmx": "-mmmx", "cmpccxadd": "-mcmpccxadd", "serialize": "-mserialize",
    "movdir64b": "-mmovdir64b", "movdiri": "-mmovdiri", "rdpid": "-mrdpid", "clwb": "-mclwb",
    "clflushopt": "-mclflushopt", "clzero": "-mclzero", "fsgsbase": "-mfsgsbase",
    "xsavec": "-mxsavec", "xsaveopt": "-mxsaveopt", "xsave": "-mxsave", "cx16": "-mcx16",
    "lahf_lm": "-msahf",
}
AVX10_FLAGS = {"1": "-mavx10.1", "2": "-mavx10.2"}


def _split(prop: object) -> tuple[str, str, str]:
    if isinstance(prop, str):
        parts = [p.strip() for p in prop.split("::")]
    elif isinstance(prop, (tuple, list)):
        parts = [str(p).strip() for p in prop]
    else:  # variantlib's VariantProperty
        parts = [str(getattr(prop, a, "")) for a in ("namespace", "feature", "value")]
    if len(parts) != 3:
        raise ValueError(f"not a variant property 'namespace :: feature :: value': {prop!r}")
    return parts[0], parts[1], parts[2]


def compiler_flags(properties, compiler: str = "gcc") -> list[str]:
    """GCC/Clang flags that target the given ``x86_64`` properties.

    ``properties``: strings ``"x86_64 :: level :: v3"``, ``(namespace, feature, value)`` tuples
    or objects with ``namespace``/``feature``/``value`` (variantlib's ``VariantProperty``).
    Properties of other namespaces are ignored; the highest ``level`` wins; unknown x86_64
    features raise ``ValueError``. ``compiler`` is ``"gcc"`` or ``"clang"`` (same spellings).
    """
    if compiler not in ("gcc", "clang"):
        raise ValueError(f"compiler must be 'gcc' or 'clang', not {compiler!r}")
    from provider_x86_64._rules import EXTENSIONS

    order = {e[0]: i for i, e in enumerate(EXTENSIONS)}
    level = None
    avx10 = None
    features = []
    for prop in properties:
        ns, feature, value = _split(prop)
        if ns != "x86_64":
            continue
        if feature == "level":
            if value not in MARCH:
                raise ValueError(f"unknown x86_64 level {value!r}")
            level = value if level is None or value > level else level
        elif feature == "avx10_version":
            if value not in AVX10_FLAGS:
                raise ValueError(f"unknown AVX10 version {value!r}")
            avx10 = value if avx10 is None or value > avx10 else avx10
        elif feature in order:
            features.append(feature)
        else:
            raise ValueError(f"unknown x86_64 feature {feature!r}")
    flags = [MARCH[level]] if level else []
    if avx10:
        flags.append(AVX10_FLAGS[avx10])
    for feature in sorted(set(features), key=order.__getitem__):
        if feature in EXTENSION_FLAGS:
            flags.append(EXTENSION_FLAGS[feature])
    return flags
