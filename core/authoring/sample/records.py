"""The pegawai, capaian and keberatan tables of the synthetic input, column by column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import polars as pl

from kinerja.authoring.sample.plan import (
    CHUNK,
    FILING_DAYS,
    GOLONGAN,
    NAMES,
    POSTS,
    SPOILT_VALUE,
    TARGETS,
    TRUNCATED,
    UNITS,
    WEIGHTS,
    Plan,
    day_number,
    stream,
)

# --------------------------------------------------------------------- pegawai


def _unit_names(emp_units: np.ndarray) -> pl.Series:
    """``Dinas Pendidikan`` for the first unit of each kind, ``Dinas Pendidikan 2``..."""
    kind = pl.Series(UNITS).gather(emp_units % len(UNITS))
    number = pl.Series(emp_units // len(UNITS) + 1)
    named = pl.select(
        pl.when(number > 1).then(pl.concat_str(kind, pl.lit(" "), number)).otherwise(kind)
    )
    return named.to_series().alias("unit_kerja")


def pegawai_frame(plan: Plan, idx: np.ndarray) -> pl.DataFrame:
    """The pegawai rows of employees ``idx``."""
    people = plan.people
    boss = people.atasan[idx]
    frame = pl.DataFrame(
        [
            people.nip.gather(idx),
            pl.Series("nama", NAMES).gather(plan.looks[0, idx]),
            pl.Series("jabatan", POSTS).gather(plan.looks[1, idx]),
            _unit_names(people.unit[idx]),
            pl.Series("golongan", GOLONGAN).gather(plan.looks[2, idx]),
            people.nip.gather(pl.Series(boss).replace(-1, None)).alias("atasan_nip"),
        ]
    )
    return frame.with_columns(attribute.column(idx) for attribute in plan.attributes)


def _pegawai_extra(plan: Plan) -> pl.DataFrame:
    """Repeated employees: exact duplicates, and copies whose NIP lost its last digit."""
    idx = np.array([victim for victim, _ in plan.extra], dtype=np.int64)
    cut = pl.Series([truncated for _, truncated in plan.extra], dtype=pl.Boolean)
    return pegawai_frame(plan, idx).with_columns(
        nip=pl.when(cut).then(pl.col("nip").str.slice(0, 17)).otherwise("nip"),
        nama=pl.when(cut).then(pl.col("nama") + TRUNCATED).otherwise("nama"),
    )


def pegawai_chunks(plan: Plan) -> Iterator[pl.DataFrame]:
    for start in plan.chunks:
        yield pegawai_frame(plan, np.arange(start, min(start + CHUNK, plan.employees)))
    if plan.extra:
        yield _pegawai_extra(plan)


# --------------------------------------------------------------------- capaian


def capaian_frame(plan: Plan, emp: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """1-3 distinct indicators per employee, realised around the employee's level."""
    rules = plan.rules
    codes = list(rules.indicators)
    most = min(3, len(codes))
    count = rng.integers(1, most + 1, len(emp))
    order = np.argsort(rng.random((len(emp), len(codes))), axis=1)[:, :most]
    code = order[np.arange(most) < count[:, None]]
    owner = np.repeat(emp, count)
    rows = len(code)
    kinds = np.array([rules.indicators[c].kind for c in codes])[code]
    performance = rng.normal(0.75 + 0.4 * plan.people.level[owner], 0.12)
    inverse, ranged = kinds == "inverse", kinds == "range"
    target = np.where(
        inverse,
        rng.integers(5, 21, rows),
        np.where(ranged, rng.integers(80, 91, rows), rng.choice(TARGETS, rows)),
    )
    realised = np.round(target * np.where(inverse, 2 - performance, performance), 1)
    first = np.zeros(rows, dtype=bool)
    first[np.cumsum(count) - count] = True
    frame = pl.DataFrame(
        [
            plan.people.nip.gather(owner),
            pl.Series("indikator", codes, dtype=pl.String).gather(code),
            pl.Series("target", target, dtype=pl.Int64),
            pl.Series("realisasi", realised, dtype=pl.Float64),
            pl.Series("target_maks", target + 10, dtype=pl.Int64),
            pl.Series("bobot", rng.choice(WEIGHTS, rows), dtype=pl.Int64),
        ]
    ).with_columns(target_maks=pl.when(pl.Series(ranged)).then("target_maks"))
    if len(plan.spoilt):
        spoilt = pl.Series(first & np.isin(owner, plan.spoilt))
        text = pl.col("realisasi").cast(pl.String)
        frame = frame.with_columns(
            realisasi=pl.when(spoilt).then(pl.lit(SPOILT_VALUE)).otherwise(text)
        )
    return frame


def capaian_chunks(plan: Plan) -> Iterator[pl.DataFrame]:
    for n, start in enumerate(plan.chunks):
        emp = np.arange(start, min(start + CHUNK, plan.employees))
        yield capaian_frame(plan, emp, stream(plan.rules, plan.seed, "capaian", n))


# --------------------------------------------------------------------- keberatan


def _iso(column: str) -> pl.Expr:
    """A day number as ``YYYY-MM-DD`` text."""
    return pl.col(column).cast(pl.Int32).cast(pl.Date).cast(pl.String)


def keberatan_frame(plan: Plan) -> pl.DataFrame:
    """About 5% of employees object (at least one when anyone can); each objection is
    decided by the supervisor's own supervisor (or the supervisor, below the top)."""
    rng = stream(plan.rules, plan.seed, "keberatan")
    n = plan.employees
    objects = rng.random(n) < 0.05
    objects[:1] = False  # the head of the organisation: nobody in the data decides
    if n > 1 and not objects.any():
        objects[int(rng.integers(1, n))] = True
    emp = np.flatnonzero(objects)
    atasan = plan.people.atasan
    boss = atasan[emp]
    decider = np.where(atasan[boss] >= 0, atasan[boss], boss)
    received = day_number(date(plan.calendar.year + 1, 1, 10)) + rng.integers(0, 11, len(emp))
    filed = received + rng.choice(FILING_DAYS, len(emp))
    change = pl.Series(rng.random(len(emp)) < 0.5)
    return pl.DataFrame({"_received": received, "_filed": filed}).select(
        plan.people.nip.gather(emp).alias("nip"),
        _iso("_received").alias("tanggal_terima"),
        _iso("_filed").alias("tanggal_ajuan"),
        plan.people.nip.gather(decider).alias("pemutus_nip"),
        pl.when(change).then(pl.lit("ubah")).otherwise(pl.lit("tetap")).alias("keputusan"),
        pl.when(change)
        .then(pl.lit(plan.rules.predikat_labels[1]))
        .otherwise(pl.lit(None, pl.String))
        .alias("predikat_baru"),
        pl.when(change)
        .then(pl.lit("Bukti capaian tambahan diterima."))
        .otherwise(pl.lit("Penilaian sudah sesuai bukti."))
        .alias("alasan"),
    )
