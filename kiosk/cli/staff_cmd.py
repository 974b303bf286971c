"""`kiosk staff`: the reception console on the front-desk PC, maximized unless told otherwise."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.cli.sizes import parse_size
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    from kiosk.qt import QApplication

log = logging.getLogger(__name__)

CONSOLE_FONT_PX = 15  # desk-PC text, not the kiosk's touchscreen size
VIEWS = (
    "login", "queue", "detail", "audit", "dashboard", "kiosks", "users", "locked", "reception", "on-kiosk",
    "urgent", "urgent-locked", "urgent-stale", "urgent-muted",
)  # fmt: skip


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "staff",
        help="start the reception console",
        description=(
            "Start the reception console: staff sign in with their own account to work the queue of requests. "
            "With --screenshot it instead saves a picture of one view, drawn from a throw-away demo database."
        ),
    )
    parser.add_argument("--windowed", action="store_true", help="show in a normal window instead of maximized")
    parser.add_argument(
        "--size", metavar="WxH", type=parse_size, help="window size, like 1366x768 (with --windowed or --screenshot)"
    )
    parser.add_argument(
        "--screenshot",
        metavar="VIEW",
        choices=VIEWS,
        help=f"save a PNG of one view ({', '.join(VIEWS)}) with synthetic demo data, then stop",
    )
    parser.add_argument("--out", metavar="FILE.png", type=Path, help="where --screenshot saves the PNG")
    parser.set_defaults(handler=staff)


def staff(args: argparse.Namespace) -> int:
    if args.screenshot:
        if args.out is None:
            print("kiosk: say where to save the picture with --out FILE.png.", file=sys.stderr)
            return EXIT_USAGE
        return friendly(lambda: _screenshot(args))
    if args.size and not args.windowed:
        print("kiosk: --size needs --windowed; add --windowed or drop --size.", file=sys.stderr)
        return EXIT_USAGE
    return friendly(lambda: _run(args))


def _console_application() -> QApplication:
    """The kiosk's application set-up with desk-sized text, for a process that only shows the console."""
    from kiosk.ui.app import application

    app = application()
    font = app.font()
    font.setPixelSize(CONSOLE_FONT_PX)
    app.setFont(font)  # dialogs (file choosers, message boxes) match the console
    app.setApplicationName("Clinic reception console")
    return app


def _screenshot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.cli.screenshot_cmd import refused_output
    from kiosk.services.startup import load_context
    from kiosk.storage.output_files import installation_files, write_with
    from kiosk.ui.app import application
    from kiosk.ui.console.context import procedure_titles, translations_to_review
    from kiosk.ui.console.previews import render_console

    context = load_context(args.config, open_database=False)  # settings and titles only: no clinic data
    refusal = refused_output(args.out, context.settings, context.settings_path)  # never over the key, database...
    if refusal is not None:
        print(f"kiosk: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    application()  # the console window carries its own style sheet and text sizes
    width, height = args.size or (1366, 768)
    titles = procedure_titles(context.catalog)
    # The real flags of the configured strings and pages: the picture shows what this clinic's staff would see.
    translations = translations_to_review(context)
    own = installation_files(context.settings, context.settings_path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Drawn into a private temporary file that is renamed into place (kiosk.storage.output_files).
    if not write_with(
        args.out,
        own,
        lambda temporary: render_console(
            context.settings, titles, args.screenshot, (width, height), temporary, translations
        ),
    ):
        print(f"kiosk: could not write {args.out}; check the folder exists and is writable.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"saved console view {args.screenshot} ({width}x{height}, demo data) to {args.out}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from kiosk.ui.app import has_display

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(
            "kiosk: no screen found (DISPLAY is not set); running off-screen. "
            "Use `kiosk staff --screenshot VIEW` to see the console, or start it on the desk PC's display.",
            file=sys.stderr,
        )
    from kiosk.ops.logs import attach_log_file
    from kiosk.services.startup import load_context
    from kiosk.services.workstations import record_start, this_workstation_name
    from kiosk.ui.console.context import ConsoleContext
    from kiosk.ui.console.window import ConsoleWindow

    app = _console_application()
    context = load_context(args.config)
    attach_log_file(context.settings, "staff", args.verbose)
    assert context.database is not None
    workstation = this_workstation_name()
    record_start(context.database, role="console", name=workstation)
    window = ConsoleWindow(ConsoleContext.from_kiosk(context, workstation))
    if args.windowed:
        window.resize(*(args.size or (1366, 768)))
        window.show()
    else:
        window.showMaximized()
    from kiosk.ui.app import schedule_backups

    schedule_backups(window, context)  # the daily backup, also from the desk PC
    log.info("reception console running on %s", workstation)
    try:
        return app.exec()
    finally:
        window.close()
        context.close()
