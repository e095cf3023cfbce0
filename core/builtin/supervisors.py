"""Supervisor chains (``atasan_nip``): loops are flagged on every employee in one.

A loop may run through several units, and so through several chunks of a large run:
the chunked run finds the loops of the whole run once (:attr:`Batch.loops`).

Each employee names at most one supervisor, so the chains form a functional graph:
followed far enough, a chain either ends (a supervisor outside the data, or none) or
goes round a loop. Followed as many steps as there are employees, every chain that
does not end lands on a loop, and the places it can land on are exactly the loops'
members. The steps are taken by doubling (1, 2, 4, ... steps at a time), a join each,
so a batch of n employees costs about log2(n) joins.
"""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch, filled
from kinerja.i18n import _
from kinerja.rules import RuleSet

__all__ = ["CHAIN", "in_loops", "kinerja_review_batch", "loops_of", "run_chain"]

LOOP = "supervisor_loop"


CHAIN = {"nip": pl.String, "atasan_nip": pl.String}
"""The columns of an employee's link in the supervisor chain."""


def run_chain(everyone: pl.DataFrame, owners: pl.Series) -> pl.DataFrame | None:
    """The links of the whole run's supervisor chain that objections by ``owners`` go
    through (see :attr:`kinerja.frames.Batch.chain`); None when there are no objections.

    :param everyone: ``nip``, ``atasan_nip`` of every employee of the run.
    """
    if owners.is_empty():
        return None
    wanted = owners.unique().implode()
    links = []
    for _level in range(3):  # the owner, the supervisor, the supervisor's supervisor
        step = everyone.filter(pl.col("nip").is_in(wanted))
        links.append(step)
        wanted = step.get_column("atasan_nip").drop_nulls().unique().implode()
    return pl.concat(links).unique("nip", keep="first", maintain_order=True)


def loops_of(batch: Batch) -> pl.Series:
    """The NIPs in a supervisor loop: the whole run's (:attr:`Batch.loops`) when the batch
    is one chunk of a larger run, else its own employees'."""
    return batch.loops if batch.loops is not None else in_loops(batch.employees)


def in_loops(employees: pl.DataFrame) -> pl.Series:
    """The NIPs of the employees whose supervisor chain goes round a loop they are in."""
    up = employees.select("nip", pl.col("atasan_nip").alias("_to"))
    up = up.filter(pl.col("_to").is_in(employees["nip"].implode()))  # one step, to someone here
    steps = 1
    while steps < employees.height and up.height:
        # two jumps of `steps` are one of 2 * steps (a chain that ends drops out)
        up = up.join(up.rename({"nip": "_to", "_to": "_next"}), on="_to", how="inner").select(
            "nip", pl.col("_next").alias("_to")
        )
        steps *= 2
    return up["_to"].unique().sort().alias("nip")


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Flag every appraised employee whose supervisor chain is a loop."""
    looped = loops_of(batch)
    if looped.len() == 0:
        return
    flags = batch.employees.filter(pl.col("nip").is_in(looped.implode())).select(
        "nip",
        pl.lit(LOOP).alias("code"),
        filled(
            _(
                "the supervisor chain from this employee (atasan_nip {supervisor}) leads back "
                "to them; correct atasan_nip, so that the chain ends at the head of the "
                "organisation"
            ),
            supervisor=pl.col("atasan_nip"),
        ).alias("message"),
        pl.lit("warning").alias("severity"),
    )
    appraisal.add("flags", flags)
