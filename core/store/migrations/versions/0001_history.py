"""The history database: runs, results with components and stages, dialogues,
objections, decisions and result changes (see :mod:`kinerja.store.schema`).

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NIP = sa.String(18)
MOMENT = sa.DateTime(timezone=True)


def _result_key(table: str) -> sa.ForeignKeyConstraint:
    """(run_id, nip) of ``table`` refers to a stored result."""
    return sa.ForeignKeyConstraint(
        ["run_id", "nip"],
        ["results.run_id", "results.nip"],
        ondelete="CASCADE",
        name=f"fk_{table}_result",
    )


def upgrade() -> None:
    """Create every table, key and index."""
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("rules_version", sa.Text, nullable=False),
        sa.Column("rules_sha256", sa.String(64)),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("input_sha256", sa.String(64)),
        sa.Column("engine_version", sa.String(50), nullable=False),
        sa.Column("run_on", sa.Date),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("employees_in", sa.Integer, nullable=False),
        sa.Column("appraised", sa.Integer, nullable=False),
        sa.Column("rejected_employees", sa.Integer, nullable=False),
        sa.Column("rejected_rows", sa.Integer, nullable=False),
        sa.Column("rows_in", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("region", "rules_sha256", "input_sha256", name="uq_runs_same_input"),
    )
    op.create_table(
        "results",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("nama", sa.Text),
        sa.Column("jabatan", sa.Text),
        sa.Column("unit_kerja", sa.Text),
        sa.Column("golongan", sa.Text),
        sa.Column("atasan_nip", NIP),
        sa.Column("input_row", sa.Integer),
        sa.Column("score", sa.Float),
        sa.Column("predikat", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("peer_rank", sa.Text),
        sa.PrimaryKeyConstraint("run_id", "nip", name="pk_results"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], ondelete="CASCADE", name="fk_results_run_id_runs"
        ),
    )
    op.create_index("ix_results_nip", "results", ["nip"])
    op.create_table(
        "result_components",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("text", sa.Text),
        sa.PrimaryKeyConstraint("run_id", "nip", "name", name="pk_result_components"),
        _result_key("result_components"),
    )
    op.create_table(
        "result_stages",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("done_on", sa.Date),
        sa.Column("done_by", sa.Text),  # the raters' NIPs, ", "-joined
        sa.PrimaryKeyConstraint("run_id", "nip", "stage", name="pk_result_stages"),
        _result_key("result_stages"),
    )
    _item_three_tables()


def _item_three_tables() -> None:
    """The tables objections, decisions and dialogues fill (empty at first)."""
    op.create_table(
        "dialogues",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("agreed_actions", sa.Text),
        sa.Column("recorded_by", NIP),
        sa.Column("recorded_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dialogues"),
        _result_key("dialogues"),
    )
    op.create_index("ix_dialogues_result", "dialogues", ["run_id", "nip"])
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("filed_by", NIP, nullable=False),
        sa.Column("received_on", sa.Date),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recorded_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_objections"),
        _result_key("objections"),
    )
    op.create_index("ix_objections_result", "objections", ["run_id", "nip"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("objection_id", sa.Integer, nullable=False),
        sa.Column("decided_by", NIP, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("new_predikat", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("recorded_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["objections.id"],
            ondelete="CASCADE",
            name="fk_decisions_objection_id_objections",
        ),
        sa.UniqueConstraint("objection_id", name="uq_decisions_objection_id"),
    )
    op.create_table(
        "result_changes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("nip", NIP, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("action", sa.Text),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("changed_by", sa.Text),
        sa.Column("changed_on", sa.Date),
        sa.Column("reason", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("decision_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_result_changes"),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            ondelete="SET NULL",
            name="fk_result_changes_decision_id_decisions",
        ),
        _result_key("result_changes"),
    )
    op.create_index("ix_result_changes_result", "result_changes", ["run_id", "nip"])


def downgrade() -> None:
    """Drop every table, those that refer to others first."""
    for table in (
        "result_changes",
        "decisions",
        "objections",
        "dialogues",
        "result_stages",
        "result_components",
        "results",
        "runs",
    ):
        op.drop_table(table)
