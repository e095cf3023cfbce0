"""The raw input tables of one run, as polars frames: what a reader hands to validation.

Each known sheet (``pegawai``, ``capaian``, ``penilaian``, ``keberatan``) is one frame:

- ``_row`` (Int64): the spreadsheet row number (header = row 1, first record = row 2;
  for JSON, the 1-based item number), blank rows already left out;
- one **String** column per normalised header, in file order, holding the cell as
  text (null for an empty cell);
- for a column where some cells were not text, a companion column ``<name>#kind``
  (String) saying what those cells were: ``int``, ``float``, ``bool``, ``date``,
  ``datetime`` or ``other`` (null for text and empty cells). A CSV file has no
  companion columns: every cell is text.

Text keeps the cell's value without loss: an ``int`` as its digits, a ``float`` as
its round-trip ``repr``, ``bool`` as ``True``/``False``, a ``date``/``datetime`` in ISO
form. Validation reads the kind where it matters (a NIP typed as a number is refused;
``1.125`` typed as text is ambiguous, as a number cell it is not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from kinerja.model import Reject

__all__ = ["KIND_SUFFIX", "KINDS", "CellProblems", "Tables", "cell_text", "kind_column"]

KIND_SUFFIX = "#kind"
"""The suffix of a column's companion that says which of its cells were not text."""

KINDS = ("int", "float", "bool", "date", "datetime", "other")
"""The kinds a non-text cell can have (see :func:`cell_text`)."""

CellProblems = dict[int, list[tuple[str, str]]]
"""Row number -> [(column, reason)] for cells that have no usable value."""


def kind_column(name: str) -> str:
    """The companion column of ``name`` that holds its cells' kinds."""
    return name + KIND_SUFFIX


def cell_text(value: object) -> tuple[str | None, str | None]:
    """A cell value as ``(text, kind)``: kind is None for text and empty cells.

    ``None`` is an empty cell. ``bool`` is tested before ``int`` (a bool is an int in
    Python). A ``datetime`` is tested before ``date`` for the same reason.
    """
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, bool):
        return ("True" if value else "False"), "bool"
    if isinstance(value, int):
        return str(value), "int"
    if isinstance(value, float):
        return repr(value), "float"
    if isinstance(value, dt.datetime):
        return value.isoformat(), "datetime"
    if isinstance(value, dt.date):
        return value.isoformat(), "date"
    return str(value), "other"


def frame_from_rows(
    rows: Sequence[tuple[int, Mapping[str, object]]], columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """One sheet's frame from ``[(row number, {header: cell value})]`` (see module doc).

    For readers whose library yields Python values (and for tables built in code);
    ``columns`` come first, in their order, then other keys in order of appearance.
    """
    names = list(dict.fromkeys([*(columns or ()), *(k for _, r in rows for k in r)]))
    data: dict[str, list] = {"_row": [number for number, _ in rows]}
    kinds: dict[str, list] = {}
    for name in names:
        texts, marks = [], []
        for _, row in rows:
            text, kind = cell_text(row.get(name))
            texts.append(text)
            marks.append(kind)
        data[name] = texts
        if any(m is not None for m in marks):
            kinds[kind_column(name)] = marks
    schema = {"_row": pl.Int64, **{n: pl.String for n in [*names, *kinds]}}
    return pl.DataFrame({**data, **kinds}, schema=schema)


@dataclass(slots=True)
class Tables:
    """The raw frames of the known sheets, as read from one input file or folder."""

    frames: dict[str, pl.DataFrame]
    """Sheet name -> its frame (see the module doc for the columns)."""
    source: str
    """The input path as given."""
    sha256: str
    """SHA-256 of the file bytes (for a folder: of the known files, in name order)."""
    problems: list[Reject]
    """Whole-file problems that are not about one row, e.g. a missing pegawai sheet."""
    columns: dict[str, list[str]] = field(default_factory=dict)
    """Sheet name -> normalised headers found, in file order (for error messages)."""
    cell_problems: dict[str, CellProblems] = field(default_factory=dict)
    """Sheet name -> row number -> [(column, reason)]: cells the reader found unusable
    (a formula with no saved value, text that is not valid Unicode). Validation rejects
    such a row with these reasons when it reads the column."""

    @classmethod
    def from_rows(
        cls,
        tables: Mapping[str, Iterable[tuple[int, Mapping[str, object]]]],
        source: str = "",
        sha256: str = "0" * 64,
        problems: Iterable[Reject] = (),
        columns: Mapping[str, list[str]] | None = None,
        cell_problems: Mapping[str, CellProblems] | None = None,
    ) -> Tables:
        """Tables from Python rows: ``{sheet: [(row number, {header: value})]}``.

        For tests, case files and small inputs built in code; readers of large files
        build the frames directly.
        """
        cols = dict(columns or {})
        frames = {
            sheet: frame_from_rows(list(rows), cols.get(sheet)) for sheet, rows in tables.items()
        }
        for sheet, frame in frames.items():
            cols.setdefault(
                sheet, [c for c in frame.columns if c != "_row" and KIND_SUFFIX not in c]
            )
        return cls(frames, source, sha256, list(problems), cols, dict(cell_problems or {}))

    def row_count(self, sheet: str) -> int:
        """Rows read from ``sheet`` (0 when the input has no such sheet)."""
        frame = self.frames.get(sheet)
        return 0 if frame is None else frame.height
