"""Whether a result was incomplete (a rater group below its minimum, a missing value),
so that a stage completed after the run (a dialogue recorded with kinerja dialogue) can
tell whether the result becomes final.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``incomplete`` to ``results`` (null for results stored before: not known)."""
    with op.batch_alter_table("results") as results:
        results.add_column(sa.Column("incomplete", sa.Boolean))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("results") as results:
        results.drop_column("incomplete")
