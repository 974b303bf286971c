"""A picture shown again at a size it was shown at before is the drawing already made, not another copy (issue 22).

Each card's icon and each page's drawing made a new QIcon for every showing, and Qt keeps every QIcon's drawings in
its pixmap cache under that icon's own serial number: a new icon never found the old drawing and left its own
there, unused, until the cache held 10 MiB. `kiosk bench --soak` measured 8 MiB of them given back each time the
cache was emptied, 200 visits apart. Every screen builds its cards afresh, so this is what a day of visits did.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPixmapCache, QSize

from kiosk.ops.heap import c_heap
from kiosk.ui.widgets.buttons import ButtonPicture
from kiosk.ui.widgets.drawing import Drawing, drawn, forget_drawings

ICONS = Path(__file__).resolve().parents[2] / "resources" / "images" / "icons"
SIDE = 256  # 256 KiB a drawing: the copies below stand well clear of malloc's own noise
SHOWINGS = 20  # 5 MiB of copies before the fix, inside the cache's 10 MiB so none is let go


def _shown_and_gone(qtbot: QtBot, path: Path) -> None:
    """A card's icon as a screen builds it, drawn, then dropped with its screen."""
    picture = ButtonPicture(path)
    picture.draw(SIDE)
    assert picture.pixmap().width() == SIDE
    picture.deleteLater()
    qtbot.wait(1)


def test_a_card_built_again_shows_the_drawing_already_made(qtbot: QtBot) -> None:
    first, again = ButtonPicture(ICONS / "appointment.svg"), ButtonPicture(ICONS / "appointment.svg")
    first.draw(96)
    again.draw(96)
    assert first.pixmap().cacheKey() == again.pixmap().cacheKey()  # one drawing, shared
    page = Drawing()
    page.set_path(ICONS / "appointment.svg")
    page.draw(96, 96)
    assert page.pixmap().cacheKey() == first.pixmap().cacheKey()


@pytest.mark.skipif(not sys.platform.startswith("linux") or c_heap() is None, reason="glibc's mallinfo2 only")
def test_cards_shown_and_gone_leave_one_drawing_in_qts_cache(qtbot: QtBot) -> None:
    QPixmapCache.clear()
    for _ in range(SHOWINGS):
        _shown_and_gone(qtbot, ICONS / "follow-up.svg")
    before = c_heap()
    QPixmapCache.clear()  # what only the cache still held: the drawings of cards no screen shows any more
    after = c_heap()
    assert before is not None and after is not None
    held = (before.in_use_kib + before.mmapped_kib) - (after.in_use_kib + after.mmapped_kib)
    one = SIDE * SIDE * 4 // 1024
    assert held < 3 * one, f"{held} KiB of drawings held for {SHOWINGS} showings of one picture (one is {one} KiB)"


def test_a_picture_replaced_under_its_name_is_drawn_afresh_after_a_reload(qtbot: QtBot, tmp_path: Path) -> None:
    picture = tmp_path / "drawing.svg"
    picture.write_text((ICONS / "appointment.svg").read_text(encoding="utf-8"), encoding="utf-8")
    old = drawn(picture, QSize(64, 64)).toImage()
    picture.write_text((ICONS / "clock.svg").read_text(encoding="utf-8"), encoding="utf-8")
    forget_drawings()  # as the content reload does
    assert drawn(picture, QSize(64, 64)).toImage() != old
