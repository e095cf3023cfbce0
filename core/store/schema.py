"""The history database's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The names below are stable: queries, reports and later migrations rely on them. A
change is a new Alembic revision under ``migrations/versions``, never an edit of an
applied one. Constraint and index names follow :data:`NAMING` so that every database
gives them the same names (a migration can then drop them by name).

``runs``
    One row per stored run. ``id`` (integer key), ``region``, ``rules_version``,
    ``rules_sha256``, ``input`` (the path or name read), ``input_sha256``,
    ``engine_version``, ``run_on`` (the day of the run), ``created_at`` (when it was
    stored, UTC), ``employees_in``, ``appraised``, ``rejected_employees``,
    ``rejected_rows``, ``rows_in`` (JSON: data rows read per sheet). A rerun of the same
    input under the same rules in the same region is the same run: (``region``,
    ``rules_sha256``, ``input_sha256``) is unique (a hash that is not known is NULL, and
    such a run is never taken for another).
``results``
    One row per appraised employee of a run, keyed by (``run_id``, ``nip``): ``nama``,
    ``jabatan``, ``unit_kerja``, ``golongan``, ``atasan_nip``, ``input_row`` (the pegawai
    row), ``score``, ``predikat``, ``status`` (``final`` or ``provisional``),
    ``peer_rank`` (e.g. ``3/12``; NULL when not ranked), ``incomplete`` (the result
    lacked ratings or values it needs, so it stays provisional whatever its stages; NULL
    for results stored before migration 0003). Indexed by ``nip`` for a person's history
    across runs.
``result_components``
    The rules' named components of each result: (``run_id``, ``nip``, ``name``) key,
    ``position`` (the rules' order), ``value`` (a number; NULL when missing or not a
    number) and ``text`` (the value as text when it is not a number).
``result_stages``
    The review stages of each result: (``run_id``, ``nip``, ``stage``) key, ``position``
    (the region's order), ``label``, ``status`` (``done``, ``pending``,
    ``out_of_order``), ``detail``, ``done_on`` and ``done_by`` (when known).
``dialogues``
    A dialogue between supervisor and employee about a result: ``id``, ``run_id``,
    ``nip``, ``held_on``, ``notes``, ``agreed_actions``, ``recorded_by`` (the
    supervisor who recorded it with kinerja dialogue; NULL when it came from the run's
    workbook), ``recorded_at``.
``objections``
    An objection (keberatan) against a stored result: ``id``, ``run_id``, ``nip``,
    ``filed_by``, ``received_on`` (the day the result was received), ``filed_on``,
    ``reason``, ``status`` (``filed``, ``decided``), ``recorded_at``. One per result:
    (``run_id``, ``nip``) is unique (migration 0004).
``decisions``
    The decision on an objection (at most one each): ``id``, ``objection_id``,
    ``decided_by``, ``decided_on``, ``outcome`` (``tetap`` keeps the result, ``ubah``
    changes it), ``new_predikat``, ``reason``, ``recorded_at``.
``result_changes``
    Every change to a stored result, keeping the original: ``id``, ``run_id``, ``nip``,
    ``field`` (e.g. ``predikat``), ``action`` (e.g. ``objection_changed``), ``before``,
    ``after``, ``changed_by``, ``changed_on``, ``reason``, ``source`` (where the change
    came from: a workbook row, a decision), ``decision_id`` (the decision that made it,
    when one did). A run's own audit frame (objections decided in its workbook) is
    stored here with the run.

Every table that belongs to a result refers to it by (``run_id``, ``nip``) with a
foreign key, so a result's parts cannot outlive it, nor name a result that is not
there.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "DECISIONS",
    "DIALOGUES",
    "NAMING",
    "OBJECTIONS",
    "RESULTS",
    "RESULT_CHANGES",
    "RESULT_COMPONENTS",
    "RESULT_STAGES",
    "RUNS",
    "metadata",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""How constraints and indexes are named, the same on every database."""

metadata = sa.MetaData(naming_convention=NAMING)

NIP = sa.String(18)
Text = sa.Text()
Moment = sa.DateTime(timezone=True)


def _result_key(table: str) -> sa.ForeignKeyConstraint:
    """(run_id, nip) of ``table`` refers to a stored result."""
    return sa.ForeignKeyConstraint(
        ["run_id", "nip"],
        ["results.run_id", "results.nip"],
        ondelete="CASCADE",
        name=f"fk_{table}_result",
    )


RUNS = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("rules_sha256", sa.String(64)),
    sa.Column("input", Text, nullable=False),
    sa.Column("input_sha256", sa.String(64)),
    sa.Column("engine_version", sa.String(50), nullable=False),
    sa.Column("run_on", sa.Date),
    sa.Column("created_at", Moment, nullable=False),
    sa.Column("employees_in", sa.Integer, nullable=False),
    sa.Column("appraised", sa.Integer, nullable=False),
    sa.Column("rejected_employees", sa.Integer, nullable=False),
    sa.Column("rejected_rows", sa.Integer, nullable=False),
    sa.Column("rows_in", sa.JSON, nullable=False),
    sa.Column("period_from", sa.Date),
    sa.Column("period_to", sa.Date),
    sa.UniqueConstraint("region", "rules_sha256", "input_sha256", name="uq_runs_same_input"),
)

RESULTS = sa.Table(
    "results",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("nama", Text),
    sa.Column("jabatan", Text),
    sa.Column("unit_kerja", Text),
    sa.Column("golongan", sa.Text),
    sa.Column("atasan_nip", NIP),
    sa.Column("input_row", sa.Integer),
    sa.Column("score", sa.Float),
    sa.Column("predikat", sa.Text),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("peer_rank", sa.Text),
    sa.Column("incomplete", sa.Boolean),
    sa.PrimaryKeyConstraint("run_id", "nip"),
    sa.Index("ix_results_nip", "nip"),
)

RESULT_COMPONENTS = sa.Table(
    "result_components",
    metadata,
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("text", Text),
    sa.PrimaryKeyConstraint("run_id", "nip", "name"),
    _result_key("result_components"),
)

RESULT_STAGES = sa.Table(
    "result_stages",
    metadata,
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("label", Text),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("detail", Text),
    sa.Column("done_on", sa.Date),
    sa.Column("done_by", sa.Text),  # the raters' NIPs, ", "-joined
    sa.PrimaryKeyConstraint("run_id", "nip", "stage"),
    _result_key("result_stages"),
)

DIALOGUES = sa.Table(
    "dialogues",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("notes", Text),
    sa.Column("agreed_actions", Text),
    sa.Column("recorded_by", NIP),
    sa.Column("recorded_at", Moment, nullable=False),
    _result_key("dialogues"),
    sa.Index("ix_dialogues_result", "run_id", "nip"),
)

OBJECTIONS = sa.Table(
    "objections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("filed_by", NIP, nullable=False),
    sa.Column("received_on", sa.Date),
    sa.Column("filed_on", sa.Date, nullable=False),
    sa.Column("reason", Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("recorded_at", Moment, nullable=False),
    _result_key("objections"),
    sa.Index("ix_objections_result", "run_id", "nip"),
    sa.UniqueConstraint("run_id", "nip", name="uq_objections_run_id"),
)

DECISIONS = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "objection_id",
        sa.Integer,
        sa.ForeignKey("objections.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("decided_by", NIP, nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("new_predikat", sa.Text),
    sa.Column("reason", Text),
    sa.Column("recorded_at", Moment, nullable=False),
)

RESULT_CHANGES = sa.Table(
    "result_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("nip", NIP, nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("action", sa.Text),
    sa.Column("before", Text),
    sa.Column("after", Text),
    sa.Column("changed_by", Text),
    sa.Column("changed_on", sa.Date),
    sa.Column("reason", Text),
    sa.Column("source", Text),
    sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id", ondelete="SET NULL")),
    _result_key("result_changes"),
    sa.Index("ix_result_changes_result", "run_id", "nip"),
)
