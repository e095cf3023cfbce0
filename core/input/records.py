"""Turning one row of a record sheet into its record: capaian, penilaian, keberatan.

:func:`record_makers` builds, for an :class:`~kinerja.input.spec.InputSpec`, one
:data:`Maker` per record sheet: it reads a row's cells, checks them against the
region's indicators, aspects and their scales, rater groups and predikat labels, and
returns an :class:`~kinerja.model.Outcome`, :class:`~kinerja.model.Rating` or
:class:`~kinerja.model.Objection`, or records the row's problems. Whether the row's
employee exists is checked by :mod:`kinerja.input.validate`.

A rating maker also remembers the ratings it accepted, to refuse a second rating of
the same aspect by the same rater in the same group, and refuses a rater rating
themself outside the ``self`` group. An objection must be filed on or after the day
the result was received, and not be decided by the employee who filed it.
"""

from __future__ import annotations

from collections.abc import Callable

from kinerja.input.cells import (
    Problems,
    _Bad,
    _blank,
    _Codes,
    _date,
    _fmt,
    _number,
    _other_nip,
    _raw_nip,
    _required_date,
    _text,
)
from kinerja.input.read import normalise_header
from kinerja.input.spec import GROUP_ALIASES, InputSpec
from kinerja.model import RATER_GROUPS, Objection, Outcome, Rating
from kinerja.model import Source as Src

__all__ = ["Maker", "Row", "record_makers"]

Row = dict[str, object]

Maker = Callable[[str, Row, Src, Problems], object]


def record_makers(spec: InputSpec) -> tuple[Maker, Maker, Maker]:
    """Record builders for capaian, penilaian and keberatan rows under ``spec``."""
    indicators = _Codes(spec.indicators, "indicator", "indikator")
    aspects = _Codes(spec.aspects, "aspect", "aspek")
    labels = _Codes(spec.predikat_labels, "predikat", "predikat_baru")
    scales = spec.aspects
    groups = spec.groups
    used = ", ".join(sorted(groups))
    known = ", ".join(RATER_GROUPS) + " (or diri, atasan, rekan, bawahan, masyarakat)"
    rated: dict[tuple[str, str, str, str], int] = {}
    """(nip, rater, group, aspect) -> penilaian row of the accepted rating."""

    def outcome(nip: str, row: Row, src: Src, p: Problems) -> Outcome | None:
        get = row.get
        code = indicators.get(get("indikator"), p)
        target = _number(get("target"), "target", p)
        if target is not None and target <= 0:
            reason = "target must be positive (achievement is realised / target), found "
            p.append(_Bad("target", reason + _fmt(target)))
        real = _number(get("realisasi"), "realisasi", p)
        tmax = get("target_maks")
        tmax = None if _blank(tmax) else _number(tmax, "target_maks", p)
        if tmax is not None and target is not None and tmax < target:
            reason = f"target_maks (upper bound of the range) {_fmt(tmax)} is below target "
            p.append(_Bad("target_maks", reason + _fmt(target)))
        bobot = get("bobot")
        bobot = 1.0 if _blank(bobot) else _number(bobot, "bobot", p)
        if bobot is not None and bobot <= 0:
            p.append(_Bad("bobot", f"bobot (weight) must be positive, found {_fmt(bobot)}"))
        if p:
            return None
        return Outcome(nip, code, target, real, tmax, bobot, src)  # type: ignore[arg-type]

    def rating(nip: str, row: Row, src: Src, p: Problems) -> Rating | None:
        get = row.get
        raw_group = get("kelompok")
        group = GROUP_ALIASES.get(raw_group) if type(raw_group) is str else None
        if group is None and raw_group is not None:
            group = GROUP_ALIASES.get(normalise_header(_text(raw_group)))
        if group is None:
            reason = f"kelompok {_text(raw_group)!r} is not a rater group; use one of {known}"
            p.append(_Bad("kelompok", reason))
        elif groups and group not in groups:
            reason = f"rater group {group!r} is not used by the region's rules (they use: {used})"
            p.append(_Bad("kelompok", reason))
        rater = get("penilai_nip")
        if group == "self" and _blank(rater):
            rater = nip  # a self-rating's rater is the employee
        elif group == "citizen":
            rater = _raw_nip(rater) or ""
        elif group is not None:
            rater = _other_nip(rater, "penilai_nip", p)
        code = aspects.get(get("aspek"), p)
        nilai = _number(get("nilai"), "nilai", p)
        if code is not None and nilai is not None and code in scales:
            lo, hi = scales[code]
            if not lo <= nilai <= hi:
                reason = f"nilai {_fmt(nilai)} is outside the scale {_fmt(lo)}-{_fmt(hi)}"
                p.append(_Bad("nilai", f"{reason} for aspect {code}"))
        tgl = get("tanggal")
        tgl = None if _blank(tgl) else _date(tgl, "tanggal", p)
        catatan = _text(get("catatan"))
        if rater and rater == nip and group is not None and group != "self":
            reason = "penilai_nip is the employee themself; only kelompok self may rate oneself"
            p.append(_Bad("penilai_nip", reason))
        if p:
            return None
        key: tuple[str, str, str, str] = (nip, rater, group, code)  # type: ignore[assignment]
        if rater:  # citizens without a NIP are different people
            if key in rated:
                reason = f"duplicate rating: this rater already rated this aspect at {src.sheet} "
                p.append(_Bad("penilai_nip", f"{reason}row {rated[key]}; remove one of the rows"))
                return None
            rated[key] = src.row
        return Rating(nip, rater, group, code, nilai, tgl, catatan, src)  # type: ignore[arg-type]

    def objection(nip: str, row: Row, src: Src, p: Problems) -> Objection | None:
        get = row.get
        terima = _required_date(row, "tanggal_terima", p)
        ajuan = _required_date(row, "tanggal_ajuan", p)
        if terima is not None and ajuan is not None and ajuan < terima:
            reason = (
                f"tanggal_ajuan {ajuan} is before tanggal_terima {terima}: the objection was "
                "filed before the result was received; check both dates"
            )
            p.append(_Bad("tanggal_ajuan", reason))
        pemutus = _other_nip(get("pemutus_nip"), "pemutus_nip", p)
        if pemutus is not None and pemutus == nip:
            reason = "pemutus_nip is the employee's own NIP; an employee cannot decide their own"
            p.append(_Bad("pemutus_nip", reason + " objection (give the deciding official's NIP)"))
        keputusan = _text(get("keputusan")).lower()
        if keputusan not in ("tetap", "ubah"):
            reason = f"keputusan {_text(get('keputusan'))!r} must be 'tetap' (keep the result)"
            p.append(_Bad("keputusan", reason + " or 'ubah' (change it)"))
        raw_new = get("predikat_baru")
        new = None
        if not _blank(raw_new):
            new = labels.get(raw_new, p)
        elif keputusan == "ubah":
            reason = "predikat_baru is empty; it is required when keputusan is ubah"
            p.append(_Bad("predikat_baru", reason + " (give the changed predikat)"))
        alasan = _text(get("alasan"))
        if not alasan:
            p.append(_Bad("alasan", "alasan is empty; every objection decision needs its reason"))
        if p:
            return None
        return Objection(nip, terima, ajuan, pemutus, keputusan, new, alasan, src)  # type: ignore[arg-type]

    return outcome, rating, objection
