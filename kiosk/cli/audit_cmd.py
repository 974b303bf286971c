"""`kiosk audit verify`: check that no audit row was edited or removed behind the application's back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    from kiosk.storage.database import Database


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "audit",
        help="check the audit trail",
        description="Work with the audit trail of the reception console.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check that no audit row was changed or removed",
        description=(
            "Recompute the seal of every audit row, oldest first (an HMAC keyed from the database key "
            "on an encrypted database), and compare the newest row with the record of it kept outside "
            "the table (a file beside the key; on PostgreSQL the audit_head table), so rows removed from "
            "the end are found too. Also checks the database triggers that keep the trail append-only. "
            "Prints 'audit trail intact: N rows checked' and exits 0, or prints each problem and exits 1."
        ),
    )
    verify.set_defaults(handler=verify_audit)


def verify_audit(args: argparse.Namespace) -> int:
    return friendly(lambda: _verify(args))


def _verify(args: argparse.Namespace) -> int:
    from kiosk.services.audit import verify_chain

    database = open_existing_database(args.config)
    try:
        report = verify_chain(database)
    finally:
        database.close()
    if report.intact:
        print(f"audit trail intact: {_rows(report.rows_checked)} checked")
        return EXIT_OK
    for problem in report.problems:
        print(f"problem: {problem}")
    print(
        f"audit trail damaged: {len(report.problems)} problems in {_rows(report.rows_checked)} checked; "
        "keep a copy of the database file as it is and tell whoever looks after the clinic's records."
    )
    return EXIT_PROBLEMS


def open_existing_database(config: str | None) -> Database:
    """The database the settings name, as it is: never created or migrated by a checking command.

    Raises SettingsError or DatabaseError with a sentence for clinic IT.
    """
    # Imported here, not at the top: `kiosk run` and `kiosk --help` import this module and need none of it.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database
    from kiosk.storage.keys import open_configured_database
    from kiosk.storage.migrations import current_revision, head_revision
    from kiosk.storage.server_problems import server_failure

    settings, _ = load_settings(config, available_languages())
    url = settings.database.resolved_url()
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    refuse_lost_database(settings)  # deleted or emptied while its key or backups remain: name the restore
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).expanduser().is_file():
        # Opening would create an empty file, and an empty trail would pass as intact.
        raise DatabaseError(
            f"There is no database at {parsed.database}: check database.url in the settings, "
            "or run `kiosk init` to create it."
        )
    database = open_configured_database(settings, create_if_missing=False)  # encrypted: with its key
    try:
        revision = current_revision(database.engine)
    except SQLAlchemyError as exc:
        database.close()
        raise server_failure(exc, url) or DatabaseError(
            f"The database {shown} could not be read ({type(exc).__name__}): "
            "check database.url and that the file or server is reachable."
        ) from exc
    if revision != head_revision():
        database.close()
        raise DatabaseError(
            f"The database {shown} has an older layout than this version of the kiosk: "
            "start the kiosk or console once to update it, then try again."
        )
    return database


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"
