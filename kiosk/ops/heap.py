"""Give the memory the kiosk has freed back to the operating system, after each visit.

glibc's malloc keeps freed memory in its heaps for reuse and returns only an unused top of the main heap; a
kiosk that builds and deletes a form's widgets all day leaves holes below the top and in the worker threads'
arenas. `kiosk bench --soak` measured 16 MiB of resident memory over 1,200 taps and 8 visits that one
malloc_trim(0) gave back 12.7 MiB of (docs/performance.md): memory freed, not leaked, but held. malloc_trim walks
the heaps in a few milliseconds, so the kiosk calls it once a patient has gone. Elsewhere (Windows, macOS,
musl) there is no such call and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim  # glibc only: musl has no malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_free_memory() -> bool:
    """Return freed heap memory to the operating system; True if the C library did (glibc), False if it cannot.

    No garbage collection is forced first: a collection that frees Qt widgets tears their C++ trees down from
    inside the collector, which crashed a whole test run (segmentation fault in ~QLabel). The visit's widgets are
    freed by Qt's own deleteLater() before this runs; Python's cyclic garbage is left to its usual schedule.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
