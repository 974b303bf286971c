"""Turn the errors a person can fix into one sentence on stderr and exit code 2; anything else into one too."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

from kiosk.config.errors import SettingsError
from kiosk.ops.exit_codes import EXIT_BROKEN_PIPE, EXIT_FAULT, EXIT_INTERRUPTED, EXIT_USAGE

# Still importable from here for a module not yet moved to kiosk.ops.exit_codes (the codes live there).
from kiosk.ops.exit_codes import EXIT_PROBLEMS as EXIT_PROBLEMS

# The window and supervisor verbs keep their own crash handling: the kiosk's crash log, and a restart by
# `kiosk supervise` or systemd on any failing exit.
OWN_CRASH_HANDLING = frozenset({"run", "staff", "supervise"})
# DatabaseError lives beside SQLAlchemy; importing it here would load SQLAlchemy for every verb (and for
# `kiosk run` before its first frame). It is looked up by module name instead: an error of a class whose
# module was never imported cannot have been raised.
_DATABASE_MODULE = "kiosk.storage.database"


def is_friendly(exc: BaseException) -> bool:
    """A settings or database problem worded for the person who can fix it."""
    if isinstance(exc, SettingsError):
        return True
    database = sys.modules.get(_DATABASE_MODULE)
    return database is not None and isinstance(exc, database.DatabaseError)


def friendly(action: Callable[[], int]) -> int:
    try:
        return action()
    except Exception as exc:
        if not is_friendly(exc):
            raise
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE


def run_verb(args: argparse.Namespace) -> int:
    """Run the verb's handler; a fault nobody foresaw is one sentence (the traceback only with --verbose)."""
    if args.verb in OWN_CRASH_HANDLING:
        result: int = args.handler(args)
        return result
    command = " ".join(str(word) for word in (args.verb, getattr(args, "action", None)) if word)
    try:
        result = args.handler(args)
    except KeyboardInterrupt:
        print(f"kiosk: `kiosk {command}` was stopped (Ctrl+C) before it finished.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`kiosk screenshot --list | head`): what it read was right, and nothing is wrong.
        # stdout is pointed at devnull so the interpreter's own flush at exit does not complain a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        # DEBUG: the stderr log shows it only with --verbose, so IT sees a sentence first and details on request.
        logging.getLogger(__name__).debug("details of the fault in `kiosk %s`", command, exc_info=True)
        server = _server_sentence(exc, args)
        if server is not None:
            print(f"kiosk: `kiosk {command}` could not use the database. {server}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"kiosk: `kiosk {command}` stopped on a fault in the kiosk program, not in what you typed: "
            f"run it again as `kiosk --verbose {command} ...` to see the details, and send them to the "
            "kiosk's supplier.",
            file=sys.stderr,
        )
        return EXIT_FAULT
    return result


def _server_sentence(exc: Exception, args: argparse.Namespace) -> str | None:
    """The database server's problem in IT's words when `exc` is one (stopped, unreachable, wrong password).

    Every command that reaches the server can meet one at its first statement, wherever that is; naming it
    here, once, covers them all. Anything else stays a fault of the program.
    """
    if "sqlalchemy" not in sys.modules:  # an error of SQLAlchemy's cannot have been raised
        return None
    from sqlalchemy.exc import InterfaceError, OperationalError

    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    try:
        from kiosk.config.loader import load_settings
        from kiosk.i18n.strings import available_languages
        from kiosk.storage.server_problems import server_problem

        url = load_settings(getattr(args, "config", None), available_languages())[0].database.resolved_url()
        if not url.startswith("postgresql"):
            return None
        return server_problem(exc, url).sentence()
    except Exception:  # the settings read a moment ago; if they no longer do, the generic sentence stands
        return None
