"""Pure functions from raw facts (library records) to variant features: no I/O, any input
accepted.

Features, in order (the first dominates installers' sorting):

1. ``provider`` - BLAS implementations available, most preferred first. Found implementations
   come first, ordered by :data:`PREFERENCE` for the platform and CPU vendor (a vendor library
   tuned for this CPU before a generic one), or by the user's ``PROVIDER_BLAS_PREFER`` list;
   then the published values a wheel may bundle or pull from PyPI (``openblas``, ``mkl``;
   ``accelerate`` on macOS only), which are always supported.
2. ``interface`` (multi-value) - ``lp64`` / ``ilp64`` offered by the found implementations,
   read from the libraries themselves; omitted when no implementation is found.
3. ``openblas_version`` - thresholds ``0.3.N`` up to the newest OpenBLAS found (a wheel that
   needs OpenBLAS >= 0.3.20 declares ``0.3.20``); omitted without OpenBLAS.
"""

from provider_runtime import FeatureConfig
from provider_runtime.librecords import (
    arch_ok as _usable_arch,
    as_dict as _dict,
    as_list as _list,
    as_str as _str,
    base_name as _base,
    found_in,
    host_arch,
    location_notes,
    scrub_home,
    str_list as _strs,
)

#: The published vocabulary (design/plugin-contract.md) first, then the values this provider
#: adds. Later versions may only append.
PROVIDERS = ("accelerate", "openblas", "mkl", "aocl", "armpl", "nvpl", "libsci", "blis", "flexiblas",
             "atlas", "reference")
#: Always supported: a wheel that bundles its BLAS, or depends on the ``mkl`` /
#: ``scipy-openblas`` wheels, installs on any machine (accelerate: on macOS only).
ALWAYS = ("openblas", "mkl")
INTERFACES = ("lp64", "ilp64")
#: OpenBLAS 0.3.0 (2018) .. 0.3.40; newer releases are appended by later versions.
OPENBLAS_MINORS = 40
OPENBLAS_VERSIONS = tuple(f"0.3.{n}" for n in range(OPENBLAS_MINORS, -1, -1))

#: Preference among found implementations. Rule: the platform's vendor-tuned library first
#: (Cray LibSci is the site's tuned library where present; Accelerate on macOS; MKL on Intel,
#: AOCL on AMD CPUs - MKL's fast paths check for Intel CPUs; ArmPL and NVPL on Arm), then the
#: generic optimised ones (OpenBLAS, then FlexiBLAS which forwards to the administrator's
#: choice, then BLIS), then ATLAS, then the unoptimised reference BLAS last.
GENERIC_TAIL = ("openblas", "flexiblas", "blis", "atlas", "reference")
PREFERENCE = {
    "Darwin": ("accelerate", "libsci", "mkl", "aocl", "armpl", "nvpl"),
    "GenuineIntel": ("libsci", "mkl", "aocl", "armpl", "nvpl", "accelerate"),
    "AuthenticAMD": ("libsci", "aocl", "mkl", "armpl", "nvpl", "accelerate"),
    "arm": ("libsci", "nvpl", "armpl", "mkl", "aocl", "accelerate"),
    "other": ("libsci", "mkl", "aocl", "armpl", "nvpl", "accelerate"),
}

#: Sonames a BLAS wrapper may depend on, with the implementation behind it (a Debian
#: ``openblas-pthread/libblas.so.3`` is a thin library that needs ``libopenblas.so.0``).
BACKING = (("libopenblas", "openblas"), ("libscipy_openblas", "openblas"), ("libmkl_rt", "mkl"),
           ("libblis", "blis"), ("libflexiblas", "flexiblas"), ("libarmpl", "armpl"),
           ("libnvpl_blas", "nvpl"), ("libsci_", "libsci"), ("libatlas", "atlas"),
           ("libsatlas", "atlas"), ("libtatlas", "atlas"))


def all_configs() -> list[FeatureConfig]:
    """Every feature and value this version of the provider knows."""
    return [
        FeatureConfig("provider", list(PROVIDERS)),
        FeatureConfig("interface", list(INTERFACES), multi_value=True),
        FeatureConfig("openblas_version", list(OPENBLAS_VERSIONS)),
    ]


# -- identification of one record ------------------------------------------------------------

def identify(rec: dict) -> tuple[str | None, list[str], str]:
    """``(implementation, interfaces, why)`` of one library record; implementation None when
    the record is not a usable BLAS (skipped, LAPACK-only, unknown)."""
    rec = _dict(rec)
    if rec.get("error") is not None:
        return None, [], f"skipped: {_str(rec.get('error')) or 'error'}"
    names = [_base(_str(rec.get(k))) for k in ("realpath", "path", "soname") if _str(rec.get(k))]
    symbols = set(_strs(rec.get("symbols")))
    strings = _dict(rec.get("strings"))
    config = next((s for k in ("OpenBLAS 0.", "OpenBLAS 1.") for s in _strs(strings.get(k))
                   if " " in s and s[9:10].isdigit()), "")
    fmt = _str(rec.get("format"))
    name_has = lambda *parts: any(n.startswith(parts) for n in names)  # noqa: E731
    ilp_suffix = bool(symbols & {"dgemm_64_", "cblas_dgemm64_", "openblas_get_config64_",
                                  "scipy_openblas_get_config64_", "scipy_dgemm_64_"})

    if fmt == "framework" and "accelerate" in names:
        return "accelerate", [], "macOS Accelerate framework"
    if symbols & {"openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config",
                  "scipy_openblas_get_config64_"} or config:
        ilp = "USE64BITINT" in config.split() or ilp_suffix
        why = f"OpenBLAS config {config!r}" if config else "exports openblas_get_config"
        if ilp_suffix:
            why += "; 64_-suffixed symbols"
        return "openblas", ["ilp64" if ilp else "lp64"], why
    if "MKL_Get_Version" in symbols or name_has("libmkl_rt", "mkl_rt"):
        ifaces = ["lp64"]
        if symbols & {"dgemm_64", "cblas_dgemm_64", "MKL_Set_Interface_Layer"}:
            ifaces.append("ilp64")
        return "mkl", ifaces, "MKL single dynamic library" + (
            " with ILP64 entry points / interface-layer selection" if len(ifaces) > 1 else "")
    if _strs(strings.get("AOCL-BLAS ")) or _strs(strings.get("AOCL BLAS ")):
        return "aocl", ["ilp64" if "64" in "".join(names) else "lp64"], "AOCL-BLAS version string"
    if "bli_info_get_version_str" in symbols or name_has("libblis") or _strs(strings.get("libblis: ")):
        # BLIS's BLAS integer size is a build option that no string records; Debian and
        # upstream build libblis with 32-bit BLAS integers and libblis64 with 64-bit ones.
        ilp = ilp_suffix or any(n.startswith("libblis64") for n in names)
        return "blis", ["ilp64" if ilp else "lp64"], "BLIS (bli_info_* exports)"
    if "flexiblas_current_backend" in symbols or name_has("libflexiblas", "flexiblas"):
        ilp = ilp_suffix or any(n.startswith("libflexiblas64") for n in names)
        return "flexiblas", ["ilp64" if ilp else "lp64"], "FlexiBLAS switch library"
    if "armplversion" in symbols or name_has("libarmpl"):
        return "armpl", ["ilp64" if any("ilp64" in n for n in names) else "lp64"], "Arm Performance Libraries"
    if "nvpl_blas_get_version" in symbols or name_has("libnvpl_blas"):
        return "nvpl", ["ilp64" if any("ilp64" in n for n in names) else "lp64"], "NVIDIA Performance Libraries"
    if name_has("libsci_"):
        return "libsci", ["ilp64" if any("_64" in n for n in names) else "lp64"], "Cray LibSci"
    if "ATL_buildinfo" in symbols or name_has("libatlas", "libsatlas", "libtatlas"):
        return "atlas", ["lp64"], "ATLAS"
    if name_has("libblas", "libcblas", "blas"):
        for need in _strs(rec.get("needed")):
            for prefix, impl in BACKING:
                if need.lower().startswith(prefix):
                    return impl, ["ilp64" if "64" in need or ilp_suffix else "lp64"], f"wrapper needing {need}"
        if symbols & {"dgemm_", "dgemm_64_", "cblas_dgemm"}:
            ilp = ilp_suffix or any(n.startswith(("libblas64", "libcblas64")) for n in names)
            return "reference", ["ilp64" if ilp else "lp64"], "plain BLAS without vendor markers (reference)"
        return None, [], "BLAS-named library without BLAS symbols"
    return None, [], "not a BLAS implementation"


def _order(facts: dict) -> list[str]:
    system = _str(_dict(facts.get("platform")).get("system"))
    vendor = _str(facts.get("cpu_vendor"))
    host = host_arch(facts)
    if system == "Darwin":
        key = "Darwin"
    elif vendor in ("GenuineIntel", "AuthenticAMD"):
        key = vendor
    elif host == "aarch64" or vendor.startswith("0x"):  # Linux on Arm: "CPU implementer: 0x41"
        key = "arm"
    else:
        key = "other"
    first = PREFERENCE[key]
    return list(first) + [p for p in GENERIC_TAIL if p not in first]


def _prefer(facts: dict) -> list[str]:
    raw = _str(_dict(facts.get("env")).get("PROVIDER_BLAS_PREFER"))
    return [p.strip().lower() for p in raw.replace(";", ",").split(",") if p.strip().lower() in PROVIDERS]


def _version(config: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of "OpenBLAS 0.3.21 ..." / "OpenBLAS 0.3.34.481.3 ...": the
    scipy-openblas wheels append their own build numbers after the upstream version."""
    words = config.split()
    if len(words) < 2 or words[0] != "OpenBLAS":
        return None
    parts = words[1].split(".")
    if len(parts) < 3 or not all(p.isdigit() and len(p) <= 4 for p in parts[:3]):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def derive(facts: dict, explain: list | None = None) -> list[FeatureConfig]:
    """Features this environment supports, from its facts; never raises on odd input."""
    note = explain.append if explain is not None else _drop
    facts = _dict(facts)
    host = host_arch(facts)
    system = _str(_dict(facts.get("platform")).get("system"))
    found: dict[str, list[str]] = {}
    versions: list[tuple[int, int, int]] = []
    if explain is not None:
        explain.extend(location_notes(facts))
    for rec in _list(facts.get("libraries")):
        rec = _dict(rec)
        impl, ifaces, why = identify(rec)
        where = found_in(rec)
        path = _str(rec.get("path")) or "?"
        if impl is not None and not _usable_arch(rec, host):
            if explain is not None:
                note(("provider", f"{path}: {impl} for {rec.get('machine')}, not this {host} machine: ignored"))
            continue
        if impl is None:
            if explain is not None:
                note(("", f"{path} [{where}]: {why}"))
            continue
        have = found.setdefault(impl, [])
        have.extend(i for i in ifaces if i not in have)
        if impl == "openblas":
            for key in ("OpenBLAS 0.", "OpenBLAS 1."):
                for text in _strs(_dict(rec.get("strings")).get(key)):
                    v = _version(text)
                    if v:
                        versions.append(v)
        if explain is not None:
            note(("provider", f"{path} [{where}]: {impl} ({', '.join(ifaces) or 'interface n/a'}): {why}"))
            note(("interface", f"{path}: {impl} offers {', '.join(ifaces) or 'no readable interface'}"))
    if "accelerate" in found:
        # Accelerate's LAPACK/BLAS gained an ILP64 interface in macOS 13.3 (Apple's
        # Accelerate release notes; selected with ACCELERATE_NEW_LAPACK/ACCELERATE_LAPACK_ILP64).
        found["accelerate"] = ["lp64"] + (["ilp64"] if _macos_at_least(facts, (13, 3)) else [])
    order = _order(facts)
    prefer = _prefer(facts)
    present = sorted(found, key=lambda p: (prefer.index(p) if p in prefer else len(prefer),
                                           order.index(p) if p in order else len(order)))
    always = list(ALWAYS) + (["accelerate"] if system == "Darwin" else [])
    absent = [p for p in prefer if p in always and p not in present]
    absent += [p for p in always if p not in present and p not in absent]
    values = present + absent
    out = [FeatureConfig("provider", values)]
    if explain is not None:
        note(("provider", f"found: {', '.join(present) or 'none'}; always supported (a wheel may bundle "
                          f"them): {', '.join(absent) or '-'}; order: "
                          + (f"PROVIDER_BLAS_PREFER={','.join(prefer)}, then " if prefer else "")
                          + f"preference for {system or '?'} / {facts.get('cpu_vendor') or 'unknown CPU'}"))
    ifaces: list[str] = []
    for impl in present:
        ifaces.extend(i for i in found[impl] if i not in ifaces)
    if ifaces:
        out.append(FeatureConfig("interface", ifaces, multi_value=True))
    else:
        note(("interface", "no BLAS implementation found: no interface to report"))
    if versions:
        newest = max(versions)
        if newest[:2] == (0, 3):
            patch = min(newest[2], OPENBLAS_MINORS)
            out.append(FeatureConfig("openblas_version", [f"0.3.{n}" for n in range(patch, -1, -1)]))
            note(("openblas_version", f"newest OpenBLAS found: {'.'.join(map(str, newest))}"))
        else:
            note(("openblas_version", f"OpenBLAS {'.'.join(map(str, newest))} is outside 0.3.x: not reported"))
    else:
        note(("openblas_version", "no OpenBLAS version string found"))
    return out


def _macos_at_least(facts: dict, wanted: tuple[int, int]) -> bool:
    parts = _str(facts.get("macos_version")).split(".")
    try:
        got = (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    except (ValueError, IndexError):
        return False
    return got >= wanted


def check_facts(facts: dict) -> list[str]:
    """Problems that make a facts file unusable, each naming its field."""
    from provider_runtime.facts import check_fields

    problems = check_fields(facts, {"platform": (dict,), "libraries": (list,), "locations": (list,),
                                    "env": (dict,), "cpu_vendor": (str, None), "macos_version": (str, None)})
    if isinstance(facts, dict):
        for i, rec in enumerate(_list(facts.get("libraries"))):
            if not isinstance(rec, dict):
                problems.append(f"field 'facts.libraries[{i}]' must be an object, found {type(rec).__name__}")
    return problems


#: ``--record`` replaces the user's home folder in recorded paths by ``~``.
scrub = scrub_home


def _drop(_item: object) -> None:
    pass
