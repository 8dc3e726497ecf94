"""Processes we start that must not outlive us: mkdocs or Zensical, Pagefind.

A build or preview killed outright (SIGKILL, the out-of-memory killer, a closed terminal)
runs no `finally`; without this, its Zensical or Pagefind would go on writing for minutes
and a preview would keep its port. Linux stops them with us when asked at their start.

MkDocs is stopped as Ctrl-C stops it, by SIGINT: only then does it clean up after itself
(`mkdocs serve` deletes the whole site it built in a temporary folder; SIGTERM ends Python
at once and left one copy of the site, drafts included, in /tmp at every stop).
"""

from __future__ import annotations

import signal
import sys


def _on_parent_death(signum: int) -> None:
    if sys.platform == "linux":
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)


def die_with_parent() -> None:
    """`preexec_fn` of a child: ask the kernel for SIGTERM to it when we die (Linux)."""
    _on_parent_death(signal.SIGTERM)


def interrupt_with_parent() -> None:
    """`preexec_fn` of mkdocs: SIGINT to it when we die (Linux), and SIGINT handled even
    where we were started with it ignored (`&` in a script, which children inherit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _on_parent_death(signal.SIGINT)
