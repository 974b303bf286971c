"""`kiosk screenshot`: render one named screen off-screen to a PNG, no touchscreen needed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.cli.sizes import parse_size
from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    from kiosk.config.settings import Settings


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "screenshot",
        help="save a PNG of one screen",
        description=(
            "Render one screen off-screen and save it as a PNG, to preview pages without a "
            "touchscreen. `--list` names the screens."
        ),
    )
    parser.add_argument("--list", action="store_true", help="print the screen names and stop")
    parser.add_argument(
        "--screen",
        metavar="NAME",
        default="attract",
        help="screen to render, like home or procedure/si-joint-injection/3",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=parse_size,
        default=(1920, 1080),
        help="size in pixels (default 1920x1080; portrait is 1080x1920)",
    )
    parser.add_argument("--lang", metavar="CODE", help="language code (default: the settings')")
    parser.add_argument(
        "--theme",
        choices=("normal", "high-contrast"),
        help="colours to preview (default: the settings' [accessibility] theme)",
    )
    parser.add_argument(
        "--text-size",
        choices=("normal", "large", "extra-large"),
        help="text size to preview (default: the settings' [accessibility] text_size)",
    )
    parser.add_argument(
        "--low-position",
        action="store_true",
        help="preview with the controls in the lower part of the screen (portrait sizes only)",
    )
    parser.add_argument(
        "--read-aloud",
        action="store_true",
        help="preview with the read-aloud (speaker) button shown, as where a voice for the language is installed",
    )
    parser.add_argument("--out", metavar="FILE.png", type=Path, help="where to save the PNG")
    parser.set_defaults(handler=screenshot)


def screenshot(args: argparse.Namespace) -> int:
    return friendly(lambda: _screenshot(args))


def _screenshot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.services.startup import load_context
    from kiosk.ui.app import application, render_screen
    from kiosk.ui.presentation import Look, TextSize, ThemeName
    from kiosk.ui.previews import screen_names, show_read_aloud_button

    context = load_context(args.config, open_database=False)
    names = screen_names(context)
    if args.list:
        print("\n".join(names))
        return EXIT_OK
    if args.out is None:
        print("kiosk: say where to save the picture with --out FILE.png.", file=sys.stderr)
        return EXIT_USAGE
    refusal = refused_output(args.out, context.settings, context.settings_path)
    if refusal is not None:
        print(f"kiosk: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    if args.screen not in names:
        print(
            f"kiosk: there is no screen called {args.screen!r}; `kiosk screenshot --list` names them all.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    language = args.lang or context.settings.languages.default
    if language not in context.settings.languages.enabled:
        print(
            f"kiosk: language {language!r} is not enabled; use one of {', '.join(context.settings.languages.enabled)}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    application()
    width, height = args.size
    access = context.settings.accessibility
    look = Look(
        TextSize(args.text_size or access.text_size),
        ThemeName(args.theme or access.theme),
        args.low_position or access.low_position,
    )
    window = render_screen(context, args.screen, width, height, language, look)
    if args.read_aloud:
        show_read_aloud_button(window)
    from kiosk.storage.output_files import installation_files, write_with

    args.out.parent.mkdir(parents=True, exist_ok=True)
    # A private temporary file renamed into place, never over the key, database or settings (output_files).
    own = installation_files(context.settings, context.settings_path)
    if not write_with(args.out, own, lambda temporary: bool(window.grab().save(str(temporary), "PNG"))):
        print(f"kiosk: could not write {args.out}; check the folder exists and is writable.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"saved {args.screen} ({language}, {width}x{height}, {look.text_size} text, {look.theme} colours"
        f"{', read-aloud shown' if args.read_aloud else ''}) to {args.out}"
    )
    window.close()
    return EXIT_OK


def refused_output(out: Path, settings: Settings, settings_path: Path | None) -> str | None:
    """Why `out` may not be written (one sentence), or None: checked before anything is drawn."""
    from kiosk.storage.output_files import OutputRefusedError, check_output_path, installation_files

    try:
        check_output_path(out, installation_files(settings, settings_path))
    except OutputRefusedError as exc:
        return str(exc)
    return None
