"""Every table, in one module, as typed SQLAlchemy 2.0 models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Dialect, ForeignKey, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC that comes back with its zone, whatever the database keeps.

    SQLite stores no zone, so without this a time written as UTC would come back
    naive and be shown as local time, or fail to compare with an aware one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("give times with their zone (datetime.now(UTC)), not naive ones")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workstation(Base):
    """A PC that has run the kiosk or the console against this database.

    Each start records itself here, so staff can see which PCs share the data
    and later records (requests, audit rows) can say where they came from.
    """

    __tablename__ = "workstations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    app_version: Mapped[str] = mapped_column(String(40))
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Requests waiting in this kiosk's local outbox, as it last reported (kiosk/services/outbox.py).
    outbox_backlog: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")


class RequestRecord(Base):
    """One appointment or follow-up request as a patient sent it from a kiosk.

    What reception searches (names, phone, reference) and sorts by (urgent,
    created_at) are typed columns; the answers that differ by kind are one JSON
    object, so a new question needs no new column.
    """

    __tablename__ = "patient_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the request's UUID, made on the kiosk
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean())  # indexed first in ix_patient_requests_queue
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    language: Mapped[str] = mapped_column(String(8))
    workstation: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[dt.date] = mapped_column(Date())
    phone_e164: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_method: Mapped[str] = mapped_column(String(20))
    contact_times: Mapped[list[str]] = mapped_column(JSON(none_as_null=True))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean())
    consent_to_texts: Mapped[bool] = mapped_column(Boolean())
    red_flags: Mapped[list[str]] = mapped_column(JSON(none_as_null=True))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON(none_as_null=True))
    # Reception's side of the request. `version` goes up with every change, so a
    # console saving a change made on an older copy is refused, not silently applied.
    version: Mapped[int] = mapped_column(Integer(), default=1, server_default="1")
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status_changed_by: Mapped[str | None] = mapped_column(String(64))
    # When the desk first acted on it (any status after "new"): the overview's time to first contact.
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # An urgent request's patient was seen at the front desk: who pressed "Seen at the desk", and when.
    # Until then (or until the desk first acts on it) every console keeps its urgent alarm raised.
    seen_at_desk_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    seen_at_desk_by: Mapped[str | None] = mapped_column(String(64))
    # Names folded for search (case and accents removed, see kiosk.domain.search), kept in the name indexes below.
    last_name_key: Mapped[str] = mapped_column(String(80), default="", server_default="")
    first_name_key: Mapped[str] = mapped_column(String(80), default="", server_default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as declared)
    # The queue's order (urgent first, then oldest, then id) read straight from an index, measured at a
    # million rows (see kiosk/services/queue.py and migration 0004): every request; only open ones
    # (partial, so it stays small while closed requests pile up); one phone number's requests.
    # A name search reads the two name indexes instead (migration 0006): one urgency's prefix range of one
    # name key, holding the other key and every filtered column, so matches are counted and put in queue
    # order without reading the table.
    __table_args__ = (
        Index("ix_patient_requests_queue", "urgent", "created_at", "id"),
        Index(
            "ix_patient_requests_open_queue",
            "urgent",
            "created_at",
            "id",
            "status",
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
        # Holds status and kind too (migration 0010), so a phone search counts and orders without the table.
        Index("ix_patient_requests_phone_queue", "phone_e164", "urgent", "created_at", "id", "status", "kind"),
        Index(
            "ix_patient_requests_last_name_queue",
            "urgent",
            "last_name_key",
            "first_name_key",
            "created_at",
            "id",
            "status",
            "kind",
        ),
        Index(
            "ix_patient_requests_first_name_queue",
            "urgent",
            "first_name_key",
            "last_name_key",
            "created_at",
            "id",
            "status",
            "kind",
        ),
    )


class PhoneNumberSuffix(Base):
    """Every ending of 3 or more digits of each phone number stored, so part of a number is one index range.

    "Contains 0142" is "some ending starts with 0142": a range of this table's key, answered alike by SQLite
    (SQLCipher has no trigram index) and PostgreSQL. Kept per number, not per request (one patient's requests
    share the rows), by triggers on patient_requests (migration 0010), so every way a request is stored or
    removed keeps it, and a number leaves with the last request that held it.
    """

    __tablename__ = "phone_number_suffixes"

    suffix: Mapped[str] = mapped_column(String(15), primary_key=True)  # digits only, the country code included
    phone_e164: Mapped[str] = mapped_column(String(20), primary_key=True)

    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (the key is the row: no second copy of it)


class ReservedReference(Base):
    """A reference code set aside for one kiosk, to give patients while the server cannot be reached.

    On the server these codes are never handed to another request; a kiosk keeps its own
    copy of the unused ones in its outbox file (same table), and a code leaves both when used.
    """

    __tablename__ = "reserved_references"

    reference: Mapped[str] = mapped_column(String(12), primary_key=True)
    workstation: Mapped[str] = mapped_column(String(255), index=True)
    reserved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RequestEvent(Base):
    """Something reception did to a request: a status change or a note, with who, when and where."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("patient_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))  # a kiosk.domain.workflow.EventKind: status, note or seen
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text())


class StaffUser(Base):
    """One person at the desk: their own login, role and lock-out state. Never a shared account."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored case-folded
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # "reception" or "admin"
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, in the library's own encoded form
    active: Mapped[bool] = mapped_column(Boolean(), default=True, server_default="1")
    failed_logins: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    locked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One thing someone did or tried: who, when, where, what, to which record, and how it ended.

    The application only ever inserts here (the migration adds triggers that
    refuse UPDATE and DELETE), and each row carries the hash of the one before,
    so `kiosk audit verify` notices a row edited or removed behind its back.
    `detail` never holds patient data: ids, counts, statuses and usernames only.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    workstation: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(40), index=True)  # a kiosk.domain.audit.AuditAction
    target: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(20))  # a kiosk.domain.audit.Outcome
    detail: Mapped[str] = mapped_column(String(400))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    # kiosk.domain.audit.HashVersion: 0 for rows from before migration 0008, 2 (HMAC) with a database key.
    hash_version: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")


class AuditChainKey(Base):
    """The audit chain's key, hidden under one database key; one row per key the database has had.

    The chain key is derived from the database key the keyed chain began under; `kiosk db rekey` adds a
    row here (before the rekey) so the older rows still verify under the new key. Insert-only, like the
    trail; a wrapped key is useless without the database key it was wrapped with.
    """

    __tablename__ = "audit_chain_keys"

    key_check: Mapped[str] = mapped_column(String(16), primary_key=True)  # kiosk.domain.audit.key_check
    wrapped: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditHead(Base):
    """PostgreSQL only: the newest audit row's id and hash, kept by a trigger so a cut tail is noticed.

    One row (id 1). A SECURITY DEFINER trigger owned by the tables' owner writes it, and the kiosk's login
    role may only read it (docs/it/database.md, "PostgreSQL: roles"). SQLite leaves this table empty: whoever can open
    the file can write every table in it, so its head is kept in a file beside the key instead
    (kiosk/services/audit_head.py).
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer())
    last_hash: Mapped[str] = mapped_column(String(64))


class HandoffEvent(Base):
    """A new request or a status change waiting to be written to the drop folder as a FHIR bundle.

    Added by triggers on patient_requests in the transaction that made the change (migration 0009), and
    deleted once its file is in the folder (kiosk/services/handoff.py). It keeps the status, version and time
    of the change, so the bundle written later is the one of that moment. The id orders the files; never reused.
    """

    __tablename__ = "handoff_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("patient_requests.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer())
    status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy reads it as declared)


class HandoffState(Base):
    """The drop folder's state, one row (id 1), shared by every PC: whether the queue is kept, who drains it.

    `enabled` switches the queue's triggers on (a PC with a drop folder in its settings sets it); `holder` and
    `lease_until` let one worker at a time write files, so they come out once and in order; the rest says how
    the folder was at the last try, for `kiosk doctor` and the console on any PC.
    """

    __tablename__ = "handoff_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean(), default=False, server_default="0")
    holder: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    folder_state: Mapped[str] = mapped_column(String(20), default="unknown", server_default="unknown")
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_by: Mapped[str | None] = mapped_column(String(255))
    last_written_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
