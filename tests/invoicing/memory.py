"""The peak memory of this process while a block runs (issue 9: a web worker must not grow).

Linux resets the peak (VmHWM) when 5 is written to /proc/self/clear_refs, so the figure is
the block's own peak, whatever earlier tests did; elsewhere ru_maxrss, a coarser bound.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def _status_kb(name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    raise LookupError(name)


@dataclass
class PeakGrowth:
    mb: float = 0.0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


@contextmanager
def peak_growth() -> Iterator[PeakGrowth]:
    """`with peak_growth() as growth: ...` then `growth.mb`: peak RSS above the start."""
    result = PeakGrowth()
    if _reset_peak():
        start = _status_kb("VmRSS")
        yield result
        result.mb = (_status_kb("VmHWM") - start) / 1024
        return
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    yield result
    result.mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024
