"""Rater effects, estimated from every rating of a run by sparse least squares.

The model, on the 0-1 scale of each aspect (as :func:`kinerja.raters.scaled`)::

    scaled rating = level[employee] + effect[aspect] + effect[rater] + error

is fitted over all ratings at once: the design matrix has one indicator column per
employee, aspect and rater (three ones a row, built from integer codes that polars
makes with ``rank("dense")``) and is solved by ``scipy.sparse.linalg.lsmr``, each
column scaled by one over the square root of its count so that the iterations do not
depend on how many ratings an employee or rater has.

Choices:

- **A rater is a (kelompok, penilai_nip) pair**: one person rates as a supervisor of
  some and a peer of others, and may be lenient in one role only. A self-rater is a
  rater like the others (``self``, their own NIP): their effect, against the other
  raters of the same employee, is the self-inflation evidence.
- **Anonymous ratings are left out** (a citizen without a rater id): a rater of one
  rating would have an effect equal to that rating's residual, and no one could be
  asked about it. They still count where ratings are weighed; not here.
- **Identification by sum-to-zero constraints, applied after the solve**, not by a
  ridge: a ridge, however tiny, shrinks every effect and its size would have to be
  justified; the constraints leave the fit exact. The model's only free directions
  are a shift between employee levels and rater effects within each connected part
  of the employee-rater graph (a unit that no rater links to the rest), and one
  shift between levels and aspect effects. ``lsmr`` started at zero returns one
  least-squares solution; it is then moved along those directions so that (a) the
  aspect effects sum to zero and (b) within each connected part, the effects of the
  raters outside the ``self`` group sum to zero (the self group is left out of the
  reference so that a workforce that inflates its self-ratings does not make every
  supervisor and peer look severe; a part without such raters centres all of its
  raters). Fitted values and residuals do not move. A level is then "what the
  average supervisor, peer, subordinate or citizen of that part would give".
- **Standard error**: ``residual_sd / sqrt(information)``, where the information of
  rater ``r`` is the diagonal of the normal matrix reduced by the employees it rates
  (the Schur complement: ``sum over employees e of n_re * (1 - n_re / n_e)``,
  ``n_re`` ratings of ``e`` by ``r``, ``n_e`` of ``e`` by anyone). It counts that an
  employee's level is itself estimated from the same ratings: a self-rater of 4 of
  an employee's 20 ratings gets ``sd * sqrt(1/4 + 1/16)``, not ``sd / 2``; a rater who
  is an employee's only rater gets no information (se infinite: a lenient rater
  cannot be told from a strong team with no one to compare), and so does the only
  non-self rater of a connected part. Other raters' effects are taken as known, so
  the se is a slight underestimate where those are themselves uncertain.
- ``residual_sd`` is ``sqrt(RSS / (ratings - free parameters))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import lsmr

__all__ = ["RaterEffects", "Scales", "fit_effects", "model_ratings", "span_of"]

Scales = dict[str, tuple[float, float]]
"""Each aspect's scale: ``{aspek: (low, high)}``."""

_SEP = "\x1f"
TOLERANCE = 1e-10
"""``lsmr``'s ``atol`` and ``btol``: the fit's relative accuracy."""


@dataclass(frozen=True)
class RaterEffects:
    """The fitted model: frames of raters, employees and aspects, and the ratings used.

    Effects are on the 0-1 scale (``effect``) and in points of the widest scale
    (``points`` = ``effect * span``).
    """

    raters: pl.DataFrame
    """``penilai_nip``, ``kelompok``, ``effect``, ``points``, ``se``, ``se_points``,
    ``ratings``, ``employees``, ``part`` (connected part), ``_r`` (the rater's code)."""
    employees: pl.DataFrame
    """``nip``, ``level`` (0-1), ``ratings``, ``_e``."""
    aspects: pl.DataFrame
    """``aspek``, ``effect``, ``points``, ``_a``."""
    ratings: pl.DataFrame
    """The ratings fitted: ``nip``, ``penilai_nip``, ``kelompok``, ``aspek``, ``nilai``,
    ``scaled``, ``_e``, ``_a``, ``_r``, ``fitted``, ``residual``."""
    residual_sd: float
    """On the 0-1 scale (``nan`` when there are no more ratings than parameters)."""
    span: float
    """Points of the widest scale (a 1-5 scale has 4)."""
    iterations: int


def span_of(scales: Scales) -> float:
    """The widest scale's points: ``high - low`` (4 for a 1-5 scale)."""
    return max(high - low for low, high in scales.values())


def model_ratings(ratings: pl.DataFrame, scales: Scales) -> pl.DataFrame:
    """The ratings the model reads: those with a rater id, of an aspect in ``scales``,
    with ``scaled`` (0-1 on the aspect's scale) and integer codes ``_e`` (employee),
    ``_a`` (aspect) and ``_r`` (rater), each from 0."""
    frame = pl.DataFrame(
        {
            "aspek": list(scales),
            "_low": [float(s[0]) for s in scales.values()],
            "_high": [float(s[1]) for s in scales.values()],
        },
        schema={"aspek": pl.String, "_low": pl.Float64, "_high": pl.Float64},
    )
    rater = pl.concat_str("kelompok", pl.lit(_SEP), "penilai_nip")
    value = (pl.col("nilai") - pl.col("_low")) / (pl.col("_high") - pl.col("_low"))
    return (
        ratings.lazy()
        .select("nip", "penilai_nip", "kelompok", "aspek", "nilai")
        .filter((pl.col("penilai_nip").fill_null("") != "") & pl.col("nilai").is_not_null())
        .join(frame.lazy(), on="aspek", how="inner", maintain_order="left")
        .select(
            "nip",
            "penilai_nip",
            "kelompok",
            "aspek",
            "nilai",
            value.alias("scaled"),
            _code(pl.col("nip")).alias("_e"),
            _code(pl.col("aspek")).alias("_a"),
            _code(rater).alias("_r"),
        )
        .collect()
    )


def _code(column: pl.Expr) -> pl.Expr:
    return (column.rank("dense") - 1).cast(pl.Int64)


def fit_effects(ratings: pl.DataFrame, scales: Scales) -> RaterEffects:
    """Fit the model on a run's ratings (:data:`kinerja.frames.RATINGS` columns) whose
    aspects have ``scales``. See the module doc for the model and its choices."""
    rated = model_ratings(ratings, scales)
    e, a, r = (rated[c].to_numpy() for c in ("_e", "_a", "_r"))
    sizes = (_size(e), _size(a), _size(r))
    y = rated["scaled"].to_numpy()
    solution, iterations = _solve(_design(e, a, r, sizes), y)
    level, aspect, rater = np.split(solution, [sizes[0], sizes[0] + sizes[1]])
    part, parts = _parts(e, r, sizes)
    self_rater = _rater_frame(rated)["kelompok"].to_numpy() == "self"
    level, aspect, rater = _centred(level, aspect, rater, part, parts, ~self_rater)
    fitted = level[e] + aspect[a] + rater[r]
    residual = y - fitted
    free = sum(sizes) - parts - 1
    sd = float(np.sqrt(residual @ residual / (y.size - free))) if y.size > free else np.nan
    rated = rated.with_columns(pl.Series("fitted", fitted), pl.Series("residual", residual))
    span = span_of(scales)
    lone = _lone(part[sizes[0] :], ~self_rater, parts)
    return RaterEffects(
        raters=_raters(rated, rater, part[sizes[0] :], lone, sd, span),
        employees=_employees(rated, level),
        aspects=_aspects(rated, aspect, span),
        ratings=rated,
        residual_sd=sd,
        span=span,
        iterations=iterations,
    )


def _size(codes: np.ndarray) -> int:
    return int(codes.max()) + 1 if codes.size else 0


def _design(e: np.ndarray, a: np.ndarray, r: np.ndarray, sizes: tuple[int, ...]) -> sp.csr_matrix:
    """Three indicator columns a rating: its employee, aspect and rater."""
    columns = np.column_stack([e, a + sizes[0], r + sizes[0] + sizes[1]]).ravel()
    rows = np.arange(0, columns.size + 1, 3, dtype=np.int64)
    data = np.ones(columns.size)
    return sp.csr_matrix((data, columns, rows), shape=(e.size, sum(sizes)))


def _solve(design: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, int]:
    """A least-squares solution, each column scaled to unit norm for the iterations."""
    if y.size == 0:
        return np.zeros(design.shape[1]), 0
    counts = np.bincount(design.indices, minlength=design.shape[1])
    scale = 1.0 / np.sqrt(np.maximum(counts, 1))
    scaled = design @ sp.diags(scale)
    found = lsmr(scaled, y, atol=TOLERANCE, btol=TOLERANCE, maxiter=20 * design.shape[1] + 100)
    return found[0] * scale, int(found[2])


def _parts(e: np.ndarray, r: np.ndarray, sizes: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """The connected part of each employee, then of each rater (employees first)."""
    nodes = sizes[0] + sizes[2]
    graph = sp.coo_matrix((np.ones(e.size), (e, r + sizes[0])), shape=(nodes, nodes))
    parts, labels = connected_components(graph, directed=False)
    return labels, int(parts)


def _centred(
    level: np.ndarray,
    aspect: np.ndarray,
    rater: np.ndarray,
    part: np.ndarray,
    parts: int,
    reference: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same fit with aspect effects summing to zero and, within each connected
    part, the ``reference`` raters' effects summing to zero (all of its raters where
    it has no reference rater). Employee levels take up the shifts."""
    of_rater = part[level.size :]
    weight = reference.astype(float)
    has = np.bincount(of_rater, weights=weight, minlength=parts) > 0
    weight = np.where(has[of_rater], weight, 1.0)
    total = np.bincount(of_rater, weights=weight * rater, minlength=parts)
    shift = total / np.maximum(np.bincount(of_rater, weights=weight, minlength=parts), 1.0)
    mean_aspect = aspect.mean() if aspect.size else 0.0
    level = level + shift[part[: level.size]] + mean_aspect
    return level, aspect - mean_aspect, rater - shift[of_rater]


def _lone(of_rater: np.ndarray, reference: np.ndarray, parts: int) -> np.ndarray:
    """Raters that are their part's only reference (non-self) rater: their effect is 0
    by the constraint, not by evidence."""
    count = np.bincount(of_rater, weights=reference.astype(float), minlength=parts)
    return reference & (count[of_rater] == 1)


def _rater_frame(rated: pl.DataFrame) -> pl.DataFrame:
    """One row per rater code ``_r`` in code order: ``penilai_nip``, ``kelompok``."""
    return (
        rated.group_by("_r")
        .agg(pl.col("penilai_nip").first(), pl.col("kelompok").first())
        .sort("_r")
    )


def _raters(
    rated: pl.DataFrame,
    effect: np.ndarray,
    part: np.ndarray,
    lone: np.ndarray,
    sd: float,
    span: float,
) -> pl.DataFrame:
    """Per rater: effect, se from the reduced information, ratings and employees."""
    per_employee = rated.group_by("_e").agg(pl.len().alias("_n_e"))
    cells = (
        rated.group_by(["_r", "_e"])
        .agg(pl.len().alias("_n_re"))
        .join(per_employee, on="_e", how="left")
    )
    information = cells.group_by("_r").agg(
        (pl.col("_n_re") * (1.0 - pl.col("_n_re") / pl.col("_n_e"))).sum().alias("_info"),
        pl.col("_n_re").sum().alias("ratings"),
        pl.len().alias("employees"),
    )
    frame = _rater_frame(rated).join(information, on="_r", how="left").sort("_r")
    info = np.where(lone, 0.0, frame["_info"].to_numpy())
    with np.errstate(divide="ignore"):
        se = np.where(info > 1e-12, sd / np.sqrt(np.maximum(info, 1e-300)), np.inf)
    return frame.select(
        "penilai_nip",
        "kelompok",
        pl.Series("effect", effect),
        pl.Series("points", effect * span),
        pl.Series("se", se),
        pl.Series("se_points", se * span),
        pl.col("ratings").cast(pl.Int64),
        pl.col("employees").cast(pl.Int64),
        pl.Series("part", part.astype(np.int64)),
        "_r",
    )


def _employees(rated: pl.DataFrame, level: np.ndarray) -> pl.DataFrame:
    frame = rated.group_by("_e").agg(pl.col("nip").first(), pl.len().alias("ratings")).sort("_e")
    return frame.select("nip", pl.Series("level", level), pl.col("ratings").cast(pl.Int64), "_e")


def _aspects(rated: pl.DataFrame, effect: np.ndarray, span: float) -> pl.DataFrame:
    frame = rated.group_by("_a").agg(pl.col("aspek").first()).sort("_a")
    return frame.select(
        "aspek", pl.Series("effect", effect), pl.Series("points", effect * span), "_a"
    )
