"""`kiosk supervise run ...`: start the kiosk and start it again whenever it crashes or hangs."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from kiosk import __version__
from kiosk.ops.exit_codes import EXIT_USAGE
from kiosk.ops.self_command import kiosk_command
from kiosk.ops.supervisor import RestartPolicy, Supervisor

log = logging.getLogger(__name__)
# Only `run` reports a heartbeat; a supervised verb without one would be taken for hung.
SUPERVISED_VERBS = ("run",)


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "supervise",
        help="run the kiosk and restart it if it crashes or hangs",
        description=(
            "Start `kiosk run` (with the options after it) and start it again: 0.2 s after it crashes (it is back "
            "on screen within a few seconds, as long as it takes to start), or once it has not answered for "
            "--hang-seconds (30 s by default) when it hangs. It stays stopped when an admin closes the kiosk on "
            "purpose. Use it where no service manager restarts the kiosk quickly: a Windows scheduled task, XDG "
            "autostart, or the cage and xinit sessions of `kiosk install-service`."
        ),
        epilog="Example: kiosk --config C:\\Kiosk\\kiosk.toml supervise run",
    )
    parser.add_argument(
        "--hang-seconds",
        type=_seconds,
        default=RestartPolicy.hang_seconds,
        metavar="N",
        help="restart the kiosk when it has not answered for N seconds (10 to 600, default %(default)g)",
    )
    # Started by the supervisor itself while the kiosk cannot start (kiosk.ui.crash_loop_screen): not for people.
    parser.add_argument("--out-of-service-screen", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "kiosk_args", nargs=argparse.REMAINDER, metavar="run ...", help="the kiosk verb and its options"
    )
    parser.set_defaults(handler=supervise)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 10 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 10 to 600")
    return value


def supervise(args: argparse.Namespace) -> int:
    if args.out_of_service_screen:
        from kiosk.ui.crash_loop_screen import show

        return show(args.config)
    kiosk_args = list(args.kiosk_args)
    if kiosk_args[:1] == ["--"]:
        kiosk_args = kiosk_args[1:]
    if not kiosk_args or kiosk_args[0] not in SUPERVISED_VERBS:
        print(
            "kiosk: say what to supervise, like `kiosk supervise run` (or `kiosk supervise run --windowed`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    command = kiosk_command()
    if args.config:
        command += ["--config", args.config]
    if args.verbose:
        command.append("--verbose")
    _attach_log_file(args)
    log.info(
        "kiosk %s supervisor started (process %d): %s", __version__, os.getpid(), " ".join([*command, *kiosk_args])
    )
    policy = RestartPolicy(hang_seconds=args.hang_seconds)
    # A kiosk in a window is someone's development machine: no full-screen notice over their desktop then.
    wanted = "--windowed" not in kiosk_args and _has_display()
    screen = [*command, "supervise", "--out-of-service-screen"] if wanted else None
    code = Supervisor([*command, *kiosk_args], policy, out_of_service_command=screen).run()
    log.info("supervisor stopped, exit code %d", code)
    return code


def _has_display() -> bool:
    """As kiosk.ui.app.has_display, without loading Qt into the supervisor that runs all day."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _attach_log_file(args: argparse.Namespace) -> None:
    from kiosk.config.loader import SettingsError, load_settings
    from kiosk.ops.logs import attach_log_file

    try:
        settings, _source = load_settings(args.config)
    except SettingsError:
        settings = None  # the kiosk itself explains a bad settings file, in its own log, on every start
    path = attach_log_file(settings, "supervise", args.verbose)
    if settings is None and path is not None:
        # Both this log and the kiosk's go to the platform's log folder then: [logging] folder is unknown.
        log.warning("the settings cannot be read, so this log and the kiosk's are in %s", path.parent)
