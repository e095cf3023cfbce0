"""The columnar data model: the frames a run passes from reading to writing.

A run is frame operations end to end. Validation turns the raw
:class:`~kinerja.input.tables.Tables` into a :class:`Batch` (typed frames of the
records it accepted, and a rejects frame); the engine turns a batch into a
:class:`RunOutput` (one results row per appraised employee, plus long "detail"
frames keyed by ``nip``); writers and ``explain`` read those frames.

Conventions, the same in every frame:

- ``nip`` is text (String), 18 digits, at every edge and in every frame.
- Numbers are Float64 (null = missing); counts are Int64; dates are ISO text.
- ``_row`` is the source spreadsheet row of a record (for messages and explain).
- A detail frame keeps, for each ``nip``, its rows in the order they were produced;
  a person reads them in that order (flags, feedback, stages...).
- Column names starting with ``_`` are the engine's; rule names never start with one.

Words in frames: a message of the catalogs (:mod:`kinerja.i18n`) becomes a text column
with :func:`filled` (its ``{name}`` placeholders filled row by row), :func:`either` (one
of two messages per row) or :func:`per_count` (the words of a number of each row); a
rater group is read in words with :func:`group_words`. They are built when a batch is
appraised, in the language in use then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

from kinerja.i18n import _
from kinerja.i18n.columns import either, filled, per_count
from kinerja.model import RATER_GROUP_WORDS, RunInfo

__all__ = [
    "ASPECTS",
    "AUDIT",
    "EMPLOYEES",
    "FEEDBACK",
    "FLAGS",
    "GROUPS",
    "IDENTITY",
    "INDICATORS",
    "NOTES",
    "OBJECTIONS",
    "OUTCOMES",
    "RATINGS",
    "RECOMMENDATIONS",
    "REJECTS",
    "STAGES",
    "Batch",
    "RunOutput",
    "RunParts",
    "StepInfo",
    "Tally",
    "WideParts",
    "either",
    "empty",
    "filled",
    "group_word",
    "group_words",
    "joined_outputs",
    "per_count",
]

Schema = dict[str, pl.DataType | type[pl.DataType]]

IDENTITY: Schema = {
    "nip": pl.String,
    "nama": pl.String,
    "jabatan": pl.String,
    "unit_kerja": pl.String,
    "golongan": pl.String,
    "atasan_nip": pl.String,
}
"""Who an employee is: the fixed pegawai columns (atasan_nip null when none)."""

EMPLOYEES: Schema = {**IDENTITY, "_row": pl.Int64}
"""Accepted pegawai rows, followed by one column per input the rules declare:
Float64 for ``number``, String for ``text`` and ``date`` (ISO)."""

OUTCOMES: Schema = {
    "nip": pl.String,
    "indikator": pl.String,
    "target": pl.Float64,
    "realisasi": pl.Float64,
    "target_maks": pl.Float64,
    "bobot": pl.Float64,
    "_row": pl.Int64,
}
"""Accepted capaian rows: indikator is the rules' code; bobot 1.0 when blank."""

RATINGS: Schema = {
    "nip": pl.String,
    "penilai_nip": pl.String,
    "kelompok": pl.String,
    "aspek": pl.String,
    "nilai": pl.Float64,
    "tanggal": pl.String,
    "catatan": pl.String,
    "_row": pl.Int64,
}
"""Accepted penilaian rows: kelompok is the canonical group (``self``, ``supervisor``,
``peer``, ``subordinate``, ``citizen``), aspek the rules' code. penilai_nip is the
employee's own NIP for a self-rating left blank, the written id (or ``""``) for a
citizen. catatan is ``""`` when blank; tanggal null when blank."""

OBJECTIONS: Schema = {
    "nip": pl.String,
    "tanggal_terima": pl.String,
    "tanggal_ajuan": pl.String,
    "pemutus_nip": pl.String,
    "keputusan": pl.String,
    "predikat_baru": pl.String,
    "alasan": pl.String,
    "_row": pl.Int64,
}
"""Accepted keberatan rows: keputusan ``tetap`` or ``ubah`` (lower case)."""

REJECTS: Schema = {
    "sheet": pl.String,
    "row": pl.Int64,
    "nip": pl.String,
    "reason": pl.String,
    "column": pl.String,
}
"""Every refused row, with why (row 0: a whole-file problem)."""

INDICATORS: Schema = {
    "nip": pl.String,
    "code": pl.String,
    "label": pl.String,
    "kind": pl.String,
    "target": pl.Float64,
    "realised": pl.Float64,
    "target_max": pl.Float64,
    "achievement": pl.Float64,
    "gap": pl.Float64,
    "weight": pl.Float64,
}
ASPECTS: Schema = {
    "nip": pl.String,
    "code": pl.String,
    "label": pl.String,
    "score": pl.Float64,
    "complete": pl.Boolean,
}
GROUPS: Schema = {
    "nip": pl.String,
    "aspect": pl.String,
    "group": pl.String,
    "count": pl.Int64,
    "mean": pl.Float64,
    "weight": pl.Float64,
    "effective_weight": pl.Float64,
    "status": pl.String,
}
"""One row per employee × aspect × rater group of that aspect; status ``used``,
``below_minimum`` or ``absent``."""
NOTES: Schema = {"nip": pl.String, "aspect": pl.String, "text": pl.String}
STAGES: Schema = {
    "nip": pl.String,
    "id": pl.String,
    "label": pl.String,
    "status": pl.String,
    "detail": pl.String,
    "done_on": pl.String,
    "done_by": pl.String,
}
"""A result's review stages: ``done_on`` (ISO date) and ``done_by`` (NIPs, ``, ``-joined)
where the records that complete the stage say so, null otherwise."""
FLAGS: Schema = {"nip": pl.String, "code": pl.String, "message": pl.String, "severity": pl.String}
FEEDBACK: Schema = {"nip": pl.String, "text": pl.String}
RECOMMENDATIONS: Schema = {
    "nip": pl.String,
    "code": pl.String,
    "text": pl.String,
    "reason": pl.String,
}
"""A result's recommendations: ``reason`` says why, in words (the rule that gave it, with
the values it read); a plugin's rows may leave it out."""
AUDIT: Schema = {
    "nip": pl.String,
    "action": pl.String,
    "before": pl.String,
    "after": pl.String,
    "by": pl.String,
    "date": pl.String,
    "reason": pl.String,
    "source": pl.String,
}


@dataclass(frozen=True, slots=True)
class StepInfo:
    """A named rule result of the run (a component, the score or the predikat)."""

    name: str
    label: str
    expr: str
    """The expression as written in the rules."""
    inputs: tuple[str, ...]
    """The names it reads, in first-use order (their values are results columns)."""


def empty(schema: Schema) -> pl.DataFrame:
    """A frame with no rows and the given columns."""
    return pl.DataFrame(schema=schema)


# ------------------------------------------------------------------ words in frames


def group_word(code: str) -> str:
    """A rater group (``supervisor``) as a person reads it in the language in use."""
    return _(RATER_GROUP_WORDS[code]) if code in RATER_GROUP_WORDS else code


def group_words(kelompok: pl.Expr) -> pl.Expr:
    """:func:`group_word` of each row of a rater-group column (codes it does not know
    stay as they are)."""
    changed = {code: group_word(code) for code in RATER_GROUP_WORDS}
    changed = {code: word for code, word in changed.items() if word != code}
    return kelompok.replace(changed) if changed else kelompok


@dataclass(slots=True)
class Batch:
    """Validated input for one run: typed frames of the accepted records, and every reject.

    Only appraisable employees are in ``employees``; the record frames hold only their
    records (an employee with a refused record row is rejected as a whole, with the
    reason, and their other records left out). Rows keep input order.
    """

    employees: pl.DataFrame
    outcomes: pl.DataFrame
    ratings: pl.DataFrame
    objections: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: dict[str, int]
    """Data rows read per known sheet, for the reconciliation in the summary."""
    source: str = ""
    sha256: str = ""
    raters: pl.DataFrame | None = None
    """The run's rater summary (:data:`kinerja.raters.RATERS`) for the raters who rate in
    this batch: what each did across the whole run, also when this batch is one chunk
    of it. The engine fills it in when it is None (the batch is the whole run)."""
    chain: pl.DataFrame | None = None
    """``nip``, ``atasan_nip`` of the run's employees that this batch's objections go
    through (each owner, their supervisor, the supervisor's supervisor), when the batch
    is one chunk of a larger run: a supervisor may sit in another unit's chunk. None: the
    batch is the whole run, its own employees are the chain."""
    loops: pl.Series | None = None
    """The NIPs of the run's employees whose supervisor chain goes round a loop, when the
    batch is one chunk of a larger run (a loop may cross units, so chunks). None: the
    batch is the whole run, its own employees show the loops."""
    review: Any = None
    """The run's rater-effects evidence (:class:`kinerja.review.touched.RaterReview`),
    fitted once on every rating of the run, also when this batch is one chunk of it. The
    engine fills it in when it is None and the rules have a ``rater_effects:`` section (the
    batch is the whole run)."""


@dataclass(slots=True)
class RunOutput:
    """A whole run: metadata, one results row per appraised employee, detail frames, rejects.

    ``results`` has the :data:`IDENTITY` columns and ``_row``, then one column per
    named value the rules read or computed (inputs, indicators, aspects,
    ``achievement_mean``, ``indicator_count``, components, ``score``, ``predikat``),
    then ``peer_rank`` (String, null where not ranked) and ``status`` (``final`` or
    ``provisional``). Each detail frame is keyed by ``nip`` (see its schema).
    """

    info: RunInfo
    results: pl.DataFrame
    rejects: pl.DataFrame
    components: tuple[StepInfo, ...] = ()
    """The rules' components in order (``score`` and ``predikat`` are results columns)."""
    indicators: pl.DataFrame = field(default_factory=lambda: empty(INDICATORS))
    aspects: pl.DataFrame = field(default_factory=lambda: empty(ASPECTS))
    groups: pl.DataFrame = field(default_factory=lambda: empty(GROUPS))
    notes: pl.DataFrame = field(default_factory=lambda: empty(NOTES))
    stages: pl.DataFrame = field(default_factory=lambda: empty(STAGES))
    flags: pl.DataFrame = field(default_factory=lambda: empty(FLAGS))
    feedback: pl.DataFrame = field(default_factory=lambda: empty(FEEDBACK))
    recommendations: pl.DataFrame = field(default_factory=lambda: empty(RECOMMENDATIONS))
    audit: pl.DataFrame = field(default_factory=lambda: empty(AUDIT))


def joined_outputs(outputs: list[RunOutput], info: RunInfo, rejects: pl.DataFrame) -> RunOutput:
    """Chunks' outputs as one run: results and each detail frame one after the other,
    with the run's metadata and rejects (the components are the first chunk's)."""
    frames = {
        f.name: pl.concat([getattr(o, f.name) for o in outputs], how="diagonal_relaxed")
        for f in fields(RunOutput)
        if f.name not in ("info", "rejects", "components")
    }
    return RunOutput(info=info, rejects=rejects, components=outputs[0].components, **frames)


@dataclass(slots=True)
class Tally:
    """What a run's summary counts: results by predikat and by status, flagged results."""

    predikat: dict[str | None, int] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    flagged: int = 0

    @classmethod
    def of(cls, run: RunOutput) -> Tally:
        """The counts of one run (or one chunk of it)."""
        results = run.results

        def counts(column: str) -> dict:
            if column not in results.columns:  # a run with no results may have no column
                return {}
            return dict(results.group_by(column, maintain_order=True).len().iter_rows())

        return cls(counts("predikat"), counts("status"), run.flags["nip"].n_unique())

    def add(self, other: Tally) -> None:
        """Count ``other`` in as well (chunks never share an employee)."""
        for mine, theirs in ((self.predikat, other.predikat), (self.status, other.status)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        self.flagged += other.flagged


@dataclass(frozen=True, slots=True)
class WideParts:
    """The wide results table of each part of a run, made once as the part was stored."""

    columns: list[str]
    """The run's wide columns: every part's, in the order they first occur."""
    part: Callable[[int], pl.DataFrame]
    """Part ``i``'s wide table, with its own columns (a subset of :attr:`columns`)."""
    scans: Callable[[], list[pl.LazyFrame]]
    """Every part's wide table, each as a lazy frame, in part order."""


@dataclass(slots=True)
class RunParts:
    """A run's output in parts, for writing a run larger than memory one part at a time.

    The metadata, the rejects and the counts are in memory; ``part(i)`` reads the
    output of chunk ``i`` (results, detail frames; its rejects are in ``rejects``),
    ``frame(name, i)`` only one of its frames. Results are in part order. A run in
    memory is one part (:meth:`of`).
    """

    info: RunInfo
    rejects: pl.DataFrame
    components: tuple[StepInfo, ...]
    count: int
    part: Callable[[int], RunOutput]
    tally: Tally
    frame: Callable[[str, int], pl.DataFrame]
    """One frame (``results`` or a detail frame) of part ``i``."""
    scans: Callable[[str], list[pl.LazyFrame]]
    """One frame of every part, each as a lazy frame, in part order."""
    wide: WideParts | None = None
    """Each part's wide results table, when the parts were stored with it."""
    guideline: Any = None
    """The distribution guideline checked on the run
    (:class:`kinerja.builtin.guideline.GuidelineCheck`; None when no unit gives its own
    predikat)."""
    history: Any = None
    """Where the run was stored (:class:`kinerja.store.runs.StoredRun`), when it was."""

    @classmethod
    def of(cls, run: RunOutput) -> RunParts:
        """``run`` as one part."""
        return cls(
            run.info,
            run.rejects,
            run.components,
            1,
            lambda _: run,
            Tally.of(run),
            lambda name, _: getattr(run, name),
            lambda name: [getattr(run, name).lazy()],
        )

    def each(self) -> Iterator[RunOutput]:
        """Every part, in order."""
        for index in range(self.count):
            yield self.part(index)
