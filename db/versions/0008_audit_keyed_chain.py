"""Audit trail that cannot be quietly cut: hash version per row, wrapped chain keys, and the head on PostgreSQL.

Rows written from now on are sealed with an HMAC keyed from the database key (SQLite with a key) or
carry a versioned SHA-256 (no key); rows already stored keep version 0 and still verify as they were.
The trail's head (newest id and hash) is kept outside the table: a file beside the key for SQLite, and
on PostgreSQL the audit_head table, written only by a SECURITY DEFINER trigger. TRUNCATE, which row
triggers do not see, is refused on PostgreSQL too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_chain_keys_no_update BEFORE UPDATE ON audit_chain_keys "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_keys is append-only'); END",
    "CREATE TRIGGER audit_chain_keys_no_delete BEFORE DELETE ON audit_chain_keys "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_keys is append-only'); END",
)
_POSTGRESQL_STATEMENTS = (
    # audit_log_append_only() comes from 0003; TRUNCATE bypasses its row trigger, so refuse it as well.
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    "CREATE FUNCTION audit_chain_keys_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_chain_keys is append-only'; END $$",
    "CREATE TRIGGER audit_chain_keys_no_change BEFORE UPDATE OR DELETE ON audit_chain_keys "
    "FOR EACH ROW EXECUTE FUNCTION audit_chain_keys_append_only()",
    "CREATE TRIGGER audit_chain_keys_no_truncate BEFORE TRUNCATE ON audit_chain_keys "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_keys_append_only()",
    # Runs as the owner (SECURITY DEFINER), so the kiosk's login role needs no write right on audit_head.
    "CREATE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, NEW.id, NEW.row_hash) "
    "ON CONFLICT (id) DO UPDATE SET last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash "
    "WHERE audit_head.last_id < EXCLUDED.last_id; RETURN NULL; END $$",
    "CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_head_follow()",
    # Only audit_head_follow (a trigger, so depth 2 here) may change the head; a direct statement is refused.
    "CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN IF pg_trigger_depth() < 2 THEN RAISE EXCEPTION 'audit_head is kept by the audit trail'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER audit_head_no_change BEFORE INSERT OR UPDATE OR DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_guard()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard()",
)


def upgrade() -> None:
    # Not batch mode: a batch copy of audit_log would drop its append-only triggers. SQLite adds a
    # NOT NULL column with a constant default in place, without touching (or "updating") any row.
    op.add_column("audit_log", sa.Column("hash_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "audit_chain_keys",
        sa.Column("key_check", sa.String(length=16), nullable=False),
        sa.Column("wrapped", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_check", name=op.f("pk_audit_chain_keys")),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _POSTGRESQL_STATEMENTS[:-5]:
            op.execute(statement)
        # The head starts at the newest row already stored (written before the guard exists).
        op.execute(
            "INSERT INTO audit_head (id, last_id, last_hash) "
            "SELECT 1, id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1"
        )
        for statement in _POSTGRESQL_STATEMENTS[-5:]:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_keys_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_keys_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_head ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TABLE audit_head")
        op.execute("DROP TABLE audit_chain_keys")
        for function in ("audit_head_follow", "audit_head_guard", "audit_chain_keys_append_only"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    if dialect != "postgresql":
        op.drop_table("audit_head")
        op.drop_table("audit_chain_keys")
    # Dropping a column copies the table on SQLite, which drops its triggers: put 0003's back afterwards.
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash_version")
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
