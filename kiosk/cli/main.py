"""Parse the command line and hand each verb to its module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import (
    audit_cmd,
    content_cmd,
    db_cmd,
    demo_cmd,
    export_cmd,
    init_cmd,
    run_cmd,
    screenshot_cmd,
    staff_cmd,
    user_cmd,
)


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
    user_cmd.add_parser(verbs)
    staff_cmd.add_parser(verbs)
    demo_cmd.add_parser(verbs)
    db_cmd.add_parser(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        # The kiosk and the console report their start-up steps; one-shot verbs stay quiet.
        level=logging.DEBUG if args.verbose else (logging.INFO if args.verb in {"run", "staff"} else logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic announces each plugin at INFO; that is noise for clinic IT.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    result: int = args.handler(args)
    return result
