"""glibc's allocator, told to keep less: docqa serve's memory at 100k paragraphs was over 1 GB."""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


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


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Let threads share `arenas` malloc arenas instead of up to 8 per core: each of the UI's
    answer threads otherwise keeps its own arena's freed memory (35 MB at 100k paragraphs,
    `bench.serve_memory`). The same as MALLOC_ARENA_MAX, set before the threads start."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, arenas)
