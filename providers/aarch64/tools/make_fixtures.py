#!/usr/bin/env python3
"""Build the aarch64 provider's fixtures from the shared raw dumps (reproducible).

    python providers/aarch64/tools/make_fixtures.py [--shared /work/shared]

Converts EVERY aarch64 dump in ``<shared>/hardware/archspec-targets/`` (``linux-*`` files whose
/proc/cpuinfo has ``CPU implementer`` lines, ``darwin-*`` files with Apple silicon sysctls) into
a facts file under ``tests/fixtures/``, citing the source file, and writes the synthetic cases
listed in SYNTHETIC. A fixture's ``expected`` is kept when the file already exists; new ones get
theirs from ``PROVIDER_REGENERATE_FIXTURES=1 python -m pytest providers/aarch64`` (review the
diff). File names say the answer: ``<os>-<distro>-<core>-<version>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "fixtures"
sys.path.insert(0, str(HERE.parent / "src"))

from provider_aarch64 import _apple_windows, _rules  # noqa: E402

ARCHSPEC = "archspec-json tests/targets, commit 90b453f4053b6b139d1d2cb78c463b02e71ef363"

#: Public labels and why this provider's answer differs, per dump (the review of `expected`).
NOTES = {
    "linux-amazon-cortex_a72": "Graviton 1 (Cortex-A72): Armv8.0-A. Matches.",
    "linux-amazon-neoverse_n1": "Graviton 2 (Neoverse N1): Armv8.2-A. Matches (no jscvt/fcma for 8.3a).",
    "linux-amazon-neoverse_v1": "Graviton 3 (Neoverse V1) on Amazon Linux: Armv8.4-A. Matches.",
    "linux-rhel8-neoverse_v1": "Graviton 3 (Neoverse V1) on RHEL 8: the kernel hides paca/pacg; "
    "they are not required, so it stays 8.4a like on Amazon Linux (only paca/pacg missing).",
    "linux-asahi-m1": "Apple M1 under Asahi Linux. archspec says Armv8.4-A; LLVM treats apple-m1 as "
    "8.4-A plus every 8.5-A feature except BTI. This rule does not require BTI (hint space), and "
    "sb, frint, flagm2, dcpodp are all present, so 8.5a.",
    "linux-asahi-m2": "Apple M2 under Asahi Linux: LLVM apple-m2 = Armv8.6-A. Matches (bf16, i8mm).",
    "linux-centos7-thunderx2": "Cavium ThunderX2: Armv8.1-A. Matches (no dcpop for 8.2a).",
    "linux-rocky8-a64fx": "Fujitsu A64FX: Armv8.2-A + SVE. Matches (fcma without jscvt/lrcpc: not 8.3a).",
    "linux-rhel9-neoverse_n2": "Neoverse N2 on RHEL 9: Arm calls it Armv9.0-A. It also has BF16 and "
    "I8MM (and SVE forms), everything a compiler emits for -march=armv9.1-a, so 9.1a/8.6a are "
    "reported too; what it lacks of 8.6 (ECV, FGT, AMUv1p1) no compiler emits. RHEL hides paca/pacg.",
    "linux-ubuntu22.04-neoverse_n2": "Neoverse N2 on Ubuntu 22.04: as on RHEL 9, 9.1a (Arm: 9.0-A + "
    "BF16/I8MM). This kernel/hypervisor shows no dit and no dgh; neither is required.",
    "linux-rhel9-neoverse_v2": "Neoverse V2 (Grace/Graviton 4 class) on RHEL 9: Arm calls it "
    "Armv9.0-A; with BF16/I8MM (and SVE forms) it meets every 9.1a requirement, so 9.1a first.",
    "linux-ubuntu22.04-neoverse_v2": "Neoverse V2 on Ubuntu 22.04: 9.1a, as on RHEL 9 (see there).",
    "linux-unknown-neoverse_v2": "Neoverse V2, unknown distribution: 9.1a, as on RHEL 9 (see there).",
    "linux-ubuntu24.04-neoverse_v3ae": "Neoverse V3AE: Armv9.2-A. Matches (wfxt present; afp shown, "
    "rpres not shown, neither required).",
    "linux-ubuntu22.04-ampere1": "AmpereOne: Armv8.6-A. Matches.",
    "linux-ubuntu22.04-ampere1a": "AmpereOne A: Armv8.6-A. Matches.",
    "darwin-bigsur-m1": "Apple M1 on macOS 11: only the old hw.optional.* sysctls exist. They show "
    "neither RDM nor the 8.4/8.5 features, so the arm64 macOS baseline (Apple A12, Armv8.3-A) is "
    "assumed: 8.3a, below the 8.5a macOS 12+ reports for the same chip. Upgrade macOS for more.",
    "darwin-monterey-m1": "Apple M1 on macOS 12: 8.5a, as under Asahi Linux (BTI absent, not required).",
    "darwin-monterey-m2": "Apple M2 on macOS 12: LLVM apple-m2 = Armv8.6-A. Matches.",
    "darwin-sequoia-m3": "Apple M3 on macOS 15: LLVM apple-m3 = Armv8.6-A. Matches.",
    "darwin-sequoia-m4": "Apple M4 on macOS 15: LLVM calls apple-m4 Armv9.2-A, but it has no SVE/SVE2 "
    "outside streaming mode, so no 9.x version can run here; its 8.7-A features (WFxT) give 8.7a "
    "(no MOPS/HBC for 8.8a). FEAT_SSBS = 0 is not required. SME/SME2 are reported as features.",
}


def cpuinfo_features(text: str) -> list[str]:
    return sorted(_rules.parse_cpuinfo(text)["features"])


def hwcaps_of(names: set[str]) -> dict:
    out = {}
    for key, bits in (("hwcap", _rules.HWCAP_BITS), ("hwcap2", _rules.HWCAP2_BITS)):
        out[key] = sum(1 << i for i, n in enumerate(bits) if n in names)
    return out


def parse_sysctl(text: str) -> dict:
    """``name: value`` lines -> {name: int or str}, keeping only what the provider reads."""
    out: dict = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name, value = name.strip(), value.strip()
        if not (name.startswith("hw.optional.") or name in _apple_windows.SYSCTL_INFO):
            continue
        try:
            out[name] = int(value)
        except ValueError:
            out[name] = value
    return out


def write(name: str, data: dict) -> None:
    path = FIXTURES / f"{name}.json"
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if "expected" in old:
            data["expected"] = old["expected"]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote", path.relative_to(HERE.parent))


def answer(facts: dict) -> str:
    configs = _rules.derive(facts)
    return configs[0].values[0] if configs and configs[0].name == "version" else "none"


def envelope(source: str, facts: dict, note: str = "", no_hardware: bool = False) -> dict:
    data: dict = {"format": 1, "provider": "aarch64", "source": source}
    if note:
        data["note"] = note
    if no_hardware:
        data["no_hardware"] = True
    data["facts"] = facts
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(HERE.parents[3] / "shared"))
    args = parser.parse_args()
    targets = Path(args.shared) / "hardware" / "archspec-targets"
    FIXTURES.mkdir(parents=True, exist_ok=True)
    texts = {}
    for path in sorted(targets.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts[path.name] = text
        source = (
            f"shared/hardware/archspec-targets/{path.name} ({ARCHSPEC}), converted by tools/make_fixtures.py"
        )
        if path.name.startswith("linux-") and "CPU implementer" in text:
            facts = {"platform": {"system": "Linux", "machine": "aarch64"}, "cpuinfo": text}
        elif path.name.startswith("darwin-") and "hw.optional.arm64: 1" in text:
            facts = {"platform": {"system": "Darwin", "machine": "arm64"}, "sysctl": parse_sysctl(text)}
        else:
            continue
        write(f"{path.name}-{answer(facts)}", envelope(source, facts, NOTES.get(path.name, "")))

    # -- synthetic cases -----------------------------------------------------------------
    v1 = texts["linux-amazon-neoverse_v1"]
    v1_names = set(cpuinfo_features(v1))
    facts = {"platform": {"system": "Linux", "machine": "aarch64", "bits": 64}, **hwcaps_of(v1_names)}
    write(
        f"synthetic-hwcap-only-graviton3-{answer(facts)}",
        envelope(
            "synthetic: AT_HWCAP/AT_HWCAP2 encoded (kernel hwcap.h bits) from the Features line of "
            "shared/hardware/archspec-targets/linux-amazon-neoverse_v1; no cpuinfo",
            facts,
            "A hwcap-only record must give the same answer as the cpuinfo record (test checks it).",
        ),
    )

    facts = {"cpuinfo": texts["linux-rhel9-neoverse_v2"]}
    write(
        f"synthetic-cpuinfo-only-neoverse_v2-{answer(facts)}",
        envelope(
            "synthetic: shared/hardware/archspec-targets/linux-rhel9-neoverse_v2 as the only fact "
            "(no platform, no hwcaps), as any public /proc/cpuinfo dump would be",
            facts,
            "Same answer as linux-rhel9-neoverse_v2 (test checks it).",
        ),
    )

    amp = texts["linux-ubuntu22.04-ampere1"]
    hidden = amp.replace(" paca pacg", "").replace(" bti ecv", " ecv")
    facts = {"platform": {"system": "Linux", "machine": "aarch64"}, "cpuinfo": hidden}
    write(
        f"synthetic-kernel-hides-pac-bti-ampere1-{answer(facts)}",
        envelope(
            "synthetic: shared/hardware/archspec-targets/linux-ubuntu22.04-ampere1 with paca, pacg and "
            "bti removed from every Features line, as a RHEL 8/9-style kernel shows it",
            facts,
            "Still 8.6a like the unmodified dump: paca/pacg/bti are not required by any version.",
        ),
    )

    m1_features = (
        "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm "
        "jscvt fcma lrcpc dcpop sha3 asimddp sha512 asimdfhm dit uscat ilrcpc flagm ssbs "
        "sb paca pacg dcpodp flagm2 frint"
    )
    docker = "".join(
        f"processor\t: {i}\nBogoMIPS\t: 48.00\nFeatures\t: {m1_features}\nCPU implementer\t: 0x00\n"
        f"CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0x000\nCPU revision\t: 0\n\n"
        for i in range(4)
    )
    facts = {
        "platform": {"system": "Linux", "machine": "aarch64", "bits": 64},
        **hwcaps_of(set(m1_features.split())),
        "cpuinfo": docker,
    }
    write(
        f"synthetic-docker-desktop-apple_m1-{answer(facts)}",
        envelope(
            "synthetic: a Linux VM of Docker Desktop on an Apple M1 (Virtualization.framework): CPU "
            "implementer 0x00 and part 0x000, Features as the M1 shows under Asahi (the VM hides "
            "nothing the version rule needs)",
            facts,
            "Implementer 0x00 is only reported; features decide: 8.5a as M1 under Asahi.",
        ),
    )

    rpi32 = (
        "".join(
            f"processor\t: {i}\nmodel name\t: ARMv7 Processor rev 3 (v7l)\nBogoMIPS\t: 108.00\n"
            "Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae "
            "evtstrm crc32 \n"
            "CPU implementer\t: 0x41\nCPU architecture: 7\nCPU variant\t: 0x0\nCPU part\t: 0xd08\n"
            "CPU revision\t: 3\n\n"
            for i in range(4)
        )
        + "Hardware\t: BCM2711\nRevision\t: c03111\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n"
    )
    facts = {"platform": {"system": "Linux", "machine": "armv7l", "bits": 32}, "cpuinfo": rpi32}
    write(
        "synthetic-raspberrypi4-32bit-kernel-none",
        envelope(
            "synthetic: a Raspberry Pi 4 (Cortex-A72) booted with a 32-bit Arm kernel (Raspberry Pi OS "
            "armhf), /proc/cpuinfo in the arch/arm format",
            facts,
            "A 32-bit kernel runs no aarch64 code: nothing, although the core is Armv8.",
            no_hardware=True,
        ),
    )
    facts = {"cpuinfo": rpi32}
    write(
        "synthetic-raspberrypi4-32bit-cpuinfo-only-none",
        envelope(
            "synthetic: the same 32-bit kernel's /proc/cpuinfo alone (no platform)",
            facts,
            "AArch32 Features spellings (vfp, neon, half) without fp/asimd: nothing.",
            no_hardware=True,
        ),
    )

    facts = {
        "platform": {"system": "Linux", "machine": "x86_64", "bits": 64},
        "cpuinfo": texts["linux-rhel7-haswell"],
    }
    write(
        "linux-rhel7-haswell-x86_64-none",
        envelope(
            f"shared/hardware/archspec-targets/linux-rhel7-haswell ({ARCHSPEC}): an x86 machine",
            facts,
            "Not an Arm machine: nothing.",
            no_hardware=True,
        ),
    )
    facts = {"platform": {"system": "Darwin", "machine": "x86_64", "bits": 64}}
    write(
        "synthetic-rosetta2-x86_64-python-none",
        envelope(
            "synthetic: x86_64 Python under Rosetta 2 on Apple silicon (os.uname().machine = x86_64)",
            facts,
            "The process cannot run arm64 code (an x86_64 interpreter loads x86_64 wheels): "
            "nothing, by design.",
            no_hardware=True,
        ),
    )

    # Windows on Arm: Cortex-A78/X1-class (Snapdragon 8cx Gen 3) ID registers encoded from their
    # documented fields (Arm Cortex-A78 TRM: Armv8.2-A + DotProd, LRCPC, FP16, crypto).
    isar0 = (2 << 4) | (1 << 8) | (1 << 12) | (1 << 16) | (2 << 20) | (1 << 28) | (1 << 44)
    isar1 = (1 << 0) | (1 << 20)
    pfr0 = (1 << 16) | (1 << 20)
    pf = {str(n): n in (18, 19, 30, 31, 34, 43, 45, 67) for n in _apple_windows.WINDOWS_PF}
    facts = {
        "platform": {"system": "Windows", "machine": "ARM64", "bits": 64},
        "windows": {"pf": pf, "cp": {"CP 4020": pfr0, "CP 4030": isar0, "CP 4031": isar1}},
    }
    write(
        f"synthetic-windows11-snapdragon_8cx_gen3-{answer(facts)}",
        envelope(
            "synthetic: Windows 11 on a Snapdragon 8cx Gen 3 (Cortex-X1/A78): PF_ARM_* answers and "
            "the CP 4020/4030/4031 registry values encoded from the Cortex-A78 TRM ID register fields",
            facts,
            "Armv8.2-A core: 8.2a. RDM and DPB come from the registry ID registers.",
        ),
    )
    facts = {"platform": {"system": "Windows", "machine": "ARM64", "bits": 64}, "windows": {"pf": pf}}
    write(
        f"synthetic-windows11-pf-only-{answer(facts)}",
        envelope(
            "synthetic: the same machine when the registry cannot be read (PF_ARM_* answers only)",
            facts,
            "PF_* flags say nothing about RDM (needed for 8.1a): 8a, plus the extensions they name.",
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
