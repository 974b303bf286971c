"""malloc's own figures, as the soak reads them: in use follows what is allocated and freed; a trim gives back.

Counted in KiB from glibc, not timed.
"""

from __future__ import annotations

import ctypes
import sys

import pytest

from kiosk.bench.memory import current_kib
from kiosk.ops.heap import c_heap, release_free_memory

BLOCKS, BLOCK_BYTES = 256, 16 * 1024  # 4 MiB in blocks under malloc's mmap threshold: they live in its heaps


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


@pytest.mark.skipif(not sys.platform.startswith("linux") or c_heap() is None, reason="glibc's mallinfo2 only")
def test_memory_in_use_follows_what_is_allocated_and_freed_memory_is_held_until_trimmed() -> None:
    libc = _libc()
    release_free_memory()
    before = c_heap()
    assert before is not None
    blocks = [libc.malloc(BLOCK_BYTES) for _ in range(BLOCKS)]
    pin = libc.malloc(BLOCK_BYTES)  # above them: freed, they cannot fall into the heap's top and go back at once
    for block in blocks:
        ctypes.memset(block, 1, BLOCK_BYTES)  # touched, as a real object is: resident
    allocated = c_heap()
    for block in blocks:
        libc.free(block)
    freed, resident_freed = c_heap(), current_kib()
    release_free_memory()
    trimmed, resident_trimmed = c_heap(), current_kib()
    libc.free(pin)
    assert allocated is not None and freed is not None and trimmed is not None
    assert resident_freed is not None and resident_trimmed is not None
    size_kib = BLOCKS * BLOCK_BYTES // 1024
    # In use rises by what was allocated, give or take what Python allocated or freed meanwhile (in a whole run, a
    # few dozen KiB either way), and falls back after.
    assert size_kib * 0.9 <= allocated.in_use_kib - before.in_use_kib < size_kib * 1.25
    assert freed.in_use_kib - before.in_use_kib < size_kib / 4
    # Freed, the blocks are held by malloc for reuse, still resident: memory held, not leaked, which the free
    # figure tells apart from in use. The trim gives their pages back; malloc still counts them free.
    # (Measured from the moment they were allocated: in a whole run they may come out of space earlier tests freed.)
    assert freed.free_kib - allocated.free_kib >= size_kib * 3 / 4
    assert resident_freed - resident_trimmed >= size_kib * 3 / 4
    assert trimmed.free_kib - allocated.free_kib >= size_kib * 3 / 4
