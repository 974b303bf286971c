"""Slides show what the check accepts: a picture scaled to the slide, web links as QR codes holding only their
address, page links as words saying where to read more, and a slide's own `url` as a code (issues 20 and 23)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from pytestqt.qtbot import QtBot

from kiosk.qt import QColor, QImage

from kiosk.content.catalog import load_catalog
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.widgets.web_code import WebCode
from kiosk.ui.window import KioskWindow

ADDRESS = "https://clinic.example/si-joint"
SLIDE = """+++
id = "slide-welcome"
title = "Welcome"
kind = "slide"
order = 1
duration = 10
url = "https://clinic.example/welcome"
+++
# Welcome to our clinic

Read about the [SI joint injection](si-joint-injection), or see our [website](https://clinic.example/si-joint).

![Our bright waiting room](../images/room.png)
"""
INJECTION = """+++
id = "si-joint-injection"
title = "Sacroiliac (SI) joint injection"
kind = "procedure"
order = 1
reviewed = 2025-01-15
+++
About the injection.

## What it is

A shot of medicine.
"""


def decoded(code: WebCode) -> list[list[bool]]:
    """The dark and light modules of the code on show, read back from its picture (4 modules of quiet zone)."""
    image = code.code_image()
    modules = len(segno.make(code.target, error="m").matrix) + 8
    step = image.width() / modules
    return [
        [
            image.pixelColor(int((x + 0.5) * step), int((y + 0.5) * step)).lightness() < 128
            for x in range(4, modules - 4)
        ]
        for y in range(4, modules - 4)
    ]


def expected(address: str) -> list[list[bool]]:
    return [[bool(cell) for cell in row] for row in segno.make(address, error="m").matrix]


@pytest.fixture
def slide_window(qtbot: QtBot, context: KioskContext, tmp_path: Path) -> Iterator[KioskWindow]:
    folder = tmp_path / "content"
    (folder / "images").mkdir(parents=True)
    # A 3,000 px photo straight from a camera: scaled to the slide, never clipped.
    photo = QImage(3000, 2000, QImage.Format.Format_RGB32)
    photo.fill(QColor("darkgreen"))
    assert photo.save(str(folder / "images" / "room.png"))
    for language in ("en", "es", "vi"):
        (folder / language).mkdir()
        (folder / language / "slide-welcome.md").write_text(SLIDE, encoding="utf-8")
        (folder / language / "si-joint-injection.md").write_text(INJECTION, encoding="utf-8")
    context.catalog = load_catalog(folder, ("en", "es", "vi"), "en")
    assert context.catalog.errors == []  # what the check accepts ...
    window = build_window(context, 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    qtbot.wait_exposed(window)
    window.attract.start()
    yield window  # ... the slide shows


def test_the_picture_is_scaled_to_the_slide_with_its_words(slide_window: KioskWindow) -> None:
    drawing = slide_window.attract.drawing

    assert drawing.isVisible() and drawing.accessibleName() == "Our bright waiting room"
    picture = drawing.pixmap()
    assert 0 < picture.width() <= slide_window.width() * 0.34 and picture.height() <= slide_window.height() * 0.34
    assert abs(picture.width() / picture.height() - 1.5) < 0.02  # its own shape


def test_web_links_and_the_slide_address_are_codes_holding_only_the_address(slide_window: KioskWindow) -> None:
    page_code, link_code = slide_window.attract.codes

    assert page_code.isVisible() and link_code.isVisible()
    assert page_code.target == "https://clinic.example/welcome"
    assert page_code.words.text() == "Scan to read this page on your phone"
    assert (link_code.target, link_code.words.text()) == (ADDRESS, "website")
    assert link_code.address.text().replace("\u200b", "") == ADDRESS
    for code in (page_code, link_code):
        assert decoded(code) == expected(code.target)
        # Big enough for a phone a step away, and never squeezed by the layout.
        assert code.picture.height() == code.code_image().height() >= 150


def test_a_page_link_says_where_to_read_more_and_the_words_show_no_link(slide_window: KioskWindow) -> None:
    attract = slide_window.attract

    assert attract.read_more.isVisible()
    assert attract.read_more.text() == (
        "To read more, touch the screen and open \u201cSacroiliac (SI) joint injection\u201d."
    )
    body = attract.slide_body.text()
    assert "Read about the SI joint injection, or see our website." in body
    assert "href" not in body and "<img" not in body


def test_the_words_follow_the_patient_s_language(slide_window: KioskWindow) -> None:
    slide_window.texts.set_language("es")
    attract = slide_window.attract

    assert attract.codes[0].words.text() == "Escanee para leer esta p\u00e1gina en su tel\u00e9fono"
    assert attract.read_more.text().startswith("Para leer m\u00e1s, toque la pantalla")


def test_upright_the_codes_follow_the_words_and_stay_whole(qtbot: QtBot, slide_window: KioskWindow) -> None:
    slide_window.resize(1080, 1920)
    qtbot.wait(50)
    attract = slide_window.attract
    code = attract.codes[1]

    assert (
        code.mapTo(attract, code.rect().topLeft()).y()
        > attract.read_more.mapTo(attract, attract.read_more.rect().topLeft()).y()
    )
    assert decoded(code) == expected(code.target)
