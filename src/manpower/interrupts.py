"""Signals as the commands need them.

Python turns Ctrl-C into ``KeyboardInterrupt``, which unwinds: ``finally`` blocks run, temporary
folders are removed, a half-done change is undone. SIGTERM (``kill``, a CI timeout, a container
stop) ends the process at once instead, leaving whatever was in flight; ``termination_raises``
makes it unwind the same way. A write past its point of no return must finish rather than stop
halfway: ``interrupts_deferred`` holds both signals until it has.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

_Handler = Callable[[int, FrameType | None], object] | int | None


@contextmanager
def _installed(handler: _Handler, *signums: int) -> Iterator[None]:
    # signal handlers can only be set from the main thread; elsewhere the defaults stay
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, old in previous.items():
            # None: a handler set outside Python, which cannot be put back; the default is
            signal.signal(signum, signal.SIG_DFL if old is None else old)


@contextmanager
def termination_raises() -> Iterator[None]:
    """While the body runs, SIGTERM unwinds like Ctrl-C and the process exits 128 + 15."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    with _installed(stop, signal.SIGTERM):
        yield


@contextmanager
def interrupts_deferred() -> Iterator[list[int]]:
    """While the body runs, Ctrl-C and SIGTERM are recorded, not acted on; yields the list of
    the signals received, for the caller to report once the body is done."""
    received: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    with _installed(hold, signal.SIGINT, signal.SIGTERM):
        yield received
