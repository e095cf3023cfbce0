"""Headers that read as one column: the whole-sheet problem that says so.

Two headers read as one column when they are written alike (``NIP`` and ``nip``) or
when both are synonyms of it (``Nama Pegawai`` and ``Nama Lengkap`` for ``nama``).
Only the first is read; the problem names every one, so HR can remove or rename the
others.
"""

from __future__ import annotations

from kinerja.i18n import _
from kinerja.model import Reject

__all__ = ["repeated_columns"]


def repeated_columns(
    sheet: str, where: str, repeated: dict[str, list[str]], what: str = "columns"
) -> Reject | None:
    """The whole-sheet problem for headers (or JSON keys: ``what="keys"``) that read as
    one column, if any; ``where`` names the sheet, file or table in words."""
    if not repeated:
        return None
    parts = "; ".join(_same_name(name, shown) for name, shown in repeated.items())
    if what == "keys":
        reason = _(
            "{where} has keys that name the same column: {parts}. Only the first of each is "
            "read, so the values under the others are ignored; remove or rename them.",
            where=where,
            parts=parts,
        )
    else:
        reason = _(
            "{where} has columns that name the same column: {parts}. Only the first of each "
            "is read, so the values under the others are ignored; remove or rename them.",
            where=where,
            parts=parts,
        )
    return Reject(sheet, 0, None, reason, ", ".join(repeated))


def _same_name(name: str, shown: list[str]) -> str:
    """``'NIP' and 'nip' read as nip``, or ``'nip' repeats``: headers that read as ``name``."""
    if len(shown) == 1:
        return _("{header} repeats", header=shown[0])
    headers = shown[0]
    for other in shown[1:]:
        headers = _("{first} and {second}", first=headers, second=other)
    return _("{headers} read as {name}", headers=headers, name=name)
