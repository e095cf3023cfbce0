"""What rule sets do to one workforce: distributions per item, transitions per pair.

Every figure counts employees of the workforce and says of how many: an item that
could not appraise someone (their data is refused, or the item needs data the
workforce lacks) counts them as **not computed**, with the reasons, and a pair's
shares are of the employees computed under both items, with the rest counted beside
them. Nothing is read as zero and no denominator shrinks without saying so.

The frames here are the machine form of a comparison (see
:mod:`kinerja.compare.report_json` for the documented JSON); the reports turn them
into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import polars as pl

from kinerja.builtin.guideline import PREDIKAT_UNIT, GuidelineCheck, check, given_predikat
from kinerja.compare.workforce import ItemRun

__all__ = [
    "BREAKDOWNS",
    "ItemImpact",
    "PairImpact",
    "breakdown",
    "item_impact",
    "pair_impact",
    "same_predikat",
]

BREAKDOWNS = ("unit_kerja", "jabatan", "golongan")
"""The pegawai columns a pair's changes are broken down by."""
MOVERS = 10
"""How many of the employees who move most a pair lists."""


@dataclass(frozen=True, slots=True)
class ItemImpact:
    """One item over the workforce."""

    label: str
    employees: int
    """Employees in the workforce (pegawai rows read)."""
    computed: int
    """Employees the item appraised."""
    distribution: pl.DataFrame
    """``predikat``, ``employees``, ``share`` (of computed), in the rules' label order."""
    mean: float | None
    median: float | None
    statuses: pl.DataFrame
    """``status``, ``employees``."""
    not_computed: pl.DataFrame
    """``reason``, ``column``, ``employees``: why employees have no result, grouped by
    reason (the most common first; see :func:`_not_computed`)."""
    missing: tuple[str, ...]
    """What the item reads that the workforce does not carry (columns, codes)."""
    unread: dict[str, int]
    """Rows per sheet left out: records of codes only other items read."""
    guideline: GuidelineCheck | None = None
    """The distribution guideline checked on the item's results (None: no unit of the
    workforce gives its own predikat)."""
    set_aside: pl.DataFrame | None = None
    """``sheet``, ``reason``, ``rows``: refused record rows of no employee of the
    workforce (their NIP matches no pegawai row), grouped by reason (:func:`_set_aside`)."""


@dataclass(frozen=True, slots=True)
class PairImpact:
    """Two items over the same employees."""

    a: str
    b: str
    both: int
    """Employees computed under both items."""
    only_a: int
    only_b: int
    neither: int
    transitions: pl.DataFrame
    """``predikat_a``, ``predikat_b``, ``employees``: every pair of predikat that occurs."""
    differs: int
    """Employees (computed under both) whose predikat differs (see ``by_level``)."""
    mean_shift: float | None
    """Mean of score under b minus score under a, over the employees computed under both."""
    movers: pl.DataFrame
    """The employees who move most: a change of predikat first, then the largest shift."""
    breakdowns: dict[str, pl.DataFrame]
    """Per :data:`BREAKDOWNS` column: the value, ``employees`` (computed under both),
    ``differs``, ``share_differs``, ``mean_shift``."""
    by_level: bool = False
    """Whether predikat are compared by their place on each item's ladder (the two
    vocabularies have as many predikat: "Kurang" and "Kurang/Misconduct", each the
    fourth of five, are the same), not by their words (:func:`same_predikat`)."""

    @property
    def share_differs(self) -> float | None:
        """The share of the employees computed under both whose predikat differs."""
        return self.differs / self.both if self.both else None


def item_impact(
    label: str,
    run: ItemRun,
    employees: pl.DataFrame,
    labels: tuple[str, ...],
    missing: tuple[str, ...] = (),
    units: pl.DataFrame | None = None,
) -> ItemImpact:
    """The figures of one item's run over ``employees`` (the workforce's pegawai rows);
    ``labels`` is the item's predikat vocabulary, in its order; ``units`` each unit's own
    predikat, for the distribution guideline."""
    results = run.results
    computed = results.height
    counts = results.group_by("predikat").agg(pl.len().alias("employees"))
    order = pl.DataFrame({"predikat": list(labels)}, schema={"predikat": pl.String})
    extra = counts.filter(~pl.col("predikat").is_in(list(labels)))
    distribution = pl.concat(
        [order.join(counts, on="predikat", how="left"), extra.select("predikat", "employees")]
    ).with_columns(pl.col("employees").fill_null(0).cast(pl.Int64))
    distribution = distribution.with_columns(
        (pl.col("employees") / computed if computed else pl.lit(None, pl.Float64)).alias("share")
    )
    scores = results.get_column("score").drop_nulls()
    statuses = results.group_by("status").agg(pl.len().alias("employees")).sort("status")
    return ItemImpact(
        label,
        employees.height,
        computed,
        distribution,
        _float(scores.mean()),
        _float(scores.median()),
        statuses,
        _not_computed(run, employees),
        missing,
        dict(run.unread),
        _guideline(results, units, labels),
        _set_aside(run, employees),
    )


def _guideline(
    results: pl.DataFrame, units: pl.DataFrame | None, labels: tuple[str, ...]
) -> GuidelineCheck | None:
    """The guideline checked on ``results``, where some unit gives its own predikat."""
    if units is None or PREDIKAT_UNIT not in units.columns or not given_predikat(units):
        return None
    return check(results.select("nip", "unit_kerja", "predikat"), units, labels=labels)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _not_computed(run: ItemRun, employees: pl.DataFrame) -> pl.DataFrame:
    """Why the employees without a result have none, grouped: the reason on their pegawai
    row (a refused row's own, or why the employee was not appraised) with its numbers
    and quoted values set aside, so that "value 50.6 falls in no band" and "value 48.2
    falls in no band" count as one; ``reason`` is the first employee's words, ``column``
    the column it names; the most common first. Rows the count cannot place are counted
    as such, never lost."""
    refused = run.rejects.filter((pl.col("sheet") == "pegawai") & (pl.col("row") > 0))
    key = pl.col("reason").str.replace_all(r"'[^']*'|\d+(?:[.,]\d+)*", "#")
    counted = refused.group_by(key.alias("@key"), maintain_order=True).agg(
        pl.col("reason").first(),
        pl.col("column").first(),
        pl.len().cast(pl.Int64).alias("employees"),
    )
    counted = counted.sort(["employees", "reason"], descending=[True, False]).drop("@key")
    unplaced = employees.height - run.results.height - refused.height
    if unplaced:
        lost = pl.DataFrame(
            {"reason": [UNPLACED], "column": [None], "employees": [unplaced]},
            schema=counted.schema,
        )
        counted = pl.concat([counted, lost])
    return counted


def _set_aside(run: ItemRun, employees: pl.DataFrame) -> pl.DataFrame:
    """The refused rows of capaian, penilaian and keberatan whose NIP is no employee of
    the workforce: they count in no employee's reasons, so they are counted here, by
    sheet and reason (numbers and quoted values set aside, as for the employees)."""
    nips = employees.get_column("nip").drop_nulls().implode()
    orphans = run.rejects.filter(
        (pl.col("sheet") != "pegawai") & (pl.col("row") > 0) & ~pl.col("nip").is_in(nips)
    )
    key = pl.col("reason").str.replace_all(r"'[^']*'|\d+(?:[.,]\d+)*", "#")
    counted = orphans.group_by("sheet", key.alias("@key"), maintain_order=True).agg(
        pl.col("reason").first(), pl.len().cast(pl.Int64).alias("rows")
    )
    return counted.sort(["rows", "sheet"], descending=[True, False]).drop("@key")


UNPLACED = "?"
"""The reason of employees the count cannot place (a bug if it ever shows)."""


def same_predikat(labels_a: tuple[str, ...], labels_b: tuple[str, ...]) -> tuple[pl.Expr, bool]:
    """Whether ``predikat_a`` and ``predikat_b`` are the same predikat, and whether that
    is by level.

    Two vocabularies of as many predikat, best first, are two wordings of one ladder
    (PermenPANRB's "Kurang/Misconduct" and a region's "Kurang"; PP 46/2011's "Cukup"
    and PermenPANRB's "Butuh Perbaikan"): a predikat is then the same where it is on
    the same rung. Otherwise, and for a predikat outside its item's vocabulary, the
    words must match.
    """
    words = pl.col("predikat_a").eq_missing(pl.col("predikat_b"))
    if len(labels_a) != len(labels_b) or not labels_a:
        return words, False

    def rung(column: str, labels: tuple[str, ...]) -> pl.Expr:
        places = dict(zip(labels, range(len(labels)), strict=True))
        return pl.col(column).replace_strict(places, default=None, return_dtype=pl.Int64)

    level_a, level_b = rung("predikat_a", labels_a), rung("predikat_b", labels_b)
    placed = level_a.is_not_null() & level_b.is_not_null()
    return pl.when(placed).then(level_a == level_b).otherwise(words), True


def pair_impact(
    a: str,
    b: str,
    run_a: ItemRun,
    run_b: ItemRun,
    employees: pl.DataFrame,
    labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> PairImpact:
    """The same employees under items ``a`` and ``b``; ``labels`` are their predikat
    vocabularies, in their order (:func:`same_predikat`)."""
    same, by_level = same_predikat(*labels)
    left = run_a.results.select(
        "nip", "nama", *BREAKDOWNS, pl.col("score").alias("score_a"),
        pl.col("predikat").alias("predikat_a"),
    )  # fmt: skip
    right = run_b.results.select(
        "nip", pl.col("score").alias("score_b"), pl.col("predikat").alias("predikat_b")
    )
    both = left.join(right, on="nip", how="inner").with_columns(
        (pl.col("score_b") - pl.col("score_a")).alias("shift"),
        (~same).alias("differs"),
    )
    everyone = employees.height  # pegawai rows, as the items count them
    only_a = run_a.results.height - both.height
    only_b = run_b.results.height - both.height
    transitions = both.group_by("predikat_a", "predikat_b").agg(pl.len().alias("employees"))
    return PairImpact(
        a,
        b,
        both.height,
        only_a,
        only_b,
        everyone - both.height - only_a - only_b,
        transitions.sort(["predikat_a", "predikat_b"]),
        int(both.get_column("differs").sum()),
        _float(both.get_column("shift").drop_nulls().mean()),
        _movers(both),
        {column: breakdown(both, column) for column in BREAKDOWNS},
        by_level,
    )


def _movers(both: pl.DataFrame) -> pl.DataFrame:
    """The employees who move most: a change of predikat first, then the largest shift."""
    ranked = both.with_columns(pl.col("shift").abs().fill_null(0.0).alias("@size"))
    moved = ranked.filter(pl.col("differs") | (pl.col("@size") > 0))
    moved = moved.sort(["differs", "@size", "nip"], descending=[True, True, False])
    return moved.head(MOVERS).drop("@size")


def breakdown(both: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per value of ``column``: employees computed under both, how many change predikat,
    the share, and the mean shift; the groups where most people change first (a small
    group whose every member changes does not lead the list)."""
    grouped = both.group_by(column).agg(
        pl.len().alias("employees"),
        pl.col("differs").sum().cast(pl.Int64).alias("differs"),
        pl.col("shift").mean().alias("mean_shift"),
    )
    grouped = grouped.with_columns((pl.col("differs") / pl.col("employees")).alias("share_differs"))
    return grouped.sort(["differs", "share_differs", column], descending=[True, True, False])


def pairs(labels: list[str]) -> list[tuple[str, str]]:
    """Every pair of items, in the order given."""
    return list(combinations(labels, 2))
