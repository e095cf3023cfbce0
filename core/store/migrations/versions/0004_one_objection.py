"""One objection per stored result: the database itself refuses a second one, so two
filings at once cannot both stand (PP 30/2019: a result is objected to once).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A unique key on ``objections`` (``run_id``, ``nip``)."""
    with op.batch_alter_table("objections") as objections:
        objections.create_unique_constraint("uq_objections_run_id", ["run_id", "nip"])


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("objections") as objections:
        objections.drop_constraint("uq_objections_run_id", type_="unique")
