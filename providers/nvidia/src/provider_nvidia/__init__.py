"""Variant provider for the ``nvidia`` namespace: the driver's CUDA version and the GPU code
(``sm_arch``) every visible NVIDIA GPU of this machine runs.

Drop-in compatible with the reference provider (``nvidia-variant-provider``): same features,
spellings, ranges and order, same override variables; see README.md for what it adds.
Importing this module costs nothing beyond the runtime: the seam (``_probe``) and ``ctypes``
are imported only when asked, and ``ctypes`` only when driver files exist.
"""

import os
import sys

from provider_runtime import FeatureConfig, ProviderPlugin, platform_facts

_FORCE_CUDA_ENV = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
_FORCE_SM_ENV = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"
#: Environment variables that change the answer, recorded with the facts.
ENV_KEYS = ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", _FORCE_CUDA_ENV, _FORCE_SM_ENV)

# The cheap first part of the seam (the rest is ``_probe.py``): files whose presence says an
# NVIDIA driver may answer. Without any of them NVML and libcuda fail anyway (they need these
# device nodes), so looking for the libraries would only cost time. It lives here, not in
# ``_probe``, because each module import costs about 0.3 ms on the suite's machines and this is
# all that a machine without an NVIDIA driver runs.
LINUX_DRIVER_FILES = (
    "/proc/driver/nvidia/version",  # the kernel module is loaded (also seen in containers)
    "/dev/nvidiactl",  # control node: bare metal and nvidia-container-toolkit containers
    "/dev/dxg",  # WSL2 GPU paravirtualisation ...
    "/usr/lib/wsl/lib/libcuda.so.1",  # ... with the Windows driver's libraries mapped in
    "/dev/nvhost-ctrl-gpu",  # Jetson (nvgpu driver, JetPack <= 5)
    "/etc/nv_tegra_release",  # Jetson L4T
)


def _driver_files() -> tuple[str, ...]:
    if sys.platform.startswith("linux"):
        return LINUX_DRIVER_FILES
    if sys.platform == "win32":
        root = os.environ.get("WINDIR", "C:\\Windows")
        return (os.path.join(root, "System32", "nvml.dll"), os.path.join(root, "System32", "nvcuda.dll"))
    return ()  # macOS and others: no CUDA driver exists


def _exists(path: str) -> bool:
    try:
        return os.path.exists(path)
    except (OSError, ValueError):
        return False



def _first_facts() -> dict:
    """Platform, the environment variables that matter, and which driver files exist."""
    return {
        "platform": platform_facts(),
        "env": {key: os.environ.get(key) for key in ENV_KEYS},
        "driver_files": [path for path in _driver_files() if _exists(path)],
        "calls": [],
        "timed_out": False,
    }

__version__ = "1.0.0"
__all__ = ["NvidiaPlugin", "__version__"]


class NvidiaPlugin(ProviderPlugin):
    """Variant provider plugin for the ``nvidia`` namespace."""

    namespace = "nvidia"
    distribution = "provider-nvidia"
    version = __version__
    facts_env = "PROVIDER_NVIDIA_FACTS"
    seam_module = "provider_nvidia._probe"  # the driver calls; scrub() of UUIDs
    rules_module = "provider_nvidia._rules"

    @staticmethod
    def probe() -> dict:
        """Raw facts of this machine: the cheap file check, then (only when a driver file
        exists and the user did not force both answers) the driver calls of ``_probe``."""
        facts = _first_facts()
        env = facts["env"]
        if facts["driver_files"] and not (env[_FORCE_CUDA_ENV] and env[_FORCE_SM_ENV]):
            from provider_nvidia._probe import complete

            complete(facts)
        return facts

    @classmethod
    def derive(cls, facts: dict, explain: list | None = None) -> list[FeatureConfig]:
        """Supported features from facts (``_rules.derive``; see its rules).

        Facts with no driver call and no forced CUDA version can only give ``[]`` (no CUDA
        version was read): answered here without importing the rules, which is what a machine
        without an NVIDIA driver pays at every install.
        """
        if explain is None and isinstance(facts, dict) and not facts.get("calls"):
            env = facts.get("env")
            forced = env.get(_FORCE_CUDA_ENV) if isinstance(env, dict) else None
            if not (isinstance(forced, str) and forced):
                return []
        return super().derive(facts, explain)
