"""An account disabled (or demoted) while signed in loses its rights on its very next action.

The change is made the way IT makes it, through `kiosk user disable` on the command line or from
another console's own connection, while the signed-in Actor is still held by the console.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from kiosk.cli.main import main
from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import casework
from kiosk.services.accounts import AccountRules, create_account, set_active, sign_in
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.services.authority import ACCOUNT_DISABLED_NOW, ROLE_LOWERED_NOW, AccountRevoked
from kiosk.services.export import export_csv
from kiosk.services.queue import QueueFilter
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.storage.database import Database
from kiosk.storage.models import StaffUser
from tests import encrypted_files
from tests.services import factories

ADMIN_PASSWORD = "violet harbour lamp"
DESK_PASSWORD = "quiet morning tea by the window"
SETUP = Actor("cli:setup", Role.ADMIN, "it-laptop")
EVERYTHING = QueueFilter(statuses=frozenset(RequestStatus))


@pytest.fixture
def installed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Callable[..., int], Database]]:
    """A real installation made by `kiosk init` and `kiosk user add`, and a console's own connection to it."""
    config = tmp_path / "kiosk.toml"
    config.write_text('[database]\nurl = "sqlite:///kiosk.sqlite3"\n', encoding="utf-8")
    (tmp_path / "admin.txt").write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    (tmp_path / "desk.txt").write_text(DESK_PASSWORD + "\n", encoding="utf-8")

    def kiosk(*argv: str) -> int:
        return main(["--config", str(config), *argv])

    assert kiosk("init", "--admin-user", "ada", "--admin-password-file", str(tmp_path / "admin.txt")) == 0
    assert kiosk("user", "add", "rita", "--role", "reception", "--password-file", str(tmp_path / "desk.txt")) == 0
    capsys.readouterr()
    console = encrypted_files.open_again(tmp_path / "kiosk.sqlite3")
    yield kiosk, console
    console.close()


def test_a_desk_account_disabled_on_the_command_line_cannot_open_change_note_print_or_mark_seen(
    installed: tuple[Callable[..., int], Database], capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk, console = installed
    request = factories.urgent_follow_up()
    submit_request(console, request, "kiosk-1")
    request_id = str(request.request_id)
    rita = sign_in(console, "rita", DESK_PASSWORD, workstation="front-desk-1", rules=AccountRules())
    detail = casework.open_case(console, request_id, rita)  # works while the account is enabled

    assert kiosk("user", "disable", "rita") == 0
    capsys.readouterr()

    attempts: list[Callable[[], object]] = [
        lambda: casework.open_case(console, request_id, rita),
        lambda: casework.change_status(
            console, request_id, RequestStatus.CONTACTED, expected_version=detail.version, actor=rita
        ),
        lambda: casework.add_note(console, request_id, "Called back", actor=rita),
        lambda: casework.record_print(console, request_id, rita),
        lambda: mark_seen_at_desk(console, request_id, rita),
    ]
    for attempt in attempts:
        with pytest.raises(AccountRevoked) as refused:
            attempt()
        assert str(refused.value) == ACCOUNT_DISABLED_NOW

    after = casework.open_case(console, request_id, SETUP)
    assert after.status is RequestStatus.NEW and after.events == [] and after.seen_at_desk_at is None
    refusals = [
        entry
        for entry in list_entries(console, AuditFilter())
        if entry.actor == "rita" and entry.action == AuditAction.PERMISSION_DENIED.value
    ]
    assert len(refusals) == len(attempts)
    assert all(entry.outcome == Outcome.DENIED.value and entry.target == request_id for entry in refusals)


def test_an_admin_disabled_from_another_console_exports_nothing(
    installed: tuple[Callable[..., int], Database], tmp_path: Path
) -> None:
    _kiosk, console = installed
    submit_request(console, factories.follow_up(), "kiosk-1")
    ada = sign_in(console, "ada", ADMIN_PASSWORD, workstation="back-office", rules=AccountRules())
    other = encrypted_files.open_again(tmp_path / "kiosk.sqlite3")
    try:
        create_account(
            other,
            username="bea",
            display_name="Bea",
            role=Role.ADMIN,
            password="a second admin phrase here",
            rules=AccountRules(),
            by=SETUP,
        )
        set_active(other, "ada", False, by=Actor("bea", Role.ADMIN, "other-pc"))
    finally:
        other.close()
    out = tmp_path / "requests.csv"

    with pytest.raises(AccountRevoked, match="disabled since you signed in"):
        export_csv(console, EVERYTHING, out, actor=ada)

    assert not out.exists()
    newest = list_entries(console, AuditFilter())[0]
    assert (newest.actor, newest.action, newest.outcome) == ("ada", "permission_denied", "denied")


def test_an_admin_demoted_to_reception_loses_export_but_keeps_desk_work(database: Database, tmp_path: Path) -> None:
    create_account(
        database,
        username="ada",
        display_name="Ada",
        role=Role.ADMIN,
        password=ADMIN_PASSWORD,
        rules=AccountRules(),
        by=SETUP,
    )
    request = factories.follow_up()
    submit_request(database, request, "kiosk-1")
    request_id = str(request.request_id)
    ada = sign_in(database, "ada", ADMIN_PASSWORD, workstation="back-office", rules=AccountRules())
    with database.transaction() as session:  # no CLI verb changes a role yet: the row, as one would
        session.execute(update(StaffUser).where(StaffUser.username == "ada").values(role=Role.RECEPTION.value))

    with pytest.raises(AccountRevoked) as refused:
        export_csv(database, EVERYTHING, tmp_path / "out.csv", actor=ada)
    assert str(refused.value) == ROLE_LOWERED_NOW
    assert casework.open_case(database, request_id, ada).id == request_id  # reception may still work requests
