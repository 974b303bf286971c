"""`kiosk db move-key`: move the database key from beside the database to a place of its own."""

from __future__ import annotations

import argparse

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK


def add_move_key_verb(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `move-key` to `kiosk db` (called by kiosk/cli/db_cmd.py)."""
    verb = actions.add_parser(
        "move-key",
        help="move the database key out of the database's folder (kiosks may keep running)",
        description=(
            "Earlier versions kept the key file beside the database (with PostgreSQL: beside the outbox), so a copy "
            "of that folder carried its own key. "
            "This copies the key to the OS keyring or to the kiosk's own key folder (readable by this account "
            "only), checks that the copy opens the database, and only then removes the old file. Give IT's safe "
            "copy of the key no change: the key itself stays the same."
        ),
    )
    verb.set_defaults(handler=_move)


def _move(args: argparse.Namespace) -> int:
    return friendly(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages
    from kiosk.ops.doctor_checks import keyed_settings
    from kiosk.storage.key_location import move_key_apart
    from kiosk.storage.keys import database_exists, database_path

    settings, _ = load_settings(args.config, available_languages())
    keyed = keyed_settings(settings)  # with PostgreSQL, the outbox's key (the server keeps its own data)
    path = database_path(keyed.database)
    if keyed is not settings and (path is None or not database_exists(path)):
        print("No key to move: the database is on a PostgreSQL server and this PC has no outbox file yet.")
        return EXIT_OK
    print(move_key_apart(keyed))
    return EXIT_OK
