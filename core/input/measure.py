"""Measuring an input before a parser sees it, so that a hostile file costs little.

A parser that recurses (JSON) or inflates (a zipped workbook) can be made to spend
any amount of stack, memory or time by a small file. What it would spend is measured
here first, from the raw bytes, with bounded work.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from kinerja.errors import InputError
from kinerja.i18n import _, count, number

__all__ = [
    "MAX_JSON_DEPTH",
    "Depth",
    "WorkbookLimits",
    "check_workbook",
    "json_depth",
    "workbook_limits",
]

MAX_JSON_DEPTH = 16
"""The deepest nesting of arrays and objects a JSON input may have. An input needs 3
(the tables object, a table's list, a row object); a cell that holds a list or an
object is refused by the reader, with its row."""

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPEN = (ord("["), ord("{"))
_CLOSE = (ord("]"), ord("}"))
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


class Depth(NamedTuple):
    """How deep a JSON text nests, and where it first goes deeper than a limit."""

    deepest: int
    line: int
    """1-based line of the bracket that first went past the limit (0 if none did)."""
    column: int


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> Depth:
    """The nesting depth of the JSON ``data`` (brackets inside strings do not count)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    if codes.size == 0:
        return Depth(0, 0, 0)
    opens = (codes == _OPEN[0]) | (codes == _OPEN[1])
    closes = (codes == _CLOSE[0]) | (codes == _CLOSE[1])
    steps = opens.astype(np.int8) - closes.astype(np.int8)
    steps[_inside_strings(codes)] = 0
    deepest = int(np.cumsum(steps, dtype=np.int32).max())
    if deepest <= limit:
        return Depth(deepest, 0, 0)
    line, column = _where_too_deep(data, limit)
    return Depth(deepest, line, column)


def _inside_strings(codes: np.ndarray) -> np.ndarray:
    """Which bytes lie inside a JSON string, its quotes included.

    A quote is escaped when an odd number of backslashes stands right before it.
    """
    index = np.arange(codes.size, dtype=np.int32)
    plain = np.where(codes != _BACKSLASH, index, -1)
    last_plain = np.maximum.accumulate(plain)  # the last byte at or before i that is no \
    quotes = np.flatnonzero(codes == _QUOTE)
    before = np.where(quotes > 0, last_plain[np.maximum(quotes - 1, 0)], -1)
    escaped = (quotes - 1 - before) % 2 == 1
    toggles = np.zeros(codes.size, dtype=np.int8)
    toggles[quotes[~escaped]] = 1
    opened = np.cumsum(toggles, dtype=np.int32) % 2 == 1
    return opened | (toggles == 1)


def _where_too_deep(data: bytes, limit: int) -> tuple[int, int]:
    """Line and column of the bracket that first goes past ``limit`` (only for a file
    already known to: it reads up to that bracket)."""
    depth = 0
    for token in _TOKEN.finditer(data):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                at = token.start()
                line = data.count(b"\n", 0, at) + 1
                return line, at - (data.rfind(b"\n", 0, at) + 1) + 1
        elif bracket in (b"]", b"}"):
            depth -= 1
    return 0, 0


# ------------------------------------------------------------------ zipped workbooks


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    """How far an xlsx workbook may unpack. A workbook is a zip of XML parts, and a few
    megabytes of zip can unpack to gigabytes (a "zip bomb")."""

    unpacked: int = 1 << 30
    """The most bytes all its parts together may unpack to (1 GiB: some 2 million
    rows of a typical sheet; larger data reads faster as CSV or Parquet)."""
    ratio: float = 250.0
    """The most a part larger than :data:`RATIO_FROM` bytes may grow when unpacked
    (sheet XML packs about 5 to 30 times)."""
    parts: int = 10_000
    """The most parts a workbook may hold."""


RATIO_FROM = 8 << 20
"""Parts smaller than this (8 MiB unpacked) may pack as tightly as they like."""
_LIMITS: ContextVar[WorkbookLimits | None] = ContextVar("workbook_limits", default=None)
_READ = 1 << 20


@contextmanager
def workbook_limits(limits: WorkbookLimits) -> Iterator[None]:
    """Read workbooks under ``limits`` inside the ``with`` block."""
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


def check_workbook(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse a workbook whose parts would unpack past the limits, before it is read.

    The sizes the zip declares are checked first; then each part is unpacked once, a
    megabyte at a time, counting, and dropped (a part may lie about its size).

    :raises InputError: naming the part, its sizes and how to go on.
    """
    limits = _LIMITS.get() or WorkbookLimits()
    members = archive.infolist()
    if len(members) > limits.parts:
        raise InputError(
            _(
                "Cannot read {source}: the workbook holds {parts} parts; a workbook has at "
                "most {limit}. Save it again from Excel, or use CSV or Parquet.",
                source=source,
                parts=count(len(members)),
                limit=count(limits.parts),
            )
        )
    declared = 0
    for member in members:
        declared += member.file_size
        _check_part(member, member.file_size, declared, limits, source)
    unpacked = 0
    for member in members:
        size = 0
        with archive.open(member) as part:
            while chunk := part.read(_READ):
                size += len(chunk)
                unpacked += len(chunk)
                _check_part(member, size, unpacked, limits, source)


def _check_part(
    member: zipfile.ZipInfo, size: int, total: int, limits: WorkbookLimits, source: str
) -> None:
    packed = max(member.compress_size, 1)
    if total > limits.unpacked:
        raise InputError(
            _(
                "Cannot read {source}: the workbook unpacks to more than {limit} bytes (at its "
                "part {part}). A workbook this large reads much faster as a CSV or Parquet "
                "folder; if it is genuine, raise the limit with --max-workbook-bytes.",
                source=source,
                limit=count(limits.unpacked),
                part=member.filename,
            )
        )
    if size > RATIO_FROM and size / packed > limits.ratio:
        raise InputError(
            _(
                "Cannot read {source}: its part {part} unpacks from {packed} to over {size} "
                "bytes, more than {ratio} times; a spreadsheet does not pack that tightly, so "
                "the file is damaged or built to exhaust memory. Save it again from Excel, or "
                "send the data as CSV.",
                source=source,
                part=member.filename,
                packed=count(member.compress_size),
                size=count(size),
                ratio=number(limits.ratio),
            )
        )
