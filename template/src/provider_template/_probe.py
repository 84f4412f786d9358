"""The seam: the only module of this provider that reads the machine.

It returns raw, JSON-native facts and never raises: whatever cannot be read is left out
(missing hardware is a fact, not an error). Replace the body with your device's reads
(a sysfs file through ``provider_runtime.sysio``, a driver call through ctypes, ...) and
record each call's raw result - not conclusions - so that recorded facts replay anywhere.
"""

import os
import sys

from provider_runtime import platform_facts


def probe() -> dict:
    """Raw facts: the platform, the logical CPU count, and the byte order."""
    facts: dict = {"platform": platform_facts()}
    try:
        facts["cpu_count"] = os.cpu_count()  # None when the OS cannot tell
    except Exception:  # never raise from the seam
        facts["cpu_count"] = None
    facts["byteorder"] = sys.byteorder
    return facts


