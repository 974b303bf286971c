"""`kiosk demo-data --count N`: fill a database with synthetic requests, for demonstrations and load tests."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from kiosk.storage.database import Database

SYNTHETIC = (
    "synthetic requests: made-up names, fictional 555-01XX phone numbers and example.org addresses, no real patients"
)


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "demo-data",
        help="fill the database with synthetic requests",
        description=(
            "Add synthetic requests to the database the settings name, for a demonstration or a load test: "
            "made-up people, fictional phone numbers (555-0100 to 555-0199), both kinds, about 3%% urgent, "
            "received over the last DAYS days, recent ones mostly open and older ones mostly closed. "
            "Never use it on a clinic's real database: it refuses one that already has requests unless "
            "--force is given. The same --seed gives the same requests."
        ),
    )
    parser.add_argument("--count", type=_positive, required=True, metavar="N", help="how many requests to add")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="makes the same requests again (default 0)")
    parser.add_argument(
        # No default here: the generator's own (kiosk.services.demo_data.DEFAULT_DAYS, two years) applies, and
        # this module need not import the generator (and SQLAlchemy) just to build the command line.
        "--days",
        type=_days,
        default=None,
        metavar="DAYS",
        help="spread over (default 730, two years)",
    )
    parser.add_argument("--force", action="store_true", help="add them even if the database already has requests")
    parser.set_defaults(handler=demo_data)


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a number of 1 or more")
    return value


def _days(text: str) -> int:
    # A hundred years, as database.retention_days: further back than the calendar goes would stop the generator.
    value = _positive(text)
    if value > 36_500:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is too many days; give 1 to 36500")
    return value


def demo_data(args: argparse.Namespace) -> int:
    return friendly(lambda: _demo_data(args))


def _demo_data(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from kiosk.services.demo_data import DEFAULT_DAYS, generate_requests
    from kiosk.storage.models import RequestRecord

    database, shown = _open(args.config)
    try:
        with database.read() as session:
            existing = session.scalar(select(func.count()).select_from(RequestRecord)) or 0
        if existing and not args.force:
            print(
                f"kiosk: {shown} already holds {existing:,} requests; demo data goes into an empty database "
                "(point database.url at a test file), or add --force to add it anyway.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(f"Adding {args.count:,} {SYNTHETIC}, to {shown}.")
        started = time.perf_counter()
        step = max(args.count // 10, 1)
        shown_at = [0]

        def progress(done: int) -> None:
            if done - shown_at[0] >= step or done == args.count:
                shown_at[0] = done
                print(f"  {done:,} of {args.count:,} ({time.perf_counter() - started:.1f} s)", flush=True)

        days = DEFAULT_DAYS if args.days is None else args.days
        added = generate_requests(database, args.count, seed=args.seed, days=days, progress=progress)
        print(f"Done: {added:,} synthetic requests added in {time.perf_counter() - started:.1f} s.")
        return EXIT_OK
    finally:
        database.close()


def _open(config: str | None) -> tuple[Database, str]:
    """The settings' database brought to the current schema (a new file is created), and its name for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database
    from kiosk.storage.keys import open_configured_database
    from kiosk.storage.migrations import upgrade_to_head
    from kiosk.storage.server_problems import server_failure

    settings, _ = load_settings(config, available_languages())
    url = settings.database.resolved_url()
    shown = make_url(url).render_as_string(hide_password=True)
    refuse_lost_database(settings)  # deleted or emptied while its key or backups remain: never a new one there
    database = open_configured_database(settings, create_if_missing=True)  # encrypted: with its key
    try:
        upgrade_to_head(database.engine)
    except SQLAlchemyError as exc:
        database.close()
        raise server_failure(exc, url) or DatabaseError(
            f"The database {shown} could not be opened or updated ({type(exc).__name__}): "
            "check database.url and that the file or server is reachable."
        ) from exc
    return database, shown
