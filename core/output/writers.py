"""Writing a run's results and rejects as xlsx, CSV, JSON or Parquet.

Every format also writes the rejects to a sibling ``<stem>-rejects.csv`` (header
only when there are none; sorted by sheet and row), so HR always finds it next to the
results. The files of
a run are written as one set (:mod:`kinerja.output.write_pair`): all to temporary
names first, then moved into place together under a lock, the rejects first, so a
failure leaves no results without their rejects and two runs writing the same
output never leave the results of one beside the rejects of the other.

- xlsx (:mod:`~kinerja.output.write_xlsx`): sheets ``hasil`` (results, one row per
  employee, with headers people read), ``rincian`` (details, long), ``penolakan``
  (rejects), ``info``, named and headed in the language in use; formatted to be read
  and printed; a sheet over Excel's row limit is split.
- csv (:mod:`~kinerja.output.write_csv`): the wide results table, with the stable
  column names (``score``, ``aspek.<code>``...).
- json (:mod:`~kinerja.output.write_json`): ``{"run", "results", "rejects"}``, streamed,
  numbers to the rules' precision.
- parquet (:mod:`~kinerja.output.write_parquet`): the wide table typed, and the
  detail frames beside it.

Text that a spreadsheet would run as a formula is prefixed with ``'`` in CSV and is a
text cell in xlsx. Characters a workbook cannot store (control characters) are
dropped from xlsx cells; a lone surrogate (only possible in the run's metadata, such
as a file name: frames cannot hold one) becomes U+FFFD in xlsx and ``?`` in CSV and
JSON. Output is byte-identical for the same run.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from kinerja.frames import RunOutput, RunParts
from kinerja.output.atomic import atomic_path
from kinerja.output.tables import write_tables
from kinerja.output.write_cells import escape_formula
from kinerja.output.write_csv import write_rejects_csv, write_results_csv, write_table_csv
from kinerja.output.write_frames import REJECT_COLUMNS
from kinerja.output.write_json import write_json
from kinerja.output.write_pair import staged
from kinerja.output.write_parquet import detail_paths, write_details_parquet, write_results_parquet
from kinerja.output.write_parts import whole_run
from kinerja.output.write_xlsx import write_xlsx
from kinerja.output.xlsx import EXCEL_MAX_ROWS

__all__ = [
    "FORMATS",
    "REJECT_COLUMNS",
    "escape_formula",
    "guideline_path",
    "rejects_path",
    "run_to_dict",
    "write_rejects",
    "write_run",
    "write_guideline_csv",
    "write_tables",
]

Format = Literal["xlsx", "csv", "json", "parquet"]
FORMATS: tuple[str, ...] = ("xlsx", "csv", "json", "parquet")


def rejects_path(path: Path) -> Path:
    """The rejects file written next to ``path``: ``hasil.xlsx`` -> ``hasil-rejects.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-rejects.csv")


def guideline_path(path: Path) -> Path:
    """The distribution guideline's breaches, written next to ``path``:
    ``hasil.xlsx`` -> ``hasil-guideline.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-guideline.csv")


def write_guideline_csv(breaches: pl.DataFrame, path: Path) -> Path:
    """Write the breaches of the distribution guideline (one row per unit and rule
    breached; the columns of :mod:`kinerja.builtin.guideline`, ``labels`` joined with
    ``, ``) as CSV, whole or not at all."""
    frame = breaches.with_columns(pl.col("labels").list.join(", "))
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write_table_csv(frame.columns, [frame], fh)
    return path


def run_to_dict(run: RunOutput) -> dict:
    """The run as JSON-ready data: ``{"run": {...}, "results": [...], "rejects": [...]}``.

    The same content as the JSON output, read back; for small runs and tests.
    """
    buffer = io.BytesIO()
    write_json(run, buffer)
    return json.loads(buffer.getvalue())


def write_rejects(rejects: pl.DataFrame, path: Path) -> Path:
    """Write rejects as CSV (sheet,row,nip,column,reason) to ``path``, by sheet and row;
    header only if none."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write_rejects_csv(rejects, fh)
    return Path(path)


def write_run(
    run: RunOutput | RunParts,
    path: Path,
    fmt: Format,
    *,
    xlsx_max_rows: int = EXCEL_MAX_ROWS,
    predikat: Sequence[str] = (),
) -> list[Path]:
    """Write ``run`` to ``path`` as ``fmt``, plus the rejects CSV; return the files written.

    A run in parts (a chunked run) is written part by part, except as xlsx, which is
    made from the whole run in memory.

    The results path comes first, then the rejects, then (Parquet) the detail frames.
    ``xlsx_max_rows`` is the most rows a worksheet holds (Excel's limit; smaller in tests).
    ``predikat`` is the rules' predikat labels, best first, which the workbook colours
    by rank (see :func:`~kinerja.output.write_xlsx.write_xlsx`).
    An ``OSError`` from writing propagates: nothing is half-written, and when the rejects
    could not be moved into place the previous files are untouched.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; use xlsx, csv, json or parquet")
    path = Path(path)
    rejects = rejects_path(path)
    details = detail_paths(path) if fmt == "parquet" else {}
    with staged([rejects, path, *details.values()]) as stage:
        with open(stage[rejects], "wb") as fh:
            write_rejects_csv(run.rejects, fh)
        _write_results(run, stage[path], fmt, xlsx_max_rows, predikat)
        if details:
            write_details_parquet(run, {name: stage[p] for name, p in details.items()})
    return [path, rejects, *details.values()]


def _write_results(
    run: RunOutput | RunParts,
    path: Path,
    fmt: Format,
    xlsx_max_rows: int,
    predikat: Sequence[str],
) -> None:
    if fmt == "xlsx":
        whole = run if isinstance(run, RunOutput) else whole_run(run)
        write_xlsx(whole, path, max_rows=xlsx_max_rows, predikat=predikat)
    elif fmt == "parquet":
        write_results_parquet(run, path)
    else:
        with open(path, "wb") as fh:
            (write_json if fmt == "json" else write_results_csv)(run, fh)
