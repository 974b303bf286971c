"""`kiosk run`: the patient kiosk, full-screen unless told otherwise."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from kiosk.cli.errors import EXIT_USAGE, friendly
from kiosk.cli.sizes import parse_size
from kiosk.ops.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from kiosk.qt import QApplication

    from kiosk.ops.lifecycle import StopOnSignal

log = logging.getLogger(__name__)


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "run",
        help="start the patient kiosk",
        description="Start the patient kiosk: full-screen on the attract loop.",
    )
    parser.add_argument(
        "--windowed", action="store_true", help="show in a normal window instead of full-screen (development)"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=parse_size,
        help="window size with --windowed, like 1080x1920 (default 1280x800)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.size and not args.windowed:
        print("kiosk: --size needs --windowed; add --windowed or drop --size.", file=sys.stderr)
        return EXIT_USAGE
    return friendly(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    from kiosk.ui.app import has_display

    if not has_display():
        # A headless server still proves the kiosk starts; there is just nothing to see.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(
            "kiosk: no screen found (DISPLAY is not set); running off-screen. "
            "Use `kiosk screenshot` to see pages, or start it on the kiosk's display.",
            file=sys.stderr,
        )
    from kiosk.ops.lifecycle import StopOnSignal
    from kiosk.ui.app import application

    app = application()
    # Before the slow start-up steps, so a SIGTERM during them still ends the kiosk cleanly.
    stop = StopOnSignal(app)
    try:
        return _show_kiosk(args, app, stop)
    finally:
        stop.close()


def _show_kiosk(args: argparse.Namespace, app: QApplication, stop: StopOnSignal) -> int:
    from kiosk.ops.lifecycle import WatchdogPinger
    from kiosk.ops.logs import attach_log_file
    from kiosk.ops.watchdog import ServiceWatchdog
    from kiosk.services.heartbeat import schedule_heartbeat
    from kiosk.services.startup import load_context
    from kiosk.storage.database import DatabaseError
    from kiosk.ui.app import build_window, install_crash_handler, schedule_backups

    try:
        context = load_context(args.config, kiosk=True)
        problem = None
    except DatabaseError as exc:
        # A kiosk that cannot store requests must not take them: it starts with its information pages
        # and an out-of-service notice for patients, and IT reads the reason here and in the log.
        print(f"kiosk: {exc} The kiosk shows patients an out-of-service notice.", file=sys.stderr)
        context = load_context(args.config, open_database=False)
        problem = str(exc)
    attach_log_file(context.settings, "run", args.verbose)
    width, height = args.size or (1280, 800)
    window = build_window(context, width, height)
    if problem is not None:
        window.set_out_of_service(problem)
    crashes = install_crash_handler(window)
    schedule_backups(window, context)
    _heartbeat = schedule_heartbeat(window, context)  # held here, so it beats until the kiosk stops
    # READY goes to systemd / `kiosk supervise` once the first frame (attract, or closed) is on the display.
    pinger = WatchdogPinger(window, ServiceWatchdog())
    if args.windowed:
        window.show()
    elif context.settings.lockdown.enabled:
        window.enter_lockdown()
    else:
        window.showFullScreen()
    log.info(
        "kiosk running: %d content pages, languages %s",
        sum(len(p) for p in context.catalog.pages.values()),
        ", ".join(context.settings.languages.enabled),
    )
    try:
        return EXIT_OK if stop.requested else app.exec()
    finally:
        pinger.stop()
        crashes.uninstall()
        context.close()
