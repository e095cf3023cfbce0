"""The words of the workbook a person reads: sheet names, column headers, status labels.

They come from the message catalogs (:mod:`kinerja.i18n`), in the language in use:
``hasil``, ``rincian``, ``penolakan`` and ``info`` in Indonesian, ``results``,
``details``, ``rejects`` and ``info`` in English. Only the workbook shows them: CSV,
JSON and Parquet keep the stable column names and codes (``score``, ``aspek.<code>``,
``final``...). A rule text (an indicator's, an aspect's or a component's label) is
shown as the region wrote it, untranslated.
"""

from __future__ import annotations

from collections.abc import Iterable

from kinerja.i18n import N_, _

__all__ = [
    "ASPECT_HEADER",
    "INDICATOR_HEADER",
    "SHEET_NAMES",
    "STATUS_LABELS",
    "detail_headers",
    "info_headers",
    "reject_headers",
    "result_header",
    "sheet_name",
    "status_labels",
    "unique",
]

SHEET_NAMES = {
    "hasil": N_("results"),
    "rincian": N_("details"),
    "penolakan": N_("rejects"),
    "info": N_("info"),
}
"""Each sheet's name, by the Indonesian name it has always had."""

_RESULT_HEADERS = {
    "nip": N_("NIP"),
    "nama": N_("Name"),
    "jabatan": N_("Position"),
    "unit_kerja": N_("Work unit"),
    "golongan": N_("Grade"),
    "atasan_nip": N_("Supervisor's NIP"),
    "score": N_("Score"),
    "fair_score": N_("Fair score (raters' estimated effects removed)"),
    "peer_rank": N_("Rank among peers"),
    "predikat": N_("Predikat"),
    "status": N_("Status"),
    "feedback": N_("Feedback"),
    "recommendations": N_("Recommendations"),
    "flags": N_("Flags for the reviewer"),
}
INDICATOR_HEADER = N_("Achievement (%): {label}")
"""The header of an indicator's column; ``{label}`` is the indicator's label in the rules."""
ASPECT_HEADER = N_("Aspect: {label}")
"""The header of an aspect's column; ``{label}`` is the aspect's label in the rules."""
_DETAIL_HEADERS = (N_("NIP"), N_("Kind"), N_("Item"), N_("Value"), N_("Detail"))
_REJECT_HEADERS = (N_("Sheet"), N_("Row"), N_("NIP"), N_("Column"), N_("Reason"))
_INFO_HEADERS = (N_("Item"), N_("Value"))
STATUS_LABELS = {"final": N_("Final"), "provisional": N_("Provisional")}
"""The label people read for each status code (the code stays in CSV, JSON, Parquet)."""


def sheet_name(sheet: str) -> str:
    """The name of the sheet ``sheet`` (``hasil``, ``rincian``...) in the language in use."""
    return _(SHEET_NAMES[sheet])


def result_header(column: str) -> str:
    """The header of a fixed column of the results sheet (``nip``, ``score``, ``flags``...)."""
    return _(_RESULT_HEADERS[column])


def detail_headers() -> list[str]:
    """The headers of the details sheet: NIP, kind, item, value, detail."""
    return [_(h) for h in _DETAIL_HEADERS]


def reject_headers() -> list[str]:
    """The headers of the rejects sheet: sheet, row, NIP, column, reason."""
    return [_(h) for h in _REJECT_HEADERS]


def info_headers() -> list[str]:
    """The headers of the info sheet: item, value."""
    return [_(h) for h in _INFO_HEADERS]


def status_labels() -> dict[str, str]:
    """Each status code's label in the language in use."""
    return {code: _(label) for code, label in STATUS_LABELS.items()}


def unique(headers: Iterable[str]) -> list[str]:
    """``headers`` with a repeated one numbered: ``Aspek: Sikap``, ``Aspek: Sikap (2)``."""
    taken: set[str] = set()
    out = []
    for header in headers:
        candidate, n = header, 1
        while candidate in taken:
            n += 1
            candidate = f"{header} ({n})"
        taken.add(candidate)
        out.append(candidate)
    return out
