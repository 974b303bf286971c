"""`kiosk install-service`: write the file that starts the kiosk at sign-in and restarts it, for this platform."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.errors import EXIT_USAGE
from kiosk.ops.self_command import kiosk_command
from kiosk.ops.service_files import PLATFORMS, ServiceFileExistsError, default_platform, install, render


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "install-service",
        help="start the kiosk automatically at sign-in and restart it if it stops",
        description=(
            "Write the autostart file for this PC: a systemd user service on Linux with systemd, an XDG "
            "autostart entry on other Linux desktops, or a Task Scheduler task on Windows. It runs this same "
            "kiosk program with the settings file given. Then it prints the commands that switch it on."
        ),
    )
    parser.add_argument(
        "--platform", choices=PLATFORMS, help=f"which kind of file (default for this PC: {default_platform()})"
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
    service = render(args.platform or default_platform(), kiosk_command(), config)
    if args.print:
        print(service.text, end="")
        return 0
    try:
        written = install(service, force=args.force)
    except ServiceFileExistsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"kiosk: cannot write {service.path} ({exc.strerror}); check the folder's permissions.", file=sys.stderr)
        return 1
    print(f"{'Wrote' if written else 'Already up to date:'} {service.path}")
    if config is None:
        print("It uses the default settings file; add --config FILE to name another.")
    print("Next:")
    for step in service.next_steps:
        print(f"  {step}")
    return 0
