"""Excel specifics shared by reading and writing: safe cell text, formulas, reproducible bytes.

- :func:`xlsx_text` makes any text storable in a workbook cell (Excel's XML cannot
  hold control characters or lone surrogates; openpyxl refuses them).
- :func:`unsaved_formulas` finds formula cells that have no saved result, which a
  ``data_only`` read returns as empty: the workbook was written by a program that
  does not calculate (a script, some exports) and never opened and saved in Excel.
- :func:`workbook_bytes` serialises a workbook byte-identically for the same content.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import IO
from xml.etree import ElementTree

__all__ = ["FIXED_XLSX_TIME", "unsaved_formulas", "workbook_bytes", "xlsx_text"]

FIXED_XLSX_TIME = dt.datetime(2000, 1, 1)
"""Creation/modification time written into every workbook, so output is reproducible."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE and more), lone surrogates."""

_NS = r"(?:[A-Za-z_][\w.-]*:)?"
_EMPTY_FORMULA = re.compile(
    rf"<{_NS}f\b[^>]*(?:/>|>[^<]*</{_NS}f>)\s*(?:<{_NS}v\s*/>|<{_NS}v>\s*</{_NS}v>|</{_NS}c>)".encode()
)
"""A formula element followed by an empty or missing value: a cheap test before parsing."""
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")


def xlsx_text(text: str) -> str:
    """``text`` without the characters a workbook cannot store.

    Control characters (except tab, line feed and carriage return) are removed; a lone
    surrogate (broken UTF-16, e.g. from a JSON ``\\ud800`` escape) becomes U+FFFD.
    """
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: "\ufffd" if "\ud800" <= m[0] <= "\udfff" else "", text)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def unsaved_formulas(archive: zipfile.ZipFile, sheet_path: str) -> set[tuple[int, int]]:
    """Cells of one worksheet that hold a formula but no saved result: ``{(row, column)}``.

    Both are 1-based. A formula whose saved result is an empty text (``t="str"``)
    has a result and is not listed. The sheet XML is only parsed when a quick scan
    finds a formula without a value, so workbooks without such cells cost one pass
    over the compressed bytes.
    """
    data = archive.read(sheet_path.lstrip("/"))
    if not _EMPTY_FORMULA.search(data):
        return set()
    return _scan(io.BytesIO(data))


def _scan(source: IO[bytes]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    row = col = 0
    for event, el in ElementTree.iterparse(source, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row, col = (int(r) if r else row + 1), 0
            continue
        if tag == "c":
            m = _CELL_REF.fullmatch(el.get("r") or "")
            if m:
                row, col = int(m[2]), _column_number(m[1])
            else:
                col += 1
            children = {_local(child.tag): child for child in el}
            value = children.get("v")
            empty = value is None or not (value.text or "").strip()
            if "f" in children and empty and el.get("t") != "str":
                found.add((row, col))
            el.clear()
        elif tag == "row":
            el.clear()
    return found


def workbook_bytes(wb: object) -> bytes:
    """Serialise an openpyxl workbook reproducibly: fixed timestamps and zip entry order.

    Workbook properties get :data:`FIXED_XLSX_TIME`; every zip entry gets the date
    1980-01-01 00:00:00 and the entries are stored in a stable order.
    """
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = FIXED_XLSX_TIME  # type: ignore[attr-defined]
    wb.properties.modified = FIXED_XLSX_TIME  # type: ignore[attr-defined]
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (first.get(n, 2), n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
