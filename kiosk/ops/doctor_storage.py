"""Doctor's database checks: reachable, on a local disk, keyed, migrated, sound; backups and the outbox."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from kiosk.ops.doctor import Check, Status, fail, from_sentence, not_checked, ok, warn
from kiosk.storage.database import Database, DatabaseBusy, DatabaseError, WrongKeyError, explain_failure

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

log = logging.getLogger(__name__)
BACKUP_MAX_AGE = dt.timedelta(hours=48)  # a daily backup plus a day's grace: older means the schedule stopped
_RESTORE = "stop the kiosks, run `kiosk db check --full`, then `kiosk db restore FILE` with the newest good backup"


@dataclass
class _Opened:
    """What the database checks found, so the later ones can skip with the reason."""

    database: Database | None
    why_not: str = ""
    busy: bool = False  # another program holds the lock: try again, nothing to repair
    sentence: bool = False  # why_not is a whole sentence of its own ("The database ... : fix")


def storage_checks(settings: Settings) -> list[Check]:
    """database, local disk, encryption key, migrations, quick_check, plaintext copies, in that order."""
    from kiosk.storage.health import absent_database
    from kiosk.storage.keys import database_path

    path = database_path(settings.database)
    if path is None:
        return _server_checks(settings)
    local = _local_disk(settings)
    copies = plaintext_copies_check(settings)
    absent = absent_database(settings)
    if absent is not None:
        if absent.first_run:
            missing = fail("database", f"there is no database at {path}", "run `kiosk init` to create it and its key")
        else:  # gone or emptied while its key or backups remain: a restore, never `kiosk init`
            missing = from_sentence("database", Status.FAIL, str(absent.refusal()))
        return [
            missing,
            local,
            *(not_checked(n, "no database") for n in ("encryption key", "migrations", "quick_check")),
            copies,
        ]
    key_check, opened = _open_file(settings, path)
    if opened.database is None:
        if opened.busy:
            return [
                from_sentence("database", Status.WARN, opened.why_not),
                local,
                key_check,
                *(_busy_skip(name) for name in ("migrations", "quick_check")),
                copies,
            ]
        if opened.sentence:  # the file's own cause and fix (damaged, cut short, read-only), as one sentence
            database = from_sentence("database", Status.FAIL, opened.why_not)
        else:
            database = fail("database", f"{path} cannot be opened", opened.why_not)
        return [
            database,
            local,
            key_check,
            not_checked("migrations", "no database"),
            not_checked("quick_check", "no database"),
            copies,
        ]
    try:
        size = path.stat().st_size / 1_000_000
        database = ok("database", f"SQLite file {path} ({size:.1f} MB) opens")
        checks = [database, local, key_check, *_schema_and_pages(opened.database)]
        busy = _write_lock(opened.database)
        if busy is not None:  # it reads, but no kiosk can save a request while this lasts
            checks[0] = from_sentence("database", Status.WARN, str(busy))
    finally:
        opened.database.close()
    return [*checks, copies]


def _busy_skip(name: str) -> Check:
    return warn(name, "not checked: the database is busy", "run `kiosk doctor` again once it is free")


def _write_lock(database: Database) -> DatabaseBusy | None:
    from kiosk.storage.health import write_lock_holder

    try:
        return write_lock_holder(database)
    except Exception:  # the checks above already said what is wrong with the file
        log.debug("doctor: the write-lock probe failed", exc_info=True)
        return None


def plaintext_copies_check(settings: Settings) -> Check:
    """Any unencrypted SQLite file beside the database or among the backups holds patients' data in the clear."""
    from kiosk.storage.plain_copies import find_plain_copies, shown

    copies = find_plain_copies(settings)
    if not copies:
        return ok("plaintext copies", "no unencrypted copy of the database in its folder or the backup folder")
    # A clinic that keeps its database plain (database.encrypt = false) has plain backups too: warned, like it.
    report = fail if settings.database.encrypt else warn
    return report(
        "plaintext copies",
        f"{len(copies)} unencrypted copy(ies) of patients' data: {shown(copies)}",
        "move each to where IT keeps backups safely (or delete it once the kiosk works); "
        "`kiosk db encrypt` deletes its own copies once the encrypted file is verified",
    )


def _exists(path: Path) -> bool:
    from kiosk.storage.keys import database_exists

    return database_exists(path)


def _local_disk(settings: Settings) -> Check:
    from kiosk.services.startup import refuse_network_file

    try:
        refuse_network_file(settings)
    except DatabaseError as exc:
        return from_sentence("local disk", Status.FAIL, str(exc))
    return ok("local disk", "the database file is on a local disk")


def _open_file(settings: Settings, path: Path) -> tuple[Check, _Opened]:
    """The key check and the open database; opens read-only in spirit: no key is made, no rekey is finished."""
    from kiosk.storage.health import with_newest_backup
    from kiosk.storage.keys import find_key, is_plain_sqlite, key_stores

    db = settings.database
    url = db.resolved_url()
    plain = is_plain_sqlite(path)
    if plain and db.encrypt:
        key_check = fail(
            "encryption key",
            f"the database {path} is not encrypted (an earlier version made it)",
            "run `kiosk db encrypt` with every kiosk and console stopped",
        )
        return key_check, _Opened(None, "a kiosk refuses an unencrypted database: run `kiosk db encrypt`")
    if not db.encrypt:
        if not plain:
            key_check = fail("encryption key", f"the database {path} is encrypted", "set database.encrypt = true")
            return key_check, _Opened(None, "it is encrypted but database.encrypt is false")
        key_check = warn(
            "encryption key",
            f"the database {path} is not encrypted",
            "run `kiosk db encrypt`, then set database.encrypt = true",
        )
        return key_check, _open(lambda: Database.open(url))
    try:
        found = find_key(db, path)
    except DatabaseError as exc:  # unreadable, too open, or not a key at all
        problem = from_sentence("encryption key", Status.FAIL, str(exc))
        return problem, _Opened(None, "its key cannot be read (see encryption key)")
    if found is None:
        tried = " and the ".join(store.where for store in key_stores(db, path))
        missing = fail(
            "encryption key",
            f"no key found for {path} (tried the {tried})",
            "restore the key file from the copy IT keeps (see database.key_file); do not delete the database",
        )
        return missing, _Opened(None, "its key is missing (see encryption key)")
    store, key = found
    try:
        database = Database.open(url, key)
    except WrongKeyError:
        wrong = fail(
            "encryption key",
            f"the key in the {store.where} does not open {path}",
            "restore the right key file from the copy IT keeps; do not delete the database",
        )
        return wrong, _Opened(None, "its key does not fit (see encryption key)")
    except DatabaseError as exc:  # busy, read-only, cut short, damaged: each sentence names its cause
        busy = isinstance(exc, DatabaseBusy)
        why = str(with_newest_backup(exc, settings))
        return ok("encryption key", f"found in the {store.where}"), _Opened(None, why, busy=busy, sentence=True)
    return ok("encryption key", f"in the {store.where}, and it opens the database"), _Opened(database)


def _open(opener: Callable[[], Database]) -> _Opened:
    try:
        return _Opened(opener())
    except DatabaseError as exc:
        return _Opened(None, str(exc), busy=isinstance(exc, DatabaseBusy))


def _server_checks(settings: Settings) -> list[Check]:
    url = settings.database.resolved_url()
    shown = make_url(url).render_as_string(hide_password=True)
    local = ok("local disk", "not a file: the database is on a PostgreSQL server")
    key = ok("encryption key", "not used: the PostgreSQL server keeps the data")
    try:
        database = Database.open(url)
    except DatabaseError as exc:
        return [from_sentence("database", Status.FAIL, str(exc)), local, key, *_skipped_schema("no database")]
    try:
        try:
            with database.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1").scalar()
        except SQLAlchemyError as exc:
            return [_server_problem(exc, url), local, key, *_skipped_schema("the server did not answer")]
        return [ok("database", f"the server {shown} answers"), local, key, *_schema_and_pages(database)]
    finally:
        database.close()


def _skipped_schema(why: str) -> list[Check]:
    return [not_checked("migrations", why), not_checked("quick_check", why)]


def _server_problem(exc: SQLAlchemyError, url: str) -> Check:
    """Wrong credentials, no such database, or no server, in the words every command uses (server_problems)."""
    from kiosk.storage.server_problems import server_problem

    problem = server_problem(exc, url)
    if problem.tls is not None:  # it answered, but without TLS: not "cannot be reached"
        return from_sentence("database", Status.FAIL, problem.tls)
    return fail("database", problem.what, problem.fix)


def _schema_and_pages(database: Database) -> list[Check]:
    from kiosk.storage.health import quick_check

    checks = [_migrations(database)]
    try:
        problems = quick_check(database)
    except DatabaseBusy:
        return [*checks, _busy_skip("quick_check")]
    except DatabaseError as exc:  # read-only, full disk: not damage, so never a restore
        return [*checks, from_sentence("quick_check", Status.FAIL, str(exc))]
    except SQLAlchemyError as exc:
        return [*checks, fail("quick_check", f"could not run ({type(exc).__name__})", _RESTORE)]
    if database.engine.dialect.name != "sqlite":
        return [*checks, ok("quick_check", "not run: the PostgreSQL server checks its own pages")]
    if problems:
        return [*checks, fail("quick_check", f"{len(problems)} problem(s), first: {problems[0]}", _RESTORE)]
    return [*checks, ok("quick_check", "SQLite found no damage")]


def _migrations(database: Database) -> Check:
    from alembic.script import ScriptDirectory

    from kiosk.storage.migrations import alembic_config, current_revision, head_revision

    try:
        current = current_revision(database.read_engine)  # a read: never queued behind a writer's lock
    except SQLAlchemyError as exc:
        named = explain_failure(exc, _file_of(database))
        if isinstance(named, DatabaseBusy):
            return _busy_skip("migrations")
        if named is not None:
            return from_sentence("migrations", Status.FAIL, str(named))
        return fail("migrations", f"the layout could not be read ({type(exc).__name__})", _RESTORE)
    head = head_revision()
    if current == head:
        return ok("migrations", f"at the newest layout ({head})")
    if current is None:
        return fail("migrations", "the database has no kiosk tables", "run `kiosk init`")
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        return fail(
            "migrations",
            f"the database has layout {current}, made by a newer version of the kiosk",
            "install that version (or newer) on this PC",
        )
    return warn(
        "migrations",
        f"at layout {current}; this version needs {head}",
        "run `kiosk db upgrade` (a kiosk also does it when it starts, after a backup)",
    )


def _file_of(database: Database) -> Path | None:
    name = database.engine.url.database
    return Path(name) if database.engine.dialect.name == "sqlite" and name and name != ":memory:" else None


def backup_check(settings: Settings) -> Check:
    from kiosk.storage.backup import backup_folder, database_file, last_backup_age

    if database_file(settings) is None:
        return ok("backup", "backups are the server's job (pg_dump)")
    folder = backup_folder(settings)
    age = last_backup_age(settings)
    again = "run `kiosk db backup` now; a running kiosk makes one every day"
    if age is None:
        return warn("backup", f"no backup yet in {folder}", again)
    hours = age.total_seconds() / 3600
    shown = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
    if age > BACKUP_MAX_AGE:
        return warn("backup", f"the newest backup in {folder} is {shown} old", again)
    return ok("backup", f"the newest backup in {folder} is {shown} old")


def outbox_check(settings: Settings) -> Check:
    """Requests this kiosk kept while the server was away: only a count, never their contents."""
    from kiosk.services.outbox import outbox_settings, pending_count
    from kiosk.storage.keys import database_path, open_configured_database

    if database_path(settings.database) is not None:
        return ok("outbox", "not used: the database is on this PC")
    path = settings.database.resolved_outbox_path()
    if not _exists(path):
        return ok("outbox", "empty (no request has waited for the server)")
    try:
        outbox = open_configured_database(outbox_settings(settings), create_if_missing=False)
    except DatabaseError as exc:
        return from_sentence("outbox", Status.FAIL, str(exc))
    try:
        waiting = pending_count(outbox)
    except SQLAlchemyError as exc:
        return warn("outbox", f"{path} could not be read ({type(exc).__name__})", "start the kiosk once to update it")
    finally:
        outbox.close()
    if waiting:
        return warn(
            "outbox",
            f"{waiting} request(s) waiting in {path} for the server",
            "they are sent when the server can be reached again: fix the database check",
        )
    return ok("outbox", "empty: every request reached the server")
