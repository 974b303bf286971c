"""Offline kiosks: reference codes reserved per kiosk, and each kiosk's outbox backlog.

A kiosk whose PostgreSQL server cannot be reached keeps requests in a local encrypted
outbox and gives the patient one of the codes it reserved while online, so the code is
still that patient's when the request reaches the server (kiosk/services/outbox.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reserved_references",
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_reserved_references")),
    )
    op.create_index(op.f("ix_reserved_references_workstation"), "reserved_references", ["workstation"])
    # ADD COLUMN with a constant default: SQLite adds it in place, no batch copy of the table.
    op.add_column("workstations", sa.Column("outbox_backlog", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("workstations") as batch:
        batch.drop_column("outbox_backlog")
    op.drop_index(op.f("ix_reserved_references_workstation"), table_name="reserved_references")
    op.drop_table("reserved_references")
