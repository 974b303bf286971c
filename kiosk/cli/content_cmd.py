"""`kiosk content check [DIR]`: validate page files and UI strings for content authors."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.errors import EXIT_PROBLEMS, friendly


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "content",
        help="work with content pages",
        description="Work with the content pages under the content folder.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate content files and UI strings",
        description=(
            "Check every page of every enabled language: headers, links between pages, "
            "missing translations, missing images, duplicate ids, and the UI strings. "
            "Prints each problem as file:line: what is wrong; exits 1 if any is found. "
            "Also names each enabled language whose translation still needs a clinician's review "
            "(a note, not a problem)."
        ),
    )
    check.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        type=Path,
        help="content folder (default: the one the settings name)",
    )
    check.set_defaults(handler=check_content)


def check_content(args: argparse.Namespace) -> int:
    return friendly(lambda: _check(args))


def _check(args: argparse.Namespace) -> int:
    from kiosk.config.loader import load_settings
    from kiosk.content.catalog import load_catalog
    from kiosk.i18n.review import unreviewed_translations
    from kiosk.i18n.strings import available_languages, check_strings, languages_needing_review
    from kiosk.services.startup import content_folder

    settings, _ = load_settings(args.config, available_languages())
    languages = settings.languages
    folder = args.folder or content_folder(settings)
    catalog = load_catalog(folder, languages.enabled, languages.default)
    problems = sorted(catalog.problems + check_strings(languages.enabled, languages.default))
    for problem in problems:
        print(problem)
    # A flag is a note for whoever signs the content off, not a fault: patients may still be shown the text.
    flagged = languages_needing_review(languages.enabled)
    for translation in unreviewed_translations(languages.enabled, catalog, flagged):
        print(f"note: {translation.sentence()}")
    errors = [p for p in problems if not p.warning]
    pages = sum(len(p) for p in catalog.pages.values())
    print(
        f"{pages} pages in {len(languages.enabled)} languages checked in {folder}: "
        f"{len(errors)} problems, {len(problems) - len(errors)} warnings."
    )
    return EXIT_PROBLEMS if errors else 0
