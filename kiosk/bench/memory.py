"""This process's resident memory, now and at its peak, in KiB (Linux /proc; elsewhere the peak only, or nothing)."""

from __future__ import annotations

import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_kib(field: str) -> int | None:
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def current_kib() -> int | None:
    """Resident set size now; None off Linux (psutil is not a dependency of the kiosk)."""
    return _status_kib("VmRSS")


def peak_kib() -> int | None:
    """The most resident memory this process has held; None on Windows."""
    peak = _status_kib("VmHWM")
    if peak is not None:
        return peak
    try:
        import resource
    except ImportError:  # Windows
        return None
    largest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return largest // 1024 if sys.platform == "darwin" else largest  # macOS says bytes, Linux KiB
