#!/usr/bin/env python3
"""Write the synthetic fixtures of this provider (the driver-call logs of hosts built from
public facts). Run it, then ``PROVIDER_REGENERATE_FIXTURES=1 pytest providers/nvidia`` fills
``expected`` from the rules, and review the diff.

Public facts used (cited per fixture in its ``source``):

- Compute capabilities: NVIDIA, "CUDA GPU Compute Capability", developer.nvidia.com/cuda-gpus
  (T4 7.5, V100 7.0, A100 8.0, Jetson AGX Orin 8.7, RTX 3080 8.6, RTX 4090 and L4 8.9,
  H100 9.0, B200 10.0, B300 10.3, GB10 12.1).
- Driver -> CUDA version: NVIDIA CUDA Toolkit Release Notes, Table 3 "CUDA Toolkit and
  Corresponding Driver Versions" (10.2: >= 440.33; 11.4: >= 470.42.01; 12.2: >= 535.54.03;
  12.4: >= 550.54.14; 12.8: >= 570.26; 12.9: >= 575.51.03; 13.0: >= 580.65.06). NVML and
  cuDriverGetVersion encode CUDA X.Y as 1000*X + 10*Y (nvml.h, cuda.h).
- Return codes: nvml.h (NVML_ERROR_GPU_IS_LOST = 15, NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18),
  cuda.h (CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803).
- Jetson: JetPack 5.1 = L4T R35 with CUDA 11.4; the Tegra driver has no NVML
  (NVIDIA Jetson Linux Developer Guide, "NVML is not supported on Jetson").
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent / "fixtures"
LINUX = ("/proc/driver/nvidia/version", "/dev/nvidiactl")
ENV0 = {
    "CUDA_VISIBLE_DEVICES": None,
    "CUDA_DEVICE_ORDER": None,
    "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": None,
    "NV_VARIANT_PROVIDER_FORCE_SM_ARCH": None,
}


def nvml_host(
    driver: str,
    cuda: int,
    gpus: list,
    machine: str = "x86_64",
    env: dict | None = None,
    files: tuple = LINUX,
    broken: dict | None = None,
    uuids: bool = False,
) -> dict:
    """The call log our seam writes for a host whose NVML answers.

    ``gpus``: (name, (major, minor), mig_mode) per device; ``broken``: index -> NVML return
    code of that device's handle call.
    """
    calls = [
        {"fn": "dlopen", "lib": "nvml", "name": "libnvidia-ml.so.1", "rc": 0},
        {"fn": "nvmlInit_v2", "rc": 0},
        {"fn": "nvmlSystemGetDriverVersion", "rc": 0, "value": driver},
        {"fn": "nvmlSystemGetCudaDriverVersion_v2", "rc": 0, "value": cuda},
        {"fn": "nvmlDeviceGetCount_v2", "rc": 0, "value": len(gpus)},
    ]
    for index, (name, cc, mig) in enumerate(gpus):
        rc = (broken or {}).get(index, 0)
        calls.append({"fn": "nvmlDeviceGetHandleByIndex_v2", "index": index, "rc": rc})
        if rc:
            continue
        calls.append({"fn": "nvmlDeviceGetName", "index": index, "rc": 0, "value": name})
        calls.append({"fn": "nvmlDeviceGetCudaComputeCapability", "index": index, "rc": 0, "value": list(cc)})
        if mig is None:
            calls.append({"fn": "nvmlDeviceGetMigMode", "index": index, "rc": 3})  # NOT_SUPPORTED
        else:
            calls.append({"fn": "nvmlDeviceGetMigMode", "index": index, "rc": 0, "value": [mig, mig]})
        if uuids:
            calls.append(
                {"fn": "nvmlDeviceGetUUID", "index": index, "rc": 0, "value": f"GPU-scrubbed-{index:04d}"}
            )
    calls.append({"fn": "nvmlShutdown", "rc": 0})
    facts = {
        "platform": {"system": "Linux", "machine": machine},
        "env": {**ENV0, **(env or {})},
        "driver_files": list(files),
        "calls": calls,
        "timed_out": False,
    }
    if "/proc/driver/nvidia/version" in files:
        arch = "x86_64" if machine == "x86_64" else machine
        facts["kernel_module"] = f"NVRM version: NVIDIA UNIX {arch} Kernel Module  {driver}"
    return facts


CC_SRC = "compute capability from developer.nvidia.com/cuda-gpus"


def rn(driver: str, cuda: str) -> str:
    return f"driver {driver} reports CUDA {cuda} (CUDA Toolkit Release Notes, Table 3)"


def fixtures() -> dict[str, dict]:
    out: dict[str, dict] = {}

    def add(name: str, source: str, facts: dict, **extra: object) -> None:
        out[name] = {
            "format": 1,
            "provider": "nvidia",
            "source": f"synthetic from public facts: {source}",
            **extra,
            "facts": facts,
        }

    add(
        "linux-tesla-t4-cuda12.2-sm75",
        f"Tesla T4 (7.5, {CC_SRC}); {rn('535.104.05', '12.2')}",
        nvml_host("535.104.05", 12020, [("Tesla T4", (7, 5), None)]),
    )
    add(
        "linux-tesla-v100-cuda11.4-sm70",
        f"Tesla V100-SXM2-16GB (7.0, {CC_SRC}); {rn('470.82.01', '11.4')}",
        nvml_host("470.82.01", 11040, [("Tesla V100-SXM2-16GB", (7, 0), None)]),
    )
    add(
        "linux-a100-mig-enabled-cuda12.4-sm80",
        f"A100-SXM4-80GB (8.0, {CC_SRC}) with MIG mode on (MIG does not change the compute capability); "
        f"{rn('550.54.15', '12.4')}",
        nvml_host("550.54.15", 12040, [("NVIDIA A100-SXM4-80GB", (8, 0), 1)]),
    )
    add(
        "jetson-agx-orin-jetpack5-no-nvml-libcuda-cuda11.4-sm87",
        f"Jetson AGX Orin (8.7, {CC_SRC}), JetPack 5.1 (L4T R35, CUDA 11.4): NVML absent on Tegra, "
        "so the seam falls back to libcuda (cuDriverGetVersion 11040, cuDeviceGetAttribute 75/76)",
        {
            "platform": {"system": "Linux", "machine": "aarch64"},
            "env": dict(ENV0),
            "driver_files": ["/dev/nvhost-ctrl-gpu", "/etc/nv_tegra_release"],
            "calls": [
                {
                    "fn": "dlopen",
                    "lib": "nvml",
                    "name": "libnvidia-ml.so.1",
                    "rc": 1,
                    "error": "libnvidia-ml.so.1: cannot open shared object file: No such file or directory",
                },
                {
                    "fn": "dlopen",
                    "lib": "nvml",
                    "name": "/usr/lib/wsl/lib/libnvidia-ml.so.1",
                    "rc": 1,
                    "error": "/usr/lib/wsl/lib/libnvidia-ml.so.1: cannot open shared object file: No such file or directory",
                },
                {"fn": "dlopen", "lib": "cuda", "name": "libcuda.so.1", "rc": 0},
                {"fn": "cuDriverGetVersion", "rc": 0, "value": 11040},
                {"fn": "cuInit", "rc": 0},
                {"fn": "cuDeviceGetCount", "rc": 0, "value": 1},
                {"fn": "cuDeviceGet", "ordinal": 0, "rc": 0},
                {"fn": "cuDeviceGetName", "ordinal": 0, "rc": 0, "value": "Orin"},
                {"fn": "cuDeviceGetAttribute", "ordinal": 0, "attribute": 75, "rc": 0, "value": 8},
                {"fn": "cuDeviceGetAttribute", "ordinal": 0, "attribute": 76, "rc": 0, "value": 7},
            ],
            "timed_out": False,
        },
    )
    add(
        "linux-rtx4090-cuda12.8-sm89",
        f"GeForce RTX 4090 (8.9, {CC_SRC}); {rn('570.124.06', '12.8')}; "
        "the bounds are the published driver-12.8 example of design/plugin-contract.md",
        nvml_host("570.124.06", 12080, [("NVIDIA GeForce RTX 4090", (8, 9), None)]),
    )
    add(
        "linux-l4-cuda12.4-sm89",
        f"L4 (8.9, {CC_SRC}); {rn('550.90.07', '12.4')}",
        nvml_host("550.90.07", 12040, [("NVIDIA L4", (8, 9), 0)]),
    )
    add(
        "linux-h100-cuda13.0-sm90-sm90a",
        f"H100 80GB HBM3 (9.0, {CC_SRC}); {rn('580.65.06', '13.0')}; "
        "sm_90a is the arch-specific target of CC 9.0 (CUDA Programming Guide, Feature Availability)",
        nvml_host("580.65.06", 13000, [("NVIDIA H100 80GB HBM3", (9, 0), 0)]),
    )
    add(
        "linux-b200-cuda12.9-sm100-100a-100f",
        f"B200 (10.0, {CC_SRC}); {rn('575.51.03', '12.9')}",
        nvml_host("575.51.03", 12090, [("NVIDIA B200", (10, 0), 0)]),
    )
    add(
        "linux-b300-cuda13.0-sm103-103a-103f-100f",
        f"B300 (10.3, {CC_SRC}); {rn('580.82.07', '13.0')}; "
        "CC 10.3 runs sm_100f and sm_103f family code (CUDA 12.9 family-specific features)",
        nvml_host("580.82.07", 13000, [("NVIDIA B300 SXM6 AC", (10, 3), 0)]),
    )
    add(
        "linux-mixed-b200-b300-common-100f",
        f"B200 (10.0) + B300 (10.3), {CC_SRC}; {rn('580.82.07', '13.0')}; "
        "the only code both run: sm_100f and sm_100 (real and PTX)",
        nvml_host("580.82.07", 13000, [("NVIDIA B200", (10, 0), 0), ("NVIDIA B300 SXM6 AC", (10, 3), 0)]),
    )
    add(
        "linux-dgx-spark-gb10-cuda13.0-sm121",
        f"DGX Spark, NVIDIA GB10 (12.1, {CC_SRC}), aarch64; {rn('580.95.05', '13.0')}",
        nvml_host("580.95.05", 13000, [("NVIDIA GB10", (12, 1), None)], machine="aarch64"),
    )
    add(
        "linux-mixed-t4-h100-no-common-sm",
        f"Tesla T4 (7.5) + H100 (9.0), {CC_SRC}; {rn('570.124.06', '12.8')}; "
        "no sm_arch value runs on both, so sm_arch is omitted (wheels declaring sm_arch are not offered)",
        nvml_host("570.124.06", 12080, [("Tesla T4", (7, 5), None), ("NVIDIA H100 80GB HBM3", (9, 0), 0)]),
    )
    add(
        "linux-mixed-t4-h100-visible-h100-by-uuid",
        "the T4 + H100 host with CUDA_VISIBLE_DEVICES naming the H100 by a (scrubbed) UUID",
        nvml_host(
            "570.124.06",
            12080,
            [("Tesla T4", (7, 5), None), ("NVIDIA H100 80GB HBM3", (9, 0), 0)],
            env={"CUDA_VISIBLE_DEVICES": "GPU-scrubbed-0001"},
            uuids=True,
        ),
    )
    add(
        "linux-mixed-t4-h100-visible-t4-by-pci-index",
        "the T4 + H100 host with CUDA_DEVICE_ORDER=PCI_BUS_ID and CUDA_VISIBLE_DEVICES=0 (the T4)",
        nvml_host(
            "570.124.06",
            12080,
            [("Tesla T4", (7, 5), None), ("NVIDIA H100 80GB HBM3", (9, 0), 0)],
            env={"CUDA_VISIBLE_DEVICES": "0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"},
        ),
    )
    add(
        "linux-mixed-t4-h100-index-fastest-first-keeps-all",
        "the T4 + H100 host with CUDA_VISIBLE_DEVICES=0 in CUDA's default FASTEST_FIRST order: index 0 "
        "cannot be mapped to an NVML device, so both count (no common sm_arch)",
        nvml_host(
            "570.124.06",
            12080,
            [("Tesla T4", (7, 5), None), ("NVIDIA H100 80GB HBM3", (9, 0), 0)],
            env={"CUDA_VISIBLE_DEVICES": "0"},
        ),
    )
    add(
        "linux-h100-cuda-visible-devices-empty-no-sm",
        "an H100 host with CUDA_VISIBLE_DEVICES='' (CUDA sees no device): bounds only",
        nvml_host(
            "580.65.06", 13000, [("NVIDIA H100 80GB HBM3", (9, 0), 0)], env={"CUDA_VISIBLE_DEVICES": ""}
        ),
    )
    add(
        "linux-2x-a100-second-gpu-lost-sm80",
        "two A100s; the second one's nvmlDeviceGetHandleByIndex_v2 returns NVML_ERROR_GPU_IS_LOST (15): "
        f"the first still answers; {rn('550.54.15', '12.4')}",
        nvml_host(
            "550.54.15",
            12040,
            [("NVIDIA A100-SXM4-80GB", (8, 0), 0), ("NVIDIA A100-SXM4-80GB", (8, 0), 0)],
            broken={1: 15},
        ),
    )
    add(
        "wsl2-rtx3080-cuda12.9-sm86",
        f"WSL2 on Windows with GeForce RTX 3080 (8.6, {CC_SRC}); the Windows driver 576.02 reports CUDA 12.9; "
        "no /dev/nvidiactl, the GPU is reached through /dev/dxg and /usr/lib/wsl/lib; sm_arch is the "
        "published CC 8.6 example of design/plugin-contract.md",
        nvml_host(
            "576.02",
            12090,
            [("NVIDIA GeForce RTX 3080", (8, 6), None)],
            files=("/dev/dxg", "/usr/lib/wsl/lib/libcuda.so.1"),
        ),
    )
    add(
        "linux-v100-driver440-cuda10.2-older-than-cuda11",
        f"Tesla V100 (7.0) with driver 440.33.01 = CUDA 10.2 ({rn('440.33.01', '10.2')}): no lower bound "
        "(all need >= 11), every upper bound holds; the reference reports nothing here",
        nvml_host("440.33.01", 10020, [("Tesla V100-SXM2-16GB", (7, 0), None)]),
    )
    add(
        "linux-h100-cuda16.0-newer-than-known-range",
        "synthetic future driver reporting CUDA 16.0 (16000) on an H100: every known lower bound holds, "
        "no upper bound does; the reference reports nothing here",
        nvml_host("600.00.00", 16000, [("NVIDIA H100 80GB HBM3", (9, 0), 0)]),
    )
    add(
        "linux-nvml-mismatch-libcuda-mismatch-nothing",
        "container after a driver upgrade without reboot: nvmlInit_v2 returns NVML_ERROR_LIB_RM_VERSION_MISMATCH "
        "(18) and cuInit returns CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803); cuDriverGetVersion still answers "
        "from the user-mode library, but CUDA cannot run, so nothing is reported",
        {
            "platform": {"system": "Linux", "machine": "x86_64"},
            "env": dict(ENV0),
            "driver_files": list(LINUX),
            "kernel_module": "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15",
            "calls": [
                {"fn": "dlopen", "lib": "nvml", "name": "libnvidia-ml.so.1", "rc": 0},
                {"fn": "nvmlInit_v2", "rc": 18},
                {"fn": "dlopen", "lib": "cuda", "name": "libcuda.so.1", "rc": 0},
                {"fn": "cuDriverGetVersion", "rc": 0, "value": 12080},
                {"fn": "cuInit", "rc": 803},
            ],
            "timed_out": False,
        },
        no_hardware=True,
    )
    add(
        "linux-driver-wedged-timed-out",
        "a wedged driver: nvmlInit_v2 did not return within the cap; the live probe warned once",
        {
            "platform": {"system": "Linux", "machine": "x86_64"},
            "env": dict(ENV0),
            "driver_files": list(LINUX),
            "calls": [{"fn": "dlopen", "lib": "nvml", "name": "libnvidia-ml.so.1", "rc": 0}],
            "timed_out": True,
            "stuck_in": "nvmlInit_v2",
        },
        no_hardware=True,
    )
    add(
        "linux-no-driver",
        "a machine without an NVIDIA driver: no driver file, no driver call",
        {
            "platform": {"system": "Linux", "machine": "x86_64"},
            "env": dict(ENV0),
            "driver_files": [],
            "calls": [],
            "timed_out": False,
        },
        no_hardware=True,
    )
    add(
        "darwin-arm64-no-driver",
        "a Mac: no CUDA driver exists, nothing is probed",
        {
            "platform": {"system": "Darwin", "machine": "arm64"},
            "env": dict(ENV0),
            "driver_files": [],
            "calls": [],
            "timed_out": False,
        },
        no_hardware=True,
    )
    add(
        "forced-cuda12.8-sm8.6-no-driver",
        "no driver, NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION=12.8 and NV_VARIANT_PROVIDER_FORCE_SM_ARCH=8.6: "
        "exactly the published examples of design/plugin-contract.md",
        {
            "platform": {"system": "Linux", "machine": "x86_64"},
            "env": {
                **ENV0,
                "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.8",
                "NV_VARIANT_PROVIDER_FORCE_SM_ARCH": "8.6",
            },
            "driver_files": [],
            "calls": [],
            "timed_out": False,
        },
    )
    add(
        "forced-cuda12.7-on-mixed-host-sm-from-devices",
        "T4 + T4 host (7.5) with only the CUDA version forced to 12.7: sm_arch still comes from the devices",
        nvml_host(
            "570.124.06",
            12080,
            [("Tesla T4", (7, 5), None), ("Tesla T4", (7, 5), None)],
            env={"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.7"},
        ),
    )
    return out


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, data in fixtures().items():
        path = HERE / f"{name}.json"
        if path.exists():  # keep reviewed expected outputs
            old = json.loads(path.read_text())
            if "expected" in old:
                data["expected"] = old["expected"]
        path.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
