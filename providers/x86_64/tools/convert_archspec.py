#!/usr/bin/env python3
"""Convert the raw archspec host dumps into this provider's fixtures (reproducibly).

    python providers/x86_64/tools/convert_archspec.py [DUMPS_DIR] [FIXTURES_DIR]

Defaults: ``/work/shared/hardware/archspec-targets`` and ``providers/x86_64/tests/fixtures``.
Every x86 dump becomes one facts file named ``<dump>-<level>.json`` (the level is computed by
the provider's rules, so the name says the answer); two non-x86 dumps become ``no_hardware``
fixtures; synthetic negatives are derived from real dumps (each one's ``source`` says how).
``expected`` is left out: fill it with ``PROVIDER_REGENERATE_FIXTURES=1 python -m pytest
providers/x86_64`` and review the diff.

Sources (archspec-json, tests/targets, commit 90b453f4053b6b139d1d2cb78c463b02e71ef363,
MIT/Apache-2.0):
- ``linux-*``: the whole /proc/cpuinfo text, kept verbatim under ``cpuinfo``;
- ``darwin-*``: ``name: value`` sysctl lines, kept verbatim (as strings) under ``sysctl``;
- ``windows-cpuid-*``: ``leaf, subleaf, eax, ebx, ecx, edx`` lines, under ``cpuid``. XCR0 was
  not recorded: ``xcr0`` is null in the converted fixture (the rules then do not claim AVX), and
  a second fixture ``...-xcr0-assumed`` adds the XCR0 a current Windows sets on that CPU.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVIDER = HERE.parent
sys.path.insert(0, str(PROVIDER / "src"))

from provider_x86_64 import _rules  # noqa: E402

COMMIT = "90b453f4053b6b139d1d2cb78c463b02e71ef363"
NON_X86_EXAMPLES = ("linux-amazon-neoverse_n1", "darwin-sequoia-m4")
# Where this provider's answer needs a word beside archspec's label.
NOTES = {
    "windows-cpuid-icelake": "the brand string (leaves 0x80000002-4) says 11th Gen Intel Core "
    "i7-1185G7, a Tiger Lake: archspec names it icelake, its nearest target. Tiger Lake adds "
    "AVX512_VP2INTERSECT, MOVDIRI and MOVDIR64B, which CPUID reports and this provider lists.",
    "linux-rhel7-x86_64_v3": "archspec's generic x86_64_v3 target: a CPU it could not name.",
    "darwin-mojave-skylake": "no machdep.cpu.xsave.extended_state1 in this dump, so xsaveopt and "
    "xsavec are not reported (macOS's 'XSAVE' token does not imply them).",
}


def cite(name: str) -> str:
    return (f"shared/hardware/archspec-targets/{name} (archspec-json tests/targets/{name}, "
            f"commit {COMMIT})")


def parse_sysctl(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            out[name.strip()] = value.strip()
    return out


def parse_windows(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 6:
            continue
        leaf, sub, *regs = (int(p) for p in parts)
        out["0x%08x.%d" % (leaf, sub)] = regs
    return out


def level_of(facts: dict) -> str:
    got = _rules.derive(facts)
    return got[0].values[0] if got and got[0].name == "level" else "none"


def envelope(source: str, facts: dict, **extra) -> dict:
    data = {"format": 1, "provider": "x86_64", "source": source}
    data.update(extra)
    data["facts"] = facts
    return data


def with_note(data: dict, name: str) -> dict:
    if name in NOTES:
        data = {**{k: v for k, v in data.items() if k != "facts"}, "note": NOTES[name], "facts": data["facts"]}
    return data


def convert(dumps: Path) -> dict[str, dict]:
    """``{file name: fixture}`` for every dump and synthetic case."""
    out: dict[str, dict] = {}
    by_name = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sorted(dumps.iterdir())
               if p.is_file() and p.name[:6] in ("linux-", "darwin", "window")}
    for name, text in by_name.items():
        if name.startswith("linux-"):
            x86 = any(line.startswith("flags") for line in text.splitlines())
            if not x86 and name not in NON_X86_EXAMPLES:
                continue
            machine = "x86_64" if x86 else "aarch64"
            facts = {"platform": {"system": "Linux", "machine": machine}, "cpuinfo": text}
        elif name.startswith("darwin-"):
            sysctl = parse_sysctl(text)
            intel = "machdep.cpu.features" in sysctl
            if not intel and name not in NON_X86_EXAMPLES:
                continue
            machine = "x86_64" if intel else "arm64"
            facts = {"platform": {"system": "Darwin", "machine": machine}, "sysctl": sysctl}
        else:
            facts = {"platform": {"system": "Windows", "machine": "AMD64"},
                     "cpuid": parse_windows(text), "xcr0": None}
        level = level_of(facts)
        extra = {"no_hardware": True} if level == "none" else {}
        level = "not-x86" if level == "none" else level
        if name.startswith("windows-"):
            out[f"{name}-xcr0-unknown-{level}.json"] = with_note(envelope(
                cite(name) + "; XCR0 was not recorded, so no AVX-class feature is claimed "
                "(the public level of this CPU is higher: see the -xcr0-assumed fixture)", facts, **extra), name)
            assumed = dict(facts)
            leaf7 = facts["cpuid"].get("0x00000007.0", [0, 0, 0, 0])
            # Windows 7 SP1+ enables SSE+AVX state (0x7); Windows 10 also enables the AVX-512
            # state on CPUs that have it (0xE7). Synthesized, not recorded.
            assumed["xcr0"] = 0xE7 if leaf7[1] >> 16 & 1 else 0x7
            level = level_of(assumed)
            out[f"{name}-xcr0-assumed-{level}.json"] = with_note(envelope(
                cite(name) + f"; xcr0 = {assumed['xcr0']:#x} is NOT recorded: it is the state a "
                "current Windows enables on this CPU (AVX, plus AVX-512 when CPUID has it)", assumed), name)
            continue
        out[f"{name}-{level}.json"] = with_note(envelope(cite(name), facts, **extra), name)
    out.update(synthetic(by_name))
    return out


def synthetic(by_name: dict) -> dict[str, dict]:
    """Negatives that matter, derived from real dumps."""
    out = {}
    icelake = parse_windows(by_name["windows-cpuid-icelake"])
    win = {"system": "Windows", "machine": "AMD64"}
    src = cite("windows-cpuid-icelake")
    out["synthetic-avx512-cpuid-xcr0-lacks-zmm-v3.json"] = envelope(
        src + " with xcr0 = 0x7: AVX-512 in CPUID, but the OS (a VM, or Windows with AVX-512 state "
        "off) did not enable ZMM state -> v3", {"platform": win, "cpuid": icelake, "xcr0": 0x7})
    out["synthetic-xcr0-lacks-ymm-v2.json"] = envelope(
        src + " with xcr0 = 0x3: the OS enabled x87+SSE state only -> no AVX -> v2",
        {"platform": win, "cpuid": icelake, "xcr0": 0x3})
    clear = {k: list(v) for k, v in icelake.items()}
    clear["0x00000001.0"][2] &= ~(1 << 27)
    out["synthetic-osxsave-clear-v2.json"] = envelope(
        src + " with CPUID.1:ECX.OSXSAVE[27] cleared (the OS did not enable XSAVE, e.g. "
        "bcdedit xsavedisable or noxsave); XGETBV is never executed, xcr0 null -> v2",
        {"platform": win, "cpuid": clear, "xcr0": None})
    out["synthetic-qemu64-v1.json"] = envelope(
        "synthetic: /proc/cpuinfo of a QEMU guest with the default 'qemu64' CPU model (QEMU "
        "target/i386/cpu.c: SSE3, CX16, LAHF_LM, SVM; no SSSE3/SSE4/POPCNT) -> v1",
        {"platform": {"system": "Linux", "machine": "x86_64"}, "cpuinfo": QEMU64})
    out["synthetic-darwin-rosetta2-v2.json"] = envelope(
        "synthetic: an x86-64 process under Rosetta 2 on macOS 14 (sysctl.proc_translated = 1): "
        "Rosetta's virtual CPU has SSE up to SSE4.2 and no AVX -> v2",
        {"platform": {"system": "Darwin", "machine": "x86_64"}, "sysctl": ROSETTA})
    skx = parse_sysctl(by_name["darwin-mojave-skylake"])
    skx["machdep.cpu.leaf7_features"] += " AVX512F AVX512DQ AVX512CD AVX512BW AVX512VL"
    skx["machdep.cpu.brand_string"] = "Intel(R) Xeon(R) W-2140B CPU @ 3.20GHz"
    with_hw = dict(skx, **{f"hw.optional.{n}": "1" for n in (
        "avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl", "avx1_0", "avx2_0")})
    out["synthetic-darwin-imacpro-avx512-v4.json"] = envelope(
        cite("darwin-mojave-skylake") + " with the AVX-512 tokens and hw.optional.avx512* = 1 of an "
        "iMac Pro (Xeon W, Skylake-SP core) -> v4",
        {"platform": {"system": "Darwin", "machine": "x86_64"}, "sysctl": with_hw})
    off = dict(with_hw, **{"hw.optional.avx512f": "0"})
    out["synthetic-darwin-avx512-hw-optional-off-v3.json"] = envelope(
        "the iMac Pro case with hw.optional.avx512f = 0: the kernel's word wins over the "
        "machdep.cpu strings -> no AVX-512 -> v3",
        {"platform": {"system": "Darwin", "machine": "x86_64"}, "sysctl": off})
    return out


QEMU64 = """processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 15
model		: 107
model name	: QEMU Virtual CPU version 2.5+
stepping	: 1
cpu MHz		: 2394.454
cache size	: 512 KB
fpu		: yes
fpu_exception	: yes
cpuid level	: 13
wp		: yes
flags		: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm rep_good nopl cpuid extd_apicid tsc_known_freq pni cx16 x2apic hypervisor lahf_lm svm 3dnowprefetch vmmcall
bugs		: fxsave_leak sysret_ss_attrs null_seg swapgs_fence spectre_v1 spectre_v2
bogomips	: 4788.90
address sizes	: 40 bits physical, 48 bits virtual
power management:

"""

ROSETTA = {
    "machdep.cpu.vendor": "GenuineIntel",
    "machdep.cpu.brand_string": "VirtualApple @ 2.50GHz processor",
    "machdep.cpu.features": "FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT "
    "PSE36 CLFSH DS ACPI MMX FXSR SSE SSE2 SS HTT TM PBE SSE3 PCLMULQDQ DTES64 MON DSCPL VMX EST "
    "TM2 SSSE3 CX16 TPR PDCM SSE4.1 SSE4.2 x2APIC POPCNT AES SEGLIM64",
    "machdep.cpu.leaf7_features": "RDWRFSGS BMI1 SMEP BMI2 RDSEED ADX SMAP CLFSOPT SHA",
    "machdep.cpu.extfeatures": "SYSCALL XD 1GBPAGE EM64T LAHF LZCNT PREFETCHW RDTSCP TSCI",
    "sysctl.proc_translated": "1",
}


def main(argv: list[str]) -> int:
    dumps = Path(argv[1]) if len(argv) > 1 else Path("/work/shared/hardware/archspec-targets")
    target = Path(argv[2]) if len(argv) > 2 else PROVIDER / "tests" / "fixtures"
    target.mkdir(parents=True, exist_ok=True)
    for name, data in convert(dumps).items():
        path = target / name
        if path.exists():  # keep a reviewed expected output
            old = json.loads(path.read_text(encoding="utf-8"))
            if "expected" in old:
                data["expected"] = old["expected"]
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
