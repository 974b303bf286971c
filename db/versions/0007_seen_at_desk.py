"""Seen at the desk: who acknowledged an urgent request's alarm, and when.

An urgent follow-up raises an alarm on every reception console until someone presses "Seen at the
desk" (or first acts on the request); these two columns record that press, and the overview's
"urgent request to seen at the desk" times are read from them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns with no default: SQLite adds them in place, no batch copy of the table.
    op.add_column("patient_requests", sa.Column("seen_at_desk_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("patient_requests", sa.Column("seen_at_desk_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient_requests") as batch:
        batch.drop_column("seen_at_desk_by")
        batch.drop_column("seen_at_desk_at")
