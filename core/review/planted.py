"""A synthetic workforce of ratings with planted biased raters (tests and the bench).

Units of one head and ``unit_size`` staff. Units are weak, average or strong in turn
(mean true level 2.4, 3.0, 3.6 points on a 1-5 scale, staff spread 0.7 around it), so
that a lenient supervisor of a strong team and a strong team rated fairly, or a harsh
supervisor of a weak team and a weak team, look alike to a fixed threshold but not
to the model. Staff are rated by their head (``supervisor``), by ``peers`` colleagues
of their unit (``peer``) and by themselves (``self``); a head by a director (one per
five units, ``supervisor``), by ``subordinates`` of their staff (``subordinate``) and
by themselves. Every rater rates every aspect of the employees they rate.

A rating is ``level + aspect effect + employee-by-aspect deviation (sd 0.3) + the
rater's own effect (sd 0.15; self-raters +0.2 on average, as people are) + noise
(sd 0.4)``, rounded to a whole number and kept within 1-5.

Planted raters, ``per_kind`` of each kind, at several strengths (points; a planted
rater has no natural effect of its own besides the self-raters' +0.2, so that its
strength is what it adds):

- ``lenient`` / ``severe`` supervisors and peers: +/- 1.0, 1.25 or 1.5 (``strengths``
  may ask for others: at 0.75 a lenient rater of a strong team, or a severe one of a
  weak team, is mostly hidden by the top or bottom of the scale);
- ``straight_line`` supervisors and peers: one whole number for every rating (half
  of them), or one fixed pattern of aspects for every employee (the others);
- ``halo`` supervisors: one level per employee (their impression, noise sd 0.3)
  for every aspect;
- ``self_inflation`` self-raters: + 1.5, 1.75 or 2.0 on their own ratings, chosen
  among employees with room to inflate (true level + strength + 0.2 below 5: one
  already at the top of the scale cannot be seen inflating).

Everything is drawn from one seeded generator: the same arguments give the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from kinerja.frames import RATINGS

__all__ = ["FOUND_AS", "KINDS", "Planted", "detection", "planted_workforce"]

KINDS = ("lenient", "severe", "straight_line", "halo", "self_inflation")
"""The planted kinds (``truth.kind``; ``none`` for an unbiased rater)."""
FOUND_AS = {
    "lenient": "leniency",
    "severe": "severity",
    "straight_line": "straight_line",
    "halo": "halo",
    "self_inflation": "self_inflation",
}
"""The finding kind (:mod:`kinerja.review.findings`) that finds each planted kind."""
TEAMS = ("weak", "average", "strong")
_TEAM_MEAN = np.array([2.4, 3.0, 3.6])
_STRENGTHS = {
    "lenient": (1.0, 1.25, 1.5),
    "severe": (1.0, 1.25, 1.5),
    "straight_line": (0.0,),
    "halo": (0.0,),
    "self_inflation": (1.5, 1.75, 2.0),
}
_EMPLOYEE_BASE = 199001012020000000
_DIRECTOR_BASE = 197001011990000000


@dataclass(frozen=True)
class Planted:
    """The generated ratings and what was planted in them."""

    ratings: pl.DataFrame
    """Columns of :data:`kinerja.frames.RATINGS`."""
    truth: pl.DataFrame
    """Every rater: ``penilai_nip``, ``kelompok``, ``kind`` (one of :data:`KINDS`, or
    ``none``), ``strength`` (points), ``team`` (weak, average, strong)."""
    levels: pl.DataFrame
    """Every employee's ``nip``, ``unit``, ``team`` and true ``level`` (points)."""
    scales: dict[str, tuple[float, float]]


def planted_workforce(
    units: int = 60,
    unit_size: int = 10,
    aspects: int = 4,
    peers: int = 4,
    subordinates: int = 3,
    per_kind: int = 12,
    seed: int = 0,
    strengths: dict[str, tuple[float, ...]] | None = None,
) -> Planted:
    """A workforce of ``units * (unit_size + 1)`` employees; see the module doc.

    ``strengths`` replaces the planted strengths (points) of the kinds it names.
    """
    rng = np.random.default_rng(seed)
    people = _people(units, unit_size, rng)
    links = _links(people, units, unit_size, peers, subordinates)
    truth = _truth(links, people, per_kind, rng, {**_STRENGTHS, **(strengths or {})})
    codes = [f"aspek_{i + 1}" for i in range(aspects)]
    ratings = _ratings(links, people, truth, codes, rng)
    return Planted(
        ratings=ratings,
        truth=truth.select("penilai_nip", "kelompok", "kind", "strength", "team"),
        levels=people.select("nip", "unit", "team", "level"),
        scales={code: (1.0, 5.0) for code in codes},
    )


def _people(units: int, unit_size: int, rng: np.random.Generator) -> pl.DataFrame:
    """Employees in unit order, the head of each unit first (``pos`` 0)."""
    size = unit_size + 1
    index = np.arange(units * size)
    unit = index // size
    team = unit % 3
    level = _TEAM_MEAN[team] + rng.normal(0.0, 0.7, index.size)
    return pl.DataFrame(
        {
            "_i": index,
            "nip": (index + _EMPLOYEE_BASE).astype(str),
            "unit": unit,
            "pos": index % size,
            "team": np.array(TEAMS)[team],
            "level": level,
        }
    )


def _links(
    people: pl.DataFrame, units: int, unit_size: int, peers: int, subordinates: int
) -> pl.DataFrame:
    """Who rates whom: ``_i`` (rated), ``penilai_nip``, ``kelompok``, ``_unit``."""
    size = unit_size + 1
    staff = people.filter(pl.col("pos") > 0)
    heads = people.filter(pl.col("pos") == 0)
    head_nip = (pl.col("unit") * size + _EMPLOYEE_BASE).cast(pl.String)
    frames = [
        staff.select("_i", head_nip.alias("penilai_nip"), pl.lit("supervisor").alias("kelompok")),
        people.select("_i", pl.col("nip").alias("penilai_nip"), pl.lit("self").alias("kelompok")),
        heads.select(
            "_i",
            (pl.col("unit") // 5 + _DIRECTOR_BASE).cast(pl.String).alias("penilai_nip"),
            pl.lit("supervisor").alias("kelompok"),
        ),
    ]
    for offset in range(1, min(peers, unit_size - 1) + 1):
        colleague = pl.col("unit") * size + 1 + (pl.col("pos") - 1 + offset) % unit_size
        nip = (colleague + _EMPLOYEE_BASE).cast(pl.String)
        frames.append(
            staff.select("_i", nip.alias("penilai_nip"), pl.lit("peer").alias("kelompok"))
        )
    for pos in range(1, min(subordinates, unit_size) + 1):
        nip = (pl.col("unit") * size + pos + _EMPLOYEE_BASE).cast(pl.String)
        frames.append(
            heads.select("_i", nip.alias("penilai_nip"), pl.lit("subordinate").alias("kelompok"))
        )
    links = pl.concat(frames).join(people.select("_i", "unit"), on="_i")
    return links.sort("_i", "kelompok", "penilai_nip")


def _truth(
    links: pl.DataFrame,
    people: pl.DataFrame,
    per_kind: int,
    rng: np.random.Generator,
    strengths: dict[str, tuple[float, ...]],
) -> pl.DataFrame:
    """Every rater with its own effect, its planted kind and strength, and its team."""
    raters = (
        links.group_by("kelompok", "penilai_nip")
        .agg(pl.col("unit").first(), pl.col("_i").first().alias("_first"))
        .sort("kelompok", "penilai_nip")
    )
    raters = raters.with_columns(
        pl.Series("natural", rng.normal(0.0, 0.15, raters.height))
        + pl.when(pl.col("kelompok") == "self").then(0.2).otherwise(0.0),
        pl.Series("_draw", rng.permutation(raters.height)),
    ).join(people.select(pl.col("_i").alias("_first"), "level"), on="_first")
    kind = np.full(raters.height, "none", dtype=object)
    strength = np.zeros(raters.height)
    group = raters["kelompok"].to_numpy()
    order = np.argsort(raters["_draw"].to_numpy())
    headroom = raters["level"].to_numpy() + raters["natural"].to_numpy()
    for name in KINDS:
        steps = np.array(strengths[name], dtype=float)
        if name == "self_inflation":
            pool = (group == "self") & (headroom + steps.max() <= 4.8)
        elif name == "halo":
            pool = group == "supervisor"
        else:
            pool = np.isin(group, ["supervisor", "peer"])
        chosen = [i for i in order if pool[i] and kind[i] == "none"][:per_kind]
        kind[chosen] = name
        strength[chosen] = steps[np.arange(len(chosen)) % steps.size]
    team = np.array(TEAMS)[raters["unit"].to_numpy() % 3]
    raters = raters.with_columns(
        pl.Series("kind", kind.astype(str)),
        pl.Series("strength", strength),
        pl.Series("team", team),
    )
    baseline = pl.when(pl.col("kelompok") == "self").then(0.2).otherwise(0.0)
    natural = pl.when(pl.col("kind") == "none").then(pl.col("natural")).otherwise(baseline)
    return raters.with_columns(natural.alias("natural")).drop("_draw", "level")


def _ratings(
    links: pl.DataFrame,
    people: pl.DataFrame,
    truth: pl.DataFrame,
    codes: list[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Every link times every aspect, with its whole-number rating."""
    aspect = pl.DataFrame(
        {"aspek": codes, "_effect": np.linspace(-0.3, 0.3, len(codes)), "_k": range(len(codes))}
    )
    keyed = links.join(truth, on=["kelompok", "penilai_nip"]).join(
        people.select("_i", "nip", pl.col("level")), on="_i"
    )
    keyed = keyed.with_columns(pl.Series("_impression", rng.normal(0.0, 0.3, keyed.height)))
    rows = keyed.join(aspect, how="cross")
    deviation = _deviation(rows, len(codes), people.height, rng)
    noise = pl.Series(rng.normal(0.0, 0.4, rows.height))
    honest = pl.col("level") + pl.col("_effect") + deviation + pl.col("natural") + noise
    kind, strength = pl.col("kind"), pl.col("strength")
    constant = (pl.col("unit") % 3 + 2).cast(pl.Float64)
    pattern = constant + pl.when(pl.col("_k") == 0).then(1.0).otherwise(0.0)
    straight = (
        pl.when(pl.col("penilai_nip").str.slice(-1).cast(pl.Int64) % 2 == 0)
        .then(constant)
        .otherwise(pattern)
    )
    value = (
        pl.when(kind.is_in(["lenient", "self_inflation"]))
        .then(honest + strength)
        .when(kind == "severe")
        .then(honest - strength)
        .when(kind == "straight_line")
        .then(straight)
        .when(kind == "halo")
        .then(pl.col("level") + pl.col("natural") + pl.col("_impression"))
        .otherwise(honest)
    )
    rows = rows.with_columns(value.round(0).clip(1.0, 5.0).alias("nilai"))
    return (
        rows.sort("_i", "kelompok", "penilai_nip", "_k")
        .select(
            "nip",
            "penilai_nip",
            "kelompok",
            "aspek",
            "nilai",
            pl.lit(None, pl.String).alias("tanggal"),
            pl.lit("").alias("catatan"),
            pl.int_range(2, pl.len() + 2).alias("_row"),
        )
        .cast(RATINGS)
    )  # type: ignore[arg-type]


def _deviation(
    rows: pl.DataFrame, aspects: int, employees: int, rng: np.random.Generator
) -> pl.Series:
    """Each rating's employee-by-aspect deviation (sd 0.3), the same for every rater."""
    table = rng.normal(0.0, 0.3, employees * aspects)
    cell = rows["_i"].to_numpy() * aspects + rows["_k"].to_numpy()
    return pl.Series(table[cell])


def detection(truth: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """Per planted kind (and ``none``, the unbiased raters): ``raters``, ``found`` (a
    planted rater with a finding of its kind, :data:`FOUND_AS`), ``flagged`` (with
    any finding) and ``share`` (found / raters; flagged / raters for ``none``)."""
    got = findings.select("kelompok", "penilai_nip", pl.col("kind").alias("_got"))
    want = pl.col("kind").replace_strict(FOUND_AS, default=None, return_dtype=pl.String)
    per_rater = (
        truth.with_columns(want.alias("_want"))
        .join(got, on=["kelompok", "penilai_nip"], how="left")
        .group_by("kelompok", "penilai_nip", "kind")
        .agg(
            (pl.col("_got") == pl.col("_want")).fill_null(False).any().alias("found"),
            pl.col("_got").is_not_null().any().alias("flagged"),
        )
    )
    order = pl.DataFrame({"kind": [*KINDS, "none"], "_k": range(len(KINDS) + 1)})
    share = pl.when(pl.col("kind") == "none").then(pl.col("flagged")).otherwise(pl.col("found"))
    return (
        per_rater.group_by("kind")
        .agg(pl.len().alias("raters"), pl.col("found").sum(), pl.col("flagged").sum())
        .with_columns((share / pl.col("raters")).alias("share"))
        .join(order, on="kind")
        .sort("_k")
        .drop("_k")
    )
