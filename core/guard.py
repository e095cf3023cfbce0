"""A run's budget of time and memory, and what the run was doing when it ran out.

Rule files and inputs are bounded by construction (every value, file and expression
has a limit), but a run can still ask more of its machine than the machine has, or
more time than its operator gives it. The pipeline says what it is doing as it goes
(:func:`doing`: the stage, the chunk and its employees, the rule being computed).
:class:`Watchdog` is a thread that checks the run's resident memory and elapsed time
a few times a second. When either is over its budget it prints what the run was
doing and ends the process at once with :data:`EXIT_LIMIT`: the work in progress
cannot be stopped more gently, because polars computes without returning to Python.
It first removes the temporary folders the run holds (:func:`hold`); the output's
own temporary files are removed by the next run that writes there.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kinerja.i18n import _, number

__all__ = [
    "EXIT_LIMIT",
    "Activity",
    "Budget",
    "Watchdog",
    "activity",
    "doing",
    "hold",
    "release",
    "resident_bytes",
]

EXIT_LIMIT = 3
"""The exit code of a run stopped by its budget."""


@dataclass(frozen=True, slots=True)
class Budget:
    """How long a run may take and how much memory it may hold (None: no limit)."""

    seconds: float | None = None
    memory: int | None = None
    """Bytes of resident memory (RSS)."""


@dataclass(frozen=True, slots=True)
class Activity:
    """What the run is doing: each part in words, empty when it does not apply."""

    stage: str = ""
    """E.g. ``appraising``."""
    chunk: str = ""
    """E.g. ``chunk 3 of 100: 50,112 employees, NIP 1980... to 1999...``."""
    rule: str = ""
    """E.g. ``rule nilai_kerja (rules.yaml:40:7)``."""

    def words(self) -> str:
        """The activity as one phrase (``""`` when nothing is known)."""
        phrase = self.rule or self.stage  # a rule is computed while appraising
        if self.chunk:
            phrase = f"{phrase} — {self.chunk}" if phrase else self.chunk
        return phrase


_now = Activity()
_held: set[Path] = set()
_lock = threading.Lock()


def activity() -> Activity:
    """What the run is doing now (see :func:`doing`)."""
    return _now


@contextmanager
def doing(
    stage: str | None = None, chunk: str | None = None, rule: str | None = None
) -> Iterator[None]:
    """Say what the run does inside the block: the parts given replace the current
    ones (a stage given clears the rule), and the old activity returns afterwards."""
    global _now
    before = _now
    changes = {k: v for k, v in (("stage", stage), ("chunk", chunk), ("rule", rule)) if v}
    if stage and rule is None:
        changes["rule"] = ""
    _now = replace(before, **changes)
    try:
        yield
    finally:
        _now = before


def hold(folder: Path) -> Path:
    """Register a temporary folder of the run, removed should the watchdog stop the run."""
    with _lock:
        _held.add(folder)
    return folder


def release(folder: Path) -> None:
    """Forget a folder :func:`hold` registered (its owner removes it)."""
    with _lock:
        _held.discard(folder)


def resident_bytes() -> int | None:
    """The process's resident memory now (Linux), else its peak so far; None if unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # Windows: no memory budget
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Watchdog:
    """A thread that stops the run when it goes over its :class:`Budget` (module doc).

    :param tell: shows the message (the CLI prints it on stderr).
    :param stop: ends the process (``os._exit`` by default; tests give their own).
    """

    def __init__(
        self,
        budget: Budget,
        tell: Callable[[str], None],
        *,
        stop: Callable[[int], None] = os._exit,
        every: float = 0.1,
        memory: Callable[[], int | None] = resident_bytes,
    ) -> None:
        self.budget = budget
        self._tell, self._stop, self._every, self._memory = tell, stop, every, memory
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kinerja-watchdog", daemon=True)
        self._start = time.monotonic()

    def __enter__(self) -> Watchdog:
        if self.budget.seconds is not None or self.budget.memory is not None:
            self._start = time.monotonic()
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(self._every):
            over = self.over()
            if over is not None:
                self._trip(over)
                return

    def over(self) -> str | None:
        """Which budget the run has spent, in words; None while it is within both."""
        seconds, memory = self.budget.seconds, self.budget.memory
        elapsed = time.monotonic() - self._start
        if seconds is not None and elapsed > seconds:
            return _(
                "it ran for {elapsed} s, over its limit of {limit} s (--max-seconds raises it)",
                elapsed=number(elapsed, 1),
                limit=number(seconds),
            )
        used = self._memory() if memory is not None else None
        if memory is not None and used is not None and used > memory:
            return _(
                "it held {used} of memory, over its limit of {limit} "
                "(--max-memory raises it; a smaller --chunk-size needs less)",
                used=_size(used),
                limit=_size(memory),
            )
        return None

    def _trip(self, over: str) -> None:
        where = activity().words()
        if where:
            words = _("the run was stopped: {why}, while {doing}.", why=over, doing=where)
        else:
            words = _("the run was stopped: {why}.", why=over)
        self._tell(
            words
            + " "
            + _("Nothing was written; the results of an earlier run at the same --output are kept.")
        )
        with _lock:
            for folder in list(_held):
                shutil.rmtree(folder, ignore_errors=True)
        self._stop(EXIT_LIMIT)


def _size(n: int) -> str:
    """Bytes in words: ``1.5 GB``, ``300 MB``."""
    if n >= 1 << 30:
        return _("{n} GB", n=number(n / (1 << 30), 1))
    return _("{n} MB", n=number(n / (1 << 20), 0))
