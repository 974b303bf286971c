"""`kiosk install-service`: write the file that starts the kiosk at sign-in and restarts it, for this platform."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pwd

from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from kiosk.ops.self_command import kiosk_command
from kiosk.ops.service_files import (
    DESKTOP,
    PLATFORMS,
    SESSIONS,
    SYSTEM_SESSIONS,
    SYSTEMD,
    WINDOWS,
    ServiceFileExistsError,
    default_platform,
    install,
    render,
)


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "install-service",
        help="start the kiosk automatically at sign-in and restart it if it stops",
        description=(
            "Write the autostart file for this PC: a systemd user service on Linux with systemd, an XDG "
            "autostart entry on other Linux desktops, or a Task Scheduler task on Windows. It runs this same "
            "kiosk program with the settings file given. Then it prints the commands that switch it on. "
            "On a Linux PC with no desktop, --session cage or --session xinit (run as root) writes a system "
            "service that runs a locked session on tty1 for the account given by --user."
        ),
        epilog=(
            "Restarts: a crashed kiosk is back within a few seconds; a hung one is killed after 15 s without a "
            "watchdog ping (desktop session under systemd) or 30 s without a heartbeat (kiosk supervise: cage, "
            "xinit, XDG autostart, Windows)."
        ),
    )
    parser.add_argument(
        "--platform", choices=PLATFORMS, help=f"which kind of file (default for this PC: {default_platform()})"
    )
    parser.add_argument(
        "--session",
        choices=SESSIONS,
        default=DESKTOP,
        help=(
            "linux-systemd only: run in the account's desktop session (desktop, the default; run as that "
            "account), or in a session of its own on tty1 with only the kiosk in it (cage or xinit; run as root)"
        ),
    )
    parser.add_argument(
        "--user",
        dest="account",
        metavar="ACCOUNT",
        help="with --session cage or xinit: the kiosk's own account, which the session runs as (never root)",
    )
    parser.add_argument(
        "--config",
        dest="service_config",
        metavar="FILE",
        help="the settings file the kiosk should use (default: the --config given before the verb, if any)",
    )
    parser.add_argument("--print", action="store_true", help="print the file instead of writing it")
    parser.add_argument("--force", action="store_true", help="replace a different file that is already there")
    parser.set_defaults(handler=install_service)


def install_service(args: argparse.Namespace) -> int:
    config_text = args.service_config or args.config
    config = None
    if config_text:
        try:
            config = Path(config_text).expanduser().resolve()
            found = config.is_file()
        except (OSError, RuntimeError):  # a name too long for the file system; ~name of no account on this PC
            found = False
        if not found:
            print(
                f"kiosk: the settings file {config or config_text} does not exist; "
                "run `kiosk init` or give its right path.",
                file=sys.stderr,
            )
            return EXIT_USAGE
    # A session of its own exists only as a systemd unit, so it needs no --platform.
    platform = args.platform or (SYSTEMD if args.session in SYSTEM_SESSIONS else default_platform())
    refusal = _refusal(args, platform)
    if refusal is not None:
        print(f"kiosk: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    service = render(platform, kiosk_command(), config, session=args.session, account=args.account)
    if args.print:
        print(service.text, end="")
        return EXIT_OK
    try:
        written = install(service, force=args.force)
    except ServiceFileExistsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"kiosk: cannot write {service.path} ({exc.strerror}); check the folder's permissions.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{'Wrote' if written else 'Already up to date:'} {service.path}")
    if config is None:
        print("It uses the default settings file; add --config FILE to name another.")
    print("Next:")
    for step in service.next_steps:
        print(f"  {step}")
    return EXIT_OK


def _refusal(args: argparse.Namespace, platform: str) -> str | None:
    """The one sentence that says why this combination cannot be installed, or None when it can."""
    own_session = args.session in SYSTEM_SESSIONS
    if own_session and platform != SYSTEMD:
        return f"--session {args.session} is for Linux with systemd; leave it out, or add --platform {SYSTEMD}."
    if not own_session and args.account:
        return "--user is for --session cage or xinit; run the command as the kiosk's account instead."
    if platform == WINDOWS or not hasattr(os, "geteuid"):
        return None
    root = os.geteuid() == 0
    if own_session:
        if not args.account:
            return f"--session {args.session} needs the kiosk's account: add --user ACCOUNT (not root)."
        if _is_root_account(args.account):
            return "the kiosk must not run as root; give --user an ordinary account made for the kiosk."
        if not _account_exists(args.account):
            return f"there is no account {args.account!r} on this PC; create it first (for example `adduser kiosk`)."
        if not root and not args.print:
            return f"--session {args.session} writes a system service: run the command as root (sudo)."
        return None
    if root and not args.print:
        # A user unit or autostart entry of root's would start the kiosk in root's session, as root.
        return (
            "the desktop autostart belongs to the kiosk's own account: run `kiosk install-service` as that account, "
            "not as root (or use --session cage or xinit with --user ACCOUNT)."
        )
    return None


def _account(name: str) -> pwd.struct_passwd | None:
    import pwd  # POSIX only

    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _account_exists(name: str) -> bool:
    return _account(name) is not None


def _is_root_account(name: str) -> bool:
    entry = _account(name)
    return name == "root" or getattr(entry, "pw_uid", None) == 0
