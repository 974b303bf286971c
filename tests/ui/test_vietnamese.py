"""Vietnamese on the patient screens: its words, its keyboard with tone keys, and its dates, times and numbers."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, QLineEdit

from kiosk.i18n.strings import StringCatalog
from kiosk.paths import bundled_content_dir
from kiosk.services.navigation import Route, Screen
from kiosk.services.request_form import FieldKind, FieldSpec
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.forms.fields import ScaleField
from kiosk.ui.texts import UiTexts
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, next_step, start, type_into
from tests.ui.helpers import visible_texts
from tests.ui.test_keyboard import tap

SATURDAY_10 = dt.datetime(2026, 11, 28, 10, 0)  # default hours: closed all weekend, open Monday at 8
# Vietnamese enabled explicitly: the default list is the lead's to change in settings.py.
VIETNAMESE = '[languages]\nenabled = ["en", "es", "vi"]\n'

MakeKiosk = Callable[..., KioskWindow]


@pytest.fixture
def make_kiosk(qtbot: QtBot, write_settings: Any) -> Iterator[MakeKiosk]:
    contexts: list[KioskContext] = []

    def make(extra: str = "", clock: Callable[[], dt.datetime] = dt.datetime.now) -> KioskWindow:
        context = load_context(str(write_settings(VIETNAMESE + extra)), open_database=True, kiosk=True)
        contexts.append(context)
        window = KioskWindow(context, clock=clock)
        qtbot.add_widget(window)
        window.resize(1920, 1080)
        window.apply_size(1920, 1080)
        window.build_all_screens()
        window.show()
        qtbot.wait_exposed(window)
        # A touch gives a text box the focus (and opens the keyboard) only in the active window.
        window.activateWindow()
        qtbot.wait_until(window.isActiveWindow)
        window.texts.set_language("vi")
        return window

    yield make
    for context in contexts:
        context.close()


def test_the_closed_screen_says_when_it_opens_in_vietnamese(make_kiosk: MakeKiosk) -> None:
    window = make_kiosk(clock=lambda: SATURDAY_10)
    window.follow_opening_hours()

    shown = list(visible_texts(window).values())
    assert "Chúng tôi đang đóng cửa" in shown
    # Vietnamese writes the day's name and a 24-hour time: not "Monday at 8:00 AM".
    assert "Chúng tôi mở cửa vào Thứ Hai lúc 08:00" in shown, shown


def test_the_attract_screen_gives_todays_hours_in_vietnamese(make_kiosk: MakeKiosk) -> None:
    window = make_kiosk()
    hours = window.context.settings.clinic.hours.for_date(dt.date.today())
    contact = window.attract.contact.text()

    assert contact.startswith(f"Gọi cho chúng tôi số {window.context.settings.clinic.phone}")
    if hours is None:
        assert contact.endswith("Hôm nay đóng cửa")
    else:
        opens, closes = (f"{at.hour:02}:{at.minute:02}" for at in (hours.opens, hours.closes))
        assert contact.endswith(f"Hôm nay mở cửa từ {opens} đến {closes}")


def test_a_vietnamese_form_takes_the_date_day_first_and_reads_it_back_in_vietnamese(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk()
    start(qtbot, window, "appointment")
    assert window.form.progress.text().startswith("Bước 1 trên ")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)

    # A Vietnamese name typed with the tone keys the keyboard shows in Vietnamese.
    type_into(qtbot, window, "first_name", "lan")
    assert window.form.keyboard.current_layout == "vietnamese"
    type_into(qtbot, window, "last_name", "nguy")
    tap(qtbot, window.form.keyboard, "ê", "tone_nga", "n")
    next_step(qtbot, window)

    # Ngày, tháng, năm: left to right as Vietnamese writes a date, and the keyboard's Next follows it.
    boxes = [window.form.findChild(QLineEdit, f"field-dob_{part}") for part in ("day", "month", "year")]
    assert all(box is not None for box in boxes)
    lefts = [box.mapTo(window, box.rect().topLeft()).x() for box in boxes if box is not None]
    assert lefts == sorted(lefts), "day, month, year from left to right"
    type_into(qtbot, window, "dob_day", "14")
    tap(qtbot, window.form.keyboard, "next")
    month = window.form.findChild(QLineEdit, "field-dob_month")
    assert month is not None and month.hasFocus()
    type_into(qtbot, window, "dob_month", "3")
    type_into(qtbot, window, "dob_year", "1961")
    next_step(qtbot, window)
    type_into(qtbot, window, "phone", "5042610199")
    next_step(qtbot, window)

    assert window.form.draft is not None and window.form.draft.on_review
    answers = {label.objectName(): label.text() for label in window.form.findChildren(QLabel)}
    assert answers["answer-first_name"] == "Lan"
    assert answers["answer-last_name"] == "Nguyễn"
    assert answers["answer-dob"] == "Thứ Ba, 14 tháng 3, 1961"


@pytest.mark.parametrize("kind", [FieldKind.SCALE, FieldKind.PERCENT])
def test_the_pain_and_relief_scales_read_their_numbers_and_words_in_vietnamese(qtbot: QtBot, kind: FieldKind) -> None:
    texts = UiTexts(StringCatalog.load(["en", "es", "vi"], "en"), ("en", "es", "vi"), "en")
    texts.set_language("vi")
    scale = ScaleField(FieldSpec("pain_now", kind, "fields.pain_now"), texts)
    qtbot.add_widget(scale)

    words = [button.words() for button in scale.buttons.values()]
    if kind is FieldKind.SCALE:
        assert words == [str(n) for n in range(11)]
        assert (scale.low_words.text(), scale.high_words.text()) == ("0 · Không đau", "10 · Đau nhất có thể")
    else:
        assert words == [str(n) for n in range(0, 101, 10)]
        assert (scale.low_words.text(), scale.high_words.text()) == ("0% · Không bớt đau", "100% · Hết đau hoàn toàn")


def test_a_reviewed_date_on_a_page_is_written_the_vietnamese_way(make_kiosk: MakeKiosk, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), content)
    page = content / "vi" / "si-joint-injection.md"
    page.write_text(page.read_text(encoding="utf-8").replace("order = 1\n", "order = 1\nreviewed = 2025-01-15\n", 1))
    window = make_kiosk(f'[content]\nfolder = "{content.as_posix()}"\n')

    window.go(Route(Screen.PROCEDURE, "si-joint-injection"))

    assert window.info_page.reviewed.text() == "Được đội ngũ y khoa duyệt lại ngày Thứ Tư, 15 tháng 1, 2025"
