"""The one guard every output path goes through: what it refuses, and how it writes what it allows."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.storage.output_files import (
    PARTIAL_PREFIX,
    InstallationFiles,
    OutputRefusedError,
    check_output_path,
    remove_partial_outputs,
    replace_when_done,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and modes")


@pytest.fixture
def installation(tmp_path: Path) -> InstallationFiles:
    database = tmp_path / "data" / "kiosk.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"database")
    (tmp_path / "data" / "kiosk.sqlite3.key").write_text("key\n")
    backups = tmp_path / "data" / "backups"
    backups.mkdir()
    (backups / "kiosk-2025-03-03.sqlite3").write_bytes(b"backup")
    own = InstallationFiles().with_database(database, "the kiosk's database")
    own = own.with_file(tmp_path / "data" / "kiosk.sqlite3.key", "the kiosk's database key file")
    own.folders[backups] = "one of the kiosk's backups"
    return own


def _refusal(path: Path, installation: InstallationFiles | None = None) -> str:
    with pytest.raises(OutputRefusedError) as refused:
        check_output_path(path, installation)
    return str(refused.value)


def test_the_installations_own_files_are_refused_by_name(installation: InstallationFiles, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _refusal(data / "kiosk.sqlite3.key", installation) == (
        f"{data / 'kiosk.sqlite3.key'} is the kiosk's database key file; choose another file name."
    )
    assert "is the kiosk's database;" in _refusal(data / "kiosk.sqlite3", installation)
    # Not there yet, but SQLite would take it for the database's journal the moment it appeared.
    assert "a working file of the kiosk's database" in _refusal(data / "kiosk.sqlite3-wal", installation)
    assert "is one of the kiosk's backups" in _refusal(data / "backups" / "kiosk-2025-03-03.sqlite3", installation)
    assert "is a folder, not a file" in _refusal(data / "backups", installation)
    assert "is the kiosk's database;" in _refusal(data / "sub" / ".." / "kiosk.sqlite3", installation)


def test_a_new_file_in_the_backups_folder_or_anywhere_else_is_allowed(
    installation: InstallationFiles, tmp_path: Path
) -> None:
    new_backup = tmp_path / "data" / "backups" / "kiosk-manual.sqlite3"
    assert check_output_path(new_backup, installation) == new_backup
    elsewhere = tmp_path / "requests.csv"
    elsewhere.write_text("last week\n")
    assert check_output_path(elsewhere, installation) == elsewhere


@posix_only
def test_links_to_the_installations_files_are_refused(installation: InstallationFiles, tmp_path: Path) -> None:
    symlink = tmp_path / "innocent.csv"
    symlink.symlink_to(tmp_path / "data" / "kiosk.sqlite3.key")
    hard_link = tmp_path / "copy.sqlite3"
    os.link(tmp_path / "data" / "kiosk.sqlite3", hard_link)
    into_backups = tmp_path / "old.sqlite3"
    into_backups.symlink_to(tmp_path / "data" / "backups" / "kiosk-2025-03-03.sqlite3")

    assert "is the kiosk's database key file" in _refusal(symlink, installation)
    assert "is the kiosk's database;" in _refusal(hard_link, installation)
    assert "is one of the kiosk's backups" in _refusal(into_backups, installation)


@posix_only
def test_anything_but_a_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _refusal(Path("/dev/null")) == "/dev/null is a device, not a file; choose a file name in a folder."
    assert "is a pipe, socket or other special file" in _refusal(fifo)
    assert "is a folder, not a file" in _refusal(tmp_path)


@posix_only
def test_the_output_is_private_from_creation_and_replaces_the_target_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "requests.csv"
    target.write_text("last week\n")
    target.chmod(0o644)
    before = os.umask(0o022)
    try:
        with replace_when_done(target) as temporary:
            assert stat.S_IMODE(temporary.stat().st_mode) == 0o600
            assert temporary.name.startswith(PARTIAL_PREFIX) and temporary.parent == tmp_path
            temporary.write_text("this week\n")
            assert target.read_text() == "last week\n"
    finally:
        os.umask(before)
    assert target.read_text() == "this week\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["requests.csv"]


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "requests.csv"
    target.write_text("last week\n")
    with pytest.raises(OSError, match="disk full"), replace_when_done(target) as temporary:
        temporary.write_text("half")
        raise OSError(28, "disk full")
    assert target.read_text() == "last week\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["requests.csv"]


def test_a_running_writers_temporary_file_is_kept_and_a_killed_ones_is_removed(tmp_path: Path) -> None:
    with replace_when_done(tmp_path / "running.csv") as running:
        # A second command starting meanwhile must not take the file from under a writer still at work.
        assert remove_partial_outputs() == 0
        assert running.exists()

    killed = tmp_path / "killed.csv"
    child = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from kiosk.storage.output_files import replace_when_done\n"
        "with replace_when_done(Path(sys.argv[1])) as temporary:\n"
        "    temporary.write_text('half an export')\n"
        "    os._exit(9)  # as if killed: no clean-up runs\n"
    )
    subprocess.run([sys.executable, "-c", child, str(killed)], check=False, timeout=60)
    [left] = [path for path in tmp_path.iterdir() if path.name.startswith(PARTIAL_PREFIX)]

    assert remove_partial_outputs() == 1

    assert not left.exists()
    assert not killed.exists()
    assert remove_partial_outputs() == 0


def test_nothing_goes_into_the_key_folder_not_even_a_new_file(tmp_path: Path) -> None:
    keys = tmp_path / "clinic-kiosk-keys"
    keys.mkdir()
    sealed = InstallationFiles(sealed={keys: "in the kiosk's key folder, which holds nothing but database keys"})

    assert _refusal(keys / "backup.sqlite3", sealed) == (
        f"{keys / 'backup.sqlite3'} is in the kiosk's key folder, which holds nothing but database keys."
    )
    assert check_output_path(tmp_path / "backup.sqlite3", sealed) == tmp_path / "backup.sqlite3"
