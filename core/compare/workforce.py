"""One workforce appraised under several rule sets: each item's run, kept slim.

A central agency compares how rule sets treat the same employees. The workforce (a
workbook, or a CSV or Parquet folder such as ``kinerja sample-data --national``) is
read once into chunks (:func:`~kinerja.input.stream.open_chunks`, again-readable),
and each item's rules appraise those chunks through the same chunked engine as
``kinerja run`` (:func:`~kinerja.chunked.appraise_chunks`). Of each chunk's output
only what the comparison reads is kept (:data:`KEPT`), so memory grows with the
employees, not with the items' detail frames.

A national workforce carries the records of every region: indicators and rated
aspects that only some rule sets know. Before an item reads a chunk, the rows whose
code is known to another item or installed region (:func:`readers`) but not to this
item are left out, and counted (:attr:`ItemRun.unread`): they are not errors of the
workforce, they are another policy's data. A code nobody knows (a typo) still refuses
its row, as in a run.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pluggy
import polars as pl

from kinerja.builtin.guideline import units_from
from kinerja.chunked import appraise_chunks
from kinerja.errors import RulesError
from kinerja.guard import doing
from kinerja.i18n import _
from kinerja.input.chunks import CHUNK_EMPLOYEES, Chunks
from kinerja.input.spec import GROUP_ALIASES
from kinerja.input.stream import STREAM_BYTES, open_chunks
from kinerja.input.tables import Tables
from kinerja.input.texts import strip
from kinerja.regions import find_region, list_regions
from kinerja.rules import RuleSet, load_rules

__all__ = [
    "KEPT",
    "Claims",
    "ItemRun",
    "Workforce",
    "foreign_codes",
    "open_workforce",
    "readers",
]

KEPT = ("nip", "nama", "unit_kerja", "jabatan", "golongan", "score", "predikat", "status")
"""The result columns a comparison keeps of each item's run."""
_REJECT_COLUMNS = ("sheet", "row", "nip", "column", "reason")


@dataclass(frozen=True, slots=True)
class Codes:
    """The codes of records a rule set reads: indicators, aspects, rater groups, and the
    predikat an objection's decision may give (lower case)."""

    indicators: frozenset[str]
    aspects: frozenset[str]
    groups: frozenset[str]
    labels: frozenset[str] = frozenset()

    @classmethod
    def of(cls, rules: RuleSet) -> Codes:
        return cls(
            frozenset(rules.indicators),
            frozenset(rules.aspects),
            frozenset(rules.rater_groups),
            frozenset(label.lower() for label in rules.predikat_labels),
        )


@dataclass(frozen=True, slots=True)
class Claims:
    """What one item reads (``own``) and what only the others read (``theirs``)."""

    own: Codes
    theirs: Codes


def foreign_codes(rules: RuleSet, others: Sequence[RuleSet]) -> Claims:
    """The codes ``rules`` reads, and those that some of ``others`` read and it does not."""
    own = Codes.of(rules)
    found = [Codes.of(r) for r in others]

    def theirs(field: str) -> frozenset[str]:
        every: frozenset[str] = frozenset().union(*(getattr(c, field) for c in found))
        return every - getattr(own, field)

    return Claims(own, Codes(*(theirs(f) for f in ("indicators", "aspects", "groups", "labels"))))


def readers(pm: pluggy.PluginManager, items: Sequence[RuleSet]) -> list[RuleSet]:
    """The rule sets whose records a workforce may carry: the items compared, and every
    version of every installed region (a national workforce carries them all, and two
    regions compared on it leave the other regions' records aside, not refused,
    whatever the day). A rule file that cannot be read is left out: it reads nothing."""
    found = list(items)
    for name in list_regions(pm):
        for path in find_region(pm, name).rule_files():
            try:
                found.append(load_rules(path))
            except RulesError:
                continue  # `kinerja check` reports it; here it only cannot claim codes
    return found


def _code(column: str) -> pl.Expr:
    return strip(pl.col(column)).str.to_lowercase()


def _group(column: str) -> pl.Expr:
    typed = _code(column).str.replace_all(r"[\s-]+", "_")
    return typed.replace(GROUP_ALIASES)


def _among(column: str, theirs: frozenset[str], own: frozenset[str], typed: pl.Expr) -> pl.Expr:
    """Whether a cell names one of ``theirs`` (codes only other items read) as typed
    loosely, or is a misspelling of one that is nearer to it than to any code of ``own``
    (a typo in another region's records is theirs to refuse, not this item's). The few
    distinct texts are read, then each cell is looked up among those that name one."""

    def run(values: pl.Series) -> pl.Series:
        written = values.rename(column).unique().to_frame().with_columns(typed.alias("@typed"))
        known = pl.col("@typed").is_in(sorted(theirs | own))
        unknown = written.filter(~known & (pl.col("@typed") != "")).get_column("@typed")
        near = [text for text in unknown.drop_nulls().to_list() if _nearest(text, theirs, own)]
        naming = written.filter(pl.col("@typed").is_in(sorted(theirs) + near).fill_null(False))
        return values.is_in(naming.get_column(column).implode()).fill_null(False)

    return pl.col(column).map_batches(run, return_dtype=pl.Boolean)


def _nearest(text: str, theirs: frozenset[str], own: frozenset[str]) -> bool:
    """Whether the code nearest to ``text`` (as "did you mean" finds it) is only theirs."""
    close = difflib.get_close_matches(text, sorted(theirs | own), n=1, cutoff=0.6)
    return bool(close) and close[0] in theirs


def _foreign_rows(sheet: str, frame: pl.DataFrame, claims: Claims) -> pl.Expr | None:
    """Which rows of ``sheet`` hold another item's records (None: the sheet has none)."""
    own, theirs = claims.own, claims.theirs
    tests = {
        "capaian": [("indikator", theirs.indicators, own.indicators, _code("indikator"))],
        "penilaian": [
            ("aspek", theirs.aspects, own.aspects, _code("aspek")),
            ("kelompok", theirs.groups, own.groups, _group("kelompok")),
        ],
        "keberatan": [("predikat_baru", theirs.labels, own.labels, _code("predikat_baru"))],
    }.get(sheet, [])
    found = [
        _among(column, codes, mine, typed)
        for column, codes, mine, typed in tests
        if codes and column in frame.columns
    ]
    return pl.any_horizontal(found).fill_null(False) if found else None


def without_foreign(tables: Tables, foreign: Claims, unread: dict[str, int]) -> Tables:
    """``tables`` without the rows of codes only other items read, counted in ``unread``
    (sheet -> rows)."""
    frames = dict(tables.frames)
    for sheet, frame in tables.frames.items():
        test = _foreign_rows(sheet, frame, foreign)
        if test is None:
            continue
        marked = frame.with_columns(test.alias("@foreign"))
        unread[sheet] = unread.get(sheet, 0) + int(marked["@foreign"].sum())
        frames[sheet] = marked.filter(~pl.col("@foreign")).drop("@foreign")
    return Tables(
        frames, tables.source, tables.sha256, tables.problems, tables.columns, tables.cell_problems
    )


@dataclass(slots=True)
class ItemRun:
    """One item's run over the workforce: its results (:data:`KEPT`), every reject, and
    the rows it left to other items."""

    results: pl.DataFrame
    rejects: pl.DataFrame
    unread: dict[str, int] = field(default_factory=dict)
    """Rows per sheet holding only other items' records (left out before reading)."""


@dataclass(slots=True)
class Workforce:
    """The employees every item appraises: the input read once, as chunks."""

    path: Path
    chunks: Chunks
    employees: pl.DataFrame
    """``nip``, ``unit_kerja``, ``jabatan``, ``golongan`` of every pegawai row read."""
    present: Codes
    """The indicator, aspect and rater-group codes its records carry."""
    columns: frozenset[str]
    """The pegawai columns it has."""
    units: pl.DataFrame
    """Each unit's own predikat and the leader's sign-off, for the distribution guideline
    (:func:`kinerja.builtin.guideline.units_from`)."""

    def missing(self, rules: RuleSet) -> tuple[str, ...]:
        """What ``rules`` read that this workforce does not carry, in words: required
        pegawai columns, indicators without a capaian row, aspects and rater groups
        without a rating."""
        needs = Codes.of(rules)
        columns = [a.name for a in rules.inputs.values() if a.required]
        found = [
            *(_("column {name}", name=c) for c in columns if c not in self.columns),
            *(
                _("indicator {code}", code=c)
                for c in sorted(needs.indicators - self.present.indicators)
            ),
            *(_("aspect {code}", code=c) for c in sorted(needs.aspects - self.present.aspects)),
            *(_("rater group {code}", code=c) for c in sorted(needs.groups - self.present.groups)),
        ]
        return tuple(found)

    def close(self) -> None:
        """Remove what the chunks keep on disk."""
        self.chunks.close()

    def __enter__(self) -> Workforce:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def appraise(
        self,
        rules: RuleSet,
        others: Sequence[RuleSet],
        pm: pluggy.PluginManager,
        advance: Callable[[int], None] | None = None,
    ) -> ItemRun:
        """The run of ``rules`` over the workforce, without the records only ``others``
        read."""
        foreign = foreign_codes(rules, others)
        unread: dict[str, int] = {}
        chunks = self.chunks.again(lambda t: without_foreign(t, foreign, unread))
        results, rejects = [], []
        for chunk in appraise_chunks(rules, chunks, pm, advance=advance):
            out = chunk.output.results
            results.append(out.select([c for c in KEPT if c in out.columns]))
            rejects.append(chunk.output.rejects.select(_REJECT_COLUMNS))
        frame = pl.concat(results, how="diagonal_relaxed") if results else pl.DataFrame()
        return ItemRun(_typed(frame), pl.concat(rejects, how="diagonal_relaxed"), unread)


def _typed(results: pl.DataFrame) -> pl.DataFrame:
    """``results`` with every :data:`KEPT` column, score as Float64 and predikat as text."""
    missing = [c for c in KEPT if c not in results.columns]
    results = results.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    return results.select(KEPT).with_columns(
        pl.col("score").cast(pl.Float64, strict=False),
        pl.col("predikat").cast(pl.String),
        pl.col("status").cast(pl.String),
    )


def open_workforce(
    path: str | Path, size: int = CHUNK_EMPLOYEES, *, stream_bytes: int = STREAM_BYTES
) -> Workforce:
    """The workforce at ``path``, read once into chunks that every item reads again.

    :raises kinerja.errors.InputError: the input cannot be read at all.
    """
    with doing(stage=_("reading {path}", path=path)):
        chunks = open_chunks(path, size, stream_bytes=stream_bytes, again=True)
    assert chunks.replay is not None  # open_chunks(again=True) always can
    people, codes, columns, units = [], [], set(), []
    for tables in chunks.replay():  # a chunk holds whole units
        pegawai = tables.frames.get("pegawai", pl.DataFrame())
        people.append(_people(tables))
        codes.append(_codes(tables))
        columns |= set(pegawai.columns)
        if "unit_kerja" in pegawai.columns:
            units.append(units_from(pegawai))
    present = Codes(*(frozenset().union(*(c[i] for c in codes)) for i in range(3)))
    employees = pl.concat(people, how="diagonal_relaxed")
    unit_frame = pl.concat(units, how="diagonal_relaxed") if units else pl.DataFrame()
    return Workforce(Path(path), chunks, employees, present, frozenset(columns), unit_frame)


def _codes(tables: Tables) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The indicator, aspect and rater-group codes of one chunk's records."""

    def distinct(sheet: str, column: str, expr: pl.Expr) -> frozenset[str]:
        frame = tables.frames.get(sheet)
        if frame is None or column not in frame.columns:
            return frozenset()
        written = frame.select(pl.col(column).unique())  # few codes, written many times
        return frozenset(written.select(expr.unique()).to_series().drop_nulls().to_list())

    return (
        distinct("capaian", "indikator", _code("indikator")),
        distinct("penilaian", "aspek", _code("aspek")),
        distinct("penilaian", "kelompok", _group("kelompok")),
    )


def _people(tables: Tables) -> pl.DataFrame:
    """The identity of each pegawai row of one chunk, as text (null where absent)."""
    wanted = ("nip", "unit_kerja", "jabatan", "golongan")
    frame = tables.frames.get("pegawai", pl.DataFrame())
    columns = [
        pl.col(c).str.strip_chars() if c in frame.columns else pl.lit(None, pl.String).alias(c)
        for c in wanted
    ]
    return frame.select(columns) if frame.width else pl.DataFrame(schema=dict.fromkeys(wanted))
