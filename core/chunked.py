"""Appraising a run chunk by chunk, so that memory stays bounded whatever its size.

The input comes as chunks of whole units (:mod:`kinerja.input.chunks`, read in
batches from disk for a large folder: :mod:`kinerja.input.stream`). A run of one chunk
is validated and appraised in one step. A larger run takes two passes:

1. every chunk is validated, its validated frames wait on disk
   (:class:`~kinerja.spill.BatchStore`) and its raters are summarised;
2. the rater partials are combined into the run's summary on disk, a hash partition
   of raters at a time (:class:`~kinerja.raters.RunRaters`); where the rules have a
   ``rater_effects:`` section, the rater-effects model is fitted once on every rating
   of the run (:func:`kinerja.review.touched.review_ratings`); then each chunk is
   appraised, in order, with the summary rows of its own raters and the run's
   rater-effects findings.

:func:`merge_outputs` joins the chunks' outputs into the run's: results in chunk order
(input order within a chunk), the whole-file problems first among the rejects, then
every refused row by sheet and row, then the employees whose rules failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import pluggy
import polars as pl

from kinerja.appraisal import DETAILS
from kinerja.builtin.supervisors import CHAIN, in_loops, run_chain
from kinerja.engine import appraise
from kinerja.frames import Batch, RunOutput, RunParts, Tally, WideParts, joined_outputs
from kinerja.guard import doing
from kinerja.i18n import _, count
from kinerja.input.cascade import sorted_rejects
from kinerja.input.chunks import Chunks
from kinerja.input.validate import build_dataset
from kinerja.model import RunInfo
from kinerja.output.write_parts import merged_columns, own_wide_table
from kinerja.raters import RunRaters, rater_partials
from kinerja.review.touched import RaterReview, review_ratings
from kinerja.rules import RuleSet
from kinerja.spill import BatchStore, FrameStore

__all__ = ["Chunk", "appraise_chunks", "merge_outputs", "stored_parts"]

Say = Callable[[str], None]
Count = Callable[[int], None]


@dataclass(slots=True)
class Chunk:
    """One chunk's output, and how many of its rejects came from reading and validation
    (the rest are employees whose rules failed)."""

    output: RunOutput
    validated_rejects: int


def appraise_chunks(
    rules: RuleSet,
    chunks: Chunks,
    pm: pluggy.PluginManager,
    *,
    say: Say | None = None,
    start: Count | None = None,
    advance: Count | None = None,
) -> Iterator[Chunk]:
    """Each of ``chunks`` validated and appraised under ``rules``, in order.

    :param chunks: the input (see :class:`~kinerja.input.chunks.Chunks`).
    :param say: told what the run is doing (e.g. which chunk it checks).
    :param start: told how many employees are about to be appraised, once.
    :param advance: told how many employees a chunk just appraised.
    """
    spec = rules.input_spec()
    if chunks.count == 1:
        with doing(stage=_("checking the input")):
            batch = build_dataset(next(chunks.tables), spec)
        if start is not None:
            start(batch.employees.height)
        with doing(stage=_("appraising"), chunk=employees_words(batch)):
            output = appraise(rules, batch, pm, progress=advance)
        yield Chunk(output, batch.rejects.height)
        return
    with BatchStore() as store:
        raters = RunRaters(store, chunks.count)
        employees = 0
        inputs = iter(chunks.tables)
        owners: list[pl.Series] = [pl.Series("nip", [], pl.String)]
        for index in range(chunks.count):
            if say is not None:
                say(_("Checking chunk {i} of {n} ...", i=index + 1, n=chunks.count))
            with doing(stage=_("checking"), chunk=_chunk_words(index, chunks.count)):
                batch = build_dataset(next(inputs), spec)
                raters.add(index, rater_partials(rules, batch.ratings))
                store.keep("chain", index, batch.employees.select(*CHAIN))
                owners.append(batch.objections.get_column("nip"))
                employees += batch.employees.height
                store.put(index, batch)
                del batch
        chunks.close()  # every row now waits in the store, validated
        with doing(stage=_("summarising the raters of the whole run")):
            raters.combine()
            everyone = store.scan("chain", CHAIN).collect()
            chain = run_chain(everyone, pl.concat(owners))
            loops = in_loops(everyone)
            del everyone
        review = _run_review(rules, store)
        if start is not None:
            start(employees)
        for index in range(chunks.count):
            with doing(stage=_("appraising"), chunk=_chunk_words(index, chunks.count)):
                batch = replace(store.get(index), raters=raters.of(index), chain=chain)
                batch = replace(batch, loops=loops, review=review)
                where = _(
                    "{chunk}: {employees}",
                    chunk=_chunk_words(index, chunks.count),
                    employees=employees_words(batch),
                )
                with doing(chunk=where):
                    output = appraise(rules, batch, pm, progress=advance)
            yield Chunk(output, batch.rejects.height)


def _run_review(rules: RuleSet, store: FrameStore[Batch]) -> RaterReview | None:
    """The rater-effects model fitted once on every rating of the run (every chunk's,
    validated and waiting in ``store``), when the rules have a ``rater_effects:`` section."""
    if rules.rater_effects is None:
        return None
    with doing(stage=_("estimating the raters' effects over the whole run")):
        return review_ratings(rules, pl.concat(store.scans("ratings")))


def employees_words(batch: Batch) -> str:
    """Who a batch appraises, for the watchdog: ``1,200 employees, NIP a ... NIP b``."""
    nips = batch.employees.get_column("nip")
    if nips.is_empty():
        return _("no employees")
    if nips.len() == 1:
        return _("the employee with NIP {nip}", nip=nips.first())
    return _(
        "{n} employees, from NIP {first} to NIP {last} in input order",
        n=count(nips.len()),
        first=nips.first(),
        last=nips.last(),
    )


def _chunk_words(index: int, chunks: int) -> str:
    """``chunk 3 of 100`` for chunk number ``index`` (from 0)."""
    return _("chunk {i} of {n}", i=index + 1, n=chunks)


def merge_outputs(chunks: Sequence[Chunk], problems: int) -> RunOutput:
    """The run's output from its chunks' outputs, in memory (see the module doc).

    :param problems: how many whole-file problems lead the first chunk's rejects.
    """
    if len(chunks) == 1:
        return chunks[0].output
    rejects = _merged_rejects(chunks, problems)
    info = _merged_info([c.output.info for c in chunks], rejects)
    return joined_outputs([c.output for c in chunks], info, rejects)


def stored_parts(chunks: Iterable[Chunk], problems: int, store: FrameStore[RunOutput]) -> RunParts:
    """The run's output as parts: each chunk's output, and its wide results table, put
    in ``store`` as it comes; the rejects, metadata and counts of the whole run in memory.

    :param problems: how many whole-file problems lead the first chunk's rejects.
    """
    kept: list[Chunk] = []
    columns: list[list[str]] = []
    tally = Tally()
    for index, chunk in enumerate(chunks):
        output = chunk.output
        tally.add(Tally.of(output))
        own, table = own_wide_table(output)
        store.keep("wide", index, table)
        columns.append(own)
        store.put(index, output)
        # keep what the merge needs: the metadata and the rejects
        cleared = {name: getattr(output, name).clear() for name in ("results", *DETAILS)}
        kept.append(Chunk(replace(output, **cleared), chunk.validated_rejects))
        del output, table
    if len(kept) == 1:
        return RunParts.of(store.get(0))
    rejects = _merged_rejects(kept, problems)
    info = _merged_info([c.output.info for c in kept], rejects)
    wide = WideParts(
        merged_columns(columns),
        lambda index: store.kept("wide", index),
        lambda: store.kept_scans("wide"),
    )
    parts = RunParts(
        info,
        rejects,
        kept[0].output.components,
        len(kept),
        store.get,
        tally,
        store.frame,
        store.scans,
        wide,
    )
    return parts


def _merged_rejects(chunks: Sequence[Chunk], problems: int) -> pl.DataFrame:
    """Whole-file problems, then refused rows by sheet and row, then rule failures."""
    head = chunks[0].output.rejects.head(problems)
    refused = [c.output.rejects.slice(0, c.validated_rejects) for c in chunks]
    refused[0] = refused[0].slice(problems)
    failed = [c.output.rejects.slice(c.validated_rejects) for c in chunks]
    return pl.concat([head, sorted_rejects(refused), *failed])


def _merged_info(infos: Sequence[RunInfo], rejects: pl.DataFrame) -> RunInfo:
    """The first chunk's metadata with the counts of the whole run."""
    rows_in: dict[str, int] = {}
    for info in infos:
        for sheet, n in info.rows_in.items():
            rows_in[sheet] = rows_in.get(sheet, 0) + n
    return replace(
        infos[0],
        rows_in=rows_in,
        employees_in=sum(i.employees_in for i in infos),
        appraised=sum(i.appraised for i in infos),
        rejected_employees=sum(i.rejected_employees for i in infos),
        rejected_rows=rejects.height,
    )
