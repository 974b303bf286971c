"""Give the memory the kiosk has freed back to the operating system, after each visit; and say how the C heap stands.

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
import linecache
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class _MallInfo2(ctypes.Structure):
    """glibc's struct mallinfo2 (2.33 and later): every arena's figures summed, in bytes."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                     "keepcost")
    ]  # fmt: skip


@dataclass(frozen=True)
class CHeap:
    """Where malloc's heaps stand, in KiB: what tells a leak (in use grows) from memory held free (free grows)."""

    in_use_kib: int  # allocated and not yet freed, in every arena (Qt's, SQLite's, Python's larger objects)
    free_kib: int  # freed but kept in the arenas for reuse; after a trim its whole pages are no longer resident
    mmapped_kib: int  # large blocks malloc mapped on their own (returned to the system when freed)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def _function(name: str) -> Any:
    """A C library function by name, or None where the library has none (musl has no malloc_trim)."""
    libc = _libc()
    return getattr(libc, name, None) if libc is not None else None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    trim: Callable[[int], int] | None = _function("malloc_trim")
    return trim


@functools.cache
def _mallinfo2() -> Callable[[], _MallInfo2] | None:
    read = _function("mallinfo2")  # glibc 2.33 and later
    if read is None:
        return None
    read.restype = _MallInfo2
    reader: Callable[[], _MallInfo2] = read
    return reader


def forget_source_lines() -> None:
    """Drop the program text Python keeps for tracebacks (linecache); a traceback reads what it needs afresh.

    Once Qt is loaded, PySide6 reads the whole source of every module imported after it (its `__feature__` check
    goes through `inspect`), and linecache keeps that text for the life of the process. The kiosk imports some
    modules only when a path first runs (segno, the first time a page with a web address is shown: 0.7 MiB of
    text), so a kiosk that had run for weeks would still hold the text of every late import; at start-up the same
    cache held about 20 MiB.
    """
    linecache.clearcache()


def release_free_memory() -> bool:
    """Return memory the kiosk no longer needs to the operating system; True if the C library did (glibc), False
    if it cannot (the program text kept for tracebacks is dropped everywhere).

    No garbage collection is forced first: a collection that frees Qt widgets tears their C++ trees down from
    inside the collector, which crashed a whole test run (segmentation fault in ~QLabel). The visit's widgets are
    freed by Qt's own deleteLater() before this runs; Python's cyclic garbage is left to its usual schedule.
    """
    forget_source_lines()  # first, so the trim below can return what the text took
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def c_heap() -> CHeap | None:
    """malloc's own figures now (glibc's mallinfo2, a walk of every arena's free lists); None off glibc."""
    read = _mallinfo2()
    if read is None:
        return None
    info = read()
    return CHeap(info.uordblks // 1024, info.fordblks // 1024, info.hblkhd // 1024)
