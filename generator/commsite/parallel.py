"""A list's work shared out between forked copies of this process, one per core.

Loading records is pure Python (YAML, JSON Schema, Python-Markdown), which
threads cannot speed up and processes can. Forked copies need nothing imported
again and nothing sent to them but the items: the work function and all it uses
are already in their memory. Results come back pickled, in the order of the items.

Forking is only safe on Linux (macOS's system libraries may crash a forked
child; Windows cannot fork) and only while this process runs no other thread
(a lock held by another thread at the fork stays locked in the copy forever).
So elsewhere, with threads running (a preview server's rebuild), with few items
or on one core, the work runs here, the same way, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting processes costs more than it saves; and each copy gets
# at least MIN_PER_PROCESS, so that its fork (milliseconds) stays small beside its share.
MIN_ITEMS = 64
MIN_PER_PROCESS = 32
# Chunks per process: handed out as processes free up, so one slow chunk cannot hold up
# the end, while each chunk stays big enough that handing it out costs little.
CHUNKS_PER_CORE = 8

_work: Callable | None = None  # what the forked copies run (inherited, not pickled)


def _run(chunk: list) -> list:
    return _work(chunk)


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the machine's
    return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def map_shares(work: Callable[[list[T]], list[R]], items: Sequence[T]) -> list[R]:
    """`work(chunk)` returns one result per item of the chunk; returns them for all items.

    `work` may run in other processes: what it changes there is lost, only what it
    returns comes back."""
    items = list(items)
    n = min(cores(), len(items) // MIN_PER_PROCESS)  # 64 cores for 100 items: a few copies
    if len(items) < MIN_ITEMS or n < 2 or not can_fork():
        return work(items)
    size = -(-len(items) // (n * CHUNKS_PER_CORE))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    global _work
    _work = work
    # Ctrl-C is held back while the copies are made, and stays held back in them (they
    # inherit that): this process alone stops, tells the author and closes the pool, so
    # one Ctrl-C prints one line, not a traceback per copy; one pressed meanwhile arrives
    # here as the hold is lifted. With "fork", the executor makes every copy at the first
    # submit, before its own management thread: while this process has one thread.
    pool = None
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"))
            futures = [pool.submit(_run, chunk) for chunk in chunks]
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return [result for future in futures for result in future.result()]
    except (BrokenProcessPool, OSError, ImportError, NotImplementedError):
        # A copy was killed (out of memory, say), whether chunks were still being handed
        # out or results coming back; or the pool cannot start (no semaphores for its
        # queues in some containers); or the work failed there: do it all here, where a
        # problem, if it is one, shows itself with its own message.
        pass
    finally:
        if pool is not None:  # on Ctrl-C too: the chunks not yet begun are dropped
            pool.shutdown(wait=True, cancel_futures=True)
        _work = None
    return work(items)
