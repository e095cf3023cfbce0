"""Hook specifications: the points where plugins shape an appraisal.

Every hook is named ``kinerja_*``. The YAML-driven default of each hook lives in
:mod:`kinerja.builtin` as an ordinary plugin marked ``trylast``, so a region
plugin overrides or extends only what its rule file cannot say.

A run calls the hooks in this order (see :func:`kinerja.engine.appraise`):

1. :func:`kinerja_register_regions` (when the plugin manager is built)
2. :func:`kinerja_collect_indicators`
3. :func:`kinerja_weigh_ratings`
4. the compiled components and score, then :func:`kinerja_assign_predikat`
5. :func:`kinerja_review_stage`, once per stage in the rules' order
6. :func:`kinerja_review_batch` (objections may change the predikat here)
7. :func:`kinerja_give_feedback`, on the final result

A region plugin's hooks are called only in runs of the regions it registers;
plugins that register no region (add-ons) are called in every run.

Hooks work on whole batches, as polars frames: a :class:`~kinerja.frames.Batch` of
validated input, and an :class:`~kinerja.appraisal.Appraisal` (the results frame,
one row per employee, and the detail rows hooks add). A hook is written as polars
expressions over columns, never as a loop over employees. ``docs/plugins.md``
shows how, with a worked example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import polars as pl

    from kinerja.appraisal import Appraisal
    from kinerja.frames import Batch
    from kinerja.regions import Collected, RegionSpec, Weighed
    from kinerja.rules import RuleSet, Stage

hookspec = pluggy.HookspecMarker("kinerja")

# -------------------------------------------------------------------------
# regions


@hookspec
def kinerja_register_regions() -> list[RegionSpec]:
    """Declare the regions a plugin provides.

    A region package registers a module in the ``kinerja.regions`` entry-point
    group; that module implements this hook. The core names no region itself.

    :return: a list of :class:`kinerja.regions.RegionSpec`, one per region.
    """


# -------------------------------------------------------------------------
# indicator collection


@hookspec
def kinerja_collect_indicators(rules: RuleSet, batch: Batch) -> Collected | None:
    """Collect the named values each employee's rules will read.

    Every implementation is called. The built-in one reads the employee columns
    the rules declare and computes each outcome indicator's achievement from
    target and realisation. A region plugin can add values its YAML cannot derive;
    where two implementations give the same name, the one that ran first (the
    region's, since the built-in runs last) wins.

    :param rules: the region's checked rule set.
    :param batch: the validated input frames (``batch.employees``, ``batch.outcomes``...).
    :return: a :class:`kinerja.regions.Collected`: a ``values`` frame keyed by ``nip``
        with one column per name, and optionally indicator detail rows; or None.
    """


# -------------------------------------------------------------------------
# weighting


@hookspec(firstresult=True)
def kinerja_weigh_ratings(rules: RuleSet, batch: Batch) -> Weighed | None:
    """Combine the raters' scores into one score per rated aspect.

    The built-in implementation averages each rater group, applies the group
    weights from the rules, and handles groups below their minimum count as the
    rules' ``when_group_missing`` says.

    Stops at first non-None result.

    :param rules: the region's checked rule set.
    :param batch: the validated input; ``batch.ratings`` holds one row per rating.
    :return: a :class:`kinerja.regions.Weighed`: aspect rows (score, complete), their
        rater-group rows and the raters' notes, for every employee.
    """


# -------------------------------------------------------------------------
# final rating


@hookspec(firstresult=True)
def kinerja_assign_predikat(rules: RuleSet, results: pl.DataFrame) -> pl.Expr | None:
    """Give each result its predikat (final rating label).

    The built-in implementation reads the rules' ``predikat.expr`` (a band lookup or
    the PermenPANRB 6/2022 matrix), which the compiled rules computed with the score.

    Stops at first non-None result.

    :param rules: the region's checked rule set.
    :param results: the batch, one row per employee, components and score computed.
    :return: a String expression over ``results`` giving each row's predikat.
    """


# -------------------------------------------------------------------------
# review


@hookspec
def kinerja_give_feedback(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Add feedback texts and recommendations to results.

    Every implementation is called and may add ``feedback`` and ``recommendations``
    rows (:meth:`kinerja.appraisal.Appraisal.add`). The built-in one applies the
    rules' ``feedback`` and ``recommendations`` conditions, the gap to each target,
    and the raters' written notes per aspect.

    :param rules: the region's checked rule set.
    :param appraisal: the batch, reviewed: predikat final (after any objection), stages set.
    :param batch: the validated input frames.
    """


@hookspec(firstresult=True)
def kinerja_review_stage(
    rules: RuleSet, stage: Stage, appraisal: Appraisal, batch: Batch
) -> bool | None:
    """Record where each result stands in one review stage.

    Called once per stage, in the order the rules list them. The built-in
    implementation marks the stage done when its required records exist, and
    ``out_of_order`` when they are dated before the stage it must follow.

    Stops at first non-None result.

    :param rules: the region's checked rule set.
    :param stage: the stage to review.
    :param appraisal: the batch; add one ``stages`` row per employee.
    :param batch: the validated input frames.
    :return: True when the stage was handled.
    """


@hookspec
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Review the whole batch once it is rated: evidence, objections, comparisons.

    A batch is one chunk of the run and holds whole units (every employee of a
    ``unit_kerja``): compare within a unit, never across units. ``batch.raters``
    summarises every rater of the whole run (see :mod:`kinerja.raters`).

    Every implementation is called. The built-in ones flag rater bias, apply
    objections with an audit trail, and place each result beside its peers,
    each as the rules configure.

    :param rules: the region's checked rule set.
    :param appraisal: the batch; add ``flags`` or ``audit`` rows, update ``predikat``
        or ``peer_rank``.
    :param batch: the validated input frames.
    """


__all__ = [
    "hookspec",
    "kinerja_register_regions",
    "kinerja_collect_indicators",
    "kinerja_weigh_ratings",
    "kinerja_assign_predikat",
    "kinerja_give_feedback",
    "kinerja_review_stage",
    "kinerja_review_batch",
]
