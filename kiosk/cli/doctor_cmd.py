"""`kiosk doctor [--json]`: is this PC ready to run the kiosk? One line per check, exit 1 if any failed."""

from __future__ import annotations

import argparse
import json

from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "doctor",
        help="check that this PC is ready to run the kiosk",
        description=(
            "Check the settings, the database (reachable, encrypted, migrated, undamaged, on a local disk), "
            "the content, free disk space, the log folder, backups, the outbox, and what Qt finds on this PC "
            "(platform plugin, screen, fonts, on-screen keyboard, text-to-speech). Prints one line per check: "
            "OK, WARN or FAIL with the fix. Changes nothing. Exits 0 when nothing failed (warnings allowed), "
            "1 otherwise."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"ok": true|false, "checks": [{"name", "status", "message", "fix"}]} for monitoring tools',
    )
    # The Qt probe runs as a child `kiosk doctor --qt-probe`, so a Qt abort cannot take the doctor down.
    # Spelled out, not imported from kiosk.ops.qt_probe (PROBE_FLAG, the same text; a test holds them equal): that
    # module loads the doctor's checks and the settings model, which every other verb would then pay for.
    parser.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    from kiosk.ops.doctor import passed, run_checks, summary
    from kiosk.ui.qt_probe_child import run_probe

    if args.qt_probe:
        return run_probe()
    checks = run_checks(args.config)
    healthy = passed(checks)
    if args.json:
        print(json.dumps({"ok": healthy, "checks": [check.as_dict() for check in checks]}, indent=2))
    else:
        for check in checks:
            print(check.line())
        print(summary(checks))
    return EXIT_OK if healthy else EXIT_PROBLEMS
