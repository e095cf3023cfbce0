"""The wide results table and the rejects as CSV (UTF-8 with BOM, ``\\r\\n``, as today).

Cells are made by :func:`~kinerja.output.write_cells.csv_text` on whole columns and
written by polars a part of the employees at a time: numbers to 4 decimals, text
that a spreadsheet would run as a formula prefixed with ``'``, nothing for a missing
value. Quoting follows Python's ``csv`` module (only where needed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

import polars as pl

from kinerja.frames import RunOutput, RunParts
from kinerja.output.write_cells import csv_text, escape_formula
from kinerja.output.write_frames import REJECT_COLUMNS, reject_table
from kinerja.output.write_parts import as_parts, wide_tables

__all__ = ["write_rejects_csv", "write_results_csv", "write_table_csv"]

CHUNK = 100_000
"""Employees (or rejects) per part."""
_BOM = "\ufeff".encode()


def write_table_csv(header: list[str], frames: Iterable[pl.DataFrame], fh: BinaryIO) -> None:
    """Write ``header`` and the rows of ``frames`` (columns in header order) to ``fh``."""
    line = io.StringIO(newline="")
    csv.writer(line).writerow([escape_formula(h) for h in header])
    fh.write(_BOM + line.getvalue().encode("utf-8", "replace"))
    for frame in frames:
        cells = frame.select(csv_text(frame[c]).alias(f"c{j}") for j, c in enumerate(frame.columns))
        cells.write_csv(
            fh, include_header=False, line_terminator="\r\n", null_value="", quote_style="necessary"
        )


def write_results_csv(run: RunOutput | RunParts, fh: BinaryIO, *, chunk: int = CHUNK) -> None:
    """The wide results table: one row per appraised employee (see ``wide_columns``),
    written part by part when the run comes in parts."""
    columns, tables = wide_tables(as_parts(run), chunk)
    write_table_csv(columns, tables, fh)


def write_rejects_csv(rejects: pl.DataFrame, fh: BinaryIO, *, chunk: int = CHUNK) -> None:
    """The rejects: sheet, row, nip, column, reason (header only when there are none)."""
    table = reject_table(rejects)
    frames = (table.slice(start, chunk) for start in range(0, table.height, chunk))
    write_table_csv(list(REJECT_COLUMNS), frames, fh)
