"""`kiosk content check [DIR]` and `kiosk content preview OUTDIR`: for the person who edits the pages."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kiosk.cli.errors import friendly
from kiosk.cli.sizes import parse_size
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


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
            "(a note, not a problem). The same reading of the Markdown draws the pages on the kiosk, so raw "
            "HTML, headings without their space, links the kiosk cannot follow and pictures without words are "
            "named here. A translation that sets translated_from is warned when its English page changes. A page's "
            "url must be a public https:// address. Every reading notes the pages it found in pages-seen.toml in the "
            "content folder, so text that still names a page since removed is warned at its line."
        ),
    )
    check.add_argument(
        "--fingerprints",
        action="store_true",
        help="also print each default-language page's fingerprint, for a translation's translated_from",
    )
    check.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        type=Path,
        help="content folder (default: the one the settings name)",
    )
    check.set_defaults(handler=check_content)
    preview = actions.add_parser(
        "preview",
        help="draw every slide and page section to contact sheets (PNG)",
        description=(
            "Draw every slide and every section of every page, in every enabled language, as the kiosk shows "
            "them, and save one contact sheet per language (contact-sheet-<code>.png) in OUTDIR. "
            "With --watch it draws them again each time a content file is saved (Ctrl+C stops). "
            "A running kiosk reads the pages only when it starts: restart it to show the edits to patients."
        ),
    )
    preview.add_argument("out", metavar="OUTDIR", type=Path, help="folder for the contact sheets")
    preview.add_argument(
        "--folder", metavar="DIR", type=Path, help="content folder (default: the one the settings name)"
    )
    preview.add_argument(
        "--size",
        metavar="WxH",
        type=parse_size,
        default=(1920, 1080),
        help="screen size in pixels (default 1920x1080; portrait is 1080x1920)",
    )
    preview.add_argument("--watch", action="store_true", help="draw again whenever a content file is saved")
    preview.set_defaults(handler=preview_content)


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
    if args.fingerprints:
        for page in sorted(catalog.pages.get(languages.default, {}).values(), key=lambda page: page.id):
            print(f'{page.id}: translated_from = "{page.fingerprint}"')
    errors = [p for p in problems if not p.warning]
    pages = sum(len(p) for p in catalog.pages.values())
    print(
        f"{pages} pages in {len(languages.enabled)} languages checked in {folder}: "
        f"{len(errors)} problems, {len(problems) - len(errors)} warnings."
    )
    return EXIT_PROBLEMS if errors else EXIT_OK


def preview_content(args: argparse.Namespace) -> int:
    return friendly(lambda: _preview(args))


def _preview(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.cli.screenshot_cmd import refused_output
    from kiosk.services.startup import content_folder, load_context
    from kiosk.ui.app import application

    context = load_context(args.config, open_database=False)
    folder = args.folder or content_folder(context.settings)
    refusal = refused_output(args.out / "contact-sheet-en.png", context.settings, context.settings_path)
    if refusal is not None:
        print(f"kiosk: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    if not args.out.absolute().parent.is_dir():
        # Only OUTDIR itself is made: a mistyped path should not leave a trail of new folders.
        print(
            f"kiosk: the folder {args.out.absolute().parent} does not exist; make it first or name another.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    application()
    from kiosk.ui.widgets.content_reload import folder_stamp

    stamp = folder_stamp(folder)
    written = _draw(args, folder)
    if not args.watch:
        return EXIT_OK if written else EXIT_PROBLEMS
    print(f"watching {folder} for saved files; Ctrl+C stops")
    try:
        while True:
            time.sleep(1)
            now = folder_stamp(folder)
            if now != stamp:
                stamp = now
                _draw(args, folder)
    except KeyboardInterrupt:
        return EXIT_OK


def _draw(args: argparse.Namespace, folder: Path) -> list[Path]:
    from kiosk.content.catalog import load_catalog
    from kiosk.services.startup import load_context
    from kiosk.storage.output_files import installation_files, write_with
    from kiosk.ui.widgets.contact_sheet import write_sheets

    # Read afresh each time: --watch shows the file just saved.
    context = load_context(args.config, open_database=False)
    languages = context.settings.languages
    context.catalog = load_catalog(folder, languages.enabled, languages.default)
    errors = context.catalog.errors
    args.out.mkdir(exist_ok=True)
    own = installation_files(context.settings, context.settings_path)
    written = write_sheets(
        context,
        args.out,
        args.size,
        # Qt picks PNG from the temporary file's name, which ends .png like the sheet's.
        lambda path, sheet: write_with(path, own, lambda temporary: bool(sheet.save(str(temporary)))),
    )
    for path in written:
        print(f"saved {path}")
    if errors:
        print(f"{len(errors)} content problems; `kiosk content check` lists them")
    if len(written) < len(languages.enabled):
        print(f"kiosk: could not write every sheet in {args.out}; check the folder is writable.", file=sys.stderr)
    return written
