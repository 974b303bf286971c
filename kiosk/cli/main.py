"""Parse the command line and hand each verb to its module."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import (
    audit_cmd,
    bench_cmd,
    config_cmd,
    content_cmd,
    db_cmd,
    demo_cmd,
    doctor_cmd,
    export_cmd,
    init_cmd,
    install_service_cmd,
    run_cmd,
    screenshot_cmd,
    staff_cmd,
    supervise_cmd,
    user_cmd,
)
from kiosk.ops.logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Waiting-room kiosk for a pain clinic: procedure information and requests.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: $KIOSK_CONFIG, then the platform's config folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    run_cmd.add_parser(verbs)
    content_cmd.add_parser(verbs)
    screenshot_cmd.add_parser(verbs)
    audit_cmd.add_parser(verbs)
    export_cmd.add_parser(verbs)
    init_cmd.add_parser(verbs)
    doctor_cmd.add_parser(verbs)
    user_cmd.add_parser(verbs)
    staff_cmd.add_parser(verbs)
    demo_cmd.add_parser(verbs)
    bench_cmd.add_parser(verbs)
    db_cmd.add_parser(verbs)
    config_cmd.add_parser(verbs)
    supervise_cmd.add_parser(verbs)
    install_service_cmd.add_parser(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Files are attached by the long-running verbs once they have read [logging] (kiosk.ops.logs.attach_log_file).
    configure_logging(args.verb, args.verbose)
    result: int = args.handler(args)
    return result
