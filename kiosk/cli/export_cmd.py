"""`kiosk export --out FILE`: the requests as a CSV file, or as FHIR bundles for the clinic's record system
(`--format fhir|ndjson`), for clinic IT, audited like an export from the console."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from kiosk.cli.errors import friendly
from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import RequestStatus
from kiosk.ops.exit_codes import EXIT_OK, EXIT_USAGE

log = logging.getLogger(__name__)


_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(9000, 12, 31)


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "export",
        help="write requests to a CSV file or as FHIR bundles",
        description=(
            "Write the requests to a CSV file (UTF-8, opens in Excel), urgent first then oldest. "
            "Without filters every request is written, closed ones included. Cells that a spreadsheet "
            "would run as a formula start with an apostrophe. With --format fhir, each request is written as "
            "a FHIR R4 transaction bundle, <reference>.json, into the existing folder --out names; with --format "
            "ndjson, every bundle goes on its own line of one file (docs/it/fhir.md). The export is recorded in "
            "the audit trail before any request is written, and every file is readable by your account only. "
            "--out may not be one of the kiosk's own files (database, key, settings, outbox, backups, logs)."
        ),
    )
    parser.add_argument(
        "--out", metavar="FILE", type=Path, required=True, help="the file to write (a folder for --format fhir)"
    )
    parser.add_argument(
        "--format",
        dest="layout",
        choices=("csv", "fhir", "ndjson"),
        default="csv",
        help="csv (the default), fhir (one bundle file per request in a folder) or ndjson (one bundle per line)",
    )
    parser.add_argument(
        "--status",
        action="append",
        choices=[status.value for status in RequestStatus],
        help="only requests with this status (repeat for several)",
    )
    parser.add_argument(
        "--type",
        action="append",
        dest="kinds",
        choices=[kind.value for kind in RequestKind],
        help="only requests of this type (repeat for both)",
    )
    urgency = parser.add_mutually_exclusive_group()
    urgency.add_argument("--urgent", dest="urgency", action="store_const", const=True, help="only urgent requests")
    urgency.add_argument(
        "--not-urgent", dest="urgency", action="store_const", const=False, help="only requests that are not urgent"
    )
    parser.add_argument(
        "--from", dest="received_from", metavar="DATE", help="received on or after this day (YYYY-MM-DD)"
    )
    parser.add_argument("--to", dest="received_to", metavar="DATE", help="received on or before this day (YYYY-MM-DD)")
    parser.set_defaults(handler=export_requests)


def export_requests(args: argparse.Namespace) -> int:
    try:
        received_from = _day(args.received_from, "--from")
        received_to = _day(args.received_to, "--to")
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # No request was received before 1900 or will be after 9000: such a bound selects everything, and the
    # day arithmetic of a filter at the very ends of the calendar (0001-01-01, 9999-12-31) would overflow.
    if received_from is not None and received_from < _EARLIEST:
        received_from = None
    if received_to is not None and received_to > _LATEST:
        received_to = None
    if received_from and received_to and received_from > received_to:
        print(f"kiosk: --from {received_from} is after --to {received_to}: swap them.", file=sys.stderr)
        return EXIT_USAGE
    return friendly(lambda: _export(args, received_from, received_to))


def _day(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{flag} {value!r} is not a date: write it as YYYY-MM-DD, like 2025-03-31.") from None


def _export(args: argparse.Namespace, received_from: dt.date | None, received_to: dt.date | None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli.audit_cmd import open_existing_database
    from kiosk.config.loader import load_settings
    from kiosk.domain.staff import Actor, Role
    from kiosk.i18n.strings import available_languages
    from kiosk.services.export import ExportError, export_csv
    from kiosk.services.fhir.export import FhirLayout, export_fhir
    from kiosk.services.queue import QueueFilter
    from kiosk.services.workstations import this_workstation_name
    from kiosk.storage.output_files import installation_files

    where = QueueFilter(
        statuses=frozenset(RequestStatus(s) for s in args.status) if args.status else frozenset(RequestStatus),
        kinds=frozenset(RequestKind(k) for k in args.kinds) if args.kinds else frozenset(RequestKind),
        urgency=args.urgency,
        received_from=received_from,
        received_to=received_to,
    )
    # IT runs this on the server with file access, which already gives them everything: the
    # audit row names the operating-system account so the export is still accounted for.
    actor = Actor(username=f"cli:{_os_user()}", role=Role.ADMIN, workstation=this_workstation_name())
    settings, settings_path = load_settings(args.config, available_languages())
    database = open_existing_database(args.config)
    installation = installation_files(settings, settings_path)
    try:
        if args.layout == "csv":
            count = export_csv(database, where, args.out, actor=actor, installation=installation)
        else:
            count = export_fhir(
                database, where, args.out, FhirLayout(args.layout), actor=actor, installation=installation
            )
    except ExportError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as exc:  # the last line of defence: a sentence, never a traceback
        log.info("export failed", exc_info=True)
        print(
            f"kiosk: Nothing was exported: the database could not be used ({type(exc).__name__}); "
            "run `kiosk db check`.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        database.close()
    print(f"wrote {count} request{'' if count == 1 else 's'} to {args.out}")
    return EXIT_OK


def _os_user() -> str:
    # The account the OS runs this process as, never $USER (anyone can set it): kiosk/cli/os_account.py.
    from kiosk.cli.os_account import os_account

    return os_account()
