"""Writing a run's results and rejects as xlsx, CSV or JSON.

Every format also writes the rejects to a sibling ``<stem>-rejects.csv`` (header
only when there are none), so HR always finds it next to the results; it is written
first, so a failure leaves no results without their rejects. Text that a spreadsheet
would run as a formula is prefixed with ``'`` in CSV and stored as a text cell in
xlsx. Characters a workbook cannot store (control characters) are dropped from xlsx
cells; a lone surrogate becomes U+FFFD in xlsx and ``?`` in CSV and JSON. Output is
atomic and byte-identical for the same run.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from kinerja.model import Reject, Result, RunInfo, RunOutput
from kinerja.output.atomic import atomic_write
from kinerja.output.tables import is_nip_column, write_tables
from kinerja.output.xlsx import workbook_bytes, xlsx_text

__all__ = [
    "REJECT_COLUMNS",
    "escape_formula",
    "rejects_path",
    "result_rows",
    "run_to_dict",
    "write_rejects",
    "write_run",
    "write_tables",
]

REJECT_COLUMNS = ("sheet", "row", "nip", "column", "reason")
BASE_COLUMNS = ("nip", "nama", "jabatan", "unit_kerja", "score", "predikat", "status")
TAIL_COLUMNS = ("feedback", "recommendations", "flags")
DETAIL_COLUMNS = ("nip", "kind", "name", "value", "detail")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_JOIN = " | "


def rejects_path(path: Path) -> Path:
    """The rejects file written next to ``path``: ``hasil.xlsx`` -> ``hasil-rejects.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-rejects.csv")


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).

    For CSV, where a cell has no type. In xlsx such text is a text cell instead. NUL
    characters are dropped first (as the writers now do).
    """
    text = text.replace("\x00", "")
    return "'" + text if text.startswith(_RISKY_START) else text


# --------------------------------------------------------------------- JSON


def _plain(obj: object) -> object:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None  # JSON has no NaN/Infinity
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def run_to_dict(run: RunOutput) -> dict:
    """The run as JSON-ready data: ``{"run": {...}, "results": [...], "rejects": [...]}``.

    Each result is its full nested content plus its ``status`` (provisional/final).
    """
    results = []
    for r in run.results:
        d = _plain(r)
        d["status"] = r.status  # type: ignore[index]
        results.append(d)
    return {
        "run": _plain(run.info),
        "results": results,
        "rejects": [_plain(j) for j in run.rejects],
    }


# --------------------------------------------------------------------- tables


def _component_column(name: str) -> str:
    clash = name in BASE_COLUMNS or name in TAIL_COLUMNS or name == "peer_rank"
    return f"komponen.{name}" if clash or name.startswith(("capaian.", "aspek.")) else name


def _unique(row: dict[str, object], key: str) -> str:
    """``key``, or ``key.2``, ``key.3``... when a result repeats an indicator/aspect code."""
    if key not in row:
        return key
    n = 2
    while f"{key}.{n}" in row:
        n += 1
    return f"{key}.{n}"


def result_rows(results: Iterable[Result]) -> tuple[list[str], list[dict[str, object]]]:
    """The wide results table: columns (union in first-seen order) and one row per result."""
    results = list(results)
    with_rank = any(r.peer_rank is not None for r in results)
    middle: dict[str, None] = {}
    rows: list[dict[str, object]] = []
    for r in results:
        row: dict[str, object] = {
            "nip": r.nip,
            "nama": r.nama,
            "jabatan": r.jabatan,
            "unit_kerja": r.unit_kerja,
            "score": r.score,
            "predikat": r.predikat,
            "status": r.status,
        }
        if with_rank:
            row["peer_rank"] = r.peer_rank
        extra: dict[str, object] = {}
        for c in r.components:
            extra[_unique(extra, _component_column(c.name))] = c.value
        for i in r.indicators:
            extra[_unique(extra, f"capaian.{i.code}")] = i.achievement
        for a in r.aspects:
            extra[_unique(extra, f"aspek.{a.code}")] = a.score
        middle.update(dict.fromkeys(extra))
        row.update(extra)
        row["feedback"] = _JOIN.join(r.feedback)
        row["recommendations"] = _JOIN.join(x.text for x in r.recommendations)
        row["flags"] = _JOIN.join(f"{f.code}: {f.message}" for f in r.flags)
        rows.append(row)
    head = list(BASE_COLUMNS) + (["peer_rank"] if with_rank else [])
    return head + list(middle) + list(TAIL_COLUMNS), rows


def _n(x: float | None) -> str:
    return "" if x is None else _num_text(x)


def _show(v: object) -> str:
    """A value inside a longer text (the whole cell is escaped later, not its parts)."""
    if isinstance(v, bool) or v is None:
        return str(v).lower() if v is not None else "none"
    return _num_text(v) if isinstance(v, int | float) else str(v)


def _detail_rows(results: Iterable[Result]) -> Iterator[tuple[object, ...]]:
    """Long format: one row per part of each result (nip, kind, name, value, detail)."""
    for r in results:
        for i in r.indicators:
            yield (
                r.nip,
                "indicator",
                i.code,
                i.achievement,
                f"{i.label}; kind {i.kind}; target {_n(i.target)}"
                + (f"-{_n(i.target_max)}" if i.target_max is not None else "")
                + f"; realised {_n(i.realised)}; gap {_n(i.gap)}; weight {_n(i.weight)}",
            )
        for a in r.aspects:
            notes = (" | ".join(a.notes)) if a.notes else ""
            state = "" if a.complete else "; INCOMPLETE"
            yield (
                r.nip,
                "aspect",
                a.code,
                a.score,
                f"{a.label}{state}" + (f"; notes: {notes}" if notes else ""),
            )
            for g in a.groups:
                yield (
                    r.nip,
                    "group",
                    f"{a.code}.{g.group}",
                    g.mean,
                    f"{g.status}; {g.count} rater(s); weight {_n(g.weight)}; "
                    f"effective weight {_n(g.effective_weight)}",
                )
        for c in r.components:
            inputs = ", ".join(f"{k}={_show(v)}" for k, v in c.inputs.items())
            yield (
                r.nip,
                "component",
                c.name,
                c.value,
                f"{c.label}: {c.expr}" + (f" with {inputs}" if inputs else ""),
            )
        for s in r.stages:
            yield (
                r.nip,
                "stage",
                s.id,
                s.status,
                f"{s.label}" + (f": {s.detail}" if s.detail else ""),
            )
        for f in r.flags:
            yield (r.nip, "flag", f.code, f.severity, f.message)
        for e in r.audit:
            yield (
                r.nip,
                "audit",
                e.action,
                e.after,
                f"{_show(e.before)} -> {_show(e.after)} by {e.by} on {e.date}: "
                f"{e.reason} ({e.source})",
            )


def _info_rows(info: RunInfo) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for f in dataclasses.fields(info):
        value = getattr(info, f.name)
        if isinstance(value, dict):
            rows.extend((f"{f.name}.{k}", v) for k, v in value.items())
        else:
            rows.append((f.name, value))
    return rows


def _reject_rows(rejects: Iterable[Reject]) -> Iterator[tuple[object, ...]]:
    for j in rejects:
        yield (j.sheet, j.row, j.nip, j.column, j.reason)


# --------------------------------------------------------------------- cells


def _num_text(x: float | int) -> str:
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return ""
    x = round(x, 4)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _cell_text(v: object) -> str:
    """A value as CSV text: numbers rounded to 4 decimals, risky text escaped."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return _num_text(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return escape_formula(str(v))


def _xlsx_value(v: object) -> object:
    """A value as an xlsx cell value; text is returned as ``str`` (made storable)."""
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    if v is None or isinstance(v, bool | int | dt.date):
        return v
    return xlsx_text(str(v))


def _csv_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow([_cell_text(h) for h in header])
    for row in rows:
        w.writerow([_cell_text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig", "replace")


def write_rejects(rejects: Iterable[Reject], path: Path) -> Path:
    """Write rejects as CSV (sheet,row,nip,column,reason) to ``path``; header only if none."""
    atomic_write(path, _csv_bytes(REJECT_COLUMNS, _reject_rows(rejects)))
    return Path(path)


def _add_sheet(wb: object, title: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    """One sheet; NIP columns are Text cells, text that looks like a formula a text cell."""
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(title=title)  # type: ignore[attr-defined]
    nip_at = {i for i, c in enumerate(header) if is_nip_column(c)}
    for i in sorted(nip_at):
        ws.column_dimensions[_col_letter(i)].width = 21
    for number, row in enumerate(_with_header(header, rows)):
        values = [_xlsx_value(v) for v in row]
        for i, v in enumerate(values):
            nip = number > 0 and i in nip_at and v is not None
            if nip or (isinstance(v, str) and v.startswith(_RISKY_START)):
                cell = WriteOnlyCell(ws, value=str(v) if nip else v)
                cell.data_type = "s"  # text, even when it looks like a formula or a number
                if nip:
                    cell.number_format = "@"
                values[i] = cell
        ws.append(values)


def _with_header(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[Iterable[object]]:
    yield header
    yield from rows


def _col_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _run_workbook(run: RunOutput) -> object:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    columns, rows = result_rows(run.results)
    _add_sheet(wb, "hasil", columns, ([r.get(c) for c in columns] for r in rows))
    _add_sheet(wb, "rincian", list(DETAIL_COLUMNS), _detail_rows(run.results))
    _add_sheet(wb, "penolakan", list(REJECT_COLUMNS), _reject_rows(run.rejects))
    _add_sheet(wb, "info", ["key", "value"], _info_rows(run.info))
    return wb


def write_run(run: RunOutput, path: Path, fmt: Literal["xlsx", "csv", "json"]) -> list[Path]:
    """Write ``run`` to ``path`` as ``fmt``, plus the rejects CSV; return the files written.

    - json: :func:`run_to_dict`, UTF-8, indented.
    - csv: the wide results table (one row per appraised employee).
    - xlsx: sheets ``hasil`` (wide), ``rincian`` (long), ``penolakan`` (rejects), ``info``.

    Both files are complete before either is written; the rejects are written first.
    An ``OSError`` from writing propagates (each file is atomic, so none is half-written).
    """
    path = Path(path)
    if fmt == "json":
        text = json.dumps(run_to_dict(run), ensure_ascii=False, indent=2, sort_keys=False)
        data = (text + "\n").encode("utf-8", "replace")
    elif fmt == "csv":
        columns, rows = result_rows(run.results)
        data = _csv_bytes(columns, ([r.get(c) for c in columns] for r in rows))
    elif fmt == "xlsx":
        data = workbook_bytes(_run_workbook(run))
    else:
        raise ValueError(f"unknown output format {fmt!r}; use xlsx, csv or json")
    rejects = write_rejects(run.rejects, rejects_path(path))  # first: never results alone
    atomic_write(path, data)
    return [path, rejects]
