"""`kiosk report outcomes [--json] [--from DATE] [--to DATE]`: how patients fare after their procedures, for IT and
the clinic's director; counts and medians only, audited like an export."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from kiosk.services.outcomes import MonthGroup, OutcomeGroup, OutcomesReport

COLUMNS = ("Procedure", "Weeks", "Follow-ups", "Pain before", "Pain now", "Change", "30% better", "50% relief", "PEG-3")
MONTH_COLUMNS = ("Procedure", "Month", "Follow-ups", "Pain before", "Pain now", "Change", "50% relief")


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "report",
        help="figures for the clinic: outcomes after procedures",
        description="Figures for the clinic, read from the database; no patient is named in them.",
    )
    reports = parser.add_subparsers(dest="action", metavar="REPORT", required=True)
    outcomes = reports.add_parser(
        "outcomes",
        help="pain before and after, per procedure and weeks since it",
        description=(
            "For the follow-ups patients sent: per procedure, and per band of weeks from the procedure to the "
            "follow-up (0-1, 2-5, 6-12, 13+), how many, the median pain before and now (0-10) and its change, "
            "the share whose pain fell by at least 30 % (of those with some pain before), the share reporting "
            "at least 50 % relief, and the median PEG-3 score; then, per procedure and calendar month the "
            "follow-up was received (the last 12 months up to --to or today), how many, the pain medians and "
            "the share reporting at least 50 % relief. Counts and medians only: no name, phone or "
            "free text. The report is recorded in the audit trail, as an export is. docs/reception.md explains "
            "the figures."
        ),
    )
    outcomes.add_argument("--json", action="store_true", help="print the figures as JSON, for other programs")
    outcomes.add_argument(
        "--from", dest="received_from", metavar="DATE", type=_day, help="follow-ups received on or after (YYYY-MM-DD)"
    )
    outcomes.add_argument(
        "--to", dest="received_to", metavar="DATE", type=_day, help="follow-ups received on or before (YYYY-MM-DD)"
    )
    outcomes.set_defaults(handler=report_outcomes)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write it as YYYY-MM-DD, like 2025-03-31") from None


def report_outcomes(args: argparse.Namespace) -> int:
    if args.received_from and args.received_to and args.received_from > args.received_to:
        # argparse's own exit code and form for a command line that needs fixing.
        argparse.ArgumentParser(prog="kiosk report outcomes").error(
            f"--from {args.received_from} is after --to {args.received_to}: swap them"
        )
    return friendly(lambda: _report(args))


def _report(args: argparse.Namespace) -> int:
    from kiosk.cli.audit_cmd import open_existing_database
    from kiosk.cli.os_account import os_account
    from kiosk.domain.audit import AuditAction
    from kiosk.domain.staff import Actor, Role
    from kiosk.services.audit import record_before
    from kiosk.services.outcomes import outcomes
    from kiosk.services.workstations import this_workstation_name

    database = open_existing_database(args.config)
    try:
        report = outcomes(database, received_from=args.received_from, received_to=args.received_to)
        # As an export from the command line: IT's operating-system account is named, and without the row
        # nothing is printed (record_before raises a sentence the verb prints).
        actor = Actor(username=f"cli:{os_account()}", role=Role.ADMIN, workstation=this_workstation_name())
        record_before(
            database,
            actor,
            AuditAction.EXPORT,
            target="outcomes report",
            detail=f"{report.follow_ups} follow-ups, counts and medians only",
        )
    finally:
        database.close()
    titles = _procedure_titles(args.config)
    print(json.dumps(report.as_json(titles), indent=2) if args.json else text_report(report, titles))
    return EXIT_OK


def _procedure_titles(config: str | None) -> dict[str, str]:
    """Procedure page id -> its English title from the clinic's content, as the console's Overview names them.

    Content that cannot be read names no title: the report lists the ids the follow-ups recorded instead.
    """
    from kiosk.config.loader import load_settings
    from kiosk.content.catalog import load_catalog
    from kiosk.content.model import PageKind
    from kiosk.i18n.strings import available_languages
    from kiosk.services.startup import content_folder

    settings, _ = load_settings(config, available_languages())
    catalog = load_catalog(content_folder(settings), ("en",), "en")
    return {page.id: page.title for page in catalog.of_kind(PageKind.PROCEDURE, "en")}


def text_report(report: OutcomesReport, titles: Mapping[str, str] | None = None) -> str:
    """The figures as a table a person reads in a terminal, with the rules under it; procedures by their title."""
    if report.received_from is None and report.received_to is None:
        lines = [f"Follow-ups received, all days: {report.follow_ups}."]
    else:
        start = report.received_from.isoformat() if report.received_from else "the first"
        end = report.received_to.isoformat() if report.received_to else "today"
        lines = [f"Follow-ups received from {start} to {end}: {report.follow_ups}."]
    if not report.groups:
        lines.append("No follow-up to report on in this period.")
        return "\n".join(lines)
    lines.append("")
    lines += _table([COLUMNS, *(_row(group, titles or {}) for group in report.groups)])
    lines += [
        "",
        "Weeks: whole weeks from the procedure to the day the follow-up was received ('all' is every week).",
        "Pain: 0-10 as the patient rated it, medians; change is before minus now (more is better).",
        "30% better: pain now at least 30 % lower than before, of the follow-ups with some pain before.",
        "50% relief: answered 50 % relief or more. PEG-3: median score now (0-10, lower is better).",
        "",
    ]
    if report.by_month:
        lines.append("Per month the follow-up was received, last 12 months (months without follow-ups left out):")
        lines.append("")
        lines += _table([MONTH_COLUMNS, *(_month_row(group, titles or {}) for group in report.by_month)])
    else:
        lines.append("Per month: no follow-up was received in the last 12 months of this period.")
    return "\n".join(lines)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as aligned lines: the first two columns (names) to the left, the figures to the right."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if column < 2 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _month_row(group: MonthGroup, titles: Mapping[str, str]) -> tuple[str, ...]:
    from kiosk.services.outcomes import procedure_title

    return (
        procedure_title(group.procedure, titles),
        group.month,
        str(group.follow_ups),
        _number(group.median_pain_before),
        _number(group.median_pain_now),
        _number(group.median_change),
        _share(group.relief_50, group.follow_ups),
    )


def _row(group: OutcomeGroup, titles: Mapping[str, str]) -> tuple[str, ...]:
    from kiosk.services.outcomes import procedure_title

    return (
        procedure_title(group.procedure, titles),
        group.weeks,
        str(group.follow_ups),
        _number(group.median_pain_before),
        _number(group.median_pain_now),
        _number(group.median_change),
        _share(group.improved, group.rated),
        _share(group.relief_50, group.follow_ups),
        _number(group.median_peg),
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _share(count: int, of: int) -> str:
    return "-" if not of else f"{count}/{of} ({round(100 * count / of)} %)"
