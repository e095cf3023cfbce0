"""The one pipeline: read → validate → appraise → write.

The command line, the YAML case runner, the tests and the benchmarks all go
through these functions, so there is one way a workbook becomes results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pluggy
import polars as pl

from kinerja.builtin.guideline import GuidelineCheck, check, given_predikat, merged, units_from
from kinerja.chunked import Chunk, appraise_chunks, merge_outputs, stored_parts
from kinerja.errors import OutputError
from kinerja.frames import RunOutput, RunParts
from kinerja.guard import doing
from kinerja.i18n import _, count
from kinerja.input.chunks import CHUNK_EMPLOYEES, Chunks
from kinerja.input.stream import STREAM_BYTES, open_chunks
from kinerja.input.tables import Tables
from kinerja.output.writers import guideline_path, write_guideline_csv, write_run
from kinerja.rules import RuleSet
from kinerja.spill import OutputStore

Format = Literal["xlsx", "csv", "json", "parquet"]


@dataclass(slots=True)
class Report:
    """Optional callbacks for long runs: what the pipeline is doing, and how far it is.

    ``step`` receives a short message before each stage; ``start`` the number of
    employees about to be appraised; ``advance`` how many were just appraised.
    """

    step: Callable[[str], None] | None = None
    start: Callable[[int], None] | None = None
    advance: Callable[[int], None] | None = None

    def say(self, message: str) -> None:
        """Pass ``message`` to ``step``, if there is one."""
        if self.step is not None:
            self.step(message)


def appraise_tables(
    rules: RuleSet,
    tables: Tables,
    pm: pluggy.PluginManager,
    report: Report | None = None,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    consume: bool = False,
) -> RunOutput:
    """Validate raw input tables and appraise them under ``rules``.

    Employees are validated and appraised in chunks of whole units
    (:mod:`kinerja.chunked`); the output is the same whatever the chunk size, except
    that results come chunk by chunk (input order within a chunk).

    :param rules: the region's checked rule set.
    :param tables: the raw input (see :func:`kinerja.input.read.read_tables`).
    :param pm: the plugin manager (see :func:`kinerja.manager.make_manager`).
    :param report: optional progress callbacks.
    :param chunk_size: about how many employees a chunk holds.
    :param consume: ``tables`` is handed over and reordered in place, so that a large
        input is not held twice; leave it False for tables you read again.
    """
    return appraise_chunked(rules, Chunks.split(tables, chunk_size, consume=consume), pm, report)


def appraise_path(
    rules: RuleSet,
    path: str | Path,
    pm: pluggy.PluginManager,
    report: Report | None = None,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    stream_bytes: int = STREAM_BYTES,
    each: Callable[[Tables], Tables] | None = None,
) -> RunOutput:
    """Read an input file (xlsx, CSV or Parquet folder, or JSON), validate and appraise it.

    :param chunk_size: about how many employees are appraised at a time.
    :param stream_bytes: a folder of CSV files larger than this, or of Parquet files
        with over two million rows, is read in batches straight into chunks on disk
        (:mod:`kinerja.input.stream`); 0 reads every folder so.
    :param each: what each chunk of the input passes through before it is validated
        (a comparison leaves out the records only other rule sets read).
    :raises kinerja.errors.InputError: the file cannot be read at all.
    """
    report = report or Report()
    report.say(_("Reading {path} ...", path=path))
    with doing(stage=_("reading {path}", path=path)):
        chunks = open_chunks(path, chunk_size, stream_bytes=stream_bytes)
    if each is not None:
        chunks = replace(chunks, tables=map(each, chunks.tables), replay=None)
    return appraise_chunked(rules, chunks, pm, report)


def appraise_chunked(
    rules: RuleSet, chunks: Chunks, pm: pluggy.PluginManager, report: Report | None = None
) -> RunOutput:
    """Validate and appraise ``chunks`` (see :class:`~kinerja.input.chunks.Chunks`)."""
    report = report or Report()
    report.say(_("Checking {n} rows ...", n=count(chunks.rows)))
    with chunks:
        done = appraise_chunks(
            rules, chunks, pm, say=report.step, start=report.start, advance=report.advance
        )
        with doing(stage=_("appraising")):
            return merge_outputs(list(done), chunks.problems)


def run(
    rules: RuleSet,
    path: str | Path,
    output: Path,
    fmt: Format,
    pm: pluggy.PluginManager,
    report: Report | None = None,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    stream_bytes: int = STREAM_BYTES,
    db: str | None = None,
) -> tuple[RunParts, list[Path]]:
    """The whole run: read, validate, appraise, then write results and rejects as a pair
    (and, given a database URL ``db``, store the run in its history, in one transaction:
    ``parts.history`` says where).

    Memory holds one chunk at a time: a run of several chunks keeps each chunk's output
    on disk until every chunk is appraised, then writes them part by part (an xlsx
    workbook is made from the whole run in memory).

    :param chunk_size: about how many employees are appraised at a time.
    :param stream_bytes: see :func:`appraise_path`.
    :return: the run (its metadata, rejects and counts; its parts are gone once this
        returns), and the files written (results first, then the rejects).
    :raises kinerja.errors.InputError: the input cannot be read at all.
    :raises kinerja.errors.OutputError: the output cannot be written (an ``OSError``).
    """
    report = report or Report()
    report.say(_("Reading {path} ...", path=path))
    with doing(stage=_("reading {path}", path=path)):
        chunks = open_chunks(path, chunk_size, stream_bytes=stream_bytes)
    guideline = _Guideline(rules)
    chunks = replace(chunks, tables=map(guideline.read, chunks.tables))
    with chunks, OutputStore() as store:
        report.say(_("Checking {n} rows ...", n=count(chunks.rows)))
        done = appraise_chunks(
            rules, chunks, pm, say=report.step, start=report.start, advance=report.advance
        )
        done = map(guideline.check, done)
        with doing(stage=_("appraising and keeping the results")):
            if chunks.count == 1:
                parts = RunParts.of(merge_outputs(list(done), chunks.problems))
            else:
                parts = stored_parts(done, chunks.problems, store)
            parts.guideline = merged(guideline.finished())
        report.say(_("Writing {path} ...", path=output))
        try:
            with doing(stage=_("writing {path}", path=output)):
                written = write_run(parts, output, fmt, predikat=rules.predikat_labels)
                found = parts.guideline
                if found is not None and found.breaches.height:
                    written.append(write_guideline_csv(found.breaches, guideline_path(output)))
        except OSError as exc:
            raise OutputError.of(exc) from exc
        if db is not None:
            parts.history = _stored(rules, parts, db, report)
        return parts, written


def _stored(rules: RuleSet, parts: RunParts, db: str, report: Report) -> object:
    """Store the run in the history database ``db``, with the period its rules cover
    (:func:`kinerja.store.store_run`; SQLAlchemy is imported only by a run that stores)."""
    from kinerja.store import shown_url, store_run

    report.say(_("Storing the run in {db} ...", db=shown_url(db)))
    with doing(stage=_("storing the run in its history")):
        dialogue = {stage.dialogue: stage.subject for stage in rules.stages if stage.dialogue}
        return store_run(db, parts, period=(rules.valid_from, rules.valid_to), dialogue=dialogue)


class _Guideline:
    """The distribution guideline, checked chunk by chunk as a run goes (a chunk holds
    whole units): each unit's own predikat is read with its chunk, and each chunk's
    results are checked once appraised. Nothing is checked when no unit gives one."""

    def __init__(self, rules: RuleSet) -> None:
        self.labels = rules.predikat_labels
        self.units: list[pl.DataFrame] = []
        self.found: list[GuidelineCheck] = []
        self.seen: list[pl.Series] = []
        """The units of the chunks checked so far."""

    def read(self, tables: Tables) -> Tables:
        """Keep the units of a chunk's pegawai rows, where they give their predikat."""
        pegawai = tables.frames.get("pegawai")
        if pegawai is not None and "unit_kerja" in pegawai.columns:
            units = units_from(pegawai)
            if given_predikat(units):
                self.units.append(units)
        return tables

    def check(self, chunk: Chunk) -> Chunk:
        """Check one appraised chunk's results against the guideline."""
        if self.units:
            results = chunk.output.results.select("nip", "unit_kerja", "predikat")
            present = results.get_column("unit_kerja").unique().implode()
            if len(self.units) > 1:  # every chunk is read before the first is appraised
                self.units = [pl.concat(self.units, how="diagonal_relaxed")]
            units = self.units[0].filter(pl.col("unit_kerja").is_in(present))
            if units.height:
                self.found.append(check(results, units, labels=self.labels))
                self.seen.append(units.get_column("unit_kerja"))
        return chunk

    def finished(self) -> list[GuidelineCheck]:
        """Every chunk's check, and the units no chunk appraised anyone of (their staff
        all refused): not checked, for want of appraised staff, and said so."""
        if not self.units:
            return self.found
        units = pl.concat(self.units, how="diagonal_relaxed")
        seen = pl.concat(self.seen) if self.seen else pl.Series("unit_kerja", [], pl.String)
        unseen = units.filter(~pl.col("unit_kerja").is_in(seen.implode()))
        if unseen.is_empty():
            return self.found
        nobody = pl.DataFrame(schema={"nip": pl.String, "unit_kerja": pl.String,
                                      "predikat": pl.String})  # fmt: skip
        return [*self.found, check(nobody, unseen, labels=self.labels)]


__all__ = [
    "Format",
    "Report",
    "appraise_chunked",
    "appraise_path",
    "appraise_tables",
    "run",
]
