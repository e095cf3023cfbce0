"""Atomic file writes: a reader never sees a half-written output file.

Data is written to a temporary file in the destination's own directory (so the final
``os.replace`` is a rename on one file system) and only moved onto the destination
once it is complete. On any failure the temporary file is removed and the previous
file, if there was one, is left untouched.

:func:`lock` and :func:`locked` are advisory file locks (``flock`` on POSIX, a byte
lock on Windows), released by the system when the process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "atomic_write", "final_mode", "lock", "locked", "synced", "unlock"]

_NEW_FILE_MODE = 0o644


def final_mode(path: Path) -> int:
    """Keep the permissions of a file being replaced; new files get rw-r--r--."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return _NEW_FILE_MODE


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` if the block succeeds.

    The caller writes the complete file to the yielded path. When the ``with`` block
    ends without an exception the file is flushed to disk and ``os.replace``-d onto
    ``path``; when it raises, the temporary file is deleted and the exception
    propagates. Missing parent directories are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        synced(tmp)
        os.chmod(tmp, final_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (all of it, or nothing)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def synced(path: Path) -> None:
    """Flush ``path``'s data to disk (before it is renamed into place)."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def lock(fd: int, *, blocking: bool) -> bool:
        """Lock the open file ``fd`` exclusively; False when ``blocking`` is off and it is held."""
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)
        except OSError:
            if blocking:
                raise
            return False
        return True

    def unlock(fd: int) -> None:
        """Release :func:`lock`."""
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock(fd: int, *, blocking: bool) -> bool:
        """Lock the open file ``fd`` exclusively; False when ``blocking`` is off and it is held."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int) -> None:
        """Release :func:`lock`."""
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the lock file ``path`` (created, and removed again when the block ends).

    Waits while another process holds it. A lock file removed by its holder after
    this process opened it is no lock any more: it is opened anew until the one
    locked is the one at ``path``.
    """
    target = Path(path)
    while True:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, _NEW_FILE_MODE)
        lock(fd, blocking=True)
        try:
            if os.path.samestat(os.fstat(fd), os.stat(target)):
                break
        except FileNotFoundError:
            pass
        unlock(fd)
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            target.unlink()  # before unlocking: a waiter then sees it was removed
        unlock(fd)
        os.close(fd)
