"""Every kind the code's enums can write fits its column: PostgreSQL refuses a longer value, SQLite would not say."""

from __future__ import annotations

import enum

import pytest
from sqlalchemy import String
from sqlalchemy.orm import InstrumentedAttribute

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.requests import ContactMethod, RequestKind
from kiosk.domain.staff import Role
from kiosk.domain.workflow import EventKind, RequestStatus
from kiosk.storage.models import AuditEntry, RequestEvent, RequestRecord, StaffUser

STORED_AS: list[tuple[InstrumentedAttribute[str] | InstrumentedAttribute[str | None], type[enum.StrEnum]]] = [
    (AuditEntry.action, AuditAction),
    (AuditEntry.outcome, Outcome),
    (RequestEvent.kind, EventKind),
    (RequestEvent.from_status, RequestStatus),
    (RequestEvent.to_status, RequestStatus),
    (RequestRecord.kind, RequestKind),
    (RequestRecord.status, RequestStatus),
    (RequestRecord.contact_method, ContactMethod),
    (StaffUser.role, Role),
]


@pytest.mark.parametrize(("column", "kinds"), STORED_AS, ids=lambda item: getattr(item, "key", None) or item.__name__)
def test_every_value_of_the_enum_fits_its_column(column: InstrumentedAttribute[str], kinds: type[enum.StrEnum]) -> None:
    column_type = column.property.columns[0].type
    assert isinstance(column_type, String) and column_type.length is not None
    too_long = [kind.value for kind in kinds if len(kind.value) > column_type.length]
    assert too_long == []
