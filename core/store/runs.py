"""Store a run in the history database, and read a person's history back.

A run is stored in ONE transaction: its ``runs`` row, every result, each result's
components and review stages, and the run's own audit entries (``result_changes``).
An interrupted store (an error, a part that cannot be read, a lost connection) leaves
the database as it was.

A rerun of the same input under the same rules in the same region (same
``rules_sha256`` and ``input_sha256``) is recognised: the run already stored is
returned, with :attr:`StoredRun.existing` set, and nothing is written again.

Rows go in at the columnar engine's speed: each frame is prepared as columns by polars,
then handed to the driver in bulk through SQLAlchemy's connection (the DB-API
``executemany`` of an INSERT that SQLAlchemy compiles, on SQLite; ``COPY ... FROM
STDIN`` with polars' CSV, on PostgreSQL), never row by row through the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from kinerja.frames import RunOutput, RunParts, StepInfo
from kinerja.i18n import _
from kinerja.output.write_parts import as_parts
from kinerja.store.db import DatabaseSource, using
from kinerja.store.schema import (
    DIALOGUES,
    RESULT_CHANGES,
    RESULT_COMPONENTS,
    RESULT_STAGES,
    RESULTS,
    RUNS,
)

__all__ = [
    "StoredRun",
    "bulk_insert",
    "history",
    "stored_results",
    "store_run",
    "utc_moment",
]

COPY_ROWS = 200_000
"""Rows per CSV block sent to PostgreSQL's COPY."""


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run in the database: its id, whether it was there already, how many results."""

    id: int
    existing: bool
    """True: the same input under the same rules was stored before; nothing was written."""
    results: int

    def message(self) -> str:
        """What happened, in words for the person who ran it."""
        if self.existing:
            return _(
                "History: this input was already stored under the same rules as run {id}; "
                "not stored again",
                id=self.id,
            )
        return _("History: stored as run {id} ({n} results)", id=self.id, n=self.results)


def store_run(
    source: DatabaseSource,
    run: RunOutput | RunParts,
    rules_sha256: str | None = None,
    input_sha256: str | None = None,
    *,
    created_at: dt.datetime | None = None,
    period: tuple[str, str | None] | None = None,
    dialogue: Mapping[str, str] | None = None,
) -> StoredRun:
    """Store ``run`` (every part of it) in one transaction, unless it is stored already.

    :param source: a database URL (opened, upgraded and closed here) or an engine from
        :func:`kinerja.store.db.open_database`.
    :param rules_sha256: the rules' hash; default the run's own (``run.info``).
    :param input_sha256: the input's hash; default the run's own. A run without both
        hashes is never taken for another one.
    :param created_at: when it is stored (default now, UTC).
    :param period: the period the run appraised, ISO ``(from, to)`` (the rules'
        ``valid_from`` and ``valid_to``): the order of a person's history.
    :param dialogue: the input columns that record the review dialogue, by part
        (``held_on``, ``notes``, ``agreed_actions``): each result with a ``held_on``
        gets its dialogue stored.
    """
    parts = as_parts(run)
    rules_hash = rules_sha256 or parts.info.rules_sha256 or None
    input_hash = input_sha256 or parts.info.input_sha256 or None
    with using(source) as engine:
        try:
            with engine.begin() as connection:
                found = _same_run(connection, parts.info.region, rules_hash, input_hash)
                if found is not None:
                    return found
                moment = utc_moment(created_at)
                run_id = _insert_run(connection, parts, (rules_hash, input_hash), moment, period)
                written = (_store_part(connection, run_id, parts, i, dict(dialogue or {}), moment)
                           for i in range(parts.count))  # fmt: skip
                stored = sum(written)
                return StoredRun(run_id, False, stored)
        except sa.exc.IntegrityError:
            # Someone stored the same run meanwhile: theirs is the run.
            with engine.connect() as connection:
                found = _same_run(connection, parts.info.region, rules_hash, input_hash)
            if found is None:
                raise
            return found


def _same_run(
    connection: sa.Connection, region: str, rules_hash: str | None, input_hash: str | None
) -> StoredRun | None:
    """The stored run of the same region, rules and input, if there is one."""
    if rules_hash is None or input_hash is None:
        return None
    query = (
        sa.select(RUNS.c.id, RUNS.c.appraised)
        .where(RUNS.c.region == region)
        .where(RUNS.c.rules_sha256 == rules_hash)
        .where(RUNS.c.input_sha256 == input_hash)
    )
    row = connection.execute(query).first()
    if row is None:
        return None
    count = sa.select(sa.func.count()).select_from(RESULTS).where(RESULTS.c.run_id == row.id)
    return StoredRun(row.id, True, connection.execute(count).scalar_one())


def _insert_run(
    connection: sa.Connection,
    parts: RunParts,
    hashes: tuple[str | None, str | None],
    created_at: dt.datetime,
    period: tuple[str, str | None] | None,
) -> int:
    """The run's own row; its new id."""
    info = parts.info
    rules_hash, input_hash = hashes
    start, end = period or (None, None)
    row = {
        "region": info.region,
        "rules_version": info.rules_version,
        "rules_sha256": rules_hash,
        "input": info.input,
        "input_sha256": input_hash,
        "engine_version": info.engine_version,
        "run_on": dt.date.fromisoformat(info.run_on) if info.run_on else None,
        "created_at": created_at,
        "employees_in": info.employees_in,
        "appraised": info.appraised,
        "rejected_employees": info.rejected_employees,
        "rejected_rows": info.rejected_rows,
        "rows_in": dict(info.rows_in),
        "period_from": dt.date.fromisoformat(start) if start else None,
        "period_to": dt.date.fromisoformat(end) if end else None,
    }
    return connection.execute(sa.insert(RUNS).values(row)).inserted_primary_key[0]


def utc_moment(moment: dt.datetime | None) -> dt.datetime:
    """``moment`` (default now) in UTC, as every database keeps it (SQLite keeps no
    offset, so a time in another zone would read back hours off).

    :raises ValueError: ``moment`` has no time zone.
    """
    if moment is None:
        return dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("a stored time needs a time zone (e.g. datetime.now(UTC))")
    return moment.astimezone(dt.UTC)


def _store_part(
    connection: sa.Connection,
    run_id: int,
    parts: RunParts,
    index: int,
    dialogue: dict[str, str],
    moment: dt.datetime,
) -> int:
    """Part ``index``'s results, components, stages, dialogues and audit entries; how
    many results."""
    results = parts.frame("results", index)
    incomplete = parts.frame("flags", index).filter(pl.col("code") == "incomplete")["nip"]
    bulk_insert(connection, RESULTS, result_rows(results, run_id, incomplete))
    if "held_on" in dialogue:  # few (one per result at most): through SQLAlchemy's types
        dialogues = dialogue_rows(results, dialogue, run_id, moment)
        if dialogues.height:
            connection.execute(sa.insert(DIALOGUES), dialogues.to_dicts())
    bulk_insert(connection, RESULT_COMPONENTS, component_rows(results, parts.components, run_id))
    bulk_insert(connection, RESULT_STAGES, stage_rows(parts.frame("stages", index), run_id))
    bulk_insert(connection, RESULT_CHANGES, change_rows(parts.frame("audit", index), run_id))
    return results.height


# ------------------------------------------------------------------ frames as rows


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType, alias: str = "") -> pl.Expr:
    """Column ``name`` of ``frame`` as ``dtype`` (all missing when the frame lacks it)."""
    expr = pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype)
    return expr.alias(alias or name)


def _iso_date(frame: pl.DataFrame, name: str, alias: str) -> pl.Expr:
    """An ISO date column as ISO text (what both databases read as a date; NULL when it
    is not a date)."""
    if name not in frame.columns:
        return pl.lit(None, pl.String).alias(alias)
    day = pl.col(name).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    return day.dt.to_string("%Y-%m-%d").alias(alias)


def result_rows(
    results: pl.DataFrame, run_id: int, incomplete: pl.Series | None = None
) -> pl.DataFrame:
    """``results`` rows as the columns of table ``results`` (``incomplete``: the NIPs of
    the results flagged incomplete)."""
    text = pl.String()
    lacking = pl.col("nip").is_in(incomplete.implode()) if incomplete is not None else None
    return results.select(
        pl.lit(run_id, pl.Int64).alias("run_id"),
        _column(results, "nip", text),
        *(_column(results, name, text) for name in ("nama", "jabatan", "unit_kerja")),
        *(_column(results, name, text) for name in ("golongan", "atasan_nip")),
        _column(results, "_row", pl.Int64(), "input_row"),
        _column(results, "score", pl.Float64()),
        _column(results, "predikat", text),
        _column(results, "status", text),
        _column(results, "peer_rank", text),
        (pl.lit(None, pl.Boolean) if lacking is None else lacking).alias("incomplete"),
    )


def dialogue_rows(
    results: pl.DataFrame, columns: dict[str, str], run_id: int, moment: dt.datetime
) -> pl.DataFrame:
    """The review dialogue of each result that has its date (``columns``: the input
    column of each part), as rows of ``dialogues`` (``recorded_at``: ``moment``)."""

    def part(name: str) -> pl.Expr:
        column = columns.get(name)
        return _column(results, column, pl.String(), name) if column else pl.lit(None, pl.String)

    rows = results.select(
        pl.lit(run_id, pl.Int64).alias("run_id"),
        "nip",
        _iso_date(results, columns["held_on"], "held_on").str.to_date(),
        part("notes").alias("notes"),
        part("agreed_actions").alias("agreed_actions"),
        pl.lit(None, pl.String).alias("recorded_by"),
    )
    return rows.filter(pl.col("held_on").is_not_null()).with_columns(
        pl.lit(moment).alias("recorded_at")
    )


def component_rows(
    results: pl.DataFrame, components: tuple[StepInfo, ...], run_id: int
) -> pl.DataFrame:
    """Each result's components (in the rules' order) as rows of ``result_components``:
    a number in ``value``, anything else as text in ``text``."""
    each = []
    for position, step in enumerate(components, start=1):
        if step.name not in results.columns:
            continue
        numeric = results.schema[step.name].is_numeric()
        raw = pl.col(step.name)
        each.append(
            results.select(
                pl.lit(run_id, pl.Int64).alias("run_id"),
                "nip",
                pl.lit(step.name).alias("name"),
                pl.lit(position, pl.Int64).alias("position"),
                (raw.cast(pl.Float64) if numeric else pl.lit(None, pl.Float64)).alias("value"),
                (pl.lit(None, pl.String) if numeric else raw.cast(pl.String)).alias("text"),
            )
        )
    if not each:
        return pl.DataFrame(schema={c.name: pl.String for c in RESULT_COMPONENTS.columns})
    return pl.concat(each)


def stage_rows(stages: pl.DataFrame, run_id: int) -> pl.DataFrame:
    """The stages frame as rows of ``result_stages`` (``position`` counts from 1 within
    each result, in the frame's order: the region's)."""
    return stages.select(
        pl.lit(run_id, pl.Int64).alias("run_id"),
        "nip",
        pl.col("id").alias("stage"),
        (pl.int_range(pl.len()).over("nip") + 1).cast(pl.Int64).alias("position"),
        "label",
        "status",
        "detail",
        pl.col("done_on").str.to_date(strict=False).alias("done_on"),
        "done_by",
    )


def change_rows(audit: pl.DataFrame, run_id: int) -> pl.DataFrame:
    """The run's audit frame (objections decided in its workbook, which change the
    predikat) as rows of ``result_changes``."""
    return audit.select(
        pl.lit(run_id, pl.Int64).alias("run_id"),
        "nip",
        pl.lit("predikat").alias("field"),
        "action",
        "before",
        "after",
        pl.col("by").alias("changed_by"),
        _iso_date(audit, "date", "changed_on"),
        "reason",
        "source",
    )


# ------------------------------------------------------------------ bulk insert


def bulk_insert(connection: sa.Connection, table: sa.Table, rows: pl.DataFrame) -> None:
    """``rows`` (columns named as ``table``'s) into ``table``, in the connection's
    transaction: COPY on PostgreSQL, the driver's ``executemany`` elsewhere."""
    if rows.height == 0:
        return
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        if connection.dialect.name == "postgresql":
            _copy(connection, table, rows)
        else:
            _executemany(connection, table, rows)
    except driver_error as exc:  # as SQLAlchemy's own (IntegrityError...), as if it ran it
        statement = f"bulk insert into {table.name}"
        raise sa.exc.DBAPIError.instance(statement, None, exc, driver_error) from exc


def _executemany(connection: sa.Connection, table: sa.Table, rows: pl.DataFrame) -> None:
    """The INSERT SQLAlchemy compiles for these columns, run by the DB-API's
    ``executemany`` on the rows as tuples."""
    compiled = sa.insert(table).compile(dialect=connection.dialect, column_keys=rows.columns)
    order = list(compiled.positiontup or rows.columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(str(compiled), rows.select(order).iter_rows())
    finally:
        cursor.close()


def _copy(connection: sa.Connection, table: sa.Table, rows: pl.DataFrame) -> None:
    """``COPY table (columns) FROM STDIN`` fed with polars' CSV, block by block (an
    empty text is quoted, a missing value is not: PostgreSQL reads them apart)."""
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in rows.columns)
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN (FORMAT csv)"
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for block in rows.iter_slices(COPY_ROWS):
                copy.write(block.write_csv(include_header=False))


# ------------------------------------------------------------------ reading back

HISTORY = {
    "run_id": pl.Int64,
    "region": pl.String,
    "rules_version": pl.String,
    "period_from": pl.Date,
    "period_to": pl.Date,
    "run_on": pl.Date,
    "created_at": pl.Datetime("us", "UTC"),
    "nama": pl.String,
    "unit_kerja": pl.String,
    "score": pl.Float64,
    "predikat": pl.String,
    "status": pl.String,
    "peer_rank": pl.String,
}
"""The columns of :func:`history`."""


def history(source: DatabaseSource, nip: str) -> pl.DataFrame:
    """The results of ``nip`` across stored runs, oldest first (by the period appraised,
    then the day of the run, then when it was stored), with :data:`HISTORY`'s columns."""
    stamps = ("region", "rules_version", "period_from", "period_to", "run_on", "created_at")
    query = (
        sa.select(
            *(RUNS.c[n] for n in stamps),
            RUNS.c.id.label("run_id"),
            *(
                RESULTS.c[n]
                for n in ("nama", "unit_kerja", "score", "predikat", "status", "peer_rank")
            ),
        )  # fmt: skip
        .join_from(RESULTS, RUNS, RESULTS.c.run_id == RUNS.c.id)
        .where(RESULTS.c.nip == nip)
        .order_by(
            RUNS.c.period_from.nulls_first(),
            RUNS.c.run_on.nulls_first(),
            RUNS.c.created_at,
            RUNS.c.id,
        )
    )
    with using(source) as engine, engine.connect() as connection:
        rows = [row._asdict() for row in connection.execute(query)]
    for row in rows:  # one row per run of one person
        row["created_at"] = _utc(row["created_at"])
    return pl.DataFrame(rows, schema=HISTORY, orient="row").select(list(HISTORY))


CHANGES = {
    "run_id": pl.Int64,
    "field": pl.String,
    "action": pl.String,
    "before": pl.String,
    "after": pl.String,
    "changed_by": pl.String,
    "changed_on": pl.Date,
    "reason": pl.String,
    "source": pl.String,
}
"""The columns of :func:`changes`."""


def changes(source: DatabaseSource, nip: str) -> pl.DataFrame:
    """Every change made to ``nip``'s stored results (an objection's decision...), in the
    order of their runs and then as made: who, when, why, what before and after."""
    query = (
        sa.select(*(RESULT_CHANGES.c[n] for n in CHANGES))
        .where(RESULT_CHANGES.c.nip == nip)
        .order_by(RESULT_CHANGES.c.run_id, RESULT_CHANGES.c.id)
    )
    with using(source) as engine, engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(rows, schema=CHANGES, orient="row")


def stored_results(source: DatabaseSource, run_id: int) -> pl.DataFrame:
    """The ``results`` rows of stored run ``run_id``, by NIP."""
    columns = [c for c in RESULTS.columns if c.name != "run_id"]
    query = sa.select(*columns).where(RESULTS.c.run_id == run_id).order_by(RESULTS.c.nip)
    schema = {c.name: _polars_type(c.type) for c in columns}
    with using(source) as engine, engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _polars_type(column_type: sa.types.TypeEngine) -> type[pl.DataType]:
    """The polars type of a column of ours."""
    if isinstance(column_type, sa.Float):
        return pl.Float64
    if isinstance(column_type, sa.Integer):
        return pl.Int64
    return pl.String


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` in UTC (SQLite gives back the UTC time it was given, without zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
