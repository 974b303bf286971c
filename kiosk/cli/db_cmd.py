"""`kiosk db`: upgrade, check, back up, restore and purge the database (and E1's key verbs)."""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.db_key_verbs import add_key_verbs
from kiosk.cli.db_move_key import add_move_key_verb
from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.storage.database import Database

_STOPPED = "Stop every kiosk and console that uses this database first (`kiosk run`, `kiosk staff`)."


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "db",
        help="upgrade, check, back up, restore or purge the database",
        description="Look after the kiosk's database: schema upgrades, checks, backups, restores and retention.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="bring the database to this version's layout (backup first)",
        description=(
            "Bring the database to the layout this version of the kiosk needs. When an upgrade is due, "
            "a backup is written to the backup folder first (named with the old layout). Kiosks do this "
            "themselves at start; use this to do it at a time of your choosing."
        ),
    )
    upgrade.set_defaults(handler=_handler(_upgrade))
    check = actions.add_parser(
        "check",
        help="check the database file for damage",
        description=(
            "Run SQLite's quick_check (every page read; a few seconds) or, with --full, integrity_check "
            "(indexes compared with their tables too; slower). Prints 'database OK' and exits 0, or lists "
            "what is damaged and exits 1: then restore the newest good backup with `kiosk db restore FILE`."
        ),
    )
    check.add_argument("--full", action="store_true", help="run the slower, complete integrity_check")
    check.set_defaults(handler=_handler(_check))
    backup = actions.add_parser(
        "backup",
        help="save a consistent copy of the database now",
        description=(
            "Save a consistent, encrypted copy of the database while kiosks keep working. Without --out it goes "
            "to the backup folder (database.backup_folder, default: 'backups' beside the database). The copy "
            "opens only with the database's key: keep the key file IT holds with the backups' safe copy."
        ),
    )
    backup.add_argument("--out", metavar="FILE", type=Path, help="where to save the copy")
    backup.set_defaults(handler=_handler(_backup))
    restore = actions.add_parser(
        "restore",
        help="replace the database with a backup (kiosks stopped)",
        description=(
            "Replace the database with a backup file. " + _STOPPED + " The file must open with the database's "
            "key and pass SQLite's integrity_check, or nothing changes. The current database is saved to the "
            "backup folder first (kiosk-before-restore-...), then replaced in one step."
        ),
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup file to restore")
    restore.set_defaults(handler=_handler(_restore))
    purge = actions.add_parser(
        "purge",
        help="remove closed requests past the retention period",
        description=(
            "Remove closed requests whose last status change is older than the retention period "
            "(database.retention_days, default 365), with their notes and status history. Open requests are "
            "never removed. Each removal is written to the audit trail."
        ),
    )
    purge.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    purge.add_argument(
        "--older-than",
        metavar="DAYS",
        type=_days,
        help="remove requests closed more than DAYS days ago (default: database.retention_days)",
    )
    purge.set_defaults(handler=_handler(_purge))
    add_key_verbs(actions)  # rekey, encrypt
    add_move_key_verb(actions)  # move-key (kiosk/cli/db_move_key.py)


# The same ceiling as database.retention_days: a hundred years keeps everything a clinic has.
MOST_DAYS = 36_500


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # not digits, or more digits than Python turns into a number
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of days of 1 or more")
    if value > MOST_DAYS:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is more than {MOST_DAYS} days (100 years); give fewer")
    return value


def _handler(work: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return friendly(lambda: work(args))

    return run


def _settings(args: argparse.Namespace) -> Settings:
    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages

    settings, _ = load_settings(args.config, available_languages())
    return settings


def _open(settings: Settings) -> Database:
    """The existing configured database: never created by a maintenance command."""
    from kiosk.services.startup import refuse_network_file
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database, with_newest_backup
    from kiosk.storage.keys import open_configured_database

    refuse_network_file(settings)
    # A missing or empty file whose key or backups remain was lost: say which restore brings it back.
    first_run = refuse_lost_database(settings)
    if first_run is not None:
        raise DatabaseError(
            f"The database {first_run.path} does not exist: run `kiosk init` to create it, "
            "or set database.url to the existing one."
        )
    try:
        return open_configured_database(settings, create_if_missing=False)
    except DatabaseError as exc:
        raise with_newest_backup(exc, settings) from exc.__cause__


def _upgrade(args: argparse.Namespace) -> int:
    from kiosk.services.startup import check_or_raise, upgrade_with_backup
    from kiosk.storage.migrations import current_revision, head_revision

    settings = _settings(args)
    database = _open(settings)
    try:
        before = current_revision(database.engine)
        if before == head_revision():
            print(f"database already at the newest layout ({before}); nothing to do")
            return EXIT_OK
        check_or_raise(database, settings)
        saved = upgrade_with_backup(database, settings)
        after = current_revision(database.engine)
    finally:
        database.close()
    print(f"database upgraded from {before or 'empty'} to {after}")
    if saved is not None:
        print(f"backup of the database as it was: {saved}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from kiosk.storage.backup import database_file, last_backup_age
    from kiosk.storage.health import quick_check, restore_hint, write_lock_holder

    settings = _settings(args)
    database = _open(settings)
    name = "integrity_check" if args.full else "quick_check"
    started = time.perf_counter()
    try:
        problems = quick_check(database, full=args.full)  # DatabaseBusy if it cannot even read: a sentence
        took = time.perf_counter() - started
        busy = write_lock_holder(database) if not problems else None
    finally:
        database.close()
    if database_file(settings) is not None:
        age = last_backup_age(settings)
        print("newest backup: none yet" if age is None else f"newest backup: {_age(age.total_seconds())} old")
    if not problems:
        print(f"database OK: {name} found no problems ({took:.1f} s)")
        if busy is not None:
            # Readers never wait for a writer, so the check ran; kiosks cannot save while this lasts.
            print(busy)
        return EXIT_OK
    for problem in problems:
        print(f"problem: {problem}")
    print(
        f"database damaged: {name} found {len(problems)} problem(s). " + _STOPPED + " Then restore the newest "
        f"good backup with `kiosk db restore FILE`: {restore_hint(settings)}; keep a copy of the damaged file "
        "for whoever investigates."
    )
    return EXIT_PROBLEMS


def _age(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


def _backup(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli.user_cmd import cli_actor
    from kiosk.config.loader import load_settings
    from kiosk.domain.audit import AuditAction, Outcome
    from kiosk.i18n.strings import available_languages
    from kiosk.services.audit import record_for
    from kiosk.storage.backup import SUFFIX, backup_folder, backup_to, key_of, stamp
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.output_files import check_output_path, installation_files

    settings, settings_path = load_settings(args.config, available_languages())
    installation = installation_files(settings, settings_path)
    database = _open(settings)
    try:
        target = args.out or _free_name(backup_folder(settings), f"kiosk-manual-{stamp()}", SUFFIX)
        try:
            check_output_path(target, installation)  # refused before anything is audited or copied
        except OSError as exc:
            raise DatabaseError(f"Nothing was backed up: {exc}") from exc
        actor = cli_actor()
        try:
            # The copy holds every request: its audit row is committed before a page is copied.
            with database.transaction() as session:
                record_for(session, actor, AuditAction.BACKUP, detail=f"to {target.name}")
        except SQLAlchemyError as exc:
            raise DatabaseError(
                "Nothing was backed up: the audit trail could not record the backup "
                f"({_driver_words(exc)}); free disk space if the disk is full, then run `kiosk db check`."
            ) from exc
        started = time.perf_counter()
        try:
            saved = backup_to(database, target, key_of(database), installation=installation)
        except DatabaseError:
            with contextlib.suppress(SQLAlchemyError), database.transaction() as session:
                record_for(session, actor, AuditAction.BACKUP, outcome=Outcome.FAILED, detail="no file written")
            raise
        encrypted = key_of(database) is not None
    finally:
        database.close()
    size = saved.stat().st_size / 1_000_000
    how = "encrypted with the database's key" if encrypted else "not encrypted, like the database"
    print(f"backup saved to {saved} ({size:.1f} MB, {how}) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _driver_words(exc: Exception) -> str:
    """SQLite's own words ("database or disk is full"), never the statement or its values."""
    words = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()
    return words[0][:160] if words else type(exc).__name__


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """The default backup's name; a second backup within the same second gets "-2", never the first one's name."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def _restore(args: argparse.Namespace) -> int:
    from kiosk.cli import audit_first
    from kiosk.storage.backup import restore_from

    settings = _settings(args)
    with audit_first.restoring(settings, args.file):  # no audit row in the database it replaces: no restore
        kept = restore_from(args.file, settings)
    print(f"database restored from {args.file}")
    if kept is not None:
        print(f"the database as it was before is kept at {kept}")
    print("start the kiosks and consoles again; an older layout is upgraded when they start")
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    from kiosk.cli import audit_first
    from kiosk.cli.user_cmd import cli_actor
    from kiosk.services.retention import count_purgeable, purge_closed

    settings = _settings(args)
    days = args.older_than or settings.database.retention_days
    database = _open(settings)
    try:
        if args.dry_run:
            count = count_purgeable(database, older_than_days=days)
            print(f"{count} closed requests were closed more than {days} days ago and would be removed (dry run)")
            return EXIT_OK
        with audit_first.purging(database, days):  # who asked, committed before the first request goes
            removed = purge_closed(database, older_than_days=days, actor=cli_actor())
    finally:
        database.close()
    print(f"removed {removed} closed requests closed more than {days} days ago; open requests are kept")
    return EXIT_OK
