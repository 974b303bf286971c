"""`kiosk handoff run|status|off`: the drop folder's writer as a service, its state, and switching it off."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.storage.database import Database

NO_FOLDER = "No drop folder is set on this PC: add drop_folder under [handoff] in the settings file (docs/it/fhir.md)."


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "handoff",
        help="write new requests and status changes into the drop folder as FHIR bundles",
        description=(
            "The drop folder for the clinic's record system ([handoff] drop_folder, docs/it/fhir.md). `run` writes "
            "each new request and each status change there as a FHIR transaction bundle, once and in order, until "
            "stopped (for a service; the console of a PC with a drop folder does the same while it is open); "
            "`run --once` writes what waits and stops (for a scheduled task). `status` says how the folder is and "
            "what waits. `off` stops keeping the queue for a clinic that no longer uses a drop folder, and drops "
            "what waits in it."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="write the queue into the drop folder until stopped (Ctrl+C)")
    run.add_argument("--once", action="store_true", help="write what waits now, then stop")
    run.set_defaults(handler=lambda args: friendly(lambda: _run(args)))
    status = actions.add_parser("status", help="how the drop folder is and what waits")
    status.set_defaults(handler=lambda args: friendly(lambda: _status(args)))
    off = actions.add_parser("off", help="stop keeping the queue and drop what waits in it")
    off.add_argument("--yes", action="store_true", help="really drop the waiting entries (they are not written)")
    off.set_defaults(handler=lambda args: friendly(lambda: _off(args)))


def _open(args: argparse.Namespace) -> tuple[Settings, Path | None, Database]:
    from kiosk.cli.audit_cmd import open_existing_database
    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages

    settings, settings_path = load_settings(args.config, available_languages())
    return settings, settings_path, open_existing_database(args.config)


def _run(args: argparse.Namespace) -> int:
    import threading

    from kiosk.services.handoff import handoff_status
    from kiosk.services.handoff_runner import HandoffRunner
    from kiosk.services.handoff_words import status_line
    from kiosk.services.workstations import this_workstation_name
    from kiosk.storage.output_files import installation_files

    settings, settings_path, database = _open(args)
    try:
        folder = settings.handoff.drop_folder
        if folder is None:
            print(f"kiosk: {NO_FOLDER}", file=sys.stderr)
            return EXIT_USAGE
        runner = HandoffRunner(
            database,
            folder,
            this_workstation_name(),
            check_seconds=settings.handoff.check_seconds,
            installation=installation_files(settings, settings_path),
        )
        if not args.once:
            runner.run(threading.Event())  # until Ctrl+C or the service manager stops the process
            return EXIT_OK
        runner.step()
        status = handoff_status(database)
        print(status_line(status, dt.datetime.now(dt.UTC)))
        return EXIT_OK if status.waiting == 0 else EXIT_PROBLEMS
    finally:
        database.close()


def _status(args: argparse.Namespace) -> int:
    from kiosk.ops.doctor import Status
    from kiosk.ops.doctor_handoff import handoff_check

    settings, _, database = _open(args)
    database.close()
    check = handoff_check(settings)
    print(check.line())
    return EXIT_OK if check.status is Status.OK else EXIT_PROBLEMS


def _off(args: argparse.Namespace) -> int:
    from kiosk.services.handoff import handoff_status, switch_off

    _, _, database = _open(args)
    try:
        waiting = handoff_status(database).waiting
        if waiting and not args.yes:
            print(
                f"kiosk: {waiting:,} change(s) wait to be written: write them first (`kiosk handoff run --once`), "
                "or run `kiosk handoff off --yes` to drop them.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        dropped = switch_off(database)
    finally:
        database.close()
    print(
        f"The drop folder's queue is off ({dropped:,} waiting change(s) dropped); `kiosk handoff run` starts it again."
    )
    return EXIT_OK
