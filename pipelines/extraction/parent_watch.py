"""An extraction worker dies with the crawl process that started it.

A crawl process killed outright (SIGKILL, the OOM killer) cannot shut its worker pool down: its
workers were reparented to init and waited for work forever, two ~60 MB processes and
multiprocessing's resource tracker per killed crawl (issue 21). Each worker therefore asks, as it
starts:

- on Linux, the kernel: PR_SET_PDEATHSIG sends it SIGKILL the moment its parent goes. (The
  kernel means the parent *thread*: the pool spawns its workers from the crawl process's main
  thread, the reactor's, which lives as long as the process.)
- elsewhere, or when prctl is refused: a daemon thread that looks at its parent pid every second
  and ends the worker once it has been reparented.

multiprocessing's resource tracker needs nothing: it exits when the last process holding its pipe
(the crawl process and its workers) is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int, *, use_prctl: bool = True, poll_seconds: float = 1.0) -> str:
    """Arrange for this process to end when `parent_pid` (its parent) does; returns how: "prctl"
    or "watch". A parent already gone by now ends this process at once."""
    if use_prctl and _kernel_kills_orphan():
        # The parent may have died before prctl took effect: then this process is an orphan already.
        if os.getppid() != parent_pid:
            os._exit(0)
        return "prctl"
    threading.Thread(target=_watch, args=(parent_pid, poll_seconds), name="parent-watch", daemon=True).start()
    return "watch"


def _kernel_kills_orphan() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int, poll_seconds: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(poll_seconds)
    os._exit(0)  # reparented: the crawl process is gone, and with it every page this worker could get
