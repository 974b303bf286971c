"""Start-up in order, each step logged with its cost: settings, content, strings, database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kiosk.config.loader import load_settings
from kiosk.config.settings import Settings
from kiosk.content.catalog import ContentCatalog, load_catalog
from kiosk.i18n.strings import StringCatalog, available_languages
from kiosk.paths import bundled_content_dir

if TYPE_CHECKING:
    # SQLAlchemy and the storage layer load with the database (open_database_at_head), not with this module:
    # `kiosk run` paints its first frame before it opens the database.
    from kiosk.storage.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class KioskContext:
    """Everything a screen's services need, built once at start-up."""

    settings: Settings
    settings_path: Path | None
    catalog: ContentCatalog
    strings: StringCatalog
    database: Database | None = None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def _timed(name: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    log.info("start-up: %s done in %.0f ms", name, (time.perf_counter() - started) * 1000)
    return result


CONTENT_NOTES_LOGGED = 20


def content_folder(settings: Settings) -> Path:
    return settings.content.folder or bundled_content_dir()


def log_content_problems(catalog: ContentCatalog) -> None:
    """Every content error, and the warnings too: a warning (a translation older than its English page,
    differing section counts) does not stop a page from showing, but IT reading the log after an edit should
    see it; a long list is cut, with its count."""
    for problem in catalog.errors:
        log.warning("content problem: %s", problem)
    notes = [problem for problem in catalog.problems if problem.warning]
    for problem in notes[:CONTENT_NOTES_LOGGED]:
        log.info("content warning: %s", problem)
    if len(notes) > CONTENT_NOTES_LOGGED:
        log.info("content warnings: %d more; `kiosk content check` lists them all", len(notes) - CONTENT_NOTES_LOGGED)


def load_context(config: str | None = None, open_database: bool = True, *, kiosk: bool = False) -> KioskContext:
    """Raises SettingsError or DatabaseError with a sentence for the person starting it."""
    settings, path = _timed("settings", lambda: load_settings(config, available_languages()))
    languages = settings.languages
    catalog = _timed("content", lambda: load_catalog(content_folder(settings), languages.enabled, languages.default))
    log_content_problems(catalog)
    strings = _timed("strings", lambda: StringCatalog.load(languages.enabled, languages.default))
    context = KioskContext(settings, path, catalog, strings)
    if open_database:
        context.database = _timed("database", lambda: open_database_at_head(settings, kiosk=kiosk))
    return context


def open_database_at_head(settings: Settings, *, kiosk: bool = False) -> Database:
    """The configured database, checked and at the newest schema; a backup is taken before any upgrade.

    Raises DatabaseError with a sentence for IT, and DatabaseDamaged (a DatabaseError)
    when SQLite's own check fails, so the kiosk can show its out-of-service page.
    A kiosk (kiosk=True) whose PostgreSQL server cannot be reached starts anyway: its
    requests go to the local outbox until the server is back (kiosk.services.outbox).

    Nothing here makes a database where one was lost: a missing or empty file whose key or backups
    remain is refused with the restore to run (DatabaseMissing). Only a first run (no database, no key,
    no backup) makes one, and only for `kiosk run`, through create_database as `kiosk init` does.
    """
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database, with_newest_backup
    from kiosk.storage.keys import open_configured_database

    refuse_network_file(settings)
    _remove_interrupted_encrypt(settings)
    first_run = refuse_lost_database(settings)
    if first_run is not None:
        if not kiosk:
            raise DatabaseError(
                f"There is no database at {first_run.path} yet: run `kiosk init` to create it, its key "
                "and the first admin account (or check database.url in the settings)."
            )
        # The README's first command, `kiosk run` on a fresh machine, sets up as `kiosk init` would.
        log.info("first start: no database, key or backup yet; creating them as `kiosk init` does")
        return create_database(settings, kiosk=True)
    try:
        # Encrypted SQLite with its key, or PostgreSQL; raises DatabaseError with a sentence.
        database = open_configured_database(settings, create_if_missing=False)
    except DatabaseError as exc:
        raise with_newest_backup(exc, settings) from exc.__cause__
    return _checked_at_head(database, settings, kiosk=kiosk)


def create_database(settings: Settings, *, kiosk: bool = False) -> Database:
    """`kiosk init`'s database step: a new database and key only where neither exists (nor any backup).

    An existing database is opened, checked and upgraded instead; a lost one is refused (DatabaseMissing).
    """
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database, with_newest_backup
    from kiosk.storage.keys import open_configured_database

    refuse_network_file(settings)
    first_run = refuse_lost_database(settings)
    try:
        database = open_configured_database(settings, create_if_missing=first_run is not None)
    except DatabaseError as exc:
        raise with_newest_backup(exc, settings) from exc.__cause__
    if first_run is not None:
        log.info("created a new database at %s", first_run.path)
    return _checked_at_head(database, settings, kiosk=kiosk)


def _remove_interrupted_encrypt(settings: Settings) -> None:
    """A killed `kiosk db encrypt` leaves a plain copy in its private folder: the next start removes it."""
    from kiosk.storage.backup import database_file
    from kiosk.storage.plain_copies import remove_interrupted

    path = database_file(settings)
    if path is not None:
        remove_interrupted(path)


def _checked_at_head(database: Database, settings: Settings, *, kiosk: bool) -> Database:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.services.workstations import record_start
    from kiosk.storage.backup import database_file
    from kiosk.storage.database import DatabaseError, explain_failure
    from kiosk.storage.health import with_newest_backup
    from kiosk.storage.server_problems import server_failure

    try:
        check_or_raise(database, settings)
        upgrade_with_backup(database, settings)
        record_start(database, role="kiosk")
    except DatabaseError:
        database.close()
        raise
    except SQLAlchemyError as exc:
        if kiosk and _server_unreachable(database, exc):
            log.warning(
                "the database server cannot be reached (%s): requests go to the outbox until it is back",
                type(getattr(exc, "orig", None) or exc).__name__,
            )
            return database
        database.close()
        # Busy, read-only, full or damaged each say so, with their own fix, rather than one vague sentence;
        # then the log's own line would only come before it on the console, so it goes to the log file alone.
        named = explain_failure(exc, database_file(settings))
        level = logging.INFO if named is not None else logging.ERROR
        # The sentence below is what a person sees; the driver's traceback (it may name the server) only with --verbose.
        log.log(level, "database could not be opened (%s)", type(getattr(exc, "orig", None) or exc).__name__)
        log.debug("details of the failed open", exc_info=True)
        if named is not None:
            raise with_newest_backup(named, settings) from exc
        url = settings.database.resolved_url()
        shown = make_url(url).render_as_string(hide_password=True)
        cause = type(getattr(exc, "orig", None) or exc).__name__
        raise server_failure(exc, url) or DatabaseError(
            f"The database {shown} could not be opened or updated ({cause}): "
            "check database.url, that the file or server is reachable, and the log for details."
        ) from exc
    return database


def _server_unreachable(database: Database, exc: Exception) -> bool:
    from kiosk.services.outbox import server_unreachable

    if database.engine.dialect.name != "postgresql":
        return False
    return server_unreachable(type(exc)) or server_unreachable(type(getattr(exc, "orig", None) or exc))


def refuse_network_file(settings: Settings) -> None:
    """SQLite's locks do not hold over SMB/NFS: a database there could be corrupted by two PCs."""
    from kiosk.storage.backup import database_file
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import on_network_filesystem

    path = database_file(settings)
    if path is None:
        return
    kind = on_network_filesystem(path)
    if kind is not None:
        raise DatabaseError(
            f"The database {path} is on a network file system ({kind}), where SQLite can corrupt it: "
            "keep it on a local disk, or share one database between PCs with "
            'database.url = "postgresql+psycopg://..." in the settings.'
        )


def check_or_raise(database: Database, settings: Settings) -> None:
    from kiosk.storage.backup import backup_folder, database_file
    from kiosk.storage.health import DatabaseDamaged, newest_backup, quick_check

    problems = _timed("quick_check", lambda: quick_check(database))
    if not problems:
        return
    path = database_file(settings)
    log.error("database check failed: %s", "; ".join(problems))
    folder = backup_folder(settings) if path is not None else None
    newest = newest_backup(settings) if folder is not None else None
    where = f" (the newest is {newest})" if newest is not None else f" (backups are in {folder})" if folder else ""
    raise DatabaseDamaged(
        f"The database {path or 'server'} is damaged ({problems[0]}): stop the kiosks, run `kiosk db check --full`, "
        f"then `kiosk db restore FILE` with the newest good backup{where}.",
        problems,
    )


def upgrade_with_backup(database: Database, settings: Settings) -> Path | None:
    """Bring the schema to head; when an upgrade is due on an SQLite file, back it up first.

    Returns the backup's path, or None when nothing was upgraded (or nothing needed saving).
    """
    from kiosk.storage.schema_version import at_head

    # Read in a read transaction: a kiosk holding the write lock does not make this wait.
    if at_head(database.read_engine):
        return None  # the usual start: Alembic is not even imported
    from kiosk.storage.backup import SUFFIX, backup_folder, backup_to, key_of, stamp
    from kiosk.storage.migrations import current_revision, upgrade_to_head

    current = current_revision(database.engine)
    saved: Path | None = None
    if current is not None and database.engine.dialect.name == "sqlite":
        target = backup_folder(settings) / f"kiosk-before-upgrade-from-{current}-{stamp()}{SUFFIX}"
        saved = _timed("backup before upgrade", lambda: backup_to(database, target, key_of(database)))
        log.info("backed up the database before upgrading it from %s: %s", current, saved)
    _timed("upgrade", lambda: upgrade_to_head(database.engine))
    return saved
