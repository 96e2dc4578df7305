"""Small measuring helpers: percentiles in milliseconds and process memory from /proc."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np


def percentiles(seconds: Sequence[float], points: Iterable[int] = (50, 95, 99)) -> dict:
    """{'p50': ms, ...} over durations given in seconds, plus the count."""
    values = np.asarray(seconds, dtype=np.float64) * 1000
    out = {f"p{p}": round(float(np.percentile(values, p)), 2) for p in points} if len(values) else {}
    out["n"] = len(values)
    return out


def _status_kb(field: str, pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory now."""
    return _status_kb("VmRSS", pid) * 1024


def peak_rss_bytes(pid: int | str = "self") -> int:
    """Peak resident memory so far (VmHWM)."""
    return _status_kb("VmHWM", pid) * 1024


def mb(n_bytes: float) -> float:
    return round(n_bytes / 2**20, 1)
