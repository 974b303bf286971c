"""Encryption at rest: a copied database file, its WAL and temporary files reveal no patient; key trouble is loud."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import sqlcipher3
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from sqlalchemy import text

from kiosk.cli.main import main
from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.requests import load_request, submit_request
from kiosk.storage.database import SQLITE_HEADER, Database, DatabaseError, apply_key
from kiosk.storage.keys import default_key_file, legacy_key_file, open_configured_database, resolve_key
from kiosk.storage.migrations import upgrade_to_head
from tests import encrypted_files
from tests.services import factories

PC = "kiosk-1"
# What a thief would grep for: the names, the phone number as typed and stored, the email.
SECRETS = [
    value.encode("utf-8")
    for value in (
        factories.FIRST_NAME,
        factories.LAST_NAME,
        factories.PHONE,
        factories.PHONE.removeprefix("+"),
        factories.EMAIL,
        factories.REASON_OTHER,
        factories.CONCERNS,
    )
]


def settings_for(database_file: Path) -> Settings:
    return Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}"))


def found_secrets(folder: Path) -> dict[str, list[str]]:
    """Every file in the folder (database, -wal, -shm, key, temporary files) and which patient values it holds."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hits = [secret.decode() for secret in SECRETS if secret in data]
            if hits:
                found[path.name] = hits
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_patients(database: Database, count: int = 20) -> list[str]:
    makers = (factories.appointment, factories.follow_up, factories.urgent_follow_up)
    return [submit_request(database, makers[n % 3](), PC).reference for n in range(count)]


@pytest.fixture
def sqlite_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where SQLite would put temporary files on Unix (SQLITE_TMPDIR): watched for plaintext too."""
    folder = tmp_path / "sqlite-temp"
    folder.mkdir()
    monkeypatch.setenv("SQLITE_TMPDIR", str(folder))
    return folder


def test_no_patient_value_is_on_disk_while_the_kiosk_is_open_or_after(
    tmp_path: Path, sqlite_temp_folder: Path, database_file: Path
) -> None:
    database = open_configured_database(settings_for(database_file), create_if_missing=True)
    upgrade_to_head(database.engine)
    try:
        references = store_patients(database)
        # Work that could spill to temporary files: a sort with no index, a temporary table.
        with database.read() as session:
            # Temporary tables, sorts and indexes stay in memory (SQLite unlinks temporary files at once,
            # so looking for them in a folder alone would prove little).
            assert session.execute(text("PRAGMA temp_store")).scalar() == 2
            session.execute(text("SELECT * FROM patient_requests ORDER BY random()")).all()
        with database.transaction() as session:
            session.execute(text("CREATE TEMP TABLE spill AS SELECT * FROM patient_requests"))
            session.execute(text("DROP TABLE spill"))
        wal = database_file.with_name(database_file.name + "-wal")
        assert wal.stat().st_size > 0, "the requests should still be in the WAL while the kiosk runs"
        assert found_secrets(tmp_path) == {}
    finally:
        database.close()

    assert found_secrets(tmp_path) == {}  # after the last connection checkpointed the WAL into the file
    assert not database_file.read_bytes().startswith(SQLITE_HEADER)
    reopened = encrypted_files.open_again(database_file)
    try:
        assert load_request(reopened, references[0]) is not None  # the same data, for whoever holds the key
    finally:
        reopened.close()


def test_the_search_does_find_patients_in_an_unencrypted_file(tmp_path: Path) -> None:
    """The search above works: the same writes into a plain file show the patient at once."""
    folder = tmp_path / "plain"
    database = Database.open(f"sqlite:///{folder / 'kiosk.sqlite3'}")
    upgrade_to_head(database.engine)
    try:
        store_patients(database, count=3)
        assert factories.LAST_NAME in found_secrets(folder)["kiosk.sqlite3-wal"]
    finally:
        database.close()


def test_a_fresh_machine_gets_a_random_key_in_a_private_file(tmp_path: Path) -> None:
    database_file = tmp_path / "new-folder" / "kiosk.sqlite3"
    database = open_configured_database(settings_for(database_file), create_if_missing=True)
    database.close()

    key_file = default_key_file(database_file)
    text_in_file = key_file.read_text(encoding="ascii")
    assert len(text_in_file) == 65 and text_in_file.endswith("\n")
    assert len(bytes.fromhex(text_in_file.strip())) == 32
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    other = tmp_path / "other" / "kiosk.sqlite3"
    open_configured_database(settings_for(other), create_if_missing=True).close()
    assert default_key_file(other).read_text() != text_in_file  # a new random key for every database


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_key_file_others_can_read_is_refused(database: Database, database_file: Path) -> None:
    database.close()
    key_file = default_key_file(database_file)
    key_file.chmod(0o644)

    with pytest.raises(DatabaseError) as caught:
        open_configured_database(settings_for(database_file), create_if_missing=True)

    assert str(caught.value) == (
        f"The key file {key_file} can be read by other accounts (mode 644): "
        f"run `chmod 600 {key_file}` as the kiosk's account, then start again."
    )


def test_a_wrong_key_stops_the_open_with_a_sentence_naming_the_key(database: Database, database_file: Path) -> None:
    store_patients(database, count=2)
    database.close()
    key_file = default_key_file(database_file)
    key_file.write_text(os.urandom(32).hex() + "\n")  # another database's key, put back by mistake
    before = digest(database_file)

    with pytest.raises(DatabaseError) as caught:
        open_configured_database(settings_for(database_file), create_if_missing=True)

    assert str(caught.value) == (
        f"The database {database_file} cannot be opened with the key in the key file {key_file}: the key "
        "belongs to another database or the file is damaged; restore the right key file from the copy IT keeps; "
        "do not delete the database: a new one would not hold the requests already stored."
    )
    assert digest(database_file) == before


def test_a_missing_key_never_replaces_the_database_with_a_new_one(database: Database, database_file: Path) -> None:
    store_patients(database, count=2)
    database.close()
    key_file = default_key_file(database_file)
    key_file.unlink()
    before = digest(database_file)
    files_before = sorted(path.name for path in database_file.parent.iterdir())

    for create in (True, False):
        with pytest.raises(DatabaseError) as caught:
            open_configured_database(settings_for(database_file), create_if_missing=create)
        assert str(caught.value) == (
            f"The database {database_file} exists but its key was not found (tried the key file {key_file} "
            f"and the key file {legacy_key_file(database_file)}): "
            "restore the key file from the copy IT keeps (see database.key_file); "
            "do not delete the database: a new one would not hold the requests already stored."
        )

    assert digest(database_file) == before
    assert sorted(path.name for path in database_file.parent.iterdir()) == files_before  # no new key, no new file


def test_no_database_and_no_creating_is_refused_without_making_a_file(tmp_path: Path) -> None:
    database_file = tmp_path / "kiosk.sqlite3"

    with pytest.raises(DatabaseError, match="does not exist: run `kiosk init`"):
        open_configured_database(settings_for(database_file), create_if_missing=False)
    with pytest.raises(DatabaseError, match="There is no database key"):
        resolve_key(settings_for(database_file).database, create=False)

    assert list(tmp_path.iterdir()) == []


def test_a_key_file_named_in_the_settings_is_the_one_used(tmp_path: Path) -> None:
    database_file = tmp_path / "data" / "kiosk.sqlite3"
    key_file = tmp_path / "secrets" / "kiosk.key"
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}", key_file=key_file))
    open_configured_database(settings, create_if_missing=True).close()

    assert key_file.is_file()
    assert not default_key_file(database_file).exists()
    key_file.unlink()
    with pytest.raises(DatabaseError, match=f"tried the key file {key_file}\\)"):
        open_configured_database(settings, create_if_missing=True)


class MemoryKeyring(KeyringBackend):
    """An OS keyring as the keyring package sees one (Windows Credential Manager, Keychain), held in memory."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own __init__ is unannotated
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def os_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())  # back to a headless machine, as tests/conftest.py sets up


def test_with_an_os_keyring_the_key_goes_there_and_no_key_file_is_written(
    tmp_path: Path, os_keyring: MemoryKeyring
) -> None:
    database_file = tmp_path / "kiosk.sqlite3"
    database = open_configured_database(settings_for(database_file), create_if_missing=True)
    upgrade_to_head(database.engine)
    reference = store_patients(database, count=1)[0]
    database.close()

    assert list(os_keyring.entries) == [("clinic-kiosk", str(database_file))]
    assert not default_key_file(database_file).exists()
    reopened = open_configured_database(settings_for(database_file), create_if_missing=False)
    try:
        assert load_request(reopened, reference) is not None
    finally:
        reopened.close()
    os_keyring.entries.clear()  # a new user profile, a reinstalled PC
    with pytest.raises(DatabaseError) as caught:
        open_configured_database(settings_for(database_file), create_if_missing=True)
    assert (
        f'(tried the keyring entry "clinic-kiosk"/{database_file}, the key file {default_key_file(database_file)} '
        f"and the key file {database_file}.key)"
    ) in str(caught.value)


def test_a_clinic_that_chose_no_encryption_gets_a_plain_file_and_an_encrypted_one_is_not_misread(
    tmp_path: Path, database: Database, database_file: Path
) -> None:
    plain_file = tmp_path / "plain" / "kiosk.sqlite3"
    plain_settings = Settings(database=DatabaseSettings(url=f"sqlite:///{plain_file}", encrypt=False))
    plain = open_configured_database(plain_settings, create_if_missing=True)
    upgrade_to_head(plain.engine)
    plain.close()
    assert plain_file.read_bytes().startswith(SQLITE_HEADER)
    assert not default_key_file(plain_file).exists()

    database.close()
    encrypted_settings = Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}", encrypt=False))
    with pytest.raises(DatabaseError) as caught:
        open_configured_database(encrypted_settings, create_if_missing=True)
    assert str(caught.value) == (
        f"The database {database_file} is encrypted but database.encrypt is false: set database.encrypt = true."
    )


def _table_page(database_file: Path, table: str) -> int:
    with encrypted_files.connect(database_file) as connection:
        page: int = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return page


def _flip_byte(path: Path, offset: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))


def test_a_flipped_byte_in_a_page_is_detected_on_read(database: Database, database_file: Path) -> None:
    references = store_patients(database, count=3)
    database.close()
    page = _table_page(database_file, "patient_requests")
    with encrypted_files.connect(database_file) as connection:
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    _flip_byte(database_file, (page - 1) * page_size + 200)  # inside the rows' page: one bit of one patient

    kiosk = encrypted_files.open_again(database_file)  # page 1 is intact: the key still fits
    try:
        with pytest.raises(Exception) as caught:
            load_request(kiosk, references[0])
        assert getattr(getattr(caught.value, "orig", None), "sqlite_errorname", None) in {
            "SQLITE_CORRUPT",
            "SQLITE_NOTADB",
        }
    finally:
        kiosk.close()
    # SQLCipher's own check (each page's HMAC) names the damaged page for IT.
    with encrypted_files.connect(database_file) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA cipher_integrity_check")]
    assert any(f"page {page}" in problem for problem in problems), problems


def test_a_flipped_byte_in_the_first_page_stops_the_open_with_the_damage_sentence(
    database: Database, database_file: Path
) -> None:
    store_patients(database, count=1)
    database.close()
    _flip_byte(database_file, 100)

    # The other pages open with the key, so it is the file that is damaged, not the key that is wrong.
    with pytest.raises(DatabaseError, match=r"is damaged: page\(s\) 1 of \d+ do not read back"):
        open_configured_database(settings_for(database_file), create_if_missing=False)


def test_an_interrupted_rekey_is_finished_at_the_next_open(database: Database, database_file: Path) -> None:
    """Rekey committed, then a crash before the new key was stored: the pending key (.new) still opens it."""
    reference = store_patients(database, count=1)[0]
    database.close()
    key_file = default_key_file(database_file)
    new_key = os.urandom(32)
    pending = key_file.with_name(key_file.name + ".new")
    fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, f"{new_key.hex()}\n".encode())
    os.close(fd)
    with encrypted_files.connect(database_file) as connection:
        connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")  # the crash comes right after this

    reopened = open_configured_database(settings_for(database_file), create_if_missing=False)
    try:
        assert load_request(reopened, reference) is not None
    finally:
        reopened.close()
    assert key_file.read_text().strip() == new_key.hex()
    assert not pending.exists()


# --- the CLI, as clinic IT types it ------------------------------------------------------------------------------


def _kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def test_rekey_keeps_the_data_and_the_old_key_no_longer_opens_it(
    database: Database, database_file: Path, settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    references = store_patients(database, count=5)
    database.close()
    key_file = default_key_file(database_file)
    old_key = encrypted_files.key_of(database_file)

    assert _kiosk(settings_file, "db", "rekey") == 0

    out = capsys.readouterr().out
    assert f"has a new key, stored in the key file {key_file}; the old key no longer opens it." in out
    new_key = encrypted_files.key_of(database_file)
    assert new_key is not None and new_key != old_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 or os.name != "posix"
    assert [path.name for path in key_file.parent.glob("*.key.*") if path.suffix in {".new", ".old"}] == []
    reopened = open_configured_database(settings_for(database_file), create_if_missing=False)
    try:
        assert [load_request(reopened, reference) is not None for reference in references] == [True] * 5
    finally:
        reopened.close()
    assert old_key is not None
    with pytest.raises(DatabaseError, match="cannot be read with the key given"):
        Database.open(f"sqlite:///{database_file}", old_key)
    assert found_secrets(database_file.parent) == {}


def test_rekey_while_a_kiosk_writes_changes_nothing(
    database: Database, database_file: Path, settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_patients(database, count=1)
    old_key = encrypted_files.key_of(database_file)
    holder = encrypted_files.connect(database_file, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # a kiosk in the middle of storing a request
    try:
        assert _kiosk(settings_file, "db", "rekey") == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    err = capsys.readouterr().err
    # Its audit row is the first write: refused there, before any key was made (issue 18, class 7).
    assert "the database is in use by another program (a running kiosk or console)" in err
    assert "stop every kiosk and console that uses it" in err
    assert encrypted_files.key_of(database_file) == old_key
    key_file = default_key_file(database_file)
    assert [path.name for path in key_file.parent.glob("*.key.*") if path.suffix in {".new", ".old"}] == []


def make_plain_database(database_file: Path) -> list[str]:
    """A database as an earlier version of the kiosk left it: unencrypted."""
    plain = Database.open(f"sqlite:///{database_file}")
    try:
        upgrade_to_head(plain.engine)
        return store_patients(plain, count=4)
    finally:
        plain.close()


def test_encrypt_turns_an_earlier_versions_database_into_an_encrypted_one(
    tmp_path: Path, database_file: Path, settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    references = make_plain_database(database_file)
    with pytest.raises(DatabaseError) as refused:
        open_configured_database(settings_for(database_file), create_if_missing=True)
    assert str(refused.value) == (
        f"The database {database_file} is not encrypted (an earlier version made it): run `kiosk db encrypt` "
        "to encrypt it, with every kiosk and console stopped."
    )

    assert _kiosk(settings_file, "db", "encrypt") == 0

    out = capsys.readouterr().out
    assert "The unencrypted copy made while encrypting was deleted once the encrypted file was verified." in out
    assert found_secrets(tmp_path) == {}  # no plain copy is left behind (--keep-plain-copy: tests/cli)
    key_file = default_key_file(database_file)
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    database = open_configured_database(settings_for(database_file), create_if_missing=False)
    try:
        assert all(load_request(database, reference) is not None for reference in references)
        store_patients(database, count=1)  # and the kiosk carries on writing
    finally:
        database.close()

    assert _kiosk(settings_file, "db", "encrypt") == 2
    assert (
        capsys.readouterr().err == f"kiosk: The database {database_file} is already encrypted: nothing was changed.\n"
    )


# What encryption costs a patient pressing Submit is a `kiosk bench` row ("durable submit ...: its floor with
# encryption and indexes", beside the plain floor): a figure, not a pass or fail, so it is measured there.


def test_apply_key_keys_a_raw_connection_for_a_backup(database: Database, database_file: Path, tmp_path: Path) -> None:
    store_patients(database, count=2)
    key = encrypted_files.key_of(database_file)
    assert key is not None
    copy_path = tmp_path / "copy.sqlite3"
    source = sqlcipher3.connect(str(database_file))
    copy = sqlcipher3.connect(str(copy_path))
    apply_key(source, key)
    apply_key(copy, key)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()

    assert found_secrets(tmp_path) == {}
    opened = Database.open(f"sqlite:///{copy_path}", key)
    try:
        with opened.read() as session:
            assert session.execute(text("SELECT count(*) FROM patient_requests")).scalar() == 2
    finally:
        opened.close()
