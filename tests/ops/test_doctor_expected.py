"""`kiosk doctor` on the console's PC names the kiosks IT expects ([database] expected_kiosks) that never reached the
database: a kiosk refused from its first start writes nothing, so this is where IT first hears of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.ops.doctor import Check, Status, run_checks
from kiosk.ops.qt_probe import QtReport
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database

WriteSettings = Callable[..., Path]


def _doctor(write_settings: WriteSettings, database_file: Path, expected: str) -> dict[str, Check]:
    url = f"sqlite:///{database_file.as_posix()}"
    config = write_settings(f'[database]\nurl = "{url}"\nexpected_kiosks = {expected}\n')
    checks = run_checks(str(config), qt_report=lambda: QtReport(platform="offscreen"))
    return {check.name: check for check in checks}


def test_an_expected_kiosk_never_seen_is_a_warning_naming_it(
    database: Database, write_settings: WriteSettings, database_file: Path
) -> None:
    record_start(database, role="kiosk", name="waiting-room-1")
    database.close()

    checks = _doctor(write_settings, database_file, '["waiting-room-1", "waiting-room-2"]')

    assert checks["expected kiosks"].line() == (
        "WARN expected kiosks: 1 of 2 never reached the database: waiting-room-2 — on each, run `kiosk doctor`;"
        " a refused password or a blocked connection shows there"
    )


def test_all_seen_is_ok_and_no_list_is_no_line(
    database: Database, write_settings: WriteSettings, database_file: Path
) -> None:
    record_start(database, role="kiosk", name="waiting-room-1")
    database.close()

    checks = _doctor(write_settings, database_file, '["Waiting-Room-1"]')
    assert checks["expected kiosks"].status is Status.OK
    assert checks["expected kiosks"].message == "all 1 have reached the database"

    assert "expected kiosks" not in _doctor(write_settings, database_file, "[]")


def test_on_the_server_the_never_seen_kiosk_is_named_too(pg_database: Database, write_settings: WriteSettings) -> None:
    record_start(pg_database, role="console", name="front-desk")
    url = pg_database.engine.url.render_as_string(hide_password=False)
    config = write_settings(f'[database]\nurl = "{url}"\nexpected_kiosks = ["waiting-room-2"]\n')
    config.chmod(0o600)  # it holds the server's password

    checks = {check.name: check for check in run_checks(str(config), qt_report=lambda: QtReport(platform="offscreen"))}

    assert checks["database"].status is Status.OK, checks["database"].line()
    assert (
        checks["expected kiosks"]
        .line()
        .startswith(
            "WARN expected kiosks: 1 of 1 never reached the database: waiting-room-2 — on each, run `kiosk doctor`"
        )
    )


def test_a_server_that_refuses_this_pc_leaves_the_list_unchecked_without_a_second_failure(
    pg_database: Database, write_settings: WriteSettings
) -> None:
    url = pg_database.engine.url.set(password="not-the-password-4u").render_as_string(hide_password=False)
    config = write_settings(f'[database]\nurl = "{url}"\nexpected_kiosks = ["waiting-room-2"]\n')
    config.chmod(0o600)

    checks = {check.name: check for check in run_checks(str(config), qt_report=lambda: QtReport(platform="offscreen"))}

    assert checks["database"].status is Status.FAIL
    assert checks["expected kiosks"].line() == (
        "WARN expected kiosks: not checked: the database could not be read (OperationalError)"
        " — fix the database line above first"
    )
