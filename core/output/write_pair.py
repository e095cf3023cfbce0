"""A run's files written as one set: never the results of one run beside another's rejects.

Every file of a run (the rejects first, then the results, then any others) is written
to a temporary name carrying the run's id, ``.<name>.<run id>.tmp``, next to its
destination. Only when all of them are complete are they moved into place, under a
lock file next to the results (``.<results name>.lock``), so two runs writing the
same output one after the other leave the complete set of one of them:

1. each destination's previous file is moved aside (``.<name>.<run id>.old``);
2. the rejects are renamed into place; if that fails, the previous files come back
   and nothing has changed;
3. then the results and the other files; the previous files are removed.

A reader therefore sees at any moment the previous set, the rejects of one run
without results, or the new set, never results with another run's rejects.

While it writes, a run holds a lock on its claim file ``.<results name>.<run id>.claim``.
Temporary files of a run whose claim is gone or no longer locked (the run was killed)
are removed by the next run that writes to the same place.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from kinerja.output.atomic import final_mode, lock, locked, synced, unlock

__all__ = ["Staging", "staged"]

_LEFT_BEHIND = re.compile(r"\.(?P<name>.+)\.(?P<run>[0-9a-f]{32})\.(?:tmp|old|claim)")


class Staging:
    """The temporary names of one run's files, and moving them into place together."""

    def __init__(self, finals: list[Path], run_id: str) -> None:
        self.finals = finals
        self.run_id = run_id

    def __getitem__(self, final: Path) -> Path:
        """Where to write ``final`` until the set is committed."""
        return _named(final, self.run_id, "tmp")

    def commit(self) -> None:
        """Move every file into place, the first one (the rejects) first.

        :raises OSError: a file could not be moved; when it is the first, the previous
            files are back in place.
        """
        modes = [final_mode(f) for f in self.finals]
        aside = []
        for final in self.finals:
            if final.is_file() or final.is_symlink():  # a folder stays; its rename fails
                old = _named(final, self.run_id, "old")
                os.replace(final, old)
                aside.append((old, final))
        try:
            first, *rest = list(zip(self.finals, modes, strict=True))
            try:
                self._place(*first)
            except BaseException:
                for old, final in aside:
                    os.replace(old, final)
                aside = []
                raise
            for final, mode in rest:
                self._place(final, mode)
        finally:
            for old, _ in aside:
                with contextlib.suppress(OSError):
                    old.unlink()

    def _place(self, final: Path, mode: int) -> None:
        tmp = self[final]
        synced(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, final)

    def discard(self) -> None:
        """Remove whatever temporary files are left."""
        for final in self.finals:
            with contextlib.suppress(OSError):
                self[final].unlink()


def _named(final: Path, run_id: str, kind: str) -> Path:
    return final.with_name(f".{final.name}.{run_id}.{kind}")


@contextlib.contextmanager
def staged(finals: list[Path]) -> Iterator[Staging]:
    """Temporary names for ``finals``, committed together when the block succeeds.

    ``finals[0]`` is moved into place first (the rejects); the lock and claim files
    are named after ``finals[1]`` (the results). On an exception no file is moved and
    the temporary files are removed.
    """
    results = finals[1] if len(finals) > 1 else finals[0]
    directory = results.parent
    directory.mkdir(parents=True, exist_ok=True)
    for final in finals:
        final.parent.mkdir(parents=True, exist_ok=True)
    staging = Staging(finals, uuid.uuid4().hex)
    lock_path = directory / f".{results.name}.lock"
    claim = _named(results, staging.run_id, "claim")
    with locked(lock_path):  # claimed and cleaned under the lock: no cleaner sees it unheld
        fd = os.open(claim, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            lock(fd, blocking=True)
            _remove_left_behind(finals, results)
        except BaseException:
            _release(claim, fd)
            raise
    try:
        yield staging
        with locked(lock_path):
            staging.commit()
    finally:
        staging.discard()
        _release(claim, fd)


def _release(claim: Path, fd: int) -> None:
    """Remove the claim file, then let go of it."""
    with contextlib.suppress(OSError):
        claim.unlink()
    with contextlib.suppress(OSError):
        unlock(fd)
    os.close(fd)


def _remove_left_behind(finals: list[Path], results: Path) -> None:
    """Remove the temporary files of runs that ended without finishing (killed)."""
    names = {f.name for f in finals}
    runs: dict[str, list[Path]] = {}
    for directory in {f.parent for f in finals}:
        for entry in os.scandir(directory):
            found = _LEFT_BEHIND.fullmatch(entry.name)
            if found and found["name"] in names:
                runs.setdefault(found["run"], []).append(Path(entry.path))
    for run_id, files in runs.items():
        if _running(_named(results, run_id, "claim")):
            continue
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink()


def _running(claim: Path) -> bool:
    """True while the run that made ``claim`` still holds it."""
    try:
        fd = os.open(claim, os.O_RDWR)
    except OSError:
        return False
    try:
        if lock(fd, blocking=False):
            unlock(fd)
            return False
        return True
    finally:
        os.close(fd)
