"""Deterministic synthetic input for any region, made from its rules alone, column by column.

The same region, size and seed always give the same tables, so examples, tests and
benchmarks are reproducible. Nothing here names a region: inputs, indicators, aspects,
rater groups, stages and objections are all read from the rule set.

The tables are generated as columns (numpy arrays seeded from the region and the seed,
turned into polars frames), a fixed number of employees at a time (:data:`CHUNK`), so
that millions of employees and their hundreds of millions of rating rows can be written
with bounded memory: :func:`generate_lazy` gives each table as a ``LazyFrame`` that
generates its chunks while it is written. Each table and each chunk has its own random
stream, so the data does not depend on how, or in what order, it is written.

The model: employees are spread round-robin over work units of about
:data:`UNIT_SIZE` people; the first employee of each unit is its head and supervises
it, and the very first employee, the head of the organisation, supervises the heads.
Every employee has a hidden performance level that their outcomes and ratings follow.
Nobody rates themself outside the ``self`` group: the head of the organisation gets
their supervisor rating from an official outside the data, the regional secretary
(sekretaris daerah), whose NIP comes from its own random stream. Peers are colleagues
of the same unit, subordinates are the people a head supervises, citizens have ids
like ``W0000001``. About 4% of employees get fewer raters of a group than the rules'
minimum, so that rule is exercised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from polars.io.plugins import register_io_source

from kinerja.rules import RuleSet

__all__ = [
    "CHUNK",
    "UNIT_SIZE",
    "Tables",
    "cells",
    "generate",
    "generate_frames",
    "generate_lazy",
]

UNITS = (
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Puskesmas Kota",
    "DPMPTSP",
    "Dinas Perhubungan",
    "Dinas Sosial",
    "Kecamatan Tengah",
    "BKPSDM",
)
POSTS = ("Analis", "Pengelola Layanan", "Perawat", "Guru", "Verifikator", "Pranata Komputer")
GOLONGAN = ("II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")
GIVEN = ("Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Nur", "Putri", "Hendra", "Yusuf")
FAMILY = ("Saputra", "Lestari", "Hidayat", "Wulandari", "Siregar", "Nasution", "Harahap", "Pane")
NAMES = tuple(f"{given} {family}" for given in GIVEN for family in FAMILY)

CHUNK = 20_000
"""Employees generated at a time. Fixed: the data must not depend on how it is written."""
UNIT_SIZE = 50
"""Employees per work unit once there are more than ``len(UNITS)`` units' worth."""
TARGETS = (50, 100, 120, 250, 500)
"""Targets of a normal indicator."""
WEIGHTS = (1, 1, 1, 2)
"""Weights (``bobot``) an indicator row is given, equally likely."""
FILING_DAYS = (3, 7, 12, 20)
"""Days from receiving a result to objecting: some are later than a 14-day window."""
SPOILT_VALUE = "belum ada"
"""The text a spoilt capaian row holds in realisasi."""
TRUNCATED = " (NIP terpotong)"

Tables = dict[str, list[dict[str, object]]]
Frames = dict[str, pl.DataFrame]
_EPOCH = date(1970, 1, 1)


def _stream(rules: RuleSet, seed: int, *parts: object) -> np.random.Generator:
    """A random stream of its own for one part of the data (a table, a chunk...)."""
    key = ":".join(str(p) for p in (rules.region, seed, *parts)).encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:16], "little"))


def _day(when: date) -> int:
    """Days since 1970-01-01 (polars' Date)."""
    return (when - _EPOCH).days


def _requirement(stage: object) -> tuple[str, str]:
    """``(kind, subject)`` of a stage's requirement: ``("ratings", "peer")``..."""
    kind = getattr(stage, "kind", "")
    if kind:
        return kind, getattr(stage, "subject", "")
    head, _, rest = str(getattr(stage, "requires", "")).partition(":")
    return head, rest


# --------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class _Calendar:
    """When things happen: stage n falls 10 days after stage n - 1, from 1 November."""

    year: int
    group_day: dict[str, int]
    """Rater group -> day its ratings are given (its stage's, else 20 November)."""
    input_day: dict[str, int]
    """Date input -> the day it is filled in (its stage's, else 15 December)."""

    @classmethod
    def of(cls, rules: RuleSet) -> _Calendar:
        year = int(rules.valid_from[:4])
        first = _day(date(year, 11, 1))
        marks: dict[str, dict[str, int]] = {"ratings": {}, "input": {}}
        for i, stage in enumerate(rules.stages):
            kind, subject = _requirement(stage)
            marks.get(kind, {})[subject] = first + 10 * i
        groups = {g: marks["ratings"].get(g, _day(date(year, 11, 20))) for g in rules.rater_groups}
        dates = {n: marks["input"].get(n, _day(date(year, 12, 15))) for n in rules.inputs}
        return cls(year, groups, dates)


@dataclass(frozen=True, slots=True)
class _People:
    """Everyone's identity and place, as arrays indexed by employee (0 = the head)."""

    nip: pl.Series
    """18-digit NIPs as text."""
    unit: np.ndarray
    position: np.ndarray
    """Place within the unit: 0 for its head."""
    atasan: np.ndarray
    """Index of the supervisor, -1 for the head of the organisation."""
    level: np.ndarray
    """Hidden performance level in [0.05, 1]."""
    unit_size: np.ndarray
    secretary: str
    """NIP of the official outside the data who rates the head of the organisation."""

    @property
    def units(self) -> int:
        return len(self.unit_size)

    def subordinates(self, emp: np.ndarray) -> np.ndarray:
        """How many people each of ``emp`` supervises."""
        heads = emp < self.units
        own = np.where(heads, self.unit_size[np.minimum(emp, self.units - 1)] - 1, 0)
        return own + np.where(emp == 0, self.units - 1, 0)

    def subordinate(self, emp: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """The ``rank``-th person ``emp`` supervises (the top first has the other heads)."""
        units = self.units
        shifted = np.where(emp == 0, rank - (units - 1), rank)
        member = emp + (shifted + 1) * units
        return np.where((emp == 0) & (rank < units - 1), rank + 1, member)

    def peer(self, emp: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """The ``rank``-th colleague after ``emp`` in their unit, cyclically."""
        unit = self.unit[emp]
        place = (self.position[emp] + 1 + rank) % self.unit_size[unit]
        return unit + place * self.units


def _nips(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct valid NIPs as integers: birth date, appointment month after 21, sex, sequence."""
    born = np.datetime64("1965-01-01") + rng.integers(0, 35 * 365, n).astype("timedelta64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    appointed = np.minimum(year + rng.integers(22, 36, n), 2025) * 100 + rng.integers(1, 13, n)
    birth = year * 10_000 + month * 100 + day
    nip = (
        birth * 10**10 + appointed * 10**4 + rng.integers(1, 3, n) * 1000 + rng.integers(1, 1000, n)
    )
    while True:  # a repeated NIP draws a new sequence number until all are distinct
        repeat = ~pl.Series(nip).is_first_distinct().to_numpy()
        if not repeat.any():
            return nip
        nip[repeat] = nip[repeat] // 1000 * 1000 + rng.integers(1, 1000, int(repeat.sum()))


def _people(rules: RuleSet, seed: int, n: int) -> _People:
    rng = _stream(rules, seed, "pegawai")
    nip = _nips(rng, n)
    level = np.clip(rng.normal(0.7, 0.15, n), 0.05, 1.0).astype(np.float32)
    secretary = _nips(_stream(rules, seed, "sekda"), 1)
    while (nip == secretary[0]).any():
        secretary = _nips(_stream(rules, seed, "sekda", int(secretary[0])), 1)
    units = max(1, min(len(UNITS), n), -(-n // UNIT_SIZE))
    index = np.arange(n, dtype=np.int64)
    unit = index % units
    atasan = np.where(index >= units, unit, 0)
    atasan[:1] = -1
    return _People(
        nip=pl.Series("nip", nip).cast(pl.String),
        unit=unit,
        position=index // units,
        atasan=atasan,
        level=level,
        unit_size=np.bincount(unit, minlength=units),
        secretary=str(secretary[0]),
    )


@dataclass(frozen=True, slots=True)
class _Attribute:
    """One declared pegawai column for everyone: values and which are filled in."""

    name: str
    values: np.ndarray
    dtype: type[pl.DataType]
    filled: np.ndarray | None = None

    def column(self, idx: np.ndarray) -> pl.Series:
        series = pl.Series(self.name, self.values[idx])
        if self.dtype is pl.Date:
            series = series.cast(pl.Int32).cast(pl.Date).cast(pl.String)
        elif self.dtype is pl.String:
            series = pl.Series(self.name, ("ya", "tidak")).gather(self.values[idx])
        else:
            series = series.cast(self.dtype)
        if self.filled is not None:
            series = pl.select(pl.when(pl.Series(self.filled[idx])).then(series)).to_series()
        return series.alias(self.name)


def _attributes(rules: RuleSet, seed: int, n: int, calendar: _Calendar) -> list[_Attribute]:
    """The columns the rules' ``inputs`` declare, each from its own stream."""
    out = []
    for name, spec in rules.inputs.items():
        rng = _stream(rules, seed, "input", name)
        sample = rules.data.get("inputs", {}).get(name, {}).get("sample")
        if spec.type == "number":
            low = sample[0] if sample else (spec.minimum if spec.minimum is not None else 0)
            high = sample[1] if sample else (spec.maximum if spec.maximum is not None else 100)
            if all(float(x).is_integer() for x in (low, high)):
                values = rng.integers(int(low), int(high) + 1, n)
                out.append(_Attribute(name, values, pl.Int64))
            else:
                values = np.round(rng.uniform(low, high, n), 2)
                out.append(_Attribute(name, values, pl.Float64))
        elif spec.type == "date":
            values = calendar.input_day[name] + rng.integers(0, 4, n)
            filled = None if spec.required else rng.random(n) < 0.9
            out.append(_Attribute(name, values, pl.Date, filled))
        else:
            out.append(_Attribute(name, rng.integers(0, 2, n), pl.String))
    return out


@dataclass(slots=True)
class _Plan:
    """Everything the tables share, fixed before any table is generated."""

    rules: RuleSet
    seed: int
    employees: int
    people: _People
    calendar: _Calendar
    attributes: list[_Attribute]
    looks: np.ndarray
    """Per employee: indices of the name, the post and the golongan."""
    spoilt: np.ndarray
    """Employees whose first capaian row holds text in realisasi."""
    extra: list[tuple[int, bool]] = field(default_factory=list)
    """Repeated pegawai rows: (employee, NIP truncated?)."""

    @property
    def chunks(self) -> range:
        return range(0, self.employees, CHUNK)


def _plan(rules: RuleSet, employees: int, seed: int, bad_rows: int) -> _Plan:
    calendar = _Calendar.of(rules)
    rng = _stream(rules, seed, "looks")
    looks = np.stack(
        [rng.integers(0, len(choices), employees) for choices in (NAMES, POSTS, GOLONGAN)]
    )
    spoilt, extra = [], []
    spoil = _stream(rules, seed, "spoil")
    for i in range(bad_rows if employees else 0):  # a few deliberately faulty rows
        victim = int(spoil.integers(0, employees))
        if i % 3 == 1 and rules.indicators:
            spoilt.append(victim)
        else:
            extra.append((victim, i % 3 == 0))
    return _Plan(
        rules,
        seed,
        employees,
        _people(rules, seed, employees),
        calendar,
        _attributes(rules, seed, employees, calendar),
        looks,
        np.array(spoilt, dtype=np.int64),
        extra,
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


def _pegawai(plan: _Plan, idx: np.ndarray) -> pl.DataFrame:
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


def _pegawai_extra(plan: _Plan) -> pl.DataFrame:
    """Repeated employees: exact duplicates, and copies whose NIP lost its last digit."""
    idx = np.array([victim for victim, _ in plan.extra], dtype=np.int64)
    cut = pl.Series([truncated for _, truncated in plan.extra], dtype=pl.Boolean)
    return _pegawai(plan, idx).with_columns(
        nip=pl.when(cut).then(pl.col("nip").str.slice(0, 17)).otherwise("nip"),
        nama=pl.when(cut).then(pl.col("nama") + TRUNCATED).otherwise("nama"),
    )


def _pegawai_chunks(plan: _Plan) -> Iterator[pl.DataFrame]:
    for start in plan.chunks:
        yield _pegawai(plan, np.arange(start, min(start + CHUNK, plan.employees)))
    if plan.extra:
        yield _pegawai_extra(plan)


# --------------------------------------------------------------------- capaian


def _capaian(plan: _Plan, emp: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
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


def _capaian_chunks(plan: _Plan) -> Iterator[pl.DataFrame]:
    for n, start in enumerate(plan.chunks):
        emp = np.arange(start, min(start + CHUNK, plan.employees))
        yield _capaian(plan, emp, _stream(plan.rules, plan.seed, "capaian", n))


# --------------------------------------------------------------------- penilaian


@dataclass(frozen=True, slots=True)
class _Group:
    """A rater group as the generator needs it: which aspects it rates."""

    code: int
    name: str
    min_count: int
    aspects: np.ndarray
    """Indices into the rules' aspects, in their order."""


def _groups(rules: RuleSet) -> list[_Group]:
    aspects = list(rules.aspects.values())
    return [
        _Group(
            i,
            name,
            group.min_count,
            np.array([a for a, aspect in enumerate(aspects) if name in aspect.groups], dtype=int),
        )
        for i, (name, group) in enumerate(rules.rater_groups.items())
    ]


def _rater_counts(
    plan: _Plan, group: _Group, emp: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """How many raters of ``group`` rate each employee: the minimum plus 0-2, or
    (about 4% of employees) one fewer than the minimum; never more than exist."""
    wanted = group.min_count + rng.integers(0, 3, len(emp))
    below = rng.random(len(emp)) < 0.04
    wanted = np.where(below, max(group.min_count - 1, 0), wanted)
    people = plan.people
    if group.name in ("self", "supervisor"):
        return np.minimum(wanted, 1)
    if group.name == "peer":
        return np.minimum(wanted, people.unit_size[people.unit[emp]] - 1)
    if group.name == "subordinate":
        return np.minimum(wanted, people.subordinates(emp))
    return wanted


def _raters(
    plan: _Plan, group: _Group, emp: np.ndarray, rank: np.ndarray, first_citizen: int
) -> np.ndarray:
    """Rater of each slot, as a code: an employee's index; ``employees`` for the
    secretary; ``employees + 1 + k`` for the chunk's k-th citizen."""
    people = plan.people
    if group.name == "self":
        return emp
    if group.name == "supervisor":
        boss = people.atasan[emp]
        return np.where(boss >= 0, boss, plan.employees)
    if group.name == "peer":
        return people.peer(emp, rank)
    if group.name == "subordinate":
        return people.subordinate(emp, rank)
    first = plan.employees + 1 + first_citizen
    return np.arange(first, first + len(emp))


@dataclass(frozen=True, slots=True)
class _Ratings:
    """The rating rows of one chunk as integer codes, by employee, group, rater, aspect."""

    emp: np.ndarray
    group: np.ndarray
    rater: np.ndarray
    """Index into ``nip[employees]``, then the secretary, then the chunk's citizens."""
    employees: np.ndarray
    """The employees who rate in this chunk, in order."""
    aspect: np.ndarray
    value: np.ndarray
    day: np.ndarray
    note: np.ndarray
    """0, or 1 + the aspect of a low supervisor rating (which comes with a note)."""
    citizens: int
    """How many citizens rate in this chunk."""


def _slots(
    plan: _Plan, groups: list[_Group], emp: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One slot per rater of an employee: (employee, group, rank within the group)."""
    counts = np.stack([_rater_counts(plan, g, emp, rng) for g in groups], axis=1)
    flat = counts.ravel()
    group = np.repeat(np.tile(np.arange(len(groups), dtype=np.int8), len(emp)), flat)
    owner = np.repeat(emp, counts.sum(axis=1))
    rank = np.arange(len(group)) - np.repeat(np.cumsum(flat) - flat, flat)
    return owner, group, rank


@dataclass(frozen=True, slots=True)
class _RowKinds:
    """One entry (a key) per rater group and aspect it rates, in order: what every
    rating row of that kind shares. Looking rows up by key keeps the work per row small."""

    first: np.ndarray
    """Per group: its first key (its aspects follow)."""
    group: np.ndarray
    aspect: np.ndarray
    low: np.ndarray
    span: np.ndarray
    """The aspect's scale: ``low`` to ``low + span``."""
    bias: np.ndarray
    """Self-assessments come out a little higher."""
    day: np.ndarray
    note: np.ndarray
    """1 + the aspect for supervisor ratings, which carry a note when low; else 0."""
    threshold: np.ndarray
    """Ratings at or below it are in the lower half of the scale."""

    @classmethod
    def of(cls, plan: _Plan, groups: list[_Group]) -> _RowKinds:
        aspect = np.concatenate([g.aspects for g in groups]).astype(np.int64)
        group = np.concatenate([np.full(len(g.aspects), g.code) for g in groups])
        names = np.array([g.name for g in groups])[group]
        widths = np.array([len(g.aspects) for g in groups])
        scales = np.array([a.scale for a in plan.rules.aspects.values()], dtype=np.float32)
        low, span = scales[aspect, 0], scales[aspect, 1] - scales[aspect, 0]
        days = np.array([plan.calendar.group_day[g.name] for g in groups], dtype=np.int32)
        return cls(
            first=np.cumsum(widths) - widths,
            group=group.astype(np.int8),
            aspect=aspect.astype(np.int8),
            low=low,
            span=span,
            bias=np.where(names == "self", 0.1, 0.0).astype(np.float32),
            day=days[group],
            note=np.where(names == "supervisor", aspect + 1, 0).astype(np.int8),
            threshold=low + span / 2 - 0.5,
        )


def _rating_columns(plan: _Plan, emp: np.ndarray, rng: np.random.Generator) -> _Ratings:
    """Every rating of employees ``emp``, as codes (see :class:`_Ratings`)."""
    groups = _groups(plan.rules)
    owner, group, rank = _slots(plan, groups, emp, rng)
    rater = np.zeros(len(group), dtype=np.int64)
    citizens = 0
    for g in groups:
        mine = group == g.code
        rater[mine] = _raters(plan, g, owner[mine], rank[mine], citizens)
        citizens += int(mine.sum()) if g.name not in _KNOWN_RATERS else 0
    rates = np.zeros(plan.employees, dtype=bool)
    rates[rater[rater < plan.employees]] = True
    employees = np.flatnonzero(rates)
    outside = len(employees) - plan.employees  # the secretary and citizens follow them
    rater = np.where(rater < plan.employees, np.searchsorted(employees, rater), rater + outside)
    kinds = _RowKinds.of(plan, groups)
    width = np.array([len(g.aspects) for g in groups])[group]
    rows = int(width.sum())
    # each slot's rows take its group's keys in turn: row i has key i + (first key - first row)
    key = np.arange(rows) + np.repeat(kinds.first[group] - (np.cumsum(width) - width), width)
    row_owner = np.repeat(owner.astype(np.int32), width)
    noise = rng.standard_normal(rows, dtype=np.float32) * np.float32(0.12)
    drift = np.minimum(plan.people.level[row_owner] + kinds.bias[key] + noise, 1)
    low = kinds.low[key]
    value = np.clip(np.rint(low + kinds.span[key] * drift), low, low + kinds.span[key])
    return _Ratings(
        emp=row_owner,
        group=kinds.group[key],
        rater=np.repeat(rater.astype(np.int32), width),
        employees=employees,
        aspect=kinds.aspect[key],
        value=value.astype(np.int8),
        day=kinds.day[key] + rng.integers(0, 4, rows, dtype=np.int32),
        note=np.where(value <= kinds.threshold[key], kinds.note[key], 0),
        citizens=citizens,
    )


_KNOWN_RATERS = ("self", "supervisor", "peer", "subordinate")
"""Groups whose raters are employees (or the secretary); any other group is citizens."""


def _penilaian(
    plan: _Plan, emp: np.ndarray, rng: np.random.Generator, citizens: int
) -> tuple[pl.DataFrame, int]:
    """The penilaian rows of employees ``emp``; citizens are numbered after ``citizens``."""
    rules = plan.rules
    columns = _rating_columns(plan, emp, rng)
    serial = pl.Series(np.arange(citizens + 1, citizens + 1 + columns.citizens))
    raters = pl.concat(
        [
            plan.people.nip.gather(columns.employees),
            pl.Series([plan.people.secretary]),
            pl.select(pl.lit("W") + serial.cast(pl.String).str.zfill(7)).to_series(),
        ]
    ).rechunk()  # one chunk: gathering from several is much slower
    aspects = list(rules.aspects.values())
    notes = [None] + [f"{a.label}: perlu ditingkatkan, bahas contoh konkret." for a in aspects]
    first_day = int(columns.day.min()) if len(columns.day) else 0
    days = pl.Series(np.arange(first_day, int(columns.day.max(initial=first_day)) + 1))
    frame = pl.DataFrame(
        [
            plan.people.nip.gather(columns.emp).alias("nip"),
            raters.gather(columns.rater).alias("penilai_nip"),
            pl.Series("kelompok", list(rules.rater_groups), dtype=pl.String).gather(columns.group),
            pl.Series("aspek", list(rules.aspects), dtype=pl.String).gather(columns.aspect),
            pl.Series("nilai", columns.value, dtype=pl.Int64),
            days.cast(pl.Int32)
            .cast(pl.Date)
            .cast(pl.String)
            .gather(columns.day - first_day)
            .alias("tanggal"),
            pl.Series("catatan", notes, dtype=pl.String).gather(columns.note),
        ]
    )
    return frame, citizens + columns.citizens


def _penilaian_chunks(plan: _Plan) -> Iterator[pl.DataFrame]:
    citizens = 0
    for n, start in enumerate(plan.chunks):
        emp = np.arange(start, min(start + CHUNK, plan.employees))
        rng = _stream(plan.rules, plan.seed, "penilaian", n)
        frame, citizens = _penilaian(plan, emp, rng, citizens)
        yield frame


# --------------------------------------------------------------------- keberatan


def _iso(column: str) -> pl.Expr:
    """A day number as ``YYYY-MM-DD`` text."""
    return pl.col(column).cast(pl.Int32).cast(pl.Date).cast(pl.String)


def _keberatan(plan: _Plan) -> pl.DataFrame:
    """About 5% of employees object (at least one when anyone can); each objection is
    decided by the supervisor's own supervisor (or the supervisor, below the top)."""
    rng = _stream(plan.rules, plan.seed, "keberatan")
    n = plan.employees
    objects = rng.random(n) < 0.05
    objects[:1] = False  # the head of the organisation: nobody in the data decides
    if n > 1 and not objects.any():
        objects[int(rng.integers(1, n))] = True
    emp = np.flatnonzero(objects)
    atasan = plan.people.atasan
    boss = atasan[emp]
    decider = np.where(atasan[boss] >= 0, atasan[boss], boss)
    received = _day(date(plan.calendar.year + 1, 1, 10)) + rng.integers(0, 11, len(emp))
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


# --------------------------------------------------------------------- the tables


def _sources(plan: _Plan) -> dict[str, Callable[[], Iterator[pl.DataFrame]]]:
    """Table name -> a function that generates its chunks, for the tables the rules use."""
    rules = plan.rules
    sources: dict[str, Callable[[], Iterator[pl.DataFrame]]] = {
        "pegawai": lambda: _pegawai_chunks(plan)
    }
    if rules.indicators:
        sources["capaian"] = lambda: _capaian_chunks(plan)
    if any(len(g.aspects) for g in _groups(rules)):
        sources["penilaian"] = lambda: _penilaian_chunks(plan)
    if rules.objection_window_days is not None:
        sources["keberatan"] = lambda: iter([_keberatan(plan)])
    return sources


def _lazy(
    chunks: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema, counted: Callable[[int], None]
) -> pl.LazyFrame:
    """A LazyFrame that generates ``chunks`` while it is collected or sunk; ``counted``
    hears the number of rows of each pass (0 first)."""

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left, total = n_rows, 0
        counted(0)
        for frame in chunks():
            if predicate is not None:
                frame = frame.filter(predicate)
            if with_columns is not None:
                frame = frame.select(with_columns)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            total += frame.height
            counted(total)
            yield frame
            if left is not None and left <= 0:
                return

    return register_io_source(source, schema=schema)


def generate_lazy(
    rules: RuleSet,
    employees: int,
    seed: int = 1,
    bad_rows: int = 0,
    rows: dict[str, int] | None = None,
) -> dict[str, pl.LazyFrame]:
    """The synthetic tables as LazyFrames that generate their rows while they are written.

    Same tables as :func:`generate_frames`, a chunk of employees at a time, for sizes
    that do not fit in memory: sink them (``sink_parquet``, ``sink_csv``) or hand them
    to :func:`kinerja.output.tables.write_tables`. A table the rules use is present
    even when it happens to have no rows.

    :param rows: if given, ``rows[table]`` is kept at the number of rows the table has
        produced in its latest pass (so a writer can say how many it wrote).
    """
    plan = _plan(rules, employees, seed, bad_rows)
    counts = {} if rows is None else rows
    out = {}
    for name, chunks in _sources(plan).items():
        schema = _empty_schema(plan, name)
        out[name] = _lazy(chunks, schema, lambda n, name=name: counts.__setitem__(name, n))
    return out


def _empty_schema(plan: _Plan, name: str) -> pl.Schema:
    none = np.zeros(0, dtype=np.int64)
    if name == "pegawai":
        return _pegawai(plan, none).schema
    if name == "capaian":
        return _capaian(plan, none, _stream(plan.rules, plan.seed, "capaian", 0)).schema
    if name == "penilaian":
        return _penilaian(plan, none, _stream(plan.rules, plan.seed, "penilaian", 0), 0)[0].schema
    return _keberatan(plan).schema


def generate_frames(
    rules: RuleSet, employees: int, seed: int = 1, bad_rows: int = 0
) -> dict[str, pl.DataFrame]:
    """Synthetic input tables for ``rules`` as polars frames: sheet name -> frame.

    The tables are pegawai, capaian (when the rules have indicators), penilaian (when
    they have rated aspects) and keberatan (when they have an objection window), with
    the columns of the input sheets; an empty table other than pegawai is left out.
    NIPs and dates are text (``YYYY-MM-DD``). ``realisasi`` is text when a spoilt row
    holds text there.

    :param rules: the region's rules; they decide which columns and records exist.
    :param employees: how many employees.
    :param seed: the random seed; the same region, size and seed give the same tables.
    :param bad_rows: how many deliberately faulty rows to include, to show rejects: in
        turn a repeated employee whose NIP lost its last digit, text in a realisasi
        cell, and an exact duplicate employee row.
    """
    plan = _plan(rules, employees, seed, bad_rows)
    frames = {}
    for name, chunks in _sources(plan).items():
        parts = list(chunks())
        frame = pl.concat(parts) if parts else pl.DataFrame(schema=_empty_schema(plan, name))
        if frame.height or name == "pegawai":
            frames[name] = frame
    return frames


def generate(rules: RuleSet, employees: int, seed: int = 1, bad_rows: int = 0) -> Tables:
    """Synthetic input tables for ``rules`` as rows: sheet name -> [{column: value}].

    The rows of :func:`generate_frames` (see :func:`cells`).
    """
    return cells(generate_frames(rules, employees, seed=seed, bad_rows=bad_rows))


def cells(frames: dict[str, pl.DataFrame]) -> Tables:
    """Sample frames as rows (None for a blank cell), each cell keeping its own type as
    in a spreadsheet: the realisasi of a spoilt row is text, the others stay numbers."""
    tables = {name: frame.to_dicts() for name, frame in frames.items()}
    capaian = frames.get("capaian")
    if capaian is not None and capaian.schema["realisasi"] == pl.String:
        spoilt = np.flatnonzero((capaian["realisasi"] == SPOILT_VALUE).to_numpy())
        numbers = capaian.with_columns(pl.col("realisasi").cast(pl.Float64, strict=False))
        tables["capaian"] = numbers.to_dicts()
        for row in spoilt.tolist():  # only the few spoilt rows
            tables["capaian"][row]["realisasi"] = SPOILT_VALUE
    return tables
