"""Processes we start that must not outlive us: mkdocs or Zensical, Pagefind.

A build or preview killed outright (SIGKILL, the out-of-memory killer, a closed terminal)
runs no `finally`; without this, its Zensical or Pagefind would go on writing for minutes
and a preview would keep its port. Linux stops them with us when asked at their start.
"""

from __future__ import annotations

import signal
import sys


def die_with_parent() -> None:
    """`preexec_fn` of a child: ask the kernel for SIGTERM to it when we die (Linux)."""
    if sys.platform == "linux":
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
