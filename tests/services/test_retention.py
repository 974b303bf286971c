"""`kiosk db purge`: closed requests past the retention period go, with their history; open ones never do."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import retention
from kiosk.services.audit import verify_chain
from kiosk.services.requests import submit_request
from kiosk.services.retention import count_purgeable, purge_closed
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry, RequestEvent, RequestRecord

from . import factories

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
ADMIN = Actor(username="cli:it", role=Role.ADMIN, workstation="front-desk")


def stored(database: Database, status: RequestStatus, changed_days_ago: int | None, *, with_note: bool = False) -> str:
    created = NOW - dt.timedelta(days=(changed_days_ago or 0) + 10)
    request = factories.appointment()
    submit_request(database, request, "kiosk-1", now=created)
    request_id = str(request.request_id)
    with database.transaction() as session:
        record = session.get(RequestRecord, request_id)
        assert record is not None
        record.status = status.value
        if changed_days_ago is not None:
            record.status_changed_at = NOW - dt.timedelta(days=changed_days_ago)
        if with_note:
            session.add(
                RequestEvent(
                    request_id=request_id,
                    at=created,
                    author="desk",
                    workstation="front-desk",
                    kind="note",
                    note="called back",
                )
            )
    return request_id


def remaining(database: Database) -> set[str]:
    with database.read() as session:
        return set(session.scalars(select(RequestRecord.id)))


def purges(database: Database) -> list[AuditEntry]:
    with database.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "purge").order_by(AuditEntry.id)))


def test_only_closed_requests_past_the_limit_go_with_their_events(database: Database) -> None:
    old_closed = stored(database, RequestStatus.CLOSED, 400, with_note=True)
    older_closed_no_date = stored(database, RequestStatus.CLOSED, None)  # closed before dates were kept: arrival
    recent_closed = stored(database, RequestStatus.CLOSED, 100)
    old_open = [stored(database, status, 900) for status in RequestStatus if status is not RequestStatus.CLOSED]
    never_touched = stored(database, RequestStatus.NEW, None)
    # The undated one is old enough by its arrival.
    with database.transaction() as session:
        record = session.get(RequestRecord, older_closed_no_date)
        assert record is not None
        record.created_at = NOW - dt.timedelta(days=500)

    assert count_purgeable(database, older_than_days=365, now=NOW) == 2
    removed = purge_closed(database, older_than_days=365, actor=ADMIN, now=NOW)

    assert removed == 2
    assert remaining(database) == {recent_closed, never_touched, *old_open}
    with database.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(RequestEvent).where(RequestEvent.request_id == old_closed))
            == 0
        )
    [entry] = purges(database)
    assert (entry.actor, entry.outcome, entry.detail) == ("cli:it", "ok", "2 requests closed more than 365 days ago")
    assert verify_chain(database).intact


def test_a_dry_run_counts_and_changes_nothing(database: Database) -> None:
    stored(database, RequestStatus.CLOSED, 400)
    before = remaining(database)

    assert count_purgeable(database, older_than_days=365, now=NOW) == 1

    assert remaining(database) == before
    assert purges(database) == []


def test_purging_nothing_is_still_audited_once(database: Database) -> None:
    stored(database, RequestStatus.CONTACTED, 2000)

    assert purge_closed(database, older_than_days=30, actor=ADMIN, now=NOW) == 0

    assert [entry.detail for entry in purges(database)] == ["0 requests closed more than 30 days ago"]


def test_large_purges_go_in_short_audited_batches(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "PURGE_BATCH", 4)
    for _ in range(10):
        stored(database, RequestStatus.CLOSED, 400)
    kept_open = stored(database, RequestStatus.SCHEDULED, 400)

    assert purge_closed(database, older_than_days=365, actor=ADMIN, now=NOW) == 10

    assert remaining(database) == {kept_open}
    assert [entry.detail.split()[0] for entry in purges(database)] == ["4", "4", "2"]
    assert verify_chain(database).intact


def test_a_request_reopened_after_closing_is_not_purged(database: Database) -> None:
    reopened = stored(database, RequestStatus.CONTACTED, 800)  # closed once, then contacted again: open

    purge_closed(database, older_than_days=365, actor=ADMIN, now=NOW)

    assert reopened in remaining(database)
