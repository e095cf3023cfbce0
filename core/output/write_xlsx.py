"""A run as an xlsx workbook HR can read and print: results, details, rejects and info.

The sheets are named in the language in use (``hasil``, ``rincian``, ``penolakan``,
``info`` in Indonesian; ``results``, ``details``, ``rejects``, ``info`` in English), and
so are their headers (:mod:`kinerja.output.headers`). The results sheet has one row per
employee, its columns grouped as a person reads them (:mod:`kinerja.output.xlsx_results`).

The worksheets are streamed into the zip a part of the employees at a time, their
XML made by polars from whole columns (a per-cell writer such as XlsxWriter needs
about 5 µs a cell, 7 s for a 10,000-employee multi-rater run's 1.35 million
``rincian`` cells). Each sheet has a bold, wrapped, frozen header row with a filter,
column widths from the header and the first employees' values (capped), and prints
on A4 landscape with its header row on every page. The results and details sheets
also freeze their NIP column. NIP columns are Text cells (``@``) so Excel keeps all 18
digits; a number is shown with 2 decimals (``0.00``) and stored to the rules'
precision (``round(x, 9)``); long texts are wrapped, feedback one item a line; each
predikat is coloured by its rank among the rules' labels (dark green for the best to
red for the worst). Text that looks like a formula is a text cell like any other text
(no formula is ever written); characters a workbook cannot store are dropped and a
text longer than Excel's 32,767 characters is cut there.

A sheet longer than Excel's 1,048,576 rows is split: ``rincian``, ``rincian (2)``...,
each part with the header row, so the workbook always opens in Excel.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import polars as pl

from kinerja.frames import RunOutput
from kinerja.numbers import tidy
from kinerja.output.headers import detail_headers, info_headers, reject_headers, sheet_name
from kinerja.output.tables import is_nip_column
from kinerja.output.write_cells import TEXT_LIMIT, UNSTORABLE
from kinerja.output.write_detail import detail_count, detail_table
from kinerja.output.write_frames import (
    REJECT_COLUMNS,
    Part,
    indexed,
    info_rows,
    parts,
    reject_table,
)
from kinerja.output.write_wide import with_keys
from kinerja.output.xlsx import (
    EXCEL_MAX_ROWS,
    Listed,
    column_letter,
    package_parts,
    sheet_head,
    sheet_tail,
    xlsx_text,
    xml_escape,
)
from kinerja.output.xlsx_results import LINES, results_layout, results_table
from kinerja.output.xlsx_styles import (
    HEADER,
    NUMBER,
    TEXT,
    WRAPPED,
    national_styles,
    predikat_styles,
)

__all__ = ["write_xlsx"]

CHUNK = 1_000
"""Employees per part: a part of a multi-rater ``rincian`` is some 13 MB of XML."""
_REJECT_CHUNK = 100_000
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP64_FROM = 1 << 30
"""Estimated sheet size from which the zip entry is written as ZIP64."""


_TEXT_WIDTH = 50
"""The widest a column of short texts gets; a text column whose values are longer wraps."""
_WRAPPED_WIDTH = 60
"""The width of a column of wrapped text (feedback...)."""
_HEADER_WIDTH = 30
"""The most of a header's length a column's width makes room for (a longer one wraps)."""


@dataclass(frozen=True, slots=True)
class Cells:
    """How one output column becomes cells: the frame columns that may fill it (the first
    non-empty one wins: ``rincian``'s value is a number, a text or a boolean), and how
    its cells look.

    ``nip``: Text cells (``@``); ``wrap``: texts wrapped; ``decimals``: numbers shown
    with 2 decimals; ``shades``: the style of each text value that has one (predikat).
    """

    sources: tuple[str, ...]
    nip: bool = False
    wrap: bool = False
    decimals: bool = True
    shades: dict[str, int] | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One logical sheet: its header, size, data in frames and how columns become cells."""

    title: str
    header: list[str]
    rows: int
    frames: Callable[[], Iterator[pl.DataFrame]]
    layout: list[Cells]
    widths: list[float]
    filtered: bool = True
    first_column: bool = False
    """Whether the first column (the NIP) is frozen beside the header row."""


def write_xlsx(
    run: RunOutput,
    path: Path,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    predikat: Sequence[str] = (),
) -> None:
    """Write ``run`` to ``path`` as a workbook whose sheets have at most ``max_rows`` rows.

    :param predikat: the rules' predikat labels, best first: each predikat cell is
        coloured by its label's rank. Without them, the labels the national baselines
        name are coloured as those rank them.
    """
    if max_rows < 2:
        raise ValueError("max_rows must leave room for the header row and one data row")
    sheets = _sheets(run, with_keys(indexed(run)), predikat)
    capacity = max_rows - 1
    titles = [
        (sheet, _part_title(sheet.title, k), size)
        for sheet in sheets
        for k, size in enumerate(_part_sizes(sheet.rows, capacity), start=1)
    ]
    listed = [
        Listed(
            title,
            _range(len(sheet.header), size) if sheet.filtered else None,
            sheet.first_column,
        )
        for sheet, title, size in titles
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in package_parts(listed):
            archive.writestr(_entry(name), text.encode("utf-8"))
        deflater = _Deflater(archive)
        try:
            number = 1
            for sheet in sheets:
                sizes = _part_sizes(sheet.rows, capacity)
                _SheetWriter(deflater, sheet, sizes, number).write_all()
                number += len(sizes)
        finally:
            deflater.finish()


def _part_sizes(rows: int, capacity: int) -> list[int]:
    """Data rows in each part of a sheet of ``rows`` rows (one part when empty)."""
    if rows == 0:
        return [0]
    full, rest = divmod(rows, capacity)
    return [capacity] * full + ([rest] if rest else [])


def _part_title(title: str, k: int) -> str:
    return title if k == 1 else f"{title} ({k})"


def _range(columns: int, rows: int) -> str:
    return f"A1:{column_letter(max(columns, 1) - 1)}{rows + 1}"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


class _Deflater:
    """The zip's writes, and so its compression, on a thread of their own, in order,
    while the main thread makes the next rows (zlib and polars both release the GIL)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.tasks: queue.Queue[tuple | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.out: IO[bytes] | None = None
        self.thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self.thread.start()

    def open(self, info: zipfile.ZipInfo, zip64: bool) -> None:
        """Start the zip entry ``info``."""
        self._put(("open", info, zip64))

    def write(self, data: bytes) -> None:
        """Add ``data`` to the current entry."""
        self._put(("write", data))

    def close(self) -> None:
        """End the current entry."""
        self._put(("close",))

    def finish(self) -> None:
        """Wait for every write; raise the first error one of them met.

        An entry left open (the rows stopped coming, or a write failed) is closed, so
        that the zip file closes and the first error is the one that propagates.
        """
        self.tasks.put(None)
        self.thread.join()
        if self.out is not None:
            with contextlib.suppress(Exception):
                self.out.close()
            self.out = None
        if self.error is not None:
            raise self.error

    def _put(self, task: tuple) -> None:
        if self.error is not None:
            raise self.error
        self.tasks.put(task)

    def _run(self) -> None:
        while (task := self.tasks.get()) is not None:
            if self.error is not None:
                continue  # keep taking tasks so that the main thread never waits forever
            try:
                self._do(task)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self.error = exc

    def _do(self, task: tuple) -> None:
        if task[0] == "open":
            self.out = self.archive.open(task[1], "w", force_zip64=task[2])
        elif task[0] == "write":
            self.out.write(task[1])  # type: ignore[union-attr]
        else:
            self.out.close()  # type: ignore[union-attr]
            self.out = None


class _SheetWriter:
    """Streams one logical sheet into one or more worksheet entries of the zip."""

    def __init__(self, out: _Deflater, sheet: Sheet, sizes: list[int], number: int) -> None:
        self.out, self.sheet, self.sizes, self.number = out, sheet, sizes, number
        self.part = -1
        self.written = 0
        self.open = False
        self.header = _header_row(sheet.header)

    def write_all(self) -> None:
        """Write every row of the sheet, in as many worksheets as planned."""
        self._next_part()
        for frame in self.sheet.frames():
            self._add(frame)
        self._close_part()
        if self.part != len(self.sizes) - 1:
            raise RuntimeError(f"sheet {self.sheet.title}: row count did not match the plan")

    def _add(self, frame: pl.DataFrame) -> None:
        while frame.height:
            room = self.sizes[self.part] - self.written
            if room == 0:
                self._close_part()
                self._next_part()
                continue
            take = frame.head(room)
            self.out.write(_rows_xml(take, self.sheet.layout, self.written + 2))
            self.written += take.height
            frame = frame.slice(take.height)

    def _next_part(self) -> None:
        self.part += 1
        if self.part >= len(self.sizes):
            raise RuntimeError(f"sheet {self.sheet.title}: more rows than planned")
        size = self.sizes[self.part]
        info = _entry(f"xl/worksheets/sheet{self.number + self.part}.xml")
        estimate = (size + 1) * max(len(self.sheet.header), 1) * 120
        self.out.open(info, estimate >= _ZIP64_FROM)
        self.open = True
        last = _range(len(self.sheet.header), size).split(":")[1]
        selected = self.number + self.part == 1
        head = sheet_head(
            last, self.sheet.widths, selected=selected, first_column=self.sheet.first_column
        )
        self.out.write(head.encode("utf-8"))
        self.out.write(self.header)
        self.written = 0

    def _close_part(self) -> None:
        if not self.open:
            return
        if self.written != self.sizes[self.part]:
            raise RuntimeError(f"sheet {self.sheet.title}: row count did not match the plan")
        ref = _range(len(self.sheet.header), self.written) if self.sheet.filtered else None
        self.out.write(sheet_tail(ref).encode("utf-8"))
        self.out.close()
        self.open = False


# --------------------------------------------------------------------- cells


def _header_row(header: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{column_letter(j)}1" s="{HEADER}" t="inlineStr"><is><t>'
        f"{xml_escape(xlsx_text(name)[:TEXT_LIMIT])}</t></is></c>"
        for j, name in enumerate(header)
    )
    return f'<row r="1">{cells}</row>'.encode()


def _rows_xml(frame: pl.DataFrame, layout: list[Cells], first_row: int) -> bytes:
    """The ``<row>`` elements of ``frame``, the first numbered ``first_row``."""
    row = pl.int_range(first_row, first_row + frame.height, eager=True).cast(pl.String)
    cells = []
    for j, column in enumerate(layout):
        options = [_cell(frame[c], column_letter(j), row, column) for c in column.sources]
        cells.append(pl.coalesce(*options).fill_null(""))
    xml = pl.concat_str(pl.lit('<row r="'), pl.lit(row), pl.lit('">'), *cells, pl.lit("</row>"))
    return pl.select(xml.str.join("").cast(pl.Binary)).item()


def _cell(values: pl.Series, letter: str, row: pl.Series, column: Cells) -> pl.Expr:
    """Each value's ``<c>`` element, or null for an empty cell."""
    dtype = values.dtype
    start = pl.lit(f'<c r="{letter}')
    if dtype == pl.Null:
        return pl.lit(None, dtype=pl.String)
    if dtype.is_numeric():
        decimals = column.decimals and not dtype.is_integer()
        value, end = _number_value(values), "</v></c>"
        middle = pl.lit(f'" s="{NUMBER}"><v>' if decimals else '"><v>')
    elif dtype == pl.Boolean:
        value, middle = values.cast(pl.Int8).cast(pl.String), pl.lit('" t="b"><v>')
        end = "</v></c>"
    else:
        text = values.cast(pl.String)
        value = _xml_text(text).replace("", None)
        middle = pl.concat_str(
            pl.lit('"'), _text_style(text, column), pl.lit(' t="inlineStr"><is>')
        )
        padded = _padded(text)
        if padded is not None:  # leading or trailing white space is kept only when marked
            opening = pl.when(pl.lit(padded)).then(pl.lit('<t xml:space="preserve">'))
            middle = middle + opening.otherwise(pl.lit("<t>"))
        else:
            middle = middle + pl.lit("<t>")
        end = "</t></is></c>"
    return pl.concat_str(start, pl.lit(row), middle, pl.lit(value), pl.lit(end))


def _text_style(text: pl.Series, column: Cells) -> pl.Expr:
    """The ``s`` attribute of each text cell: Text for NIPs, a predikat's shade, wrapped."""
    if column.nip:
        return pl.lit(f' s="{TEXT}"')
    plain = f' s="{WRAPPED}"' if column.wrap else ""
    if column.shades:
        styles = {label: f' s="{style}"' for label, style in column.shades.items()}
        return pl.lit(text.replace_strict(styles, default=plain, return_dtype=pl.String))
    return pl.lit(plain)


def _number_value(values: pl.Series) -> pl.Series:
    """Numbers as a cell's value: whole numbers as they are, others to the rules'
    precision (``round(x, 9)``) without ``.0``; nothing for a non-finite one."""
    if values.dtype.is_integer():
        return values.cast(pl.String)
    x = values.cast(pl.Float64)
    if x.len():
        x = pl.select(tidy(pl.lit(x))).to_series()
    text = x.cast(pl.String).str.strip_suffix(".0")
    finite = x.is_finite().fill_null(False)
    return text if finite.all() else text.set(~finite, None)  # type: ignore[arg-type]


def _xml_text(text: pl.Series) -> pl.Series:
    """Text as XML character data a workbook can store (each step only where needed)."""
    if text.str.contains(UNSTORABLE).any():
        text = text.str.replace_all(UNSTORABLE, "")
    if (text.str.len_bytes().max() or 0) > TEXT_LIMIT:
        text = text.str.slice(0, TEXT_LIMIT)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if text.str.contains(char, literal=True).any():
            text = text.str.replace_all(char, entity, literal=True)
    return text


def _padded(text: pl.Series) -> pl.Series | None:
    """Where text starts or ends with white space; None when nowhere."""
    padded = text.str.len_bytes() != text.str.strip_chars().str.len_bytes()
    return padded if padded.any() else None


# --------------------------------------------------------------------- sheets


def _sheets(run: RunOutput, whole: Part, predikat: Sequence[str]) -> list[Sheet]:
    return [_results(whole, predikat), _details(whole), _rejects(run), _info(run)]


def _results(whole: Part, predikat: Sequence[str]) -> Sheet:
    layout = results_layout(whole)

    def frames() -> Iterator[pl.DataFrame]:
        for part in parts(whole, CHUNK):
            yield results_table(part, layout)

    first = next(frames(), None)
    shades = _shades(whole, predikat)
    cells, widths = [], []
    for column, header in zip(layout.columns, layout.headers, strict=True):
        values = first[column] if first is not None else None
        wrap = column in LINES or _long(values)
        cells.append(
            Cells(
                (column,),
                nip=is_nip_column(column),
                wrap=wrap,
                shades=shades if column == "predikat" else None,
            )
        )
        widths.append(_width(header, values, is_nip_column(column), wrap))
    title = sheet_name("hasil")
    rows = whole.results.height
    return Sheet(title, layout.headers, rows, frames, cells, widths, first_column=True)


def _shades(whole: Part, predikat: Sequence[str]) -> dict[str, int]:
    """The style of each predikat label: by its rank in ``predikat`` when given, else as
    the national baselines rank the labels of the run."""
    if predikat:
        return predikat_styles(predikat)
    if "predikat" not in whole.results.columns:
        return {}
    labels = whole.results["predikat"].drop_nulls().unique().cast(pl.String).to_list()
    return national_styles(labels)


def _long(values: pl.Series | None) -> bool:
    """Whether some text of ``values`` is longer than a column of short texts shows."""
    if values is None or values.dtype != pl.String or values.len() == 0:
        return False
    return int(values.str.len_chars().max() or 0) > _TEXT_WIDTH


def _width(header: str, values: pl.Series | None, nip: bool, wrap: bool) -> float:
    """A column width: 21 for NIPs; else room for the header (up to 30 characters: a
    longer one wraps) and the longest line of the values, 8 at least, at most 50 (60
    for wrapped text)."""
    if nip:
        return 21
    longest = min(len(header), _HEADER_WIDTH)
    if values is not None and values.dtype == pl.String and values.len():
        lines = values.str.split("\n").explode().str.len_chars()
        longest = max(longest, int(lines.max() or 0))
    elif values is not None and values.dtype.is_numeric():
        longest = max(longest, 10)
    return float(min(max(longest + 2, 8), _WRAPPED_WIDTH if wrap else _TEXT_WIDTH))


def _details(whole: Part) -> Sheet:
    def frames() -> Iterator[pl.DataFrame]:
        for part in parts(whole, CHUNK):
            yield detail_table(part)

    layout = [
        Cells(("nip",), nip=True),
        Cells(("kind",)),
        Cells(("name",)),
        Cells(("num", "text", "bool")),
        Cells(("detail",), wrap=True),
    ]
    widths = [21.0, 11.0, 28.0, 12.0, 80.0]
    title, rows = sheet_name("rincian"), detail_count(whole)
    return Sheet(title, detail_headers(), rows, frames, layout, widths, first_column=True)


def _rejects(run: RunOutput) -> Sheet:
    table = reject_table(run.rejects)

    def frames() -> Iterator[pl.DataFrame]:
        for start in range(0, table.height, _REJECT_CHUNK):
            yield table.slice(start, _REJECT_CHUNK)

    widths = [12.0, 8.0, 21.0, 16.0, 80.0]
    layout = [Cells((c,), nip=is_nip_column(c), wrap=c == "reason") for c in REJECT_COLUMNS]
    title = sheet_name("penolakan")
    return Sheet(title, reject_headers(), table.height, frames, layout, widths)


def _info(run: RunOutput) -> Sheet:
    rows = info_rows(run.info)
    numbers = [
        v if isinstance(v, int | float) and not isinstance(v, bool) else None for _, v in rows
    ]
    texts = [
        None if n is not None or v is None else xlsx_text(str(v))
        for n, (_, v) in zip(numbers, rows, strict=True)
    ]
    table = pl.DataFrame(
        {"key": [k for k, _ in rows], "number": numbers, "value": texts},
        schema={"key": pl.String, "number": pl.Float64, "value": pl.String},
    )
    layout = [Cells(("key",)), Cells(("number", "value"), decimals=False)]
    title, header = sheet_name("info"), info_headers()
    return Sheet(title, header, table.height, lambda: iter([table]), layout, [24.0, 70.0], False)
