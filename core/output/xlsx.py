"""Excel specifics shared by reading and writing: safe cell text, formulas, reproducible bytes.

- :func:`xlsx_text` makes any text storable in a workbook cell (Excel's XML cannot
  hold control characters or lone surrogates; openpyxl refuses them).
- :func:`unsaved_formulas` finds formula cells that have no saved result, which a
  ``data_only`` read returns as empty: the workbook was written by a program that
  does not calculate (a script, some exports) and never opened and saved in Excel.
- :func:`workbook_bytes` serialises a workbook byte-identically for the same content.
- :func:`package_parts` gives the fixed parts of a workbook package (content types,
  relationships, styles, properties) for a streaming writer, :func:`sheet_head` and
  :func:`sheet_tail` a worksheet's XML around its rows, and :func:`column_letter`
  names a column. The cell styles are in :mod:`kinerja.output.xlsx_styles`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from kinerja.output.xlsx_styles import HEADER, STYLES, TEXT

__all__ = [
    "EXCEL_MAX_ROWS",
    "FIXED_XLSX_TIME",
    "Listed",
    "STYLE_HEADER",
    "STYLE_TEXT",
    "column_letter",
    "package_parts",
    "sheet_head",
    "sheet_tail",
    "unsaved_formulas",
    "workbook_bytes",
    "xlsx_text",
    "xml_escape",
]

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel worksheet, the header row included."""

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


# --------------------------------------------------------------------- package parts

STYLE_HEADER = HEADER
"""Cell style index of a header cell (bold)."""
STYLE_TEXT = TEXT
"""Cell style index of a cell formatted as Text (``@``), for NIPs."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-"


@dataclass(frozen=True, slots=True)
class Listed:
    """A worksheet as the workbook lists it: its title, its filter range (``A1:E10``) or
    None, and whether its first column is frozen (and printed on every page)."""

    title: str
    autofilter: str | None = None
    first_column: bool = False


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index``: 0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_RELS}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_RELS}/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_STAMP = FIXED_XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
_CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>kinerja</dc:creator>"
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{_STAMP}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_STAMP}</dcterms:modified>'
    "</cp:coreProperties>"
)
_APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>kinerja</Application></Properties>'
)


def package_parts(sheets: list[Listed]) -> list[tuple[str, str]]:
    """The workbook's parts other than its worksheets, in the order they are stored.

    Worksheet ``n`` (1-based) of ``sheets`` is stored as ``xl/worksheets/sheet<n>.xml``.
    """
    parts = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _CORE),
        ("xl/workbook.xml", _workbook(sheets)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", STYLES),
    ]
    return [(name, _XML_HEAD + text) for name, text in parts]


def _content_types(n: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{_CT}officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_CT}package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        f'ContentType="{_CT}officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" '
        f'ContentType="{_CT}officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        f'ContentType="{_CT}package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        f'ContentType="{_CT}officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook(sheets: list[Listed]) -> str:
    """The sheet list, and the names Excel keeps each sheet's filter range (hidden) and
    print titles in (the header row, and the frozen first column, on every page)."""
    listed = "".join(
        f'<sheet name="{xml_escape(sheet.title)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, sheet in enumerate(sheets, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{xml_escape(_quoted_sheet(sheet.title))}!{_absolute(sheet.autofilter)}</definedName>"
        for i, sheet in enumerate(sheets)
        if sheet.autofilter
    )
    filters += "".join(_print_titles(i, sheet) for i, sheet in enumerate(sheets))
    return (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><workbookPr/>'
        '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16384" '
        'windowHeight="8192"/></bookViews>'
        f"<sheets>{listed}</sheets>"
        + (f"<definedNames>{filters}</definedNames>" if filters else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _print_titles(index: int, sheet: Listed) -> str:
    name = xml_escape(_quoted_sheet(sheet.title))
    titles = (f"{name}!$A:$A," if sheet.first_column else "") + f"{name}!$1:$1"
    return f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{titles}</definedName>'


def _workbook_rels(n: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (
        f'<Relationships xmlns="{_PKG_RELS}">{sheets}'
        f'<Relationship Id="rId{n + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def xml_escape(text: str) -> str:
    """Text for XML: ``&``, ``<``, ``>`` and ``"`` as entities."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _absolute(ref: str) -> str:
    """``A1:E10`` -> ``$A$1:$E$10``."""
    return ":".join(_CELL_REF.sub(r"$\1$\2", cell) for cell in ref.split(":"))


def sheet_head(
    last_cell: str, widths: list[float], *, selected: bool, first_column: bool = False
) -> str:
    """A worksheet's XML up to its first row: size, frozen header row (and first column
    when ``first_column``), column widths."""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    tab = ' tabSelected="1"' if selected else ""
    if first_column:
        pane = (
            '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" '
            'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
            '<selection pane="bottomRight"/>'
        )
    else:
        pane = (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>'
        )
    return (
        _XML_HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        f'<dimension ref="A1:{last_cell}"/>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def sheet_tail(autofilter: str | None) -> str:
    """A worksheet's XML after its last row: its filter, and printing on A4 landscape
    with grid lines."""
    flt = f'<autoFilter ref="{autofilter}"/>' if autofilter else ""
    margins = (
        '<printOptions gridLines="1"/>'
        '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape"/>'
    )
    return f"</sheetData>{flt}{margins}</worksheet>"
