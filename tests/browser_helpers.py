"""Shared by the browser tests: a headless Chromium driven by Playwright, and recorders of
what a page asks for and says.

The browser is Debian's ``chromium`` (or ``KINERJA_CHROMIUM``), driven by the ``playwright``
Python package (its driver ships in the wheel; no browser download). Without either, a test
module's browser fixture skips, saying which is missing.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "ARGS",
    "BROWSERS",
    "DESKTOP",
    "PHONE",
    "PNG",
    "browser_path",
    "launched_browser",
    "png_width",
    "record_console",
    "record_errors",
    "record_requests",
]

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Chromium's switches: headless, and none of its own traffic (updates, sync, field trials)."""
DESKTOP, PHONE = 1280, 360
"""Viewport widths, in CSS pixels."""
PNG = b"\x89PNG\r\n\x1a\n"
"""The first bytes of every PNG file."""


def browser_path() -> str | None:
    """Chromium: ``KINERJA_CHROMIUM``, else the system's (Debian's ``chromium``)."""
    given = os.environ.get("KINERJA_CHROMIUM")
    found = [given] if given and Path(given).is_file() else []
    found += [p for p in BROWSERS if Path(p).is_file()]
    found += [p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p]
    return found[0] if found else None


def launched_browser() -> Iterator[Any]:
    """A headless Chromium, closed when the generator resumes: a module's fixture yields
    from it (``yield from launched_browser()``). Skips when playwright or Chromium is
    missing, saying which and how to install it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no browser driver: the playwright package is not installed")
    path = browser_path()
    if path is None:
        pytest.skip("no browser: install Chromium (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def record_requests(page: Any) -> list[str]:
    """The URL of every request ``page`` makes from now on, in order. ``file:`` requests
    go ahead; any other is recorded and stopped, so a test never lets one out."""
    requests: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)
    return requests


def record_console(page: Any) -> list[str]:
    """Every console message of ``page`` from now on, as ``type: text`` (a resource the
    page's policy blocks is reported there too)."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    return messages


def record_errors(page: Any) -> list[str]:
    """Every error a script of ``page`` throws and does not catch, from now on."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    return errors


def png_width(path: Path) -> int | None:
    """The width in pixels of the PNG image at ``path`` (None: it is not a PNG)."""
    head = path.read_bytes()[:24]
    if not head.startswith(PNG) or head[12:16] != b"IHDR":
        return None
    return int(struct.unpack(">I", head[16:20])[0])
