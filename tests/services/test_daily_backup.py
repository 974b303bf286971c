"""The kiosk's daily backup as its timer asks for it: taken once a day, a failure is one sentence, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services.daily_backup import BackupFailedError, take_daily_backup, takes_daily_backups
from kiosk.storage.database import Database
from tests.storage.test_backup import settings_for


def test_todays_backup_is_taken_once(database: Database, database_file: Path, tmp_path: Path) -> None:
    settings = settings_for(database_file, backup_folder=tmp_path / "daily")

    saved = take_daily_backup(database, settings)

    assert takes_daily_backups(database)
    assert saved is not None and saved.parent == tmp_path / "daily" and saved.stat().st_size > 0
    assert take_daily_backup(database, settings) is None  # the same day: nothing more


def test_a_backup_that_cannot_be_written_says_why(database: Database, database_file: Path, tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file-not-a-folder"
    in_the_way.write_text("")

    with pytest.raises(BackupFailedError) as failed:
        take_daily_backup(database, settings_for(database_file, backup_folder=in_the_way))

    assert str(in_the_way) in str(failed.value)  # the log line names where it could not write
