"""Parse the command line and hand each verb to its module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from kiosk import __version__
from kiosk.cli.errors import run_verb
from kiosk.ops.logs import configure_logging

# Each verb's module in kiosk/cli/, in the order `kiosk --help` lists them. A command imports only its own
# verb's module (so `kiosk run` pays for no other verb before its first frame); --help, a missing or a
# mistyped verb build the full list.
VERB_MODULES = {
    "run": "run_cmd",
    "content": "content_cmd",
    "screenshot": "screenshot_cmd",
    "audit": "audit_cmd",
    "export": "export_cmd",
    "handoff": "handoff_cmd",
    "report": "report_cmd",
    "init": "init_cmd",
    "doctor": "doctor_cmd",
    "user": "user_cmd",
    "staff": "staff_cmd",
    "demo-data": "demo_cmd",
    "bench": "bench_cmd",
    "db": "db_cmd",
    "config": "config_cmd",
    "supervise": "supervise_cmd",
    "install-service": "install_service_cmd",
}


def _print_any_text() -> None:
    """Text the terminal cannot show is printed escaped (\\udcff), never a UnicodeEncodeError that stops the verb.

    Linux hands a file name that is not UTF-8 to Python as half characters, and a Windows console or redirect may
    take only its code page; either would otherwise crash the first print() of a path or a page title.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


class _NotPlainError(Exception):
    """The top-level options do not parse; the full parser reports it."""


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotPlainError(message)


def _add_top_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: $KIOSK_CONFIG, then the platform's config folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` one verb (what `kiosk VERB ...` needs to parse)."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Waiting-room kiosk for a pain clinic: procedure information and requests.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    _add_top_options(parser)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb, module in VERB_MODULES.items():
        if only is None or verb == only:
            importlib.import_module(f"kiosk.cli.{module}").add_parser(verbs)
    return parser


def verb_named(argv: Sequence[str]) -> str | None:
    """The verb a command line runs, read past the top-level options; None for --help, --version or a mistake."""
    plain = _QuietParser(add_help=False)
    _add_top_options(plain)
    try:
        _options, rest = plain.parse_known_args(argv)
    except _NotPlainError:
        return None
    return rest[0] if rest and rest[0] in VERB_MODULES else None


def main(argv: Sequence[str] | None = None) -> int:
    _print_any_text()
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(only=verb_named(words)).parse_args(words)
    # Files are attached by the long-running verbs once they have read [logging] (kiosk.ops.logs.attach_log_file).
    configure_logging(args.verb, args.verbose)
    # An export, backup or PDF killed half-way left a private temporary file beside its target: remove it now.
    from kiosk.storage.output_files import remove_partial_outputs

    remove_partial_outputs()
    return run_verb(args)
