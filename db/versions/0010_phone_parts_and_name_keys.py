"""Search by part of a phone number, and name keys without apostrophes, hyphens or spaces.

Part of a phone number ("0142", "555-0142", "504"): `phone_number_suffixes` holds every ending of 3 or more
digits of each stored number, so "the number contains these digits" is "one of its endings starts with them",
a range of an ordinary B-tree key on SQLite (SQLCipher, no trigram index) and PostgreSQL alike. Chosen over
digit n-grams, which need one lookup per n-gram and an intersection, and over pg_trgm, which only PostgreSQL
has (two designs to keep and test). Kept per number, not per request: one patient's requests share its
rows (about 9 rows a US number), and the phone index then finds the requests in queue order. Triggers keep
it, so every writer (a kiosk's submit, an outbox forwarded later, bulk demo data, an older program version
still running) adds to it, and the retention purge removes a number with the last request that held it.

The phone index gains status and kind, so a search counts and orders its matches inside the index.

Name keys are rebuilt with kiosk.domain.search.fold_name, which now drops apostrophes, hyphens and spaces
("O'Brien" -> "obrien") and folds a few Latin letters Unicode does not decompose ("Łukasz" -> "lukasz").
Only keys holding something other than a-z and 0-9 can change, so only those rows are read.

patient_requests is not rebuilt (plain CREATE INDEX and triggers), so migration 0009's triggers stay.
On PostgreSQL the trigger function runs as the tables' owner (SECURITY DEFINER), so a kiosk's submit keeps
working before IT grants the PCs' role its rights on the new table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

# The rule itself, not a copy: a later change to it comes with its own migration that rebuilds the keys again.
from kiosk.domain.search import fold_name

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIN_DIGITS = 3  # endings shorter than what a search may type are never looked up
_MAX_DIGITS = 15  # E.164's longest number
_BATCH = 5000

# Written out, not read from the models, so this script keeps meaning the same thing.
_OLD_PHONE = ["phone_e164", "urgent", "created_at", "id"]
_NEW_PHONE = ["phone_e164", "urgent", "created_at", "id", "status", "kind"]

# SQLite allows no WITH inside a trigger, so the start positions are written out. "+" is the only non-digit
# an E.164 number holds.
_POSITIONS = " UNION ALL ".join(f"SELECT {n} AS k" for n in range(1, _MAX_DIGITS - MIN_DIGITS + 2))


def _sqlite_endings(row: str) -> str:
    """SELECT of every ending of MIN_DIGITS or more digits of `row`'s number (NEW or OLD)."""
    digits = f"replace({row}.phone_e164, '+', '')"
    return f"SELECT substr({digits}, k) AS s FROM ({_POSITIONS}) WHERE length({digits}) - k + 1 >= {MIN_DIGITS}"


_SQLITE_ADD = (
    "INSERT OR IGNORE INTO phone_number_suffixes (suffix, phone_e164) "
    f"SELECT e.s, NEW.phone_e164 FROM ({_sqlite_endings('NEW')}) AS e;"
)
_SQLITE_REMOVE = (
    "DELETE FROM phone_number_suffixes WHERE phone_e164 = OLD.phone_e164 "
    f"AND suffix IN ({_sqlite_endings('OLD')}) "
    "AND NOT EXISTS (SELECT 1 FROM patient_requests WHERE phone_e164 = OLD.phone_e164);"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER phone_suffixes_add AFTER INSERT ON patient_requests BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER phone_suffixes_remove AFTER DELETE ON patient_requests BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER phone_suffixes_change AFTER UPDATE OF phone_e164 ON patient_requests "
    f"WHEN NEW.phone_e164 IS NOT OLD.phone_e164 BEGIN {_SQLITE_ADD} {_SQLITE_REMOVE} END",
)


def _postgresql_endings(row: str) -> str:
    return (
        f"SELECT substr(p.d, k) AS s FROM (SELECT replace({row}.phone_e164, '+', '') AS d) AS p, "
        f"generate_series(1, length(p.d) - {MIN_DIGITS - 1}) AS k"
    )


POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION phone_suffixes_follow() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "IF TG_OP <> 'DELETE' THEN "
    f"INSERT INTO phone_number_suffixes (suffix, phone_e164) SELECT e.s, NEW.phone_e164 "
    f"FROM ({_postgresql_endings('NEW')}) AS e ON CONFLICT DO NOTHING; END IF; "
    "IF TG_OP <> 'INSERT' THEN "
    "IF NOT EXISTS (SELECT 1 FROM patient_requests WHERE phone_e164 = OLD.phone_e164) THEN "
    "DELETE FROM phone_number_suffixes WHERE phone_e164 = OLD.phone_e164 "
    f"AND suffix IN ({_postgresql_endings('OLD')}); END IF; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER phone_suffixes_add_remove AFTER INSERT OR DELETE ON patient_requests "
    "FOR EACH ROW EXECUTE FUNCTION phone_suffixes_follow()",
    "CREATE TRIGGER phone_suffixes_change AFTER UPDATE OF phone_e164 ON patient_requests "
    "FOR EACH ROW WHEN (OLD.phone_e164 IS DISTINCT FROM NEW.phone_e164) EXECUTE FUNCTION phone_suffixes_follow()",
)
# Keys that may fold differently now: anything but a-z and 0-9 (an apostrophe, a space, a letter such as "ł").
_CHANGEABLE = {"sqlite": "{} GLOB '*[^a-z0-9]*'", "postgresql": "{} ~ '[^a-z0-9]'"}


def endings(phone_e164: str) -> list[str]:
    """What the triggers store for one number."""
    digits = phone_e164.lstrip("+")
    return [digits[start:] for start in range(len(digits) - MIN_DIGITS + 1)]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "phone_number_suffixes",
        sa.Column("suffix", sa.String(length=15), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("suffix", "phone_e164", name=op.f("pk_phone_number_suffixes")),
        sqlite_with_rowid=False,
    )
    # Plain CREATE INDEX: SQLite adds an index without rebuilding the table (no batch copy needed).
    op.drop_index("ix_patient_requests_phone_queue", table_name="patient_requests")
    op.create_index("ix_patient_requests_phone_queue", "patient_requests", _NEW_PHONE)
    _fill_endings()
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, ()):
        op.execute(statement)
    _rebuild_name_keys(dialect)


def _fill_endings() -> None:
    connection = op.get_bind()
    table = sa.table("phone_number_suffixes", sa.column("suffix"), sa.column("phone_e164"))
    phones = connection.execute(sa.text("SELECT DISTINCT phone_e164 FROM patient_requests")).scalars().all()
    for batch in _batches([{"suffix": end, "phone_e164": phone} for phone in phones for end in endings(phone)]):
        connection.execute(sa.insert(table), batch)


def _rebuild_name_keys(dialect: str) -> None:
    connection = op.get_bind()
    changeable = _CHANGEABLE.get(dialect, "1 = 1")
    where = f"{changeable.format('first_name_key')} OR {changeable.format('last_name_key')}"
    rows = connection.execute(
        sa.text(f"SELECT id, first_name, last_name, first_name_key, last_name_key FROM patient_requests WHERE {where}")
    ).all()
    changed = [
        {"row_id": row.id, "first": fold_name(row.first_name), "last": fold_name(row.last_name)}
        for row in rows
        if (fold_name(row.first_name), fold_name(row.last_name)) != (row.first_name_key, row.last_name_key)
    ]
    update = sa.text("UPDATE patient_requests SET first_name_key = :first, last_name_key = :last WHERE id = :row_id")
    for batch in _batches(changed):
        connection.execute(update, batch)


def _batches(rows: list[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("phone_suffixes_add", "phone_suffixes_remove", "phone_suffixes_change"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS phone_suffixes_add_remove ON patient_requests")
        op.execute("DROP TRIGGER IF EXISTS phone_suffixes_change ON patient_requests")
        op.execute("DROP FUNCTION IF EXISTS phone_suffixes_follow()")
    op.drop_index("ix_patient_requests_phone_queue", table_name="patient_requests")
    op.create_index("ix_patient_requests_phone_queue", "patient_requests", _OLD_PHONE)
    op.drop_table("phone_number_suffixes")
    # The name keys stay as rebuilt: the older search folds "O'Brien" apart, so it misses only such names.
