"""`kiosk export --out` and `kiosk db backup --out` aimed at the installation's own files, as a hurried IT
person or an attacker would: every one is refused with one sentence and left byte for byte as it was;
what is written is private (0600), audited before any data is written, and never left half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.keys import KeyFile, find_key, open_configured_database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.storage.models import AuditEntry
from kiosk.storage.output_files import PARTIAL_PREFIX
from tests import encrypted_files
from tests.services import factories
from tests.services.test_faults import fill_disk, small_disk  # noqa: F401 (a fixture: a real 1 MB disk)
from tests.storage.test_health import corrupt_middle

pytestmark = pytest.mark.skipif(os.name != "posix", reason="device files, FIFOs and modes as on a Linux kiosk PC")


@dataclass(frozen=True)
class Installation:
    settings: Path
    database: Path
    key: Path
    outbox: Path
    backups: Path
    backup: Path


@pytest.fixture
def installation(write_settings: Callable[[str], Path], database: Database, database_file: Path) -> Installation:
    """A real installation tree: encrypted database and its key, settings, outbox and a day's backup."""
    folder = database_file.parent
    submit_request(database, factories.appointment(), "kiosk-1")
    outbox = folder / "outbox.sqlite3"
    outbox.write_bytes(b"requests waiting for the server")
    backups = folder / "backups"
    backups.mkdir()
    backup = backups / "kiosk-2025-03-03.sqlite3"
    backup.write_bytes(b"yesterday's backup")
    settings = write_settings(
        f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\noutbox_path = "{outbox.as_posix()}"\n'
    )
    found = find_key(DatabaseSettings(url=f"sqlite:///{database_file}"), database_file)
    assert found is not None and isinstance(found[0], KeyFile)
    return Installation(settings, database_file, found[0].path, outbox, backups, backup)


def _kiosk(installation: Installation, *args: str) -> int:
    return main(["--config", str(installation.settings), *args])


VERBS = {"export": ("export", "--out"), "backup": ("db", "backup", "--out")}


def _targets(installation: Installation) -> dict[str, tuple[Path, str]]:
    """Each attack: the path given to --out, and what the one sentence must call it."""
    tree = installation.database.parent
    key_link = tree / "requests.csv"
    key_link.symlink_to(installation.key)
    database_link = tree / "copy-of-requests.sqlite3"
    os.link(installation.database, database_link)
    fifo = tree / "pipe"
    os.mkfifo(fifo)
    return {
        "database": (installation.database, "is the kiosk's database;"),
        "database -wal": (Path(f"{installation.database}-wal"), "a working file of the kiosk's database"),
        "database -shm": (Path(f"{installation.database}-shm"), "a working file of the kiosk's database"),
        "database -journal": (Path(f"{installation.database}-journal"), "a working file of the kiosk's database"),
        "key": (installation.key, "is the kiosk's database key file"),
        "next key": (installation.key.with_name(installation.key.name + ".new"), "the kiosk's next database key"),
        "previous key": (installation.key.with_name(installation.key.name + ".old"), "previous database key"),
        "settings": (installation.settings, "is the kiosk's settings file"),
        "outbox": (installation.outbox, "is the kiosk's outbox"),
        "backups folder": (installation.backups, "is a folder, not a file"),
        "a backup": (installation.backup, "is one of the kiosk's backups"),
        "device": (Path("/dev/null"), "is a device, not a file"),
        "fifo": (fifo, "is a pipe, socket or other special file"),
        "symlink to the key": (key_link, "is the kiosk's database key file"),
        "hard link to the database": (database_link, "is the kiosk's database;"),
    }


def _snapshot(installation: Installation) -> dict[Path, bytes | None]:
    """Every file of the installation, byte for byte (None: not there).

    The -wal and -shm files are left out: the refused export's "failed" audit row goes through them.
    """
    files = [installation.database, installation.key, installation.settings, installation.outbox, installation.backup]
    files += [Path(f"{installation.database}-journal")]
    files += [installation.key.with_name(installation.key.name + suffix) for suffix in (".new", ".old")]
    return {path: path.read_bytes() if path.exists() else None for path in files}


def _partials(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.iterdir() if path.name.startswith(PARTIAL_PREFIX)]


@pytest.mark.parametrize("verb", VERBS)
def test_no_verb_writes_over_the_installations_own_files(
    verb: str, installation: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = _targets(installation)
    before = _snapshot(installation)
    for name, (target, what) in targets.items():
        assert _kiosk(installation, *VERBS[verb], str(target)) == 2, name
        err = capsys.readouterr().err
        assert err.startswith("kiosk: ") and err.count("\n") == 1, (name, err)
        assert what in err and str(target.absolute()) in err, (name, err)
        assert "Traceback" not in err
    assert _snapshot(installation) == before
    wal = Path(f"{installation.database}-wal").read_bytes()
    assert wal[:4] in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # still SQLite's write-ahead log
    assert Path("/dev/null").is_char_device()
    assert stat.S_ISFIFO(targets["fifo"][0].lstat().st_mode)
    assert targets["symlink to the key"][0].is_symlink()
    assert _partials(installation.database.parent, installation.backups) == []
    with encrypted_files.open_again(installation.database).read() as session:
        # Nothing refused was audited as released.
        released = session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["export", "backup"]), AuditEntry.outcome == "ok")
        ).all()
    assert released == []


def test_what_is_written_is_private_and_a_new_backup_in_the_backups_folder_is_fine(
    installation: Installation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for verb in VERBS:
        fresh = installation.backups / f"before-the-move-{verb}.sqlite3"
        replaced = tmp_path / verb / "last-week.out"
        replaced.parent.mkdir()
        replaced.write_text("last week's file\n")
        replaced.chmod(0o644)
        umask = os.umask(0o022)  # what a clinic PC usually has: new files readable by every account
        try:
            assert _kiosk(installation, *VERBS[verb], str(fresh)) == 0
            assert _kiosk(installation, *VERBS[verb], str(replaced)) == 0
        finally:
            os.umask(umask)
        for written in (fresh, replaced):
            assert stat.S_IMODE(written.stat().st_mode) == 0o600, written
            assert written.read_bytes() != b"last week's file\n"
        assert _partials(installation.backups, replaced.parent) == []
    capsys.readouterr()


def test_the_default_backup_never_replaces_an_earlier_one(
    installation: Installation, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiosk.storage.backup.stamp", lambda now=None: "20250303-090000")  # both in one second

    assert _kiosk(installation, "db", "backup") == 0
    assert _kiosk(installation, "db", "backup") == 0

    capsys.readouterr()
    manual = sorted(path.name for path in installation.backups.iterdir() if path.name.startswith("kiosk-manual-"))
    assert manual == ["kiosk-manual-20250303-090000-2.sqlite3", "kiosk-manual-20250303-090000.sqlite3"]


_KILLED_EXPORT = """
import os, signal, sys
from kiosk.cli.main import main
from kiosk.services import export

cells = export._cells
def killed_half_way(record):
    os.kill(os.getpid(), signal.SIGKILL)  # as a power cut or Task Manager would: no clean-up runs
export._cells = killed_half_way
main(["--config", sys.argv[1], "export", "--out", sys.argv[2]])
"""


def test_a_killed_exports_partial_file_is_removed_by_the_next_command(
    installation: Installation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "usb-stick" / "requests.csv"
    out.parent.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(installation.settings), str(out)], check=False, timeout=120
    )
    assert done.returncode == -signal.SIGKILL
    [partial] = _partials(out.parent)
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert not out.exists()

    assert _kiosk(installation, "db", "check") == 0

    assert _partials(out.parent) == []
    assert not out.exists()
    capsys.readouterr()


def _audit_refuses_new_rows(database_file: Path) -> None:
    """As a full disk or a damaged page would make the audit insert fail, while reading still works."""
    connection = encrypted_files.connect(database_file)
    connection.execute(
        "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    connection.commit()
    connection.close()


@pytest.mark.parametrize("verb", VERBS)
def test_no_audit_row_means_no_data_out(
    verb: str, installation: Installation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _audit_refuses_new_rows(installation.database)
    out = tmp_path / "out" / "requests.csv"
    out.parent.mkdir()

    assert _kiosk(installation, *VERBS[verb], str(out)) == 2

    err = capsys.readouterr().err
    assert err.startswith("kiosk: Nothing was ") and err.count("\n") == 1, err
    assert "the audit trail could not record" in err and "(database or disk is full)" in err
    assert "free disk space" in err
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


def test_export_of_a_damaged_database_is_one_sentence_and_no_file(
    installation: Installation, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(300):
        submit_request(database, factories.appointment(), "kiosk-1")
    database.close()
    size = installation.database.stat().st_size
    corrupt_middle(installation.database, length=size // 2 - 4096)  # the second half: most request pages
    out = tmp_path / "requests.csv"

    code = _kiosk(installation, "export", "--out", str(out))

    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("kiosk: Nothing was exported: the database could not be read (") and err.count("\n") == 1
    assert "`kiosk db check`" in err
    assert not out.exists()
    assert _partials(tmp_path) == []


@pytest.mark.parametrize(
    "dates",
    [("--to", "9999-12-31"), ("--from", "0001-01-01"), ("--from", "0001-01-01", "--to", "9999-12-31")],
    ids=" ".join,
)
def test_export_dates_at_the_ends_of_the_calendar_select_everything(
    dates: tuple[str, ...], installation: Installation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "requests.csv"
    assert _kiosk(installation, "export", "--out", str(out), *dates) == 0
    assert capsys.readouterr().out == f"wrote 1 request to {out}\n"


@pytest.mark.parametrize(
    "verb", [("screenshot", "--screen", "home"), ("staff", "--screenshot", "reception")], ids=lambda verb: verb[0]
)
def test_screenshots_never_write_over_the_installations_own_files(
    verb: tuple[str, ...], installation: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(installation)
    for target in (installation.key, installation.settings, installation.database, Path("/dev/null")):
        assert _kiosk(installation, *verb, "--out", str(target)) == 2
        err = capsys.readouterr().err
        # `kiosk staff` logs its start-up steps to stderr too; the refusal is the one sentence among them.
        [sentence] = [line for line in err.splitlines() if line.startswith("kiosk: ")]
        assert sentence.startswith(f"kiosk: {target} is ") and "Traceback" not in err, err
    assert _snapshot(installation) == before


def test_a_screenshot_is_written_privately(
    installation: Installation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pictures" / "home.png"
    umask = os.umask(0o022)
    try:
        assert _kiosk(installation, "screenshot", "--screen", "home", "--size", "640x480", "--out", str(out)) == 0
    finally:
        os.umask(umask)
    capsys.readouterr()
    assert out.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _partials(out.parent) == []


def test_no_backup_or_export_goes_beside_the_key(
    installation: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.config.locations import key_dir

    if installation.key.parent != key_dir():
        pytest.skip("this version keeps the key beside the database")
    for verb in VERBS.values():
        target = key_dir() / "copy.sqlite3"
        assert _kiosk(installation, *verb, str(target)) == 2
        assert capsys.readouterr().err == (
            f"kiosk: Nothing was {'exported' if verb[0] == 'export' else 'backed up'}: {target} is in the kiosk's "
            "key folder, which holds nothing but database keys; choose another folder.\n"
        )
        assert not target.exists()


_DAY_OR_TEXT = st.one_of(st.dates().map(dt.date.isoformat), st.text(max_size=12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(received_from=st.none() | _DAY_OR_TEXT, received_to=st.none() | _DAY_OR_TEXT)
@example(received_from="0001-01-01", received_to="9999-12-31")
@example(received_from="9999-12-31", received_to=None)
def test_any_dates_give_a_file_or_one_sentence(
    received_from: str | None,
    received_to: str | None,
    installation: Installation,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "fuzz.csv"
    # --from=VALUE: a value starting with "-" is then a value, as a shell user would have to write it too.
    dates = [f"--from={received_from}"] if received_from is not None else []
    dates += [f"--to={received_to}"] if received_to is not None else []

    code = _kiosk(installation, "export", "--out", str(out), *dates)

    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    assert code == 0 or (err.startswith("kiosk: ") and err.count("\n") == 1), err


def test_a_really_full_disk_gives_one_sentence_and_no_file(
    small_disk: Path,  # noqa: F811 (the fixture imported above)
    write_settings: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Database and export on a 1 MB tmpfs that is full: no traceback, no file, whichever write fails first."""
    database_file = small_disk / "kiosk.sqlite3"
    database = open_configured_database(
        Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}")), create_if_missing=True
    )
    upgrade_to_head(database.engine)
    try:
        for _ in range(5):
            submit_request(database, factories.appointment(), "kiosk-1")
    finally:
        database.close()
    settings = write_settings(f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\n')
    fill_disk(small_disk)

    # First the export's own disk is full; then it goes elsewhere, and the audit row may not fit either.
    for out, must_fail in ((small_disk / "requests.csv", True), (tmp_path / "requests.csv", False)):
        code = main(["--config", str(settings), "export", "--out", str(out)])
        err = capsys.readouterr().err
        if code == 0 and not must_fail:
            continue  # the database's log still had room for the audit row
        assert code == 2, err
        assert err.startswith("kiosk: ") and err.count("\n") == 1 and "Traceback" not in err, err
        assert not out.exists()
        assert _partials(out.parent) == []
