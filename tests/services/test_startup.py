"""Start-up as clinic IT sees it: the pieces load from the settings, and a bad database is one sentence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config.loader import settings_from_mapping
from kiosk.config.locations import default_database_path
from kiosk.paths import bundled_content_dir
from kiosk.services.startup import content_folder, create_database, load_context, open_database_at_head
from kiosk.services.workstations import list_workstations, this_workstation_name
from kiosk.storage.database import DatabaseError
from kiosk.storage.migrations import current_revision, head_revision

WriteSettings = Callable[..., Path]


def test_demo_start_up_loads_the_bundled_content_and_strings_without_a_database() -> None:
    context = load_context(None, open_database=False)
    try:
        assert context.settings_path is None
        assert context.catalog.folder == bundled_content_dir()
        assert context.catalog.errors == []
        assert context.strings.text("es", "nav.back") == "Atrás"
        assert context.database is None
    finally:
        context.close()


def test_start_up_opens_the_default_database_at_the_newest_schema_and_records_this_pc() -> None:
    context = load_context(None, open_database=True, kiosk=True)  # a kiosk's first start makes it, as init does
    try:
        assert context.database is not None
        assert default_database_path().is_file()
        assert current_revision(context.database.engine) == head_revision()
        assert [(name, role) for name, role, _ in list_workstations(context.database)] == [
            (this_workstation_name(), "kiosk")
        ]
    finally:
        context.close()


def test_start_up_uses_the_content_folder_the_settings_name(write_settings: WriteSettings) -> None:
    path = write_settings('[content]\nfolder = "pages"\n[languages]\nenabled = ["en"]\n')
    (path.parent / "pages" / "en").mkdir(parents=True)

    context = load_context(str(path), open_database=False)

    assert context.catalog.folder == (path.parent / "pages").resolve()
    assert context.catalog.languages == ("en",)
    assert context.catalog.pages == {"en": {}}


def test_without_a_content_folder_setting_the_bundled_content_is_used() -> None:
    assert content_folder(settings_from_mapping({})) == bundled_content_dir()


def test_a_file_that_is_not_a_database_is_one_sentence_naming_it(tmp_path: Path) -> None:
    not_a_database = tmp_path / "kiosk.sqlite3"
    not_a_database.write_bytes(b"this is a spreadsheet, not a database" * 100)
    settings = settings_from_mapping({"database": {"url": f"sqlite:///{not_a_database}"}})

    with pytest.raises(DatabaseError) as caught:
        open_database_at_head(settings)

    # Without its key an unknown file cannot be told from an encrypted database: one sentence naming both.
    message = str(caught.value)
    assert message.startswith(f"The database {not_a_database} exists but its key was not found")
    assert "\n" not in message


def test_an_unreachable_server_is_one_sentence_that_never_shows_the_password() -> None:
    settings = settings_from_mapping({"database": {"url": "postgresql+psycopg://kiosk:secret@127.0.0.1:1/kiosk"}})

    with pytest.raises(DatabaseError) as caught:
        open_database_at_head(settings)

    assert "postgresql+psycopg://kiosk:***@127.0.0.1:1/kiosk" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_upgrading_from_the_first_revision_with_data_takes_a_backup_first(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import select

    from kiosk.storage.backup import key_of
    from kiosk.storage.keys import open_configured_database
    from kiosk.storage.migrations import alembic_config
    from kiosk.storage.models import Workstation
    from tests import encrypted_files

    path = tmp_path / "kiosk.sqlite3"
    settings = settings_from_mapping({"database": {"url": f"sqlite:///{path}"}})
    first = open_configured_database(settings, create_if_missing=True)
    command.upgrade(alembic_config(first.engine), "0001")
    with first.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO workstations (name, role, app_version, first_seen_at, last_seen_at) "
            "VALUES ('front-desk', 'console', '0.0.1', '2025-01-01 09:00:00', '2025-01-01 09:00:00')"
        )
    key = key_of(first)
    first.close()

    database = open_database_at_head(settings)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.read() as session:
            assert "front-desk" in set(session.scalars(select(Workstation.name)))
    finally:
        database.close()
    [backup] = (tmp_path / "backups").glob("kiosk-before-upgrade-from-0001-*.sqlite3")
    copy = encrypted_files.connect(backup, key=key)
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert copy.execute("SELECT name FROM workstations").fetchall() == [("front-desk",)]
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        copy.close()


def test_a_new_database_needs_no_backup_before_its_first_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    database = create_database(settings_from_mapping({"database": {"url": f"sqlite:///{path}"}}))
    database.close()

    assert not (tmp_path / "backups").exists()


UNREACHABLE_SERVER = "postgresql+psycopg://kiosk@127.0.0.1:1/kiosk"  # port 1: nothing listens, refused at once


def test_a_kiosk_whose_server_is_down_starts_and_keeps_taking_requests(write_settings: WriteSettings) -> None:
    path = write_settings(f'[database]\nurl = "{UNREACHABLE_SERVER}"\n')

    context = load_context(str(path), kiosk=True)

    try:
        assert context.database is not None  # requests go to the outbox until the server is back
        assert context.database.engine.dialect.name == "postgresql"
    finally:
        context.close()


def test_the_console_and_it_tools_are_told_the_server_is_unreachable(write_settings: WriteSettings) -> None:
    path = write_settings(f'[database]\nurl = "{UNREACHABLE_SERVER}"\n')

    with pytest.raises(
        DatabaseError,
        match=(
            r"The server postgresql\+psycopg://kiosk@127\.0\.0\.1:1/kiosk cannot be reached \(OperationalError\): "
            r"check that the PostgreSQL server is running"
        ),
    ):
        load_context(str(path))
