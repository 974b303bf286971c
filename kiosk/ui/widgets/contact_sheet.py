"""Contact sheets for `kiosk content preview`: every slide and every page section, as the kiosk draws them.

One PNG per enabled language, small pictures in rows with a caption each (the page id and section), so a
coordinator sees in one look what a patient will see, without a touchscreen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.qt import QApplication, QColor, QFont, QImage, QPainter, QRect, Qt

from kiosk.content.model import PageKind
from kiosk.services.navigation import Route, Screen

if TYPE_CHECKING:
    from kiosk.services.startup import KioskContext
    from kiosk.ui.window import KioskWindow

SCREENS = ((PageKind.PROCEDURE, Screen.PROCEDURE), (PageKind.CONDITION, Screen.CONDITION))
THUMB_WIDTH = 480
COLUMNS = 4
CAPTION = 44
GAP = 16


@dataclass(frozen=True)
class Shot:
    caption: str
    picture: QImage


def language_shots(context: KioskContext, language: str, size: tuple[int, int]) -> list[Shot]:
    """Every slide, then every section of every procedure and condition page, in the kiosk's menu order."""
    from kiosk.ui.app import render_screen

    width, height = size
    window = render_screen(context, "attract", width, height, language)
    try:
        shots = _slides(window, context, language)
        for kind, screen in SCREENS:
            for page in context.catalog.of_kind(kind, language):
                stand_in = "" if page.language == language else f" (shown in {page.language})"
                for number in range(max(1, len(page.sections))):
                    window.go(Route(screen, page.id, number))
                    _settle()
                    caption = f"{page.id}  {number + 1}/{len(page.sections)}{stand_in}"
                    shots.append(Shot(caption, window.grab().toImage()))
    finally:
        window.close()
    return shots


def _slides(window: KioskWindow, context: KioskContext, language: str) -> list[Shot]:
    shots = []
    count = len(context.catalog.of_kind(PageKind.SLIDE, language))
    for _ in range(count):
        _settle()
        slide = window.attract.current_slide
        caption = f"slide {slide.id}" if slide is not None else "slide"
        shots.append(Shot(caption, window.grab().toImage()))
        window.attract.next_slide()
    return shots


def _settle() -> None:
    # A few turns: wrapped words that need more height ask for a second layout pass, as they would on screen.
    for _ in range(3):
        QApplication.processEvents()


def contact_sheet(shots: list[Shot], title: str) -> QImage:
    """The shots in rows of COLUMNS, each scaled to THUMB_WIDTH with its caption under it."""
    if not shots:
        shots = [Shot("no pages", QImage(16 * 16, 9 * 16, QImage.Format.Format_RGB32))]
    first = shots[0].picture
    thumb_height = max(1, first.height() * THUMB_WIDTH // max(1, first.width()))
    rows = (len(shots) + COLUMNS - 1) // COLUMNS
    header = 60
    sheet = QImage(
        GAP + COLUMNS * (THUMB_WIDTH + GAP),
        header + rows * (thumb_height + CAPTION + GAP) + GAP,
        QImage.Format.Format_RGB32,
    )
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    try:
        font = QFont()
        font.setPixelSize(28)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(QRect(GAP, 0, sheet.width() - 2 * GAP, header), Qt.AlignmentFlag.AlignVCenter, title)
        font.setPixelSize(18)
        painter.setFont(font)
        for index, shot in enumerate(shots):
            row, column = divmod(index, COLUMNS)
            x = GAP + column * (THUMB_WIDTH + GAP)
            y = header + row * (thumb_height + CAPTION + GAP)
            scaled = shot.picture.scaled(
                THUMB_WIDTH,
                thumb_height,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawImage(x, y, scaled)
            painter.setPen(QColor("#888888"))
            painter.drawRect(x, y, THUMB_WIDTH - 1, thumb_height - 1)
            painter.setPen(QColor("black"))
            painter.drawText(
                QRect(x, y + thumb_height, THUMB_WIDTH, CAPTION),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shot.caption,
            )
    finally:
        painter.end()
    return sheet


def write_sheets(
    context: KioskContext,
    folder: Path,
    size: tuple[int, int],
    save: Callable[[Path, QImage], bool],
) -> list[Path]:
    """One sheet per enabled language, `contact-sheet-<code>.png` in `folder`; the paths written."""
    written = []
    for language in context.settings.languages.enabled:
        shots = language_shots(context, language, size)
        name = context.strings.text(language, "language.name")
        sheet = contact_sheet(shots, f"{name} ({language}): {len(shots)} screens, {size[0]}x{size[1]}")
        path = folder / f"contact-sheet-{language}.png"
        if save(path, sheet):
            written.append(path)
    return written
