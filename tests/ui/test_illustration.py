"""The project's own line drawings: each has a high-contrast twin, reads at any size, and shows on its page with
words for people who cannot see it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QImage

from kiosk.content.model import PageKind
from kiosk.paths import bundled_content_dir
from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import ThemeName
from tests.ui.conftest import ORIENTATIONS, MakeWindow

DRAWINGS = bundled_content_dir() / "images"  # with the pages, so a copied content folder keeps them
NAMES = sorted(path for path in DRAWINGS.glob("*.svg") if not path.stem.endswith("-hc"))


def test_there_are_drawings_of_the_si_joints_and_the_injection() -> None:
    assert {path.stem for path in NAMES} >= {"si-joints", "injection"}


@pytest.mark.parametrize("drawing", NAMES, ids=lambda path: path.stem)
@pytest.mark.parametrize("side", [120, 1200])
def test_each_drawing_and_its_high_contrast_twin_draw_at_any_size(drawing: Path, side: int) -> None:
    for path in (drawing, drawing.with_name(f"{drawing.stem}-hc.svg")):
        image = QImage(str(path))
        assert not image.isNull(), path.name
        scaled = image.scaledToWidth(side)
        assert scaled.width() == side


@pytest.mark.parametrize("theme", [ThemeName.NORMAL, ThemeName.HIGH_CONTRAST])
def test_the_injection_page_shows_the_drawing_in_the_patient_s_colours(
    qtbot: QtBot, make_window: MakeWindow, theme: ThemeName
) -> None:
    window = make_window(ORIENTATIONS["landscape"], "vi")
    window.presentation.set_theme(theme)
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 0))
    qtbot.wait(1)
    pictures = window.info_page.text.pictures()
    assert pictures and all(not picture.isNull() for picture in pictures.values())
    drawing = next(iter(pictures.values()))
    # Dark lines on the light page; light lines on the black one.
    line_colours = {
        drawing.pixelColor(x, y).lightness()
        for x in range(0, drawing.width(), 7)
        for y in range(0, drawing.height(), 7)
        if drawing.pixelColor(x, y).alpha() > 200
    }
    assert line_colours
    if theme is ThemeName.HIGH_CONTRAST:
        assert max(line_colours) > 200
    else:
        assert min(line_colours) < 60
    # A screen reader hears the Vietnamese words for the drawing where it stands, not U+FFFC (an object).
    heard = QAccessible.queryAccessibleInterface(window.info_page.text).text(QAccessible.Text.Value)
    assert "Hình vẽ khung chậu nhìn từ phía sau" in heard and "\ufffc" not in heard


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_the_si_joint_slide_shows_the_drawing_named_in_the_patient_s_language(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(ORIENTATIONS["portrait"], language)
    attract = window.attract
    attract.start()
    for _ in range(len(window.context.catalog.of_kind(PageKind.SLIDE, language))):
        if attract.current_slide is not None and attract.current_slide.id == "slide-si-joint":
            break
        attract.next_slide()
    qtbot.wait(1)
    assert attract.drawing.isVisible() and not attract.drawing.pixmap().isNull()
    assert attract.drawing.accessibleName() == window.texts.t("drawing.si_joints")
    assert attract.drawing.accessibleName().split()[0] in {"Drawing", "Dibujo", "Hình"}
    attract.next_slide()  # a slide without a picture shows none
    if attract.current_slide is not None and not attract.current_slide.image:
        assert not attract.drawing.isVisible()


SLIDE_DRAWINGS = {
    "slide-welcome": {"en": "hand touching", "es": "mano que toca", "vi": "bàn tay chạm"},
    "slide-relief": {"en": "five days on a calendar", "es": "cinco días", "vi": "năm ngày trên lịch"},
    "slide-follow-up": {"en": "clipboard", "es": "tablilla", "vi": "bảng kẹp giấy"},
}


@pytest.mark.parametrize("slide", sorted(SLIDE_DRAWINGS))
@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_every_slide_shows_a_drawing_named_in_the_patient_s_language(
    qtbot: QtBot, make_window: MakeWindow, language: str, slide: str
) -> None:
    # These slides were words on flat colour: now each shows what it is about (what to do, relief over days, a note).
    window = make_window(ORIENTATIONS["landscape"], language)
    attract = window.attract
    attract.start()
    for _ in range(len(window.context.catalog.of_kind(PageKind.SLIDE, language))):
        if attract.current_slide is not None and attract.current_slide.id == slide:
            break
        attract.next_slide()
    qtbot.wait(1)
    assert attract.drawing.isVisible() and not attract.drawing.pixmap().isNull()
    assert SLIDE_DRAWINGS[slide][language] in attract.drawing.accessibleName()
