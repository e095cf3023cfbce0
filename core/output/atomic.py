"""Atomic file writes: a reader never sees a half-written output file.

Data is written to a temporary file in the destination's own directory (so the final
``os.replace`` is a rename on one file system) and only moved onto the destination
once it is complete. On any failure the temporary file is removed and the previous
file, if there was one, is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "atomic_write"]

_NEW_FILE_MODE = 0o644


def _final_mode(path: Path) -> int:
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
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (all of it, or nothing)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
