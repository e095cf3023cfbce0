"""The penilaian table of the synthetic input: who rates whom, in which group, and how."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from kinerja.authoring.sample.plan import CHUNK, Plan, stream
from kinerja.rules import RuleSet

# --------------------------------------------------------------------- penilaian


@dataclass(frozen=True, slots=True)
class _Group:
    """A rater group as the generator needs it: which aspects it rates."""

    code: int
    name: str
    min_count: int
    aspects: np.ndarray
    """Indices into the rules' aspects, in their order."""


def rated_groups(rules: RuleSet) -> list[_Group]:
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
    plan: Plan, group: _Group, emp: np.ndarray, rng: np.random.Generator
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
    plan: Plan, group: _Group, emp: np.ndarray, rank: np.ndarray, first_citizen: int
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
    plan: Plan, groups: list[_Group], emp: np.ndarray, rng: np.random.Generator
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
    def of(cls, plan: Plan, groups: list[_Group]) -> _RowKinds:
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


def _rating_columns(plan: Plan, emp: np.ndarray, rng: np.random.Generator) -> _Ratings:
    """Every rating of employees ``emp``, as codes (see :class:`_Ratings`)."""
    groups = rated_groups(plan.rules)
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


def penilaian_frame(
    plan: Plan, emp: np.ndarray, rng: np.random.Generator, citizens: int
) -> tuple[pl.DataFrame, int]:
    """The penilaian rows of employees ``emp``; citizens are numbered after ``citizens``."""
    columns = _rating_columns(plan, emp, rng)
    return ratings_frame(plan, columns, citizens), citizens + columns.citizens


def ratings_frame(plan: Plan, columns: _Ratings, citizens: int) -> pl.DataFrame:
    """The penilaian rows of drawn ratings ``columns`` (raters, groups, aspects, values,
    days and notes as indices); citizens are numbered after ``citizens``."""
    rules = plan.rules
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
    return pl.DataFrame(
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


def penilaian_chunks(plan: Plan) -> Iterator[pl.DataFrame]:
    citizens = 0
    for n, start in enumerate(plan.chunks):
        emp = np.arange(start, min(start + CHUNK, plan.employees))
        rng = stream(plan.rules, plan.seed, "penilaian", n)
        frame, citizens = penilaian_frame(plan, emp, rng, citizens)
        yield frame
