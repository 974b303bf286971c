"""`kiosk content preview`: every slide and page section of every enabled language on a contact sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QImage

from kiosk.cli.main import main
from kiosk.content.catalog import load_catalog
from kiosk.services.startup import KioskContext
from kiosk.ui.widgets.contact_sheet import language_shots

from .test_content_page import INJECTION, RFA, SACROILIITIS

SLIDE = '+++\nid = "slide-hello"\ntitle = "Hello"\nkind = "slide"\nduration = 8\n+++\n# Hello\n\nWelcome.\n'


def small_content(folder: Path) -> Path:
    pages = {"rfa-si-joint": RFA, "sacroiliitis": SACROILIITIS, "si-joint-injection": INJECTION, "slide-hello": SLIDE}
    for language in ("en", "es"):
        (folder / language / "images").mkdir(parents=True)
        for name, text in pages.items():
            (folder / language / f"{name}.md").write_text(text, encoding="utf-8")
        picture = QImage(300, 200, QImage.Format.Format_RGB32)
        picture.fill(0x336699)
        assert picture.save(str(folder / language / "images" / "si-joints.png"))
    return folder


def test_each_slide_and_section_is_a_captioned_shot_and_stand_ins_say_so(
    qtbot: QtBot, context: KioskContext, tmp_path: Path
) -> None:
    context.catalog = load_catalog(small_content(tmp_path / "content"), ("en", "es", "vi"), "en")

    shots = language_shots(context, "vi", (1280, 800))

    assert [shot.caption for shot in shots] == [
        "slide slide-hello",
        "rfa-si-joint  1/2 (shown in en)",
        "rfa-si-joint  2/2 (shown in en)",
        "si-joint-injection  1/1 (shown in en)",
        "sacroiliitis  1/1 (shown in en)",
    ]
    assert all(shot.picture.width() == 1280 for shot in shots)


def test_the_command_saves_one_sheet_per_language(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheets"

    assert main(["content", "preview", str(out), "--folder", str(small_content(tmp_path / "content"))]) == 0

    printed = capsys.readouterr().out
    for language in ("en", "es", "vi"):
        sheet = QImage(str(out / f"contact-sheet-{language}.png"))
        assert not sheet.isNull() and sheet.width() > 1000
        assert f"saved {out / f'contact-sheet-{language}.png'}" in printed


def test_a_mistyped_folder_is_one_sentence_and_nothing_is_made(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "sheets"

    assert main(["content", "preview", str(out)]) == 2

    said = capsys.readouterr().err.strip().splitlines()
    assert said[-1] == f"kiosk: the folder {out.parent} does not exist; make it first or name another."
    assert not out.parent.exists()
