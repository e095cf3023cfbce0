"""`kinerja test --watch`: run the cases again whenever a rule or case file changes.

The files' folders are watched with watchfiles (its own debounce; no polling loop of
ours), and only changes to the files the last run involved count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from kinerja.authoring.caseload import shown
from kinerja.i18n import _

__all__ = ["WatchFunction", "watch_and_rerun"]

WatchFunction = Callable[..., Iterable[set[tuple[Any, str]]]]
"""``watchfiles.watch`` or a stand-in: ``(*folders, watch_filter=, stop_event=, recursive=)``
yielding each batch of changes as ``{(change, path)}``."""


def watch_and_rerun(
    run: Callable[[], list[Path]],
    watch: WatchFunction | None = None,
    stop_event: threading.Event | None = None,
) -> None:
    """Run, then wait for a change of a file the last run involved and run again, until
    Ctrl-C (or ``stop_event``, for tests).

    :param run: runs the cases once and returns the files to watch.
    :param watch: ``watchfiles.watch`` (the default) or a stand-in for tests.
    """
    if watch is None:
        import watchfiles

        watch = watchfiles.watch
    try:
        files = run()
        while True:
            names = ", ".join(shown(p) for p in files)
            click.echo(
                _("Watching {files} for changes; press Ctrl-C to stop.", files=names), err=True
            )
            changed = _next_change(watch, files, stop_event)
            if changed is None:
                return
            click.echo(
                _("Changed: {files}; running the cases again.", files=", ".join(changed)),
                err=True,
            )
            files = run()
    except KeyboardInterrupt:
        click.echo(_("Stopped watching."), err=True)


def _next_change(
    watch: WatchFunction, files: list[Path], stop_event: threading.Event | None
) -> list[str] | None:
    """The files changed in the next batch of changes, or None once watching stopped.

    The files' folders are watched (an editor may save by replacing a file), and only
    changes to the files themselves count.
    """
    wanted = {p.resolve() for p in files}
    folders = sorted({p.parent for p in wanted if p.parent.is_dir()}, key=str)

    def concerns(change: object, path: str) -> bool:
        return Path(path).resolve() in wanted

    for changes in watch(*folders, watch_filter=concerns, stop_event=stop_event, recursive=False):
        return sorted({shown(path) for _change, path in changes})
    return None
