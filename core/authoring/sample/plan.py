"""The plan of a synthetic workforce: who works where, their hidden performance, the
calendar of the period, and the random stream each part of the data draws from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from kinerja.rules import RuleSet

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


def stream(rules: RuleSet, seed: int, *parts: object) -> np.random.Generator:
    """A random stream of its own for one part of the data (a table, a chunk...)."""
    key = ":".join(str(p) for p in (rules.region, seed, *parts)).encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:16], "little"))


def day_number(when: date) -> int:
    """Days since 1970-01-01 (polars' Date)."""
    return (when - _EPOCH).days


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
        first = day_number(date(year, 11, 1))
        marks: dict[str, dict[str, int]] = {"ratings": {}, "input": {}}
        for i, stage in enumerate(rules.stages):
            kind, subject = stage.kind, stage.subject
            marks.get(kind, {})[subject] = first + 10 * i
        groups = {
            g: marks["ratings"].get(g, day_number(date(year, 11, 20))) for g in rules.rater_groups
        }
        dates = {n: marks["input"].get(n, day_number(date(year, 12, 15))) for n in rules.inputs}
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
    rng = stream(rules, seed, "pegawai")
    nip = _nips(rng, n)
    level = np.clip(rng.normal(0.7, 0.15, n), 0.05, 1.0).astype(np.float32)
    secretary = _nips(stream(rules, seed, "sekda"), 1)
    while (nip == secretary[0]).any():
        secretary = _nips(stream(rules, seed, "sekda", int(secretary[0])), 1)
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
        rng = stream(rules, seed, "input", name)
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
class Plan:
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


def make_plan(rules: RuleSet, employees: int, seed: int, bad_rows: int) -> Plan:
    calendar = _Calendar.of(rules)
    rng = stream(rules, seed, "looks")
    looks = np.stack(
        [rng.integers(0, len(choices), employees) for choices in (NAMES, POSTS, GOLONGAN)]
    )
    spoilt, extra = [], []
    spoil = stream(rules, seed, "spoil")
    for i in range(bad_rows if employees else 0):  # a few deliberately faulty rows
        victim = int(spoil.integers(0, employees))
        if i % 3 == 1 and rules.indicators:
            spoilt.append(victim)
        else:
            extra.append((victim, i % 3 == 0))
    return Plan(
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
