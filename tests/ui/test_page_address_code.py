"""A page that names its public address shows it as a QR code a phone can read, with one line saying so (issue 20)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.content.catalog import load_catalog
from kiosk.services.navigation import Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.window import KioskWindow
from tests.ui.test_slide_media import decoded, expected

PAGE = """+++
id = "rfa-si-joint"
title = "{title}"
kind = "procedure"
order = 2
reviewed = 2025-01-15
url = "https://clinic.example/{language}/rfa-si-joint"
+++
About the treatment.

## What it is

Heat quiets the small nerves that carry pain from the joint.

## What to expect

You go home the same day.
"""
PLAIN = PAGE.replace('url = "https://clinic.example/{language}/rfa-si-joint"\n', "").replace("rfa-si-joint", "plain")


@pytest.fixture
def page_window(qtbot: QtBot, context: KioskContext, tmp_path: Path) -> Iterator[KioskWindow]:
    folder = tmp_path / "content"
    for language, title in (("en", "Radiofrequency ablation"), ("es", "Ablación por radiofrecuencia")):
        (folder / language).mkdir(parents=True)
        (folder / language / "rfa-si-joint.md").write_text(PAGE.format(title=title, language=language), "utf-8")
        (folder / language / "plain.md").write_text(PLAIN.format(title=title, language=language), "utf-8")
    context.catalog = load_catalog(folder, ("en", "es", "vi"), "en")
    window = build_window(context, 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    qtbot.wait_exposed(window)
    yield window


def test_the_page_shows_its_address_as_a_code_holding_only_that_address(page_window: KioskWindow) -> None:
    page_window.go(Route(Screen.PROCEDURE, "rfa-si-joint", 0))
    code = page_window.info_page.page_code

    assert code.isVisible()
    assert code.words.text() == "Scan to read this page on your phone"
    assert code.address.text().replace("\u200b", "") == "https://clinic.example/en/rfa-si-joint"
    assert decoded(code) == expected("https://clinic.example/en/rfa-si-joint")
    assert code.picture.height() == code.code_image().height() >= 100  # never squeezed


def test_in_spanish_the_line_and_the_address_are_the_spanish_page_s(page_window: KioskWindow) -> None:
    page_window.texts.set_language("es")
    page_window.go(Route(Screen.PROCEDURE, "rfa-si-joint", 1))
    code = page_window.info_page.page_code

    assert code.isVisible() and code.words.text() == "Escanee para leer esta p\u00e1gina en su tel\u00e9fono"
    assert decoded(code) == expected("https://clinic.example/es/rfa-si-joint")


def test_a_page_without_an_address_shows_no_code(page_window: KioskWindow) -> None:
    page_window.go(Route(Screen.PROCEDURE, "rfa-si-joint", 0))
    page_window.go(Route(Screen.PROCEDURE, "plain", 0))

    assert not page_window.info_page.page_code.isVisible()
