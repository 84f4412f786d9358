"""macOS sysctl and Windows (PF_ARM_*, registry ID registers) tables and their decoding.

A separate module so that Linux records (and non-Arm machines) never load these tables.
"""

from __future__ import annotations

# -- macOS ---------------------------------------------------------------------------------------
# sysctl name -> hwcap names. hw.optional.arm.FEAT_* as documented by Apple ("Determining
# instruction set characteristics", developer.apple.com) and seen in the archspec darwin dumps;
# FEAT_* meanings from the Arm ARM feature names.
SYSCTL_FEAT: dict[str, tuple[str, ...]] = {
    "hw.optional.arm.FEAT_AES": ("aes",),
    "hw.optional.arm.FEAT_PMULL": ("pmull",),
    "hw.optional.arm.FEAT_SHA1": ("sha1",),
    "hw.optional.arm.FEAT_SHA256": ("sha2",),
    "hw.optional.arm.FEAT_SHA512": ("sha512",),
    "hw.optional.arm.FEAT_SHA3": ("sha3",),
    "hw.optional.arm.FEAT_CRC32": ("crc32",),
    "hw.optional.arm.FEAT_LSE": ("atomics",),
    "hw.optional.arm.FEAT_LSE2": ("uscat",),
    "hw.optional.arm.FEAT_RDM": ("asimdrdm",),
    "hw.optional.arm.FEAT_FP16": ("fphp", "asimdhp"),
    "hw.optional.arm.FEAT_DotProd": ("asimddp",),
    "hw.optional.arm.FEAT_FHM": ("asimdfhm",),
    "hw.optional.arm.FEAT_DIT": ("dit",),
    "hw.optional.arm.FEAT_LRCPC": ("lrcpc",),
    "hw.optional.arm.FEAT_LRCPC2": ("ilrcpc",),
    "hw.optional.arm.FEAT_FlagM": ("flagm",),
    "hw.optional.arm.FEAT_FlagM2": ("flagm2",),
    "hw.optional.arm.FEAT_SSBS": ("ssbs",),
    "hw.optional.arm.FEAT_SB": ("sb",),
    "hw.optional.arm.FEAT_PAuth": ("paca", "pacg"),  # FEAT_PAuth includes PACGA
    "hw.optional.arm.FEAT_DPB": ("dcpop",),
    "hw.optional.arm.FEAT_DPB2": ("dcpodp",),
    "hw.optional.arm.FEAT_JSCVT": ("jscvt",),
    "hw.optional.arm.FEAT_FCMA": ("fcma",),
    "hw.optional.arm.FEAT_FRINTTS": ("frint",),
    "hw.optional.arm.FEAT_BF16": ("bf16",),
    "hw.optional.arm.FEAT_EBF16": ("ebf16",),
    "hw.optional.arm.FEAT_I8MM": ("i8mm",),
    "hw.optional.arm.FEAT_BTI": ("bti",),
    "hw.optional.arm.FEAT_ECV": ("ecv",),
    "hw.optional.arm.FEAT_AFP": ("afp",),
    "hw.optional.arm.FEAT_RPRES": ("rpres",),
    "hw.optional.arm.FEAT_WFxT": ("wfxt",),
    "hw.optional.arm.FEAT_CSSC": ("cssc",),
    "hw.optional.arm.FEAT_HBC": ("hbc",),
    "hw.optional.arm.FEAT_SME": ("sme",),
    "hw.optional.arm.FEAT_SME2": ("sme2",),
    "hw.optional.arm.FEAT_SME_F64F64": ("smef64f64",),
    "hw.optional.arm.FEAT_SME_I16I64": ("smei16i64",),
    "hw.optional.arm.SME_F32F32": ("smef32f32",),
    "hw.optional.arm.SME_BI32I32": ("smebi32i32",),
    "hw.optional.arm.SME_B16F32": ("smeb16f32",),
    "hw.optional.arm.SME_F16F32": ("smef16f32",),
    "hw.optional.arm.SME_I8I32": ("smei8i32",),
    "hw.optional.arm.SME_I16I32": ("smei16i32",),
    "hw.optional.arm.AdvSIMD": ("asimd",),
}
#: The older hw.optional.* names (macOS 11 has only these; later releases keep them).
SYSCTL_LEGACY: dict[str, tuple[str, ...]] = {
    "hw.optional.floatingpoint": ("fp",),
    "hw.optional.neon": ("asimd",),
    "hw.optional.AdvSIMD": ("asimd",),
    "hw.optional.neon_fp16": ("fphp", "asimdhp"),
    "hw.optional.armv8_1_atomics": ("atomics",),
    "hw.optional.armv8_crc32": ("crc32",),
    "hw.optional.armv8_2_fhm": ("asimdfhm",),
    "hw.optional.armv8_2_sha512": ("sha512",),
    "hw.optional.armv8_2_sha3": ("sha3",),
    "hw.optional.armv8_3_compnum": ("fcma",),
}
#: Other sysctls the probe records (identification for the report, not decisions).
SYSCTL_INFO: tuple[str, ...] = ("hw.optional.arm64", "machdep.cpu.brand_string", "hw.cpufamily")
#: What every arm64 macOS machine has, used only when the sysctls are macOS 11's (no FEAT_*):
#: Clang's default CPU for arm64-apple-macos was apple-a12 (clang/lib/Driver/ToolChains/Arch/
#: AArch64.cpp), the oldest core macOS arm64 shipped on (the A12Z Developer Transition Kit);
#: its features are LLVM's AppleA12 list (AArch64Processors.td): Armv8.3-A with AES/SHA2/FP16.
MACOS_ARM64_BASELINE: tuple[str, ...] = (
    "fp", "asimd", "aes", "pmull", "sha1", "sha2", "crc32", "atomics", "asimdrdm", "fphp",
    "asimdhp", "dcpop", "jscvt", "fcma", "lrcpc", "paca", "pacg",
)

# -- Windows -------------------------------------------------------------------------------------
# IsProcessorFeaturePresent(PF_ARM_*) number -> hwcap names; numbers from winnt.h (Windows SDK
# 10.0.26100) and the IsProcessorFeaturePresent documentation (learn.microsoft.com).
WINDOWS_PF: dict[int, tuple[str, ...]] = {
    18: ("fp",),                          # PF_ARM_VFP_32_REGISTERS_AVAILABLE
    19: ("asimd",),                       # PF_ARM_NEON_INSTRUCTIONS_AVAILABLE
    30: ("aes", "pmull", "sha1", "sha2"),  # PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE
    31: ("crc32",),                       # PF_ARM_V8_CRC32_INSTRUCTIONS_AVAILABLE
    34: ("atomics",),                     # PF_ARM_V81_ATOMIC_INSTRUCTIONS_AVAILABLE
    43: ("asimddp",),                     # PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE
    44: ("jscvt",),                       # PF_ARM_V83_JSCVT_INSTRUCTIONS_AVAILABLE
    45: ("lrcpc",),                       # PF_ARM_V83_LRCPC_INSTRUCTIONS_AVAILABLE
    46: ("sve",),                         # PF_ARM_SVE_INSTRUCTIONS_AVAILABLE
    47: ("sve2",),                        # PF_ARM_SVE2_INSTRUCTIONS_AVAILABLE
    48: ("sve2p1",),                      # PF_ARM_SVE2_1_INSTRUCTIONS_AVAILABLE
    49: ("sveaes",),                      # PF_ARM_SVE_AES_INSTRUCTIONS_AVAILABLE
    50: ("svepmull",),                    # PF_ARM_SVE_PMULL128_INSTRUCTIONS_AVAILABLE
    51: ("svebitperm",),                  # PF_ARM_SVE_BITPERM_INSTRUCTIONS_AVAILABLE
    52: ("svebf16",),                     # PF_ARM_SVE_BF16_INSTRUCTIONS_AVAILABLE
    55: ("svesha3",),                     # PF_ARM_SVE_SHA3_INSTRUCTIONS_AVAILABLE
    56: ("svesm4",),                      # PF_ARM_SVE_SM4_INSTRUCTIONS_AVAILABLE
    57: ("svei8mm",),                     # PF_ARM_SVE_I8MM_INSTRUCTIONS_AVAILABLE
    62: ("uscat",),                       # PF_ARM_LSE2_AVAILABLE
    64: ("sha3",),                        # PF_ARM_SHA3_INSTRUCTIONS_AVAILABLE
    65: ("sha512",),                      # PF_ARM_SHA512_INSTRUCTIONS_AVAILABLE
    66: ("i8mm",),                        # PF_ARM_V82_I8MM_INSTRUCTIONS_AVAILABLE
    67: ("fphp", "asimdhp"),              # PF_ARM_V82_FP16_INSTRUCTIONS_AVAILABLE
    68: ("bf16",),                        # PF_ARM_V86_BF16_INSTRUCTIONS_AVAILABLE
    70: ("sme",),                         # PF_ARM_SME_INSTRUCTIONS_AVAILABLE
    71: ("sme2",),                        # PF_ARM_SME2_INSTRUCTIONS_AVAILABLE
}
#: Windows mirrors the ID registers in HKLM\HARDWARE\DESCRIPTION\System\CentralProcessor\0 as
#: REG_QWORD values named "CP <hex>" with the MRS encoding ((op0-2)<<14 | op1<<11 | CRn<<7 |
#: CRm<<3 | op2): CP 4020 = ID_AA64PFR0_EL1, CP 4030 = ID_AA64ISAR0_EL1, CP 4031 =
#: ID_AA64ISAR1_EL1. Fields (register, low bit, minimum value, hwcap) from the Arm ARM register
#: descriptions, as the Linux kernel maps them (arch/arm64/kernel/cpufeature.c
#: arm64_elf_hwcaps[]). Only instruction features: anything needing OS register state (SVE,
#: SME) comes from the PF_* answers alone, because Windows may not save that state.
WINDOWS_ID_FIELDS: tuple[tuple[str, int, int, str], ...] = (
    ("CP 4030", 4, 1, "aes"), ("CP 4030", 4, 2, "pmull"), ("CP 4030", 8, 1, "sha1"),
    ("CP 4030", 12, 1, "sha2"), ("CP 4030", 12, 2, "sha512"), ("CP 4030", 16, 1, "crc32"),
    ("CP 4030", 20, 2, "atomics"), ("CP 4030", 28, 1, "asimdrdm"), ("CP 4030", 32, 1, "sha3"),
    ("CP 4030", 36, 1, "sm3"), ("CP 4030", 40, 1, "sm4"), ("CP 4030", 44, 1, "asimddp"),
    ("CP 4030", 48, 1, "asimdfhm"), ("CP 4030", 52, 1, "flagm"), ("CP 4030", 52, 2, "flagm2"),
    ("CP 4030", 60, 1, "rng"),
    ("CP 4031", 0, 1, "dcpop"), ("CP 4031", 0, 2, "dcpodp"), ("CP 4031", 12, 1, "jscvt"),
    ("CP 4031", 16, 1, "fcma"), ("CP 4031", 20, 1, "lrcpc"), ("CP 4031", 20, 2, "ilrcpc"),
    ("CP 4031", 32, 1, "frint"), ("CP 4031", 36, 1, "sb"), ("CP 4031", 44, 1, "bf16"),
    ("CP 4031", 48, 1, "dgh"), ("CP 4031", 52, 1, "i8mm"),
    ("CP 4020", 48, 1, "dit"),
)
WINDOWS_ID_KEYS: tuple[str, ...] = ("CP 4020", "CP 4030", "CP 4031")


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def add(facts: dict, found: dict, note, has_machine: bool) -> bool:
    """Add the extensions the ``sysctl`` and ``windows`` facts show to ``found`` (name -> why);
    True when they show an Arm machine."""
    arm = False
    sysctl = facts.get("sysctl")
    if isinstance(sysctl, dict) and sysctl:
        has_feat = any(isinstance(k, str) and k.startswith("hw.optional.arm.FEAT_") for k in sysctl)
        if sysctl.get("hw.optional.arm64") == 1 or has_feat:
            arm = True
        for table in (SYSCTL_FEAT, SYSCTL_LEGACY):
            for key, names in table.items():
                value = sysctl.get(key)
                if _int(value) and value >= 1:
                    for name in names:
                        if name not in found:
                            found[name] = f"sysctl {key} = {value}"
        if sysctl.get("hw.optional.arm64") == 1 and not has_feat:
            note(("", "sysctl has no hw.optional.arm.FEAT_* keys (macOS 11): the arm64 macOS "
                  "baseline (Apple A12: Armv8.3-A with crypto and FP16) is assumed"))
            for name in MACOS_ARM64_BASELINE:
                if name not in found:
                    found[name] = "macOS arm64 baseline (hw.optional.arm64 = 1, macOS 11 sysctls)"

    windows = facts.get("windows")
    if isinstance(windows, dict) and windows:
        pf = windows.get("pf")
        if isinstance(pf, dict):
            for number, names in WINDOWS_PF.items():
                if pf.get(str(number)) is True:
                    arm = True
                    for name in names:
                        if name not in found:
                            found[name] = f"IsProcessorFeaturePresent({number}) = TRUE"
        cp = windows.get("cp")
        if isinstance(cp, dict):
            for key, shift, minimum, name in WINDOWS_ID_FIELDS:
                value = _int(cp.get(key))
                if value is None:
                    continue
                field = value >> shift & 0xF
                if minimum <= field < 0x8 and name not in found:  # 0x8-0xF: signed "absent"
                    found[name] = f"registry {key} bits {shift + 3}:{shift} = {field}"
            pfr0 = _int(cp.get("CP 4020"))
            if pfr0 is not None:
                # FP [19:16] and AdvSIMD [23:20]: 0 = present, 1 = present with FP16, 0xF = absent
                for name, half, shift in (("fp", "fphp", 16), ("asimd", "asimdhp", 20)):
                    field = pfr0 >> shift & 0xF
                    if field in (0, 1) and name not in found:
                        found[name] = f"registry CP 4020 bits {shift + 3}:{shift} = {field}"
                    if field == 1 and half not in found:
                        found[half] = f"registry CP 4020 bits {shift + 3}:{shift} = 1"
        if arm and has_machine:
            # The Windows arm64 ABI requires FP and Advanced SIMD (learn.microsoft.com,
            # "Overview of ARM64 ABI conventions").
            for name in ("fp", "asimd"):
                found.setdefault(name, "Windows arm64 ABI (FP and NEON are mandatory)")

    return arm
