"""The people of the national synthetic workforce, as arrays indexed by employee.

Work units of about :data:`~kinerja.authoring.sample.plan.UNIT_SIZE` people are dealt
round-robin over the places of :mod:`~kinerja.authoring.sample.national_places`,
province by province (each province's own government, then its kabupaten and kota): the
first unit of a place is an office (a province's own is its regional secretariat), so
that every kind appears early; once a place has all its offices, its further units are
numbered schools and puskesmas. The head of a province's secretariat, the provincial
secretary (sekretaris daerah), supervises the heads of every other unit of the province;
the secretaries' own supervisor is an official outside the data. Each unit's members are
consecutive employees: its head, up to four middle managers (kepala bidang) under the
head, up to two section heads (kepala seksi) under each of them, and the staff dealt in
turn to the section heads. Staff supervise nobody.

Everything is drawn from streams of its own (:func:`~kinerja.authoring.sample.plan.stream`
of the union rules, region ``national``), so it does not depend on which regions are
installed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from kinerja.authoring.sample.national_places import (
    GOLONGAN,
    KINDS,
    LOCAL_SERVICES,
    OFFICES,
    PROVINCE_SERVICES,
    TIER_GOLONGAN,
    places,
    posts,
)
from kinerja.authoring.sample.plan import NAMES, UNIT_SIZE, _nips, _People, stream
from kinerja.rules import RuleSet

LENIENT_SHARE = 0.05
"""Share of units (at least one, from three units on) whose supervisors rate one point up."""
HARSH_SHARE = 0.02
"""Share of units (at least one, from three units on) whose supervisors rate one point down."""
NO_SURVEY_SHARE = 0.1
"""Share of the units serving citizens that ran no citizen survey this period."""
HEAD, MIDDLE, SECTION, STAFF = range(4)
"""The tiers of a unit."""


@dataclass(frozen=True, slots=True)
class Units:
    """Every work unit, as arrays indexed by unit."""

    names: pl.Series
    """``unit_kerja``: ``Dinas Kesehatan Kab. Aceh Tenggara``, ``Puskesmas 3 Kab. Garut``..."""
    province: np.ndarray
    """Index into :data:`~kinerja.authoring.sample.national_places.PROVINCES`."""
    kind: np.ndarray
    """Index into :data:`KINDS`."""
    start: np.ndarray
    """The unit's first employee, its head."""
    size: np.ndarray
    survey: np.ndarray
    """Whether citizens rate the unit's employees."""
    effect: np.ndarray
    """Planted supervisor effect: +1 lenient, -1 harsh, 0 none."""


@dataclass(frozen=True, slots=True)
class NationalPeople(_People):
    """:class:`~kinerja.authoring.sample.plan._People` with the national hierarchy: peers
    are colleagues of the same unit, subordinates whoever names the employee atasan."""

    start: np.ndarray
    """Per unit: its first employee."""
    tier: np.ndarray
    """Per employee: :data:`HEAD`, :data:`MIDDLE`, :data:`SECTION` or :data:`STAFF`."""
    reports: np.ndarray
    """Per employee: how many people they supervise."""
    order: np.ndarray
    """Employees with a supervisor, grouped by supervisor."""
    offset: np.ndarray
    """Per employee: where their subordinates start in ``order``."""

    def subordinates(self, emp: np.ndarray) -> np.ndarray:
        return self.reports[emp]

    def subordinate(self, emp: np.ndarray, rank: np.ndarray) -> np.ndarray:
        return self.order[self.offset[emp] + rank]

    def peer(self, emp: np.ndarray, rank: np.ndarray) -> np.ndarray:
        unit = self.unit[emp]
        return self.start[unit] + (self.position[emp] + 1 + rank) % self.unit_size[unit]


@dataclass(frozen=True, slots=True)
class Workforce:
    """The units, the people, and what each employee looks like in pegawai."""

    units: Units
    people: NationalPeople
    name: np.ndarray
    """Index into :data:`~kinerja.authoring.sample.plan.NAMES`."""
    post: np.ndarray
    """Index into ``posts().names``."""
    golongan: np.ndarray
    """Index into :data:`GOLONGAN`."""


# --------------------------------------------------------------------- units


def _unit_kinds(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place, kind and whether it is an office, for ``count`` units dealt over the places."""
    names, _province, seat = places()
    unit = np.arange(count, dtype=np.int64)
    place, slot = unit % len(names), unit // len(names)
    provincial = np.isin(place, seat)
    office = slot < OFFICES
    extra = np.maximum(slot - OFFICES, 0)
    service = np.where(
        provincial,
        np.array(PROVINCE_SERVICES)[extra % len(PROVINCE_SERVICES)],
        np.array(LOCAL_SERVICES)[extra % len(LOCAL_SERVICES)],
    )
    own_office = np.where(provincial, slot, (slot + place) % OFFICES)
    return place, np.where(office, own_office, service), office


def _unit_names(place: np.ndarray, kind: np.ndarray, office: np.ndarray) -> pl.Series:
    """``<kind> <place>`` for an office, ``<kind> <n> <place>`` for the n-th school..."""
    frame = pl.DataFrame(
        {
            "place": pl.Series(places()[0]).gather(place),
            "kind": pl.Series([k.name for k in KINDS]).gather(kind),
            "office": office,
            "p": place,
            "k": kind,
        }
    )
    number = (pl.int_range(pl.len()).over("p", "k") + 1).cast(pl.String)
    name = (
        pl.when("office")
        .then(pl.concat_str("kind", pl.lit(" "), "place"))
        .otherwise(pl.concat_str("kind", pl.lit(" "), number, pl.lit(" "), "place"))
    )
    return frame.select(name.alias("unit_kerja")).to_series()


def _planted(rng: np.random.Generator, count: int) -> np.ndarray:
    """+1 for the lenient units, -1 for the harsh ones, 0 elsewhere."""
    effect = np.zeros(count, dtype=np.int8)
    if count < 3:
        return effect
    lenient = max(1, round(LENIENT_SHARE * count))
    harsh = max(1, round(HARSH_SHARE * count))
    chosen = rng.permutation(count)
    effect[chosen[:lenient]] = 1
    effect[chosen[lenient : lenient + harsh]] = -1
    return effect


def make_units(rules: RuleSet, seed: int, employees: int) -> Units:
    """The work units of ``employees`` people (at least one), from the ``units`` streams."""
    count = max(1, -(-employees // UNIT_SIZE))
    place, kind, office = _unit_kinds(count)
    rng = stream(rules, seed, "units")
    weight = np.array([k.size for k in KINDS])[kind] * rng.uniform(0.7, 1.3, count)
    cumulative = np.cumsum(weight)
    cuts = np.floor(cumulative / cumulative[-1] * (employees - count)).astype(np.int64)
    size = 1 + np.diff(cuts, prepend=0)
    survey = np.array([k.survey for k in KINDS])[kind] & (rng.random(count) >= NO_SURVEY_SHARE)
    return Units(
        names=_unit_names(place, kind, office),
        province=places()[1][place],
        kind=kind,
        start=np.cumsum(size) - size,
        size=size,
        survey=survey,
        effect=_planted(stream(rules, seed, "planted"), count),
    )


# --------------------------------------------------------------------- people


def _hierarchy(
    units: Units, unit: np.ndarray, position: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each employee's tier and supervisor (-1 for a provincial secretary)."""
    m = units.size[unit]
    middle = np.minimum(4, (m - 1) // 10)
    section = np.minimum(2 * middle, np.maximum(0, (m - 1 - middle) // 5))
    tier = np.select(
        [position == 0, position <= middle, position <= middle + section],
        [HEAD, MIDDLE, SECTION],
        STAFF,
    ).astype(np.int8)
    j, k = position - middle - 1, position - middle - section - 1
    staff_boss = np.where(
        section > 0,
        middle + 1 + k % np.maximum(section, 1),
        np.where(middle > 0, 1 + k % np.maximum(middle, 1), 0),
    )
    within = np.select(
        [tier == MIDDLE, tier == SECTION], [0, 1 + j % np.maximum(middle, 1)], staff_boss
    )
    seat = places()[2][units.province[unit]]  # the unit of the province's secretariat
    secretary = np.where(unit == seat, -1, units.start[seat])
    atasan = np.where(tier == HEAD, secretary, units.start[unit] + within)
    return tier, atasan


def _outside_official(rules: RuleSet, seed: int, nip: np.ndarray) -> str:
    """The NIP of the official outside the data who rates the provincial secretaries."""
    official = _nips(stream(rules, seed, "sekda"), 1)
    while (nip == official[0]).any():
        official = _nips(stream(rules, seed, "sekda", int(official[0])), 1)
    return str(official[0])


def _people(rules: RuleSet, seed: int, units: Units) -> NationalPeople:
    employees = int(units.size.sum())
    unit = np.repeat(np.arange(len(units.size), dtype=np.int64), units.size)
    position = np.arange(employees, dtype=np.int64) - units.start[unit]
    tier, atasan = _hierarchy(units, unit, position)
    rng = stream(rules, seed, "pegawai")
    nip = _nips(rng, employees)
    shift = rng.normal(0, 0.05, len(units.size))
    level = np.clip(rng.normal(0.7, 0.15, employees) + shift[unit], 0.05, 1.0)
    led = np.flatnonzero(atasan >= 0)
    reports = np.bincount(atasan[led], minlength=employees)
    return NationalPeople(
        nip=pl.Series("nip", nip).cast(pl.String),
        unit=unit,
        position=position,
        atasan=atasan,
        level=level.astype(np.float32),
        unit_size=units.size,
        secretary=_outside_official(rules, seed, nip),
        start=units.start,
        tier=tier,
        reports=reports,
        order=led[np.argsort(atasan[led], kind="stable")],
        offset=np.cumsum(reports) - reports,
    )


def _golongan(rng: np.random.Generator, tier: np.ndarray) -> np.ndarray:
    """A golongan per employee, drawn by tier from :data:`TIER_GOLONGAN`."""
    drawn = rng.random(len(tier))
    out = np.zeros(len(tier), dtype=np.int64)
    for t, shares in enumerate(TIER_GOLONGAN):  # four tiers
        weights = np.array([shares.get(g, 0) for g in GOLONGAN], dtype=np.float64)
        cumulative = np.cumsum(weights) / weights.sum()
        mine = tier == t
        out[mine] = np.searchsorted(cumulative, drawn[mine], side="right")
    return np.minimum(out, len(GOLONGAN) - 1)


def make_workforce(rules: RuleSet, seed: int, employees: int) -> Workforce:
    """The national workforce of ``employees`` people (streams of ``rules``' region)."""
    units = make_units(rules, seed, employees)
    people = _people(rules, seed, units)
    rng = stream(rules, seed, "looks")
    table = posts()
    kind = units.kind[people.unit]
    pick = table.first[kind] + np.floor(rng.random(employees) * table.length[kind]).astype(np.int64)
    managers = table.tiers[kind, np.minimum(people.tier, SECTION)]
    return Workforce(
        units=units,
        people=people,
        name=rng.integers(0, len(NAMES), employees),
        post=np.where(people.tier < STAFF, managers, table.staff[pick]),
        golongan=_golongan(rng, people.tier),
    )
