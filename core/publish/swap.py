"""A site written whole or not at all: built beside its target, then swapped in.

:func:`atomic_folder` yields a new folder beside the target (same file system, so the
moves are renames). When the block ends without an error, the previous site (if any)
is moved aside, the new one moved to the target's name, and the previous one removed.
When the block fails, the new folder is removed and the previous site is left as it
was. If the second rename fails, the previous site is moved back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kinerja.errors import PublishError
from kinerja.i18n import _

__all__ = ["atomic_folder"]


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A new empty folder to build the site in; it becomes ``target`` at the end.

    :raises PublishError: ``target`` exists and is not a folder.
    """
    if target.exists() and not target.is_dir():
        raise PublishError(_("{path} is a file, not a folder: name a folder for the site",
                             path=target))  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield building
        os.chmod(building, 0o755)
        _swap(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _swap(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``, the previous ``target`` aside and then away."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
