"""CPU time used by a process, read from the kernel: what a benchmark reports per call."""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_s(pid: int | None = None) -> float | None:
    """User plus system CPU seconds of process `pid` (all its threads), this process's when
    None; None where the kernel does not say (no /proc)."""
    if pid is None:
        return time.process_time()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces and parentheses): state is the
    # first, utime the 12th and stime the 13th (proc(5)).
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND
