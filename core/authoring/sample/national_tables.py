"""The tables of the national synthetic workforce, a chunk of employees at a time.

pegawai and keberatan are made here; capaian is each region's own (the per-region
generator's :func:`~kinerja.authoring.sample.records.capaian_frame` on the national
people), and penilaian is the per-region generator's ratings of the union rules with the
planted differences applied (:func:`planted`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from kinerja.authoring.sample.national_people import Workforce
from kinerja.authoring.sample.national_places import GOLONGAN, PROVINCES, posts
from kinerja.authoring.sample.plan import CHUNK, FILING_DAYS, NAMES, Plan, day_number, stream
from kinerja.authoring.sample.ratings import (
    _KNOWN_RATERS,
    _rating_columns,
    _Ratings,
    ratings_frame,
)
from kinerja.authoring.sample.records import _iso, capaian_frame

OBJECTION_SHARE = 0.001
"""Share of the employees who object (at least one, when anyone can)."""
OBJECTION_REASON = "Penilaian sudah sesuai bukti."
"""The reason of every objection's decision, which keeps the result (``tetap``)."""


@dataclass(frozen=True, slots=True)
class NationalPlan:
    """Everything the national tables share, fixed before any table is generated."""

    union: Plan
    """The union of the regions' needs (:func:`~kinerja.authoring.sample.national_union.
    union_rules`) on the national people: its inputs, aspects and rater groups."""
    regions: dict[str, Plan]
    """Each region's own rules on the same people: its indicators."""
    workforce: Workforce

    @property
    def employees(self) -> int:
        return self.union.employees

    def chunk(self, n: int) -> np.ndarray:
        """The employees of chunk ``n``."""
        start = n * CHUNK
        return np.arange(start, min(start + CHUNK, self.employees))

    def rng(self, *parts: object) -> np.random.Generator:
        """A random stream of its own for one part of the data."""
        return stream(self.union.rules, self.union.seed, *parts)


# --------------------------------------------------------------------- pegawai


def pegawai_frame(plan: NationalPlan, idx: np.ndarray) -> pl.DataFrame:
    """The pegawai rows of employees ``idx``: identity, ``provinsi``, every region's inputs."""
    work, union = plan.workforce, plan.union
    people = work.people
    unit = people.unit[idx]
    columns = [
        people.nip.gather(idx),
        pl.Series("nama", NAMES).gather(work.name[idx]),
        pl.Series("jabatan", posts().names).gather(work.post[idx]),
        work.units.names.gather(unit),
        pl.Series("golongan", GOLONGAN).gather(work.golongan[idx]),
        people.nip.gather(pl.Series(people.atasan[idx]).replace(-1, None)).alias("atasan_nip"),
    ]
    if "provinsi" not in union.rules.inputs:  # a region's own provinsi input wins
        columns.insert(4, pl.Series("provinsi", list(PROVINCES)).gather(work.units.province[unit]))
    return pl.DataFrame(columns).with_columns(a.column(idx) for a in union.attributes)


def pegawai_chunks(plan: NationalPlan) -> Iterator[pl.DataFrame]:
    for n in range(-(-plan.employees // CHUNK)):
        yield pegawai_frame(plan, plan.chunk(n))


# --------------------------------------------------------------------- capaian


def capaian_part(plan: NationalPlan, emp: np.ndarray, n: int) -> pl.DataFrame:
    """The capaian rows of employees ``emp`` (chunk ``n``): each region's indicators in
    turn, 1-3 of them per employee, realised around the employee's level."""
    frames = [
        capaian_frame(region, emp, plan.rng("capaian", name, n))
        for name, region in plan.regions.items()
        if region.rules.indicators
    ]
    return pl.concat(frames)


def capaian_chunks(plan: NationalPlan) -> Iterator[pl.DataFrame]:
    for n in range(-(-plan.employees // CHUNK)):
        yield capaian_part(plan, plan.chunk(n), n)


# --------------------------------------------------------------------- penilaian


def planted(plan: NationalPlan, ratings: _Ratings) -> _Ratings:
    """The ratings with the planted differences: no citizen ratings in units without a
    survey, and supervisor ratings of a lenient (harsh) unit's members one point up
    (down) within the scale. A unit head's rating by the provincial secretary is left as
    it is; the note of a changed rating follows its new value."""
    rules, people, units = plan.union.rules, plan.union.people, plan.workforce.units
    groups = list(rules.rater_groups)
    unit = people.unit[ratings.emp]
    citizen = np.array([g not in _KNOWN_RATERS for g in groups], dtype=bool)[ratings.group]
    keep = ~(citizen & ~units.survey[unit])
    supervisor = groups.index("supervisor") if "supervisor" in groups else -1
    scales = np.array([a.scale for a in rules.aspects.values()], dtype=np.float32)
    low, high = scales[ratings.aspect, 0], scales[ratings.aspect, 1]
    changed = (ratings.group == supervisor) & (people.position[ratings.emp] > 0)
    moved = np.clip(ratings.value + units.effect[unit], low, high).astype(np.int8)
    value = np.where(changed, moved, ratings.value)
    low_note = np.where(value <= low + (high - low) / 2 - 0.5, ratings.aspect + 1, 0)
    note = np.where(changed, low_note, ratings.note).astype(np.int8)
    return dataclasses.replace(
        ratings,
        emp=ratings.emp[keep],
        group=ratings.group[keep],
        rater=ratings.rater[keep],
        aspect=ratings.aspect[keep],
        value=value[keep],
        day=ratings.day[keep],
        note=note[keep],
    )


def penilaian_part(
    plan: NationalPlan, emp: np.ndarray, rng: np.random.Generator, citizens: int
) -> tuple[pl.DataFrame, int]:
    """The penilaian rows of employees ``emp``, and the citizens numbered so far."""
    ratings = _rating_columns(plan.union, emp, rng)
    frame = ratings_frame(plan.union, planted(plan, ratings), citizens)
    return frame, citizens + ratings.citizens


def penilaian_chunks(plan: NationalPlan) -> Iterator[pl.DataFrame]:
    citizens = 0
    for n in range(-(-plan.employees // CHUNK)):
        frame, citizens = penilaian_part(plan, plan.chunk(n), plan.rng("penilaian", n), citizens)
        yield frame


# --------------------------------------------------------------------- keberatan


def keberatan_frame(plan: NationalPlan) -> pl.DataFrame:
    """A handful of objections (:data:`OBJECTION_SHARE`), each decided by the objector's
    supervisor's supervisor, who keeps the result (``tetap``)."""
    rng = plan.rng("keberatan")
    atasan = plan.union.people.atasan
    decider = np.where(atasan >= 0, atasan[np.maximum(atasan, 0)], -1)
    eligible = np.flatnonzero(decider >= 0)
    chosen = eligible[rng.random(len(eligible)) < OBJECTION_SHARE]
    if len(eligible) and not len(chosen):
        chosen = eligible[rng.integers(0, len(eligible), 1)]
    year = plan.union.calendar.year
    received = day_number(date(year + 1, 1, 10)) + rng.integers(0, 11, len(chosen))
    filed = received + rng.choice(FILING_DAYS, len(chosen))
    nip = plan.union.people.nip
    return pl.DataFrame({"_received": received, "_filed": filed}).select(
        nip.gather(chosen).alias("nip"),
        _iso("_received").alias("tanggal_terima"),
        _iso("_filed").alias("tanggal_ajuan"),
        nip.gather(decider[chosen]).alias("pemutus_nip"),
        pl.lit("tetap").alias("keputusan"),
        pl.lit(None, pl.String).alias("predikat_baru"),
        pl.lit(OBJECTION_REASON).alias("alasan"),
    )
