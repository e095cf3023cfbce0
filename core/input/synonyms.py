"""Sheet and column names as HR types them: matched loosely, with a small synonym table.

A sheet (CSV file, JSON key) or column header reads as a known name when, ignoring
case, spaces, underscores, hyphens and dots, it *is* that name (``Unit.Kerja``,
``UNITKERJA`` -> ``unit_kerja``) or one of its synonyms below (``NIP Baru`` -> ``nip``).
A name read exactly as today (:func:`kinerja.input.read.normalise_header`) always wins:
a synonym never takes a name that is itself present, so a ``nip`` column and a ``NIP
Baru`` column next to it stay two columns (``nip_baru`` is not read). Two headers that
read as one name the same loose way are a repeated header, as two headers written
alike are: the first is read.

Synonyms (compared after removing case, spaces, ``_``, ``-`` and ``.``):

========== ===============================================================
sheet      synonyms
========== ===============================================================
pegawai    data pegawai, daftar pegawai
capaian    capaian kinerja, skp
penilaian  penilaian perilaku, nilai
keberatan  keberatan pegawai
========== ===============================================================

============ ========== ====================================================
sheet        column     synonyms
============ ========== ====================================================
every sheet  nip        nip baru, nomor induk pegawai, no nip
pegawai      nama       nama pegawai, nama lengkap
pegawai      jabatan    nama jabatan
pegawai      unit_kerja unit, unit organisasi, satuan kerja, opd
pegawai      golongan   gol, pangkat/golongan, golongan ruang
pegawai      atasan_nip nip atasan, nip atasan langsung
capaian      indikator  kode indikator
capaian      realisasi  capaian
penilaian    penilai_nip nip penilai
penilaian    kelompok   kelompok penilai
penilaian    aspek      kode aspek
penilaian    nilai      skor
============ ========== ====================================================

Where a required column is still missing, :func:`guesses` finds the headers that
look like it (``difflib``) for a "did you mean".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from kinerja.i18n import _
from kinerja.input.repeated_headers import repeated_columns
from kinerja.input.spec import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from kinerja.input.tables import KIND_SUFFIX, Tables, kind_column

__all__ = [
    "COLUMN_SYNONYMS",
    "SHEET_SYNONYMS",
    "column_renames",
    "guesses",
    "known_columns",
    "loose",
    "renaming",
    "sheet_names",
]

SHEET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pegawai": ("data pegawai", "daftar pegawai"),
    "capaian": ("capaian kinerja", "skp"),
    "penilaian": ("penilaian perilaku", "nilai"),
    "keberatan": ("keberatan pegawai",),
}
"""Known sheet -> the other names HR gives it."""

_NIP = ("nip baru", "nomor induk pegawai", "no nip")
COLUMN_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "pegawai": {
        "nip": _NIP,
        "nama": ("nama pegawai", "nama lengkap"),
        "jabatan": ("nama jabatan",),
        "unit_kerja": ("unit", "unit organisasi", "satuan kerja", "opd"),
        "golongan": ("gol", "pangkat/golongan", "golongan ruang"),
        "atasan_nip": ("nip atasan", "nip atasan langsung"),
    },
    "capaian": {"nip": _NIP, "indikator": ("kode indikator",), "realisasi": ("capaian",)},
    "penilaian": {
        "nip": _NIP,
        "penilai_nip": ("nip penilai",),
        "kelompok": ("kelompok penilai",),
        "aspek": ("kode aspek",),
        "nilai": ("skor",),
    },
    "keberatan": {"nip": _NIP},
}
"""Sheet -> known column -> the other headers HR gives it."""

_LOOSE = re.compile(r"[\s_\-.]+")


def loose(name: object) -> str:
    """A name without case, spaces, ``_``, ``-`` and ``.``: ``Unit.Kerja`` -> ``unitkerja``."""
    return _LOOSE.sub("", str(name).strip().lower())


def _readings(names: Iterable[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Loose form -> known name, for each of ``names`` and its synonyms."""
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(loose(name), name)
        for other in synonyms.get(name, ()):
            found.setdefault(loose(other), name)
    return found


def _resolve(exact: Sequence[str], readings: dict[str, str]) -> list[str | None]:
    """The known name each of ``exact`` (normalised names, in order) reads as, or None.

    A name that is itself known keeps it; another reads as a known name not itself
    present (several may: the caller treats them as a repeat)."""
    known = set(readings.values())
    present = {n for n in exact if n in known}
    chosen: list[str | None] = []
    for name in exact:
        if name in known:
            chosen.append(name)
            continue
        target = readings.get(loose(name))
        chosen.append(target if target is not None and target not in present else None)
    return chosen


def sheet_names(normalised: Sequence[str], known: Sequence[str]) -> list[str | None]:
    """The known sheet each name (as :func:`~kinerja.input.read.normalise_header` gives
    it) reads as, or None; a sheet named exactly keeps its name from synonyms."""
    return _resolve(normalised, _readings(known, SHEET_SYNONYMS))


def column_names(sheet: str, extra: Iterable[str] = ()) -> dict[str, str]:
    """Loose form -> known column of ``sheet`` (its own, then ``extra`` names)."""
    names = [*REQUIRED_COLUMNS.get(sheet, ()), *OPTIONAL_COLUMNS.get(sheet, ()), *extra]
    return _readings(names, COLUMN_SYNONYMS.get(sheet, {}))


def known_columns(
    tables: Tables, extra: dict[str, Sequence[str]] | None = None, *, report: bool = True
) -> Tables:
    """``tables`` with each header that reads loosely as a known column renamed to it
    (in place; see the module doc). ``extra`` adds names per sheet (a region's
    ``pegawai`` attributes). The first of several headers reading as one column takes it;
    the others keep their names (and are not read), and, with ``report``, a whole-sheet
    problem says so (the reader reports once for the whole input, not once per chunk)."""
    for sheet, frame in tables.frames.items():
        found = tables.columns.get(sheet) or [
            c for c in frame.columns if c != "_row" and KIND_SUFFIX not in c
        ]
        renames, repeats = column_renames(sheet, found, (extra or {}).get(sheet, ()))
        problem = repeated_columns(sheet, _("sheet {name}", name=repr(sheet)), repeats)
        if report and problem is not None:
            tables.problems.append(problem)
        if not renames:
            continue
        tables.frames[sheet] = frame.rename(renaming(renames, frame.columns))
        tables.columns[sheet] = [renames.get(c, c) for c in found]
        _rename_cell_problems(tables, sheet, renames)
    return tables


def column_renames(
    sheet: str, found: Sequence[str], extra: Iterable[str] = ()
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """How the headers ``found`` (normalised, in order) of ``sheet`` read: the renames
    (header -> known column, for each header that is not already one) and the repeats
    (known column -> the headers that read as it, quoted, when more than one does; the
    first is the one read). ``extra`` adds known names (a region's attributes)."""
    targets = _resolve(found, column_names(sheet, extra))
    renames: dict[str, str] = {}
    readers: dict[str, list[str]] = {}
    for name, target in zip(found, targets, strict=True):
        if target is None or target == name:
            continue
        readers.setdefault(target, []).append(repr(name))
        if target not in renames.values():
            renames[name] = target
    repeats = {target: names for target, names in readers.items() if len(names) > 1}
    return renames, repeats


def renaming(renames: dict[str, str], present: Iterable[str]) -> dict[str, str]:
    """``renames`` of the columns ``present`` in a frame, with their ``#kind`` columns."""
    there = set(present)
    mapping = {a: b for a, b in renames.items() if a in there}
    mapping |= {kind_column(a): kind_column(b) for a, b in mapping.items()}
    return {a: b for a, b in mapping.items() if a in there}


def _rename_cell_problems(tables: Tables, sheet: str, renames: dict[str, str]) -> None:
    problems = tables.cell_problems.get(sheet)
    if not problems:
        return
    for row, cells in problems.items():
        problems[row] = [(renames.get(column, column), reason) for column, reason in cells]


def guesses(missing: Sequence[str], found: Sequence[str]) -> list[tuple[str, str]]:
    """``[(found header, missing column)]``: for each missing column, the found header
    that looks most like it (compared loosely, ``difflib`` ratio 0.75 or more), if any;
    a header is offered once."""
    pool = {loose(f): f for f in reversed(found) if f not in missing}
    offered: list[tuple[str, str]] = []
    for column in missing:
        close = difflib.get_close_matches(loose(column), list(pool), n=1, cutoff=0.75)
        if close:
            offered.append((pool.pop(close[0]), column))
    return offered
