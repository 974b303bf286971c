"""The drop folder's queue: each new request and each status change, kept until its FHIR bundle is written.

`handoff_queue` is filled by triggers on patient_requests, so a row is added in the very transaction that
stores a request or changes its status, whichever code path does it (a kiosk's submit, an outbox forwarded
later, the console, an undo), and never when that transaction rolls back. The triggers add rows only while
`handoff_state.enabled` is set (a PC with a drop folder in its settings sets it), so a clinic without a drop
folder keeps no queue. The row keeps the status, version and time of the change, so the bundle written later
is the one of that moment. Ids never repeat (AUTOINCREMENT on SQLite), since they name the files in order.

A later migration that rebuilds patient_requests in batch mode on SQLite drops these triggers: put them back
(the statements below). On PostgreSQL the trigger function runs as the tables' owner (SECURITY DEFINER), so a
kiosk's submit keeps working even before IT grants the PCs' role its rights on the new tables.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The moment of the change: a new request's own time, or the status change's.
_ROW = "(NEW.id, NEW.version, NEW.status, COALESCE(NEW.status_changed_at, NEW.created_at))"
_INSERT = f"INSERT INTO handoff_queue (request_id, version, status, changed_at) VALUES {_ROW};"
SQLITE_TRIGGERS = (
    "CREATE TRIGGER handoff_new_request AFTER INSERT ON patient_requests "
    f"WHEN (SELECT enabled FROM handoff_state WHERE id = 1) BEGIN {_INSERT} END",
    "CREATE TRIGGER handoff_status_change AFTER UPDATE OF status ON patient_requests "
    f"WHEN NEW.status IS NOT OLD.status AND (SELECT enabled FROM handoff_state WHERE id = 1) BEGIN {_INSERT} END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION handoff_enqueue() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    f"IF EXISTS (SELECT 1 FROM handoff_state WHERE id = 1 AND enabled) THEN {_INSERT} END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER handoff_new_request AFTER INSERT ON patient_requests "
    "FOR EACH ROW EXECUTE FUNCTION handoff_enqueue()",
    "CREATE TRIGGER handoff_status_change AFTER UPDATE OF status ON patient_requests "
    "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION handoff_enqueue()",
)


def upgrade() -> None:
    op.create_table(
        "handoff_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["patient_requests.id"],
            name=op.f("fk_handoff_queue_request_id_patient_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_queue")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_handoff_queue_request_id"), "handoff_queue", ["request_id"])
    state = op.create_table(
        "handoff_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("folder_state", sa.String(length=20), server_default="unknown", nullable=False),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by", sa.String(length=255), nullable=True),
        sa.Column("last_written_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_state")),
    )
    op.bulk_insert(state, [{"id": 1, "enabled": False, "folder_state": "unknown"}])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS handoff_new_request")
        op.execute("DROP TRIGGER IF EXISTS handoff_status_change")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS handoff_new_request ON patient_requests")
        op.execute("DROP TRIGGER IF EXISTS handoff_status_change ON patient_requests")
        op.execute("DROP FUNCTION IF EXISTS handoff_enqueue()")
    op.drop_table("handoff_state")
    op.drop_index(op.f("ix_handoff_queue_request_id"), table_name="handoff_queue")
    op.drop_table("handoff_queue")
