"""glibc's allocator, told to keep less: docqa serve's memory at 100k paragraphs was over 1 GB."""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

# mallopt's parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def _libc() -> Any | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def return_freed_memory() -> None:
    """Hand memory freed after a build back to the system. glibc keeps it otherwise: at 100k
    paragraphs the build's temporary records left the process at 1.5 GB RSS, 0.6 GB after."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):  # not glibc: nothing to hand back
        libc.malloc_trim(0)


def tune_malloc_for_serving() -> None:
    """Call before the threads start (`docqa serve`): the same as MALLOC_ARENA_MAX=2 and
    MALLOC_MMAP_THRESHOLD_=262144.

    Two arenas for all threads instead of up to 8 per core: each of the UI's answer threads
    otherwise keeps its own arena's freed memory. A fixed mmap threshold: glibc raises its
    threshold after large blocks are freed, and from then on each question's large numpy
    temporaries (scores over every paragraph, sentence vectors) come from the heap, which
    fragments and keeps its high-water mark; above 256 KB they now go back to the system when
    freed. `bench.serve_memory` at 100k paragraphs, after 100 questions: ~35 MB less with the
    arenas, another ~15-25 MB with the threshold (984-1005 -> 978-979 MB, sentence cache capped).
    """
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, 2)
        libc.mallopt(_M_MMAP_THRESHOLD, 256 * 1024)
