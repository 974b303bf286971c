"""Issue 18, class 11, from outside: paths a hurried IT person types, and settings naming the wrong kind of file,
get one sentence that names the real problem; nothing is created where nobody asked for it.

Each test runs the real CLI against a real encrypted installation in tmp_path (the `database` fixture).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.ops import qt_probe
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests import encrypted_files
from tests.cli.test_audit_trail_cli import DESKTOP

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="undecodable file names and ~name as on Linux"),
    pytest.mark.usefixtures("database"),  # the settings' database file exists before each command runs
]


@pytest.fixture(autouse=True)
def in_the_database_folder(database_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths given to a command start where the database is, as when IT works in the kiosk's folder."""
    monkeypatch.chdir(database_file.parent)


def kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return (out + err).strip()


@pytest.mark.parametrize(
    "verb",
    [("export", "--out"), ("db", "backup", "--out"), ("db", "restore")],
    ids=["export", "backup", "restore"],
)
@pytest.mark.parametrize("name", ["~nosuchuser/out.csv", "~0"])
def test_a_home_folder_of_no_account_is_one_sentence(
    verb: tuple[str, ...], name: str, settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(settings_file, *verb, name) == 2

    first = name.split("/")[0]
    assert _said(capsys).endswith(
        f"{name} starts with '{first}', which names no account's home folder on this computer: "
        "write the folder's full path instead."
    )


@pytest.mark.parametrize("configured", [False, True], ids=["backups beside the database", "database.backup_folder"])
def test_a_backup_into_a_missing_folder_is_refused_but_the_kiosks_own_backups_folder_is_made(
    configured: bool,
    write_settings: Callable[[str], Path],
    database: Database,
    database_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = database_file.parent / "no such folder" / "deeper"
    backups = database_file.parent / ("clinic backups" if configured else "backups")
    extra = f'backup_folder = "{backups.as_posix()}"\n' if configured else ""
    settings = write_settings(f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\n{extra}')
    capsys.readouterr()

    assert kiosk(settings, "db", "backup", "--out", str(missing / "copy.sqlite3")) == 2

    assert _said(capsys) == (
        f"kiosk: The backup {missing / 'copy.sqlite3'} could not be written (No such file or directory): "
        "check that the folder exists, is writable and has free space."
    )
    assert not (database_file.parent / "no such folder").exists()
    # The default backup goes to the kiosk's own backups folder, which it makes on first use.
    assert not backups.exists()
    assert kiosk(settings, "db", "backup") == 0
    assert [path.suffix for path in backups.iterdir()] == [".sqlite3"]


def test_a_backup_to_an_undecodable_name_is_audited_and_the_trail_verifies(
    settings_file: Path, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Linux passes the byte 0xff of a file name to Python as U+DCFF, which UTF-8 cannot encode."""
    assert kiosk(settings_file, "db", "backup", "--out", "\udcff") == 0
    assert os.path.exists(os.fsencode(database_file.parent) + b"/\xff")

    assert kiosk(settings_file, "audit", "verify") == 0
    assert "audit trail intact" in _said(capsys)
    reopened = encrypted_files.open_again(database_file)
    try:
        with reopened.read() as session:
            details = list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "backup")))
    finally:
        reopened.close()
    assert details == ["to \\xff"]


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "sqlite:///{root}/notes.txt/kiosk.sqlite3",
            "The database {root}/notes.txt/kiosk.sqlite3 cannot be there: {root}/notes.txt is a file, not a folder; "
            "set database.url to a file in a folder, such as sqlite:///kiosk.sqlite3.",
        ),
        (
            "sqlite:///{root}/a folder",
            "The database {root}/a folder is a folder, not a file: set database.url to a file in it, "
            "such as sqlite:///{root}/a folder/kiosk.sqlite3.",
        ),
    ],
    ids=["inside a file", "a folder"],
)
def test_a_database_url_naming_the_wrong_kind_of_file_is_one_sentence(
    url: str,
    sentence: str,
    write_settings: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "a folder").mkdir()
    settings = write_settings(f'[database]\nurl = "{url.format(root=tmp_path.as_posix())}"\n', name="odd.toml")

    assert kiosk(settings, "db", "check") == 2

    assert _said(capsys) == f"kiosk: {sentence.format(root=tmp_path.as_posix())}"


def test_doctor_with_a_folder_as_key_file_says_so_and_checks_the_rest(
    write_settings: Callable[[str], Path],
    database: Database,
    database_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    folder = database_file.parent
    settings = write_settings(
        f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\nkey_file = "{folder.as_posix()}"\n'
    )
    capsys.readouterr()

    assert kiosk(settings, "doctor", "--json") == 1

    checks = {check["name"]: check for check in json.loads(capsys.readouterr().out)["checks"]}
    assert (checks["encryption key"]["message"], checks["encryption key"]["fix"]) == (
        f"the key file {folder} is a folder, not a file",
        "set database.key_file to the key file's own path (its folder and its file name)",
    )
    assert checks["key location"]["message"] == "not checked: the key cannot be read (see encryption key)"
    assert checks["database tls"]["status"] == "OK"
