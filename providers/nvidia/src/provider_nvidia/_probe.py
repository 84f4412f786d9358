"""The seam: the only module of this provider that touches the machine.

It returns raw, JSON-native facts and never raises, prints, spawns a process or hangs:

1. a cheap check for NVIDIA driver files (device nodes, the kernel module's /proc entry,
   WSL's and Jetson's driver files): a few ``stat`` calls. It lives in the package's
   ``__init__`` (``_first_facts``) because importing one more module costs about 0.3 ms of a
   13-20 ms interpreter start here: when no driver file exists this module is never imported
   - no ``ctypes`` import, no library load - which is what nearly every machine pays;
2. otherwise (this module) the driver calls, each recorded in ``calls`` with its return code and value, in
   a daemon thread joined with a time cap (a wedged driver must not hang ``pip install``):
   NVML (``libnvidia-ml.so.1`` / ``nvml.dll``) through a minimal ctypes binding, then
   ``libcuda`` (``cuDriverGetVersion``, ``cuDeviceGetAttribute``) when NVML is absent or does
   not answer the CUDA version or the device count (Jetson, compute-only containers).

GPU UUIDs are read only when CUDA_VISIBLE_DEVICES names one, and :func:`scrub` replaces them
before facts are recorded. Nothing here decides anything: ``_rules.py`` reads the log.
"""

import os
import sys

#: Seconds the driver calls may take before the namespace reports nothing (with a warning).
#: Initialising NVML on a many-GPU host without persistence mode takes seconds; a wedged
#: driver takes forever. Override with PROVIDER_NVIDIA_TIMEOUT.
DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "PROVIDER_NVIDIA_TIMEOUT"
# Buffer sizes from nvml.h (NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE, NVML_DEVICE_NAME_V2_BUFFER_SIZE,
# NVML_DEVICE_UUID_V2_BUFFER_SIZE).
_DRIVER_VERSION_LEN = 80
_NAME_LEN = 96
_UUID_LEN = 96
#: cuda.h CUdevice_attribute: CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR
_CC_ATTRS = (75, 76)


def complete(facts: dict) -> dict:
    """Add to the first facts (``provider_nvidia._first_facts``: platform, environment, driver
    files) the kernel module's version line and the log of the driver calls."""
    files = facts.get("driver_files") or []
    if "/proc/driver/nvidia/version" in files:
        from provider_runtime import sysio

        text = sysio.read_text("/proc/driver/nvidia/version", 4096)
        facts["kernel_module"] = (
            text.splitlines()[0].strip() if isinstance(text, str) and text.strip() else None
        )
    _call_driver_with_cap(facts, facts.get("env") or {})
    return facts


def probe() -> dict:
    """Raw facts of this machine, the whole seam (what ``NvidiaPlugin.probe`` returns)."""
    from provider_nvidia import NvidiaPlugin

    return NvidiaPlugin.probe()


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if 0 < value < 3600 else DEFAULT_TIMEOUT_S


def _call_driver_with_cap(facts: dict, env: dict) -> None:
    import threading

    calls: list = []
    state = {"current": None}
    worker = threading.Thread(
        target=_driver_calls, args=(calls, state, env), name="provider-nvidia-probe", daemon=True
    )
    worker.start()
    limit = _timeout()
    worker.join(limit)
    facts["calls"] = list(calls)
    if worker.is_alive():
        facts["timed_out"] = True
        facts["stuck_in"] = state["current"]
        from provider_runtime import warn

        warn(
            f"provider-nvidia: the NVIDIA driver did not answer within {limit:g} s (stuck in "
            f"{state['current']}); reporting no supported features for namespace 'nvidia' "
            f"(raise the limit with {TIMEOUT_ENV})"
        )


def _driver_calls(calls: list, state: dict, env: dict) -> None:
    """Every driver call, appended to ``calls`` as it completes. Runs in the worker thread."""
    try:
        import ctypes

        nvml_ok = _nvml_calls(ctypes, calls, state, env)
        if not nvml_ok:
            _cuda_calls(ctypes, calls, state)
    except Exception as exc:  # a binding surprise must not escape the seam
        calls.append({"fn": "exception", "rc": None, "error": f"{type(exc).__name__}: {exc}"})
    state["current"] = None


def _load(ctypes, calls: list, lib: str, names: tuple[str, ...]):
    for name in names:
        try:
            handle = ctypes.CDLL(name)
        except OSError as exc:
            calls.append({"fn": "dlopen", "lib": lib, "name": name, "rc": 1, "error": str(exc)[:200]})
            continue
        calls.append({"fn": "dlopen", "lib": lib, "name": name, "rc": 0})
        return handle
    return None


def _nvml_names() -> tuple[str, ...]:
    if sys.platform == "win32":
        root = os.environ.get("WINDIR", "C:\\Windows")
        programs = os.environ.get("ProgramFiles", "C:\\Program Files")
        return (
            os.path.join(root, "System32", "nvml.dll"),
            os.path.join(programs, "NVIDIA Corporation", "NVSMI", "nvml.dll"),
        )
    return ("libnvidia-ml.so.1", "/usr/lib/wsl/lib/libnvidia-ml.so.1")


def _cuda_names() -> tuple[str, ...]:
    if sys.platform == "win32":
        return ("nvcuda.dll",)
    return ("libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1")


def _call(calls: list, state: dict, lib, fn: str, args: tuple, record: dict | None = None) -> int | None:
    """Call ``fn`` and log it; the return code, or None when the symbol is missing."""
    entry = {"fn": fn}
    entry.update(record or {})
    try:
        func = getattr(lib, fn)
    except AttributeError:
        entry.update(rc=None, error="symbol not found")
        calls.append(entry)
        return None
    state["current"] = fn
    rc = int(func(*args))
    entry["rc"] = rc
    calls.append(entry)
    return rc


def _nvml_calls(ctypes, calls: list, state: dict, env: dict) -> bool:
    """NVML's answers; True when NVML gave the CUDA version and the device count."""
    lib = _load(ctypes, calls, "nvml", _nvml_names())
    if lib is None:
        return False
    if _call(calls, state, lib, "nvmlInit_v2", ()) != 0:
        return False
    c_int, c_uint = ctypes.c_int, ctypes.c_uint
    try:
        buf = ctypes.create_string_buffer(_DRIVER_VERSION_LEN)
        if _call(calls, state, lib, "nvmlSystemGetDriverVersion", (buf, c_uint(_DRIVER_VERSION_LEN))) == 0:
            calls[-1]["value"] = _text(buf)
        version = c_int()
        got_version = False
        for fn in ("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"):
            if _call(calls, state, lib, fn, (ctypes.byref(version),)) == 0:
                calls[-1]["value"] = version.value
                got_version = True
                break
        count = c_uint()
        if _call(calls, state, lib, "nvmlDeviceGetCount_v2", (ctypes.byref(count),)) != 0:
            return False
        calls[-1]["value"] = count.value
        want_uuid = any(
            t.strip().startswith("GPU-") for t in (env.get("CUDA_VISIBLE_DEVICES") or "").split(",")
        )
        for index in range(min(count.value, 4096)):
            _nvml_device(ctypes, lib, calls, state, index, want_uuid)
        return got_version
    finally:
        _call(calls, state, lib, "nvmlShutdown", ())


def _nvml_device(ctypes, lib, calls: list, state: dict, index: int, want_uuid: bool) -> None:
    handle = ctypes.c_void_p()
    idx = {"index": index}
    get_handle = getattr(lib, "nvmlDeviceGetHandleByIndex_v2", None)
    if get_handle is not None:
        get_handle.argtypes = [ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p)]
    if _call(calls, state, lib, "nvmlDeviceGetHandleByIndex_v2", (index, ctypes.byref(handle)), idx) != 0:
        return  # this device only: the others are still asked
    for fn in (
        "nvmlDeviceGetName",
        "nvmlDeviceGetCudaComputeCapability",
        "nvmlDeviceGetMigMode",
        "nvmlDeviceGetUUID",
    ):
        if fn == "nvmlDeviceGetUUID" and not want_uuid:
            continue
        if fn in ("nvmlDeviceGetName", "nvmlDeviceGetUUID"):
            size = _NAME_LEN if fn == "nvmlDeviceGetName" else _UUID_LEN
            buf = ctypes.create_string_buffer(size)
            if _call(calls, state, lib, fn, (handle, buf, ctypes.c_uint(size)), idx) == 0:
                calls[-1]["value"] = _text(buf)
        else:
            a, b = (
                (ctypes.c_int(), ctypes.c_int()) if "Capability" in fn else (ctypes.c_uint(), ctypes.c_uint())
            )
            if _call(calls, state, lib, fn, (handle, ctypes.byref(a), ctypes.byref(b)), idx) == 0:
                calls[-1]["value"] = [a.value, b.value]


def _cuda_calls(ctypes, calls: list, state: dict) -> None:
    """libcuda's answers: the driver's CUDA version and each device's compute capability."""
    lib = _load(ctypes, calls, "cuda", _cuda_names())
    if lib is None:
        return
    value = ctypes.c_int()
    if _call(calls, state, lib, "cuDriverGetVersion", (ctypes.byref(value),)) == 0:
        calls[-1]["value"] = value.value
    if _call(calls, state, lib, "cuInit", (ctypes.c_uint(0),)) != 0:
        return
    count = ctypes.c_int()
    if _call(calls, state, lib, "cuDeviceGetCount", (ctypes.byref(count),)) != 0:
        return
    calls[-1]["value"] = count.value
    for ordinal in range(max(0, min(count.value, 4096))):
        device = ctypes.c_int()
        if (
            _call(
                calls,
                state,
                lib,
                "cuDeviceGet",
                (ctypes.byref(device), ctypes.c_int(ordinal)),
                {"ordinal": ordinal},
            )
            != 0
        ):
            continue
        buf = ctypes.create_string_buffer(_NAME_LEN)
        if (
            _call(
                calls,
                state,
                lib,
                "cuDeviceGetName",
                (buf, ctypes.c_int(_NAME_LEN), device),
                {"ordinal": ordinal},
            )
            == 0
        ):
            calls[-1]["value"] = _text(buf)
        for attr in _CC_ATTRS:
            if (
                _call(
                    calls,
                    state,
                    lib,
                    "cuDeviceGetAttribute",
                    (ctypes.byref(value), ctypes.c_int(attr), device),
                    {"ordinal": ordinal, "attribute": attr},
                )
                == 0
            ):
                calls[-1]["value"] = value.value


def _text(buf) -> str:
    return buf.value.decode("utf-8", "replace")


def scrub(facts: dict) -> dict:
    """Replace GPU UUIDs (in the call log and in CUDA_VISIBLE_DEVICES) with placeholders that
    keep which token named which device, so a recording replays to the same answer."""
    if not isinstance(facts, dict):
        return facts
    placeholders: dict = {}
    for call in facts.get("calls") or []:
        if (
            isinstance(call, dict)
            and call.get("fn") == "nvmlDeviceGetUUID"
            and isinstance(call.get("value"), str)
        ):
            fake = (
                f"GPU-scrubbed-{call.get('index'):04d}"
                if isinstance(call.get("index"), int)
                else "GPU-scrubbed"
            )
            placeholders[call["value"]] = fake
            call["value"] = fake
    env = facts.get("env")
    if isinstance(env, dict) and isinstance(env.get("CUDA_VISIBLE_DEVICES"), str):
        tokens = []
        for n, raw in enumerate(env["CUDA_VISIBLE_DEVICES"].split(",")):
            token = raw.strip()
            if token.startswith(("GPU-", "MIG-")):
                hits = [fake for real, fake in placeholders.items() if real.startswith(token)]
                kind = token[:3]
                token = hits[0] if len(hits) == 1 else f"{kind}-unmatched-{n}"
            tokens.append(token)
        env["CUDA_VISIBLE_DEVICES"] = ",".join(tokens)
    return facts
