"""Patient requests: appointment and follow-up requests sent from the kiosk.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types are spelled out rather than imported from kiosk.storage.models, so this
# script keeps building the same table however the models change later.
# UTCDateTime is DateTime(timezone=True) underneath; JSON's none_as_null is
# Python-side only and changes no DDL.


def upgrade() -> None:
    op.create_table(
        "patient_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="new", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("contact_method", sa.String(length=20), nullable=False),
        sa.Column("contact_times", sa.JSON(), nullable=False),
        sa.Column("consent_to_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_to_texts", sa.Boolean(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_patient_requests_reference")),
    )
    with op.batch_alter_table("patient_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_requests_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_patient_requests_urgent"), ["urgent"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("patient_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_requests_urgent"))
        batch_op.drop_index(batch_op.f("ix_patient_requests_created_at"))

    op.drop_table("patient_requests")
