"""`kiosk run`: the patient kiosk, full-screen unless told otherwise."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import is_friendly
from kiosk.cli.sizes import parse_size
from kiosk.ops.exit_codes import EXIT_CRASHED, EXIT_OK, EXIT_USAGE
from kiosk.ops.heap import forget_source_lines

if TYPE_CHECKING:
    from kiosk.qt import QApplication

    from kiosk.ops.lifecycle import StopOnSignal, WatchdogPinger
    from kiosk.services.heartbeat import Heartbeat
    from kiosk.ui.daily_restart import DailyRestart
    from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)
READ_ALOUD_AFTER_MS = 2000
WINDOWED_SIZE = (1280, 800)


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
    parser.add_argument(
        "--watch-content",
        action="store_true",
        help="reload the pages whenever a file in the content folder is saved (a coordinator's test kiosk; "
        "a waiting-room kiosk reads them once, at start)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.size and not args.windowed:
        print("kiosk: --size needs --windowed; add --windowed or drop --size.", file=sys.stderr)
        return EXIT_USAGE
    from kiosk.ops.run_report import stop_reason

    stopping = _Stopping()
    try:
        code = _run(args, stopping)
    except Exception as exc:
        if not is_friendly(exc):
            _log_failure(args, f"an unexpected {type(exc).__name__} ({_where(exc)})")
            log.info("stopped: start-up failed, exit code %d", EXIT_CRASHED)  # Python prints the traceback
            raise
        print(f"kiosk: {exc}", file=sys.stderr)
        _log_failure(args, str(exc))
        code, stopping.reason = EXIT_USAGE, "start-up failed"
    log.info("stopped: %s, exit code %d", stopping.reason or stop_reason(code, stopping.signal_name), code)
    return code


class _Stopping:
    """What ended `kiosk run`, for its last log line."""

    signal_name: str | None = None
    reason: str | None = None


def _log_failure(args: argparse.Namespace, sentence: str) -> None:
    """Write a start-up failure to kiosk-run.log; stderr already has the sentence (or Python's traceback)."""
    from kiosk.ops.logs import FILE_ONLY, attach_log_file, has_log_file

    if not has_log_file():
        # The settings could not be read, so [logging] folder is unknown: the platform's log folder (the
        # default, kiosk.config.locations.log_dir), where `kiosk supervise` also writes when the settings are bad.
        attach_log_file(None, "run", args.verbose)
    log.error("start-up failed: %s", sentence, extra=FILE_ONLY)


def _where(exc: BaseException) -> str:
    """The innermost file and line of an error, never its message (which could hold anything)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "no traceback"


def _run(args: argparse.Namespace, stopping: _Stopping) -> int:
    # Settings, content and strings code is imported before Qt: once PySide6 is loaded, its import hook runs for
    # every later import, which cost this start about 15-20 ms (kiosk bench, cold start).
    import kiosk.services.startup  # noqa: F401 (imported for its timing)
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
        stopping.signal_name = stop.signal_name
        stop.close()


def _show_kiosk(args: argparse.Namespace, app: QApplication, stop: StopOnSignal) -> int:
    from kiosk.ops.logs import attach_log_file
    from kiosk.ops.run_report import start_line
    from kiosk.services.startup import load_context, log_content_problems
    from kiosk.ui.app import AfterFirstFrame, build_window, install_crash_handler

    # Settings, content and strings first; the database opens right after the first frame (see _open_database).
    context = load_context(args.config, open_database=False)
    attach_log_file(context.settings, "run", args.verbose)
    log.info("%s", start_line(context.settings, context.settings_path))
    # Said again now that the log file is open (load_context said it on stderr only): IT reading the kiosk's log
    # learns which page was left out and why, without patient data (content is the clinic's own text).
    log_content_problems(context.catalog)
    # Full-screen, the first layout is already at the screen's size (no second one when the window grows).
    width, height = args.size or (WINDOWED_SIZE if args.windowed else _screen_size(app))
    window = build_window(context, width, height, all_screens=False)  # the rest after the first frame
    crashes = install_crash_handler(window)
    if args.watch_content:
        from kiosk.ui.widgets.content_reload import ContentReloader

        ContentReloader(context.catalog, window.texts, parent=window).start()
    started = _Started()
    if args.windowed:
        window.show()
    elif context.settings.lockdown.enabled:
        window.enter_lockdown()
    else:
        window.show_full_screen()  # sets its own geometry too: with no window manager, full-screen is not enough
    # The first screen (attract, or closed outside opening hours) is the first frame a patient sees.
    _opener = AfterFirstFrame(window.current_screen, lambda: _open_database(window, started))
    try:
        return EXIT_OK if stop.requested else app.exec()
    finally:
        if started.pinger is not None:
            started.pinger.stop()
        crashes.uninstall()
        context.close()


def _screen_size(app: QApplication) -> tuple[int, int]:
    screen = app.primaryScreen()
    size = screen.geometry().size() if screen is not None else None
    return (size.width(), size.height()) if size is not None and not size.isEmpty() else WINDOWED_SIZE


class _Started:
    """What `kiosk run` starts once its database is open, held until it stops."""

    pinger: WatchdogPinger | None = None
    heartbeat: Heartbeat | None = None
    restart: DailyRestart | None = None


def _open_database(window: KioskWindow, started: _Started) -> None:
    """Open the database (checked, migrated), then start what needs it, then tell the service manager READY.

    Runs on the GUI thread just after the first frame is painted, before the event loop reads any tap, so no
    patient reaches a form before it is open (a send without a database fails calmly: RequestSender).
    """
    from kiosk.ops.lifecycle import WatchdogPinger
    from kiosk.ops.run_report import opened_from
    from kiosk.ops.watchdog import ServiceWatchdog
    from kiosk.services.startup import open_database_at_head
    from kiosk.storage.database import DatabaseError
    from kiosk.ui.app import schedule_backups
    from kiosk.ui.daily_restart import schedule_daily_restart
    from kiosk.ui.heartbeat import schedule_heartbeat

    context = window.context
    log.info("layout: %s", describe_layout(window))
    began = time.perf_counter()
    try:
        context.database = open_database_at_head(context.settings, kiosk=True)
        log.info("start-up: database done in %.0f ms, after the first frame", (time.perf_counter() - began) * 1000)
        log.info("database open: %s", opened_from(context.settings))
    except DatabaseError as exc:
        # A kiosk that cannot store requests must not take them: it keeps its information pages and shows
        # an out-of-service notice for requests; IT reads the reason here and in the log.
        print(f"kiosk: {exc} The kiosk shows patients an out-of-service notice.", file=sys.stderr)
        window.set_out_of_service(str(exc))
    except Exception:
        window.set_out_of_service("the database could not be opened (unexpected error)")
        raise  # to the crash handler's log; no READY, so systemd or `kiosk supervise` restarts the kiosk
    _drop_source_cache()
    window.build_all_screens()  # now, while the attract loop plays, rather than on a patient's first tap
    _drop_source_cache()
    # After READY: speech-dispatcher's engine takes ~1.6 s of this thread to list its voices.
    window.read_aloud.prepare_later(READ_ALOUD_AFTER_MS)
    schedule_backups(window, context)
    started.restart = schedule_daily_restart(window)  # [maintenance] daily_restart; None when off
    started.heartbeat = schedule_heartbeat(window, context)  # held, so it beats until the kiosk stops
    # READY goes to systemd / `kiosk supervise` with the next frame: the kiosk is up and its database open.
    started.pinger = WatchdogPinger(window, ServiceWatchdog())
    window.update()
    log.info(
        "kiosk running: %d content pages, languages %s",
        sum(len(p) for p in context.catalog.pages.values()),
        ", ".join(context.settings.languages.enabled),
    )


def describe_layout(window: KioskWindow) -> str:
    """The screen the kiosk is on, and how its window sits there: what IT needs when the kiosk looks wrong."""
    screen = window.screen()
    size = screen.geometry()
    shape = "portrait" if size.height() > size.width() else "landscape"
    if window.lockdown is not None:
        mode = "locked down, full screen"
    elif window.isFullScreen():
        mode = "full screen"
    else:
        mode = "windowed"
    frame = window.geometry()
    return (
        f"screen {screen.name() or 'unnamed'} {size.width()}x{size.height()} {shape} "
        f"(scale {screen.devicePixelRatio():g}); window {frame.width()}x{frame.height()} at "
        f"{frame.x()},{frame.y()}, {mode}"
    )


def _drop_source_cache() -> None:
    """Forget the source lines PySide6 read while the database code and the screens were imported: about 20 MiB
    for SQLAlchemy and the rest that start-up loads, never read again (kiosk.ops.heap.forget_source_lines, which
    the kiosk also calls after each visit). Dropping it lowers the start-up peak by about 5 MiB (kiosk bench); the
    rest of that memory is reused rather than returned.
    """
    forget_source_lines()
