"""What a coordinator's page looks like on the kiosk: what `kiosk content check` passes is what the patient sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QColor, QImage

from kiosk.content.catalog import load_catalog
from kiosk.services.navigation import Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.widgets.markdown_view import MarkdownView
from kiosk.ui.window import KioskWindow

RFA = """+++
id = "rfa-si-joint"
title = "Radiofrequency ablation of the SI joint"
kind = "procedure"
order = 2
summary = "Heat quiets the small nerves that carry SI joint pain."
reviewed = 2026-11-02
image = "images/si-joints.png"
image_alt = "The two SI joints, low in the back"

[[links]]
section = 1
heading = "Who it can help"
pages = ["sacroiliitis"]
+++
RFA can ease SI joint pain for longer than an injection.

## What it is

A doctor uses heat to quiet the nerves.<br>It is done with a thin needle.

- First point.
- Second point.

## How it is done

You lie on your front. Read [how the injection works](si-joint-injection) first.
The clinic's leaflet is at [our website](https://clinic.example.org/rfa).
"""

SACROILIITIS = """+++
id = "sacroiliitis"
title = "Sacroiliitis"
kind = "condition"
reviewed = 2026-11-02
+++
## What it means

The SI joints are swollen.
"""

INJECTION = """+++
id = "si-joint-injection"
title = "SI joint injection"
kind = "procedure"
reviewed = 2026-11-02
+++
## What it is

A shot of medicine.
"""


@pytest.fixture
def rfa_window(
    qtbot: QtBot, context: KioskContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KioskWindow]:
    folder = tmp_path / "content"
    for language in ("en", "es"):
        (folder / language / "images").mkdir(parents=True)
        for name, text in (("rfa-si-joint", RFA), ("sacroiliitis", SACROILIITIS), ("si-joint-injection", INJECTION)):
            (folder / language / f"{name}.md").write_text(text, encoding="utf-8")
        # A 3,000 px photo straight from a camera: it must be scaled to the column, not clipped.
        photo = QImage(3000, 1500, QImage.Format.Format_RGB32)
        photo.fill(QColor("darkred"))
        assert photo.save(str(folder / language / "images" / "si-joints.png"))
    # The systemd unit sets no working folder: start somewhere that is not the content folder.
    monkeypatch.chdir(tmp_path)
    context.catalog = load_catalog(folder, ("en", "es", "vi"), "en")
    window = build_window(context, 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    qtbot.wait_exposed(window)
    yield window


def open_section(window: KioskWindow, section: int) -> None:
    window.go(Route(Screen.PROCEDURE, "rfa-si-joint", section))


def test_the_page_picture_is_found_next_to_the_page_and_fits_the_column(rfa_window: KioskWindow) -> None:
    open_section(rfa_window, 0)
    view = rfa_window.info_page.text

    [picture] = [image for name, image in view.pictures().items() if name.startswith("content-image:")]
    assert not picture.isNull() and picture.width() == 3000
    for size in ((1920, 1080), (1080, 1920)):  # and again when the screen is turned
        rfa_window.resize(*size)
        rfa_window.apply_size(*size)
        QApplication.processEvents()
        [(width, _height)] = [size for name, size in view.drawn_sizes().items() if name.startswith("content-image:")]
        assert 0 < width <= view.viewport().width()


def test_html_in_a_section_hides_no_words(rfa_window: KioskWindow) -> None:
    open_section(rfa_window, 0)

    shown = rfa_window.info_page.text.toPlainText()

    assert "It is done with a thin needle." in shown
    assert "First point." in shown and "Second point." in shown
    assert "<br>" not in shown


def test_links_are_buttons_and_a_qr_code_never_dead_blue_text(rfa_window: KioskWindow) -> None:
    open_section(rfa_window, 1)
    page = rfa_window.info_page
    view = page.text

    QApplication.processEvents()  # a new size cuts the text again: still said once

    # A long section is shown a part at a time (kiosk/ui/widgets/paged_text.py): read every part.
    html, shown = view.document().toHtml(), view.toPlainText()
    while view.part < view.parts - 1:
        view.show_part(view.part + 1)
        html, shown = html + view.document().toHtml(), shown + view.toPlainText()
    assert "href" not in html
    assert shown.count("https://clinic.example.org/rfa") == 1
    assert shown.count("You lie on your front.") == 1
    qr = [image for name, image in view.pictures().items() if name.startswith("content-qr:")]
    assert len(qr) == 1 and not qr[0].isNull()
    assert [button.objectName() for button in page.related_buttons if button.isVisible()] == [
        "related-si-joint-injection"
    ]
    page.related_buttons[0].click()
    assert rfa_window.info_page.page is not None and rfa_window.info_page.page.id == "si-joint-injection"


def test_a_section_ends_with_its_own_block_under_its_own_heading(rfa_window: KioskWindow) -> None:
    open_section(rfa_window, 0)
    page = rfa_window.info_page

    assert page.related_title.text() == "Who it can help"
    assert [button.objectName() for button in page.related_buttons if button.isVisible()] == ["related-sacroiliitis"]


def test_an_english_stand_in_says_so_in_words(rfa_window: KioskWindow) -> None:
    rfa_window.texts.set_language("vi")
    open_section(rfa_window, 0)

    notice = rfa_window.info_page.stand_in
    assert notice.isVisible()
    assert "Tiếng Việt" in notice.text() and "English" in notice.text()

    rfa_window.texts.set_language("es")
    open_section(rfa_window, 0)
    assert not notice.isVisible()


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(["<br>", "[a](beta)", "[w](https://example.org/x)", "![p](none.png)", "![](x.jpg)", "\n"]),
            st.text(max_size=10),
        ),
        max_size=20,
    ).map("".join)
)
def test_any_section_text_is_drawn_without_a_dead_link(
    qtbot: QtBot, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    view = MarkdownView()
    qtbot.add_widget(view)
    view.page_path = tmp_path_factory.mktemp("page") / "en" / "page.md"
    view.resize(600, 400)

    view.set_markdown(text, "text", "scroll")

    assert 'href="' not in view.document().toHtml()
