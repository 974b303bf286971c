"""Patient data is never silently replaced, called damaged when busy, blamed on the wrong cause, or left in the clear.

Issue 18, classes 2, 3, 4 and 12, as clinic IT meets them: the real `kiosk` command line on a real installation
(`kiosk init`, then a backup) in a temporary folder, with a real second process holding the database's lock.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import kiosk
from kiosk.cli.main import main
from kiosk.config.loader import load_settings
from kiosk.ops import qt_probe
from kiosk.services.startup import load_context
from kiosk.storage import database as database_module
from kiosk.storage.database import SQLITE_HEADER, DatabaseError
from kiosk.storage.keys import find_key
from tests.cli.test_doctor_cmd import DESKTOP
from tests.storage.test_encryption import found_secrets, make_plain_database

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "marmalade telescope harbour violet"
DESK_PASSWORD = "quiet lantern orchard river stone"
KIOSK = [sys.executable, "-m", "kiosk"]


@dataclass
class Install:
    """A kiosk set up as IT does it: settings, `kiosk init` (database, key, first admin), one backup."""

    config: Path
    database: Path
    backup: Path
    folder: Path

    def run(self, *args: str) -> int:
        return main(["--config", str(self.config), *args])

    def key(self) -> bytes:
        settings, _ = load_settings(str(self.config))
        found = find_key(settings.database, self.database)
        assert found is not None
        return found[1]

    def password_file(self, password: str = DESK_PASSWORD) -> Path:
        path = self.folder / "password.txt"
        path.write_text(password + "\n", encoding="utf-8")
        return path


@pytest.fixture
def install(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Install:
    database = tmp_path / "data" / "kiosk.sqlite3"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{database.as_posix()}"\n', encoding="utf-8")
    made = Install(config, database, Path(), tmp_path)
    admin = made.password_file(ADMIN_PASSWORD)
    assert made.run("init", "--admin-user", "ada", "--admin-password-file", str(admin)) == 0
    assert made.run("db", "backup") == 0
    [made.backup] = (database.parent / "backups").glob("kiosk-manual-*.sqlite3")
    capsys.readouterr()
    return made


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)  # doctor's storage checks need no Qt child


def doctor(install: Install, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, str]]]:
    capsys.readouterr()
    code = install.run("doctor", "--json")
    report = json.loads(capsys.readouterr().out)
    return code, {check["name"]: check for check in report["checks"]}


def child_env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


# -- class 3: a missing or empty database is never silently replaced ------------------------------------------------
LOSSES = {
    "deleted": lambda path: path.unlink(),
    "emptied": lambda path: path.write_bytes(b""),
}


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_a_lost_database_is_refused_by_every_command_with_the_newest_backup_named(
    install: Install, loss: str, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    key = install.key()
    LOSSES[loss](install.database)
    password = install.password_file()
    commands = [
        ["user", "list"],
        ["user", "add", "maria", "--role", "reception", "--password-file", str(password)],
        ["db", "check"],
        ["db", "upgrade"],
        ["db", "backup"],
        ["db", "purge", "--dry-run"],
        ["db", "rekey"],
        ["db", "encrypt"],
        ["audit", "verify"],
        ["export", "--out", str(install.folder / "requests.csv")],
        ["demo-data", "--count", "1"],
        ["init", "--admin-user", "ada", "--admin-password-file", str(password)],
    ]
    for command in commands:
        assert install.run(*command) == 2, command
        _out, err = capsys.readouterr()
        assert err.startswith(f"kiosk: The database {install.database} is "), (command, err)
        assert f"`kiosk db restore {install.backup}` (the newest backup)" in err, (command, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (command, err)

    code, checks = doctor(install, capsys)
    assert code == 1
    assert checks["database"]["status"] == "FAIL"
    assert f"`kiosk db restore {install.backup}`" in checks["database"]["fix"]
    assert "kiosk init" not in json.dumps(checks["database"])
    # Nothing made a new database in its place, and the key is the one the backups need.
    assert not install.database.exists() or install.database.stat().st_size == 0
    assert install.key() == key
    # The restore the sentence names brings it back.
    assert install.run("db", "restore", str(install.backup)) == 0
    capsys.readouterr()
    assert install.run("user", "list") == 0
    assert "ada" in capsys.readouterr().out


@pytest.mark.slow  # a real kiosk and a real console process, each started
def test_the_kiosk_and_the_console_refuse_a_deleted_database_too(install: Install) -> None:
    install.database.unlink()
    config = ["--config", str(install.config)]
    staff = subprocess.run(
        [*KIOSK, *config, "staff"], env=child_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert staff.returncode == 2, staff.stderr
    assert f"`kiosk db restore {install.backup}`" in staff.stderr
    kiosk = subprocess.Popen([*KIOSK, *config, "run", "--windowed"], env=child_env(), stderr=subprocess.PIPE, text=True)
    try:
        assert kiosk.stderr is not None
        said = ""
        deadline = time.monotonic() + 60
        while "out-of-service" not in said and time.monotonic() < deadline and kiosk.poll() is None:
            said += kiosk.stderr.readline()
        assert f"`kiosk db restore {install.backup}`" in said, said
    finally:
        kiosk.send_signal(signal.SIGTERM)
        kiosk.communicate(timeout=20)
    assert not install.database.exists()


def test_only_init_creates_a_database_and_only_on_a_fresh_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "kiosk.sqlite3"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{database.as_posix()}"\n', encoding="utf-8")
    # The console on a fresh machine: nobody could sign in to a new database, so it says to run init.
    with pytest.raises(Exception) as refused:
        load_context(str(config))
    assert str(refused.value).startswith(f"There is no database at {database} yet: run `kiosk init`")
    assert not database.exists()
    # Backups of an earlier database, but no database and no key: a loss, not a first run.
    backups = database.parent / "backups"
    backups.mkdir(parents=True)
    (backups / "kiosk-daily-20250101-090000.sqlite3").write_bytes(b"\x01" * 4096)
    password = tmp_path / "password.txt"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    init = ["--config", str(config), "init", "--admin-user", "ada", "--admin-password-file", str(password)]
    assert main(init) == 2
    assert f"backups of it are in {backups}" in capsys.readouterr().err
    assert not database.exists()
    # A fresh machine: the kiosk's own first start (README: `kiosk run`) makes both as init does; so does init.
    shutil.rmtree(backups)
    context = load_context(str(config), kiosk=True)  # what `kiosk run` opens after its first frame
    context.close()
    assert database.stat().st_size > 0
    other = tmp_path / "second" / "kiosk.sqlite3"
    config.write_text(f'[database]\nurl = "sqlite:///{other.as_posix()}"\n', encoding="utf-8")
    assert main(init) == 0
    assert other.stat().st_size > 0


# -- class 4: busy is not damaged ---------------------------------------------------------------------------------
HOLD = """
import sys
import sqlcipher3
key = sys.stdin.readline().strip()
connection = sqlcipher3.connect(sys.argv[1], isolation_level=None)
connection.execute(f"PRAGMA key = \\"x'{key}'\\"")
if sys.argv[2] == "whole-file":
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")  # readers are shut out as well
connection.execute("BEGIN EXCLUSIVE")
connection.execute("CREATE TABLE IF NOT EXISTS held (x)")
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def holder(install: Install, request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    """Another program holding the database with BEGIN EXCLUSIVE until the test ends."""
    held = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(install.database), request.param],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.stdin is not None and held.stdout is not None
        held.stdin.write(install.key().hex() + "\n")
        held.stdin.flush()
        assert held.stdout.readline().strip() == "held"
        yield held
    finally:
        held.kill()
        held.wait()


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 300)  # the same wait as a kiosk's, shorter


def assert_busy_not_damaged(text: str, holder: subprocess.Popen[str]) -> None:
    assert "is busy" in text, text
    assert f"pid {holder.pid}" in text, text
    assert "damaged" not in text and "kiosk db restore" not in text, text


@pytest.mark.parametrize("holder", ["write-lock"], indirect=True)
def test_check_and_doctor_say_busy_while_another_program_holds_the_write_lock(
    install: Install, holder: subprocess.Popen[str], short_wait: None, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The pages are sound and readers never wait for a writer: had the check waited for the write lock, it
    # would have ended "busy" with exit code 2 after the wait, not "database OK".
    assert install.run("db", "check") == 0
    out = capsys.readouterr().out
    assert "database OK" in out
    assert_busy_not_damaged(out, holder)

    _code, checks = doctor(install, capsys)
    assert checks["database"]["status"] == "WARN"  # passes again once the other program lets go
    assert_busy_not_damaged(json.dumps(checks["database"]), holder)
    assert checks["migrations"]["status"] == "OK" and checks["quick_check"]["status"] == "OK"

    # Writers wait for the lock (busy_timeout), then say busy: adding an account, and a kiosk's start.
    password = install.password_file()
    assert install.run("user", "add", "maria", "--role", "reception", "--password-file", str(password)) == 2
    err = capsys.readouterr().err
    assert_busy_not_damaged(err, holder)
    assert err.startswith("kiosk: The database ") and err.count("\n") == 1, err  # the sentence alone
    with pytest.raises(DatabaseError) as caught:
        load_context(str(install.config), kiosk=True)
    assert_busy_not_damaged(str(caught.value), holder)


@pytest.mark.parametrize("holder", ["whole-file"], indirect=True)
def test_a_database_shut_to_readers_is_busy_for_check_doctor_user_add_and_start_up(
    install: Install, holder: subprocess.Popen[str], short_wait: None, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert install.run("db", "check") == 2
    assert_busy_not_damaged(capsys.readouterr().err, holder)

    password = install.password_file()
    assert install.run("user", "add", "maria", "--role", "reception", "--password-file", str(password)) == 2
    assert_busy_not_damaged(capsys.readouterr().err, holder)

    _code, checks = doctor(install, capsys)
    assert checks["database"]["status"] == "WARN"
    assert_busy_not_damaged(json.dumps(checks["database"]), holder)
    for name in ("migrations", "quick_check", "audit trail"):
        assert checks[name]["status"] == "WARN" and "busy" in checks[name]["message"], checks[name]

    with pytest.raises(DatabaseError) as caught:
        load_context(str(install.config), kiosk=True)  # `kiosk run` after its first frame
    assert_busy_not_damaged(str(caught.value), holder)


# -- class 12: each sentence names the real cause ------------------------------------------------------------------
def test_a_truncated_database_is_cut_short_not_held_by_another_program(
    install: Install, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    os.truncate(install.database, install.database.stat().st_size - 1000)
    assert install.run("db", "check") == 1  # damage: exit 1, with the restore to run
    out = capsys.readouterr().out
    assert "problem: the file is cut short (" in out
    assert f"`kiosk db restore {install.backup}`" in out and "another program" not in out
    code, checks = doctor(install, capsys)
    assert code == 1
    assert "cut short" in checks["quick_check"]["message"] and checks["encryption key"]["status"] == "OK"
    # Cut to less than its first page, it cannot even be opened: still "cut short", never "another program".
    os.truncate(install.database, 3000)
    assert install.run("db", "check") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kiosk: The database {install.database} is cut short (3,000 bytes"), err
    assert "another program" not in err and "key" not in err


def test_damage_on_page_one_is_damage_not_a_wrong_key(
    install: Install, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with install.database.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xa5" * 64)
    assert install.run("db", "check") == 2
    err = capsys.readouterr().err
    assert f"The database {install.database} is damaged: page(s) 1 of " in err
    assert f"`kiosk db restore FILE` (the newest is {install.backup})" in err
    assert "key" not in err.replace("its key, so the key is right", "")
    _code, checks = doctor(install, capsys)
    assert checks["encryption key"]["status"] == "OK"
    assert checks["database"]["status"] == "FAIL" and "page(s) 1 of" in checks["database"]["fix"]


def test_sqlcipher_prints_nothing_of_its_own_before_the_sentence(install: Install) -> None:
    with install.database.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xa5" * 64)
    done = subprocess.run(
        [*KIOSK, "--config", str(install.config), "db", "check"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("kiosk: The database "), done.stderr
    assert "ERROR CORE" not in done.stderr and "hmac" not in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_read_only_folder_is_named_not_blamed_on_another_program(install: Install) -> None:
    folder = install.database.parent
    argv = [*KIOSK, "--config", str(install.config), "db", "check"]
    if os.geteuid() == 0:  # root may write anywhere: run the check as an ordinary account
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop to another account")
        owner = 65534
        for path in (install.folder, folder, *folder.iterdir()):
            os.chown(path, owner, owner)
        settings, _ = load_settings(str(install.config))
        found = find_key(settings.database, install.database)
        assert found is not None
        key_file = getattr(found[0], "path", None)
        assert key_file is not None
        for path in (key_file.parent, key_file):
            os.chown(path, owner, owner)
        for parent in list(key_file.parents)[1:]:
            parent.chmod(parent.stat().st_mode | 0o011)  # the way in, as the kiosk's own home would be
        # ... and to the interpreter and the kiosk's code, which a fresh checkout may keep in a private folder.
        for anchor in (Path(sys.executable), Path(kiosk.__file__)):
            for parent in anchor.parents:
                if not parent.stat().st_mode & 0o001:
                    parent.chmod(parent.stat().st_mode | 0o001)
        import_root = Path(kiosk.__file__).parent.parent  # Python lists it to find the package: read, too
        import_root.chmod(import_root.stat().st_mode | 0o005)
        argv = ["setpriv", f"--reuid={owner}", f"--regid={owner}", "--clear-groups", *argv]
    for leftover in folder.glob("kiosk.sqlite3-*"):
        leftover.unlink()  # no -wal or -shm yet, as after a clean stop
    folder.chmod(0o555)
    try:
        done = subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=60, check=False)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert f"may not write the folder {folder}" in done.stderr, done.stderr
    assert "another program" not in done.stderr and "damaged" not in done.stderr


# -- class 2: `kiosk db encrypt` leaves no readable plaintext ----------------------------------------------------------
@pytest.fixture
def plain_install(tmp_path: Path) -> Install:
    """A database from an earlier, unencrypted version, with its settings."""
    database = tmp_path / "data" / "kiosk.sqlite3"
    database.parent.mkdir()
    make_plain_database(database)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{database.as_posix()}"\n', encoding="utf-8")
    return Install(config, database, Path(), tmp_path)


def plain_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and path.read_bytes().startswith(SQLITE_HEADER)]


# Run `kiosk db encrypt`, killed with SIGKILL the moment it would put the verified encrypted file in place.
KILLED_ENCRYPT = """
import os, signal, sys
real_replace = os.replace
def replace(source, target, **kwargs):
    if str(source).endswith(".encrypted"):  # the encrypted file, verified, about to take the plain one's place
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target, **kwargs)
os.replace = replace
from kiosk.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_encrypt_keeps_its_plain_copy_private_and_a_killed_run_leaves_nothing_after_the_next(
    plain_install: Install, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_ENCRYPT, "--config", str(plain_install.config), "db", "encrypt"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    [copy] = [path for path in plain_files(plain_install.folder) if path != plain_install.database]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # the plain copy, as it was while the run worked
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert copy.parent.parent == plain_install.database.parent

    code, checks = doctor(plain_install, capsys)
    assert code == 1
    assert checks["plaintext copies"]["status"] == "FAIL"
    assert str(copy) in checks["plaintext copies"]["message"]

    # The next kiosk start removes the killed run's folder (and still refuses the unencrypted database).
    with pytest.raises(DatabaseError, match="is not encrypted"):
        load_context(str(plain_install.config), kiosk=True)
    assert not copy.parent.exists()
    assert plain_install.run("db", "encrypt") == 0
    assert "was deleted once the encrypted file was verified" in capsys.readouterr().out
    assert plain_files(plain_install.folder) == []
    assert found_secrets(plain_install.folder) == {}
    code, checks = doctor(plain_install, capsys)
    assert checks["plaintext copies"]["status"] == "OK"


def test_encrypt_keeps_the_plain_copy_only_when_asked_and_doctor_fails_until_it_is_gone(
    plain_install: Install, desktop: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plain_install.run("db", "encrypt", "--keep-plain-copy") == 0
    out = capsys.readouterr().out
    [copy] = plain_files(plain_install.folder)
    assert f"The unencrypted copy {copy} was kept as asked" in out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    code, checks = doctor(plain_install, capsys)
    assert code == 1 and str(copy) in checks["plaintext copies"]["message"]

    # IT moved it to the safe; an earlier version's copy, left beside the database, is found as well.
    earlier = plain_install.database.with_name("kiosk.sqlite3.plain-backup-20250101-090000")
    os.replace(copy, earlier)
    shutil.rmtree(copy.parent)
    assert str(earlier) in doctor(plain_install, capsys)[1]["plaintext copies"]["message"]
    earlier.unlink()
    assert doctor(plain_install, capsys)[1]["plaintext copies"]["status"] == "OK"
