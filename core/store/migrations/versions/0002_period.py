"""The period each run appraised: the rules' ``valid_from`` and ``valid_to``, so that a
person's history reads in the order of the periods, not of the days the runs were made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``period_from`` and ``period_to`` to ``runs`` (null for runs stored before)."""
    with op.batch_alter_table("runs") as runs:
        runs.add_column(sa.Column("period_from", sa.Date))
        runs.add_column(sa.Column("period_to", sa.Date))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("runs") as runs:
        runs.drop_column("period_to")
        runs.drop_column("period_from")
