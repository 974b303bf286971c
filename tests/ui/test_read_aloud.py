"""Read-aloud says the screen in front of the patient, through Qt's text-to-speech engine.

Qt's "mock" engine speaks silently and reports each word it says (sayingWord), 50 ms a word at the fastest
rate: the tests listen to those words, so they check what the engine said, not what we meant to send it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from pytestqt.qtbot import QtBot

import kiosk.qt
from kiosk.qt import QLineEdit, Qt

from kiosk.services.navigation import Route, Screen
from kiosk.services.request_form import FieldKind
from kiosk.services.requests import Receipt
from kiosk.ui.forms.fields import TextField
from kiosk.ui.speech.read_aloud import ReadAloud
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow

# Qt Multimedia, loaded with text-to-speech, warns that it looks for PipeWire first (kiosk.ui.qt_log.HARMLESS).
pytestmark = pytest.mark.qt_log_ignore("pipewire")
SAY_MS = 20_000


def words(text: str) -> list[str]:
    """Text as the mock engine splits it into words (ASCII word characters)."""
    return re.findall(r"[A-Za-z0-9_]+", text)


class Heard:
    """The words the engine reports saying, one list per utterance it starts."""

    def __init__(self, read_aloud: ReadAloud) -> None:
        engine = read_aloud.engine
        assert engine is not None
        self.engine = engine
        self.utterances: list[list[str]] = []
        engine.aboutToSynthesize.connect(lambda _id: self.utterances.append([]))
        engine.sayingWord.connect(lambda word, _id, _start, _length: self.utterances[-1].append(word))

    def said(self, qtbot: QtBot) -> list[str]:
        """Wait until the engine has said something and is quiet again; its last utterance."""
        from kiosk.qt import QTextToSpeech

        def finished() -> bool:
            return bool(self.utterances and self.utterances[-1]) and self.engine.state() == QTextToSpeech.State.Ready

        qtbot.waitUntil(finished, timeout=SAY_MS)
        said = self.utterances[-1]
        self.utterances.clear()
        return said


@pytest.fixture
def window(make_window: MakeWindow) -> KioskWindow:
    window = make_window()
    window.read_aloud.prepare(engine="mock")
    engine = window.read_aloud.engine
    assert engine is not None
    engine.setRate(1.0)  # the mock's fastest: 50 ms a word
    return window


@pytest.fixture
def heard(window: KioskWindow) -> Heard:
    return Heard(window.read_aloud)


def turn_on(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.read_aloud_button.isVisible()
    qtbot.mouseClick(window.read_aloud_button, Qt.MouseButton.LeftButton)
    assert window.read_aloud.active


def test_turning_it_on_reads_home_at_once(qtbot: QtBot, window: KioskWindow, heard: Heard) -> None:
    window.go(Route(Screen.HOME))
    t = window.texts.t
    assert window.read_aloud_button.words() == t("speech.read_aloud")
    turn_on(qtbot, window)
    expected = (
        f"{t('home.title')} {t('home.subtitle')} {t('home.learn')}. {t('home.learn_hint')}. "
        f"{t('home.appointment')}. {t('home.appointment_hint')}. {t('home.follow_up')}. {t('home.follow_up_hint')}. "
        f"{t('home.unwell')} {t('home.unwell_hint')}"
    )
    assert window.home.spoken_text() == expected
    assert heard.said(qtbot) == words(expected)
    assert window.read_aloud_button.isChecked()
    assert window.read_aloud_button.words() == t("speech.stop")
    assert window.read_aloud_button.accessibleName() == t("speech.stop")
    assert window.read_aloud_button.accessibleDescription() == t("speech.stop_hint")


def test_a_procedure_page_reads_its_title_and_the_section_shown(
    qtbot: QtBot, window: KioskWindow, heard: Heard
) -> None:
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    heard.said(qtbot)
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 4))
    page = window.info_page.page
    assert page is not None
    said = " ".join(heard.said(qtbot))
    assert said.startswith(" ".join(words(f"{page.title} {page.sections[4].title} An SI joint injection may")))
    assert " ".join(words("Lower your need for pain pills, or even for surgery.")) in said
    # Only the section shown: not the other sections' names (the tabs) or their text.
    for other in (0, 1, 2, 3, 5):
        assert " ".join(words(page.sections[other].title)) not in said
    assert "radiofrequency" not in said


def test_a_form_step_reads_its_questions_and_choices_then_an_error_when_it_appears(
    qtbot: QtBot, window: KioskWindow, heard: Heard
) -> None:
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    heard.said(qtbot)
    window.go(Route(Screen.APPOINTMENT))
    form = window.form
    t = window.texts.t
    questions = form.fields[0]
    assert len(questions) == 3  # been here before, what for, (in a few words); the days are asked on the review
    notice = form.notice
    assert notice is not None

    def question_words(error: bool) -> list[str]:
        said: list[str] = []
        for question in questions:
            if question.isHidden():
                continue  # "in a few words" waits for "something else"
            answers = [b for b in question.findChildren(kiosk.qt.QPushButton) if not b.isHidden()]
            said += [question.label.text(), *(b.accessibleName() for b in answers)]
            if error and question.error.isVisibleTo(question):
                said.append(t("errors.choice_required"))
        return said

    # The form's name gives way to a step too long to show whole (it is read only when shown).
    title = [t("form.appointment_title")] if form.title.isVisible() else []
    assert form.draft is not None
    count = len(form.draft.steps)
    heading = [*title, t("form.step_of", number=1, count=count), form.step_title.text(), notice.text()]
    expected = [*heading, *question_words(False), t("form.next")]
    said = heard.said(qtbot)
    assert said == words(" ".join(expected)), " ".join(said)

    qtbot.mouseClick(form.next, Qt.MouseButton.LeftButton)  # no answer: the errors appear, and are read
    status, reason = questions[0], questions[1]
    assert status.error.isVisible() and reason.error.isVisible()
    error = t("errors.choice_required")
    assert heard.said(qtbot) == words(f"{status.label.text()} {error} {reason.label.text()} {error}")
    # The step, read again (a language switch, say), includes each error after its question.
    assert words(form.spoken_text()) == words(" ".join([*heading, *question_words(True), t("form.next")]))


def test_a_text_box_says_its_question_when_it_takes_focus_never_what_was_typed(
    qtbot: QtBot, window: KioskWindow, heard: Heard
) -> None:
    window.go(Route(Screen.APPOINTMENT))
    form = window.form
    assert form.draft is not None
    # The first box always asked (the first step's "in a few words" waits for "something else").
    step = next(
        i
        for i, s in enumerate(form.draft.steps)
        if any(f.kind == FieldKind.TEXT and f.shown_when is None for f in s.fields)
    )
    form.go_to_step(step)
    field = next(f for f in form.fields[step] if isinstance(f, TextField) and not f.isHidden())
    qtbot.keyClicks(field.edit, "Maria Quispe")
    form.setFocus()
    turn_on(qtbot, window)
    step_words = heard.said(qtbot)
    assert words(field.label.text())[0] in step_words
    assert "Maria" not in step_words and "Quispe" not in step_words

    field.edit.setFocus()
    assert heard.said(qtbot) == words(field.label.text())


def test_the_confirmation_spells_out_the_reference_code(qtbot: QtBot, window: KioskWindow, heard: Heard) -> None:
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    heard.said(qtbot)
    window.show_receipt(Receipt("K7M2QX", urgent=False, created_at=dt.datetime.now()))
    t = window.texts.t
    said = heard.said(qtbot)
    assert said == words(
        f"{t('confirm.title')} {t('confirm.when_one')} {t('confirm.code_intro')} K 7 M 2 Q X {t('confirm.code_hint')} "
        f"{t('confirm.next_contact')} {t('confirm.done')}"
    )
    assert "K, 7, M, 2, Q, X." in window.confirmation.spoken_text()


def test_an_urgent_confirmation_reads_the_desk_message_first(qtbot: QtBot, window: KioskWindow, heard: Heard) -> None:
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    heard.said(qtbot)
    window.show_receipt(Receipt("K7M2QX", urgent=True, created_at=dt.datetime.now()))
    t = window.texts.t
    said = " ".join(heard.said(qtbot))
    assert said.startswith(" ".join(words(f"{t('red_flag.instruction')} {t('red_flag.reason')}")))
    assert " ".join(words(t("confirm.next_contact"))) not in said


@pytest.mark.parametrize("ending", ["next patient", "idle wipe"])
def test_the_end_of_a_visit_stops_reading_and_turns_it_off(
    qtbot: QtBot, window: KioskWindow, heard: Heard, ending: str
) -> None:
    from kiosk.qt import QTextToSpeech

    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    qtbot.waitUntil(lambda: heard.engine.state() == QTextToSpeech.State.Speaking, timeout=SAY_MS)
    if ending == "idle wipe":
        window.idle.expired.emit()
    else:
        window.reset_for_next_patient()
    assert heard.engine.state() == QTextToSpeech.State.Ready
    assert not window.read_aloud.active
    assert not window.read_aloud_button.isChecked()
    assert window.read_aloud_button.words() == window.texts.t("speech.read_aloud")
    heard.utterances.clear()
    window.go(Route(Screen.HOME))  # the next patient's home screen stays silent
    qtbot.wait(100)
    assert heard.utterances == []


def test_touching_it_again_stops_reading(qtbot: QtBot, window: KioskWindow, heard: Heard) -> None:
    from kiosk.qt import QTextToSpeech

    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    qtbot.waitUntil(lambda: heard.engine.state() == QTextToSpeech.State.Speaking, timeout=SAY_MS)
    qtbot.mouseClick(window.read_aloud_button, Qt.MouseButton.LeftButton)
    assert heard.engine.state() == QTextToSpeech.State.Ready
    assert not window.read_aloud.active


def test_the_button_hides_in_a_language_the_engine_has_no_voice_for(qtbot: QtBot, window: KioskWindow) -> None:
    # The mock engine speaks English, Finnish and Norwegian only.
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    window.texts.set_language("es")
    assert not window.read_aloud.available
    assert window.read_aloud_button.isHidden()
    assert not window.read_aloud.active  # not left reading behind a hidden button
    window.texts.set_language("en")
    assert window.read_aloud_button.isVisible()
    assert window.read_aloud_button.words() == "Read aloud"


def test_the_button_is_hidden_until_an_engine_is_ready_and_where_none_exists(
    make_window: MakeWindow, caplog: pytest.LogCaptureFixture
) -> None:
    window = make_window()
    window.go(Route(Screen.HOME))
    assert window.read_aloud_button.isHidden()  # `kiosk run` makes the engine after start-up
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speech.read_aloud"):
        window.read_aloud.prepare(engine="no-such-engine")
    assert window.read_aloud_button.isHidden()
    (record,) = caplog.records
    assert record.getMessage().startswith("read-aloud is off: no text-to-speech engine 'no-such-engine' (found: ")
    assert "apt install speech-dispatcher espeak-ng libspeechd2 libpulse0" in record.getMessage()


def test_the_kiosk_runs_on_when_text_to_speech_cannot_load(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As on a PC without libpulse: importing Qt's module fails on first use.
    monkeypatch.setitem(kiosk.qt._LOADED_ON_USE, "QTextToSpeech", "PySide6.QtTextToSpeechMissing")
    monkeypatch.delitem(vars(kiosk.qt), "QTextToSpeech", raising=False)
    window = make_window()
    window.go(Route(Screen.HOME))
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speech.read_aloud"):
        window.read_aloud.prepare()
    assert not window.read_aloud.available
    assert window.read_aloud_button.isHidden()
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("read-aloud is off: Qt's text-to-speech cannot load (No module named")
    assert "apt install speech-dispatcher" in record.getMessage()
    window.read_aloud.set_active(True)  # nothing to turn on
    assert not window.read_aloud.active


def test_a_language_switch_changes_the_voice(qtbot: QtBot, make_window: MakeWindow) -> None:
    from kiosk.ui.texts import UiTexts

    window = make_window()
    # Norwegian stands in for a second language: the mock engine has voices for it.
    texts = UiTexts(window.context.strings, ("en", "nb"), "en")
    read_aloud = ReadAloud(texts, engine="mock", parent=window)
    changes: list[bool] = []
    read_aloud.availability_changed.connect(changes.append)
    read_aloud.prepare()
    assert read_aloud.available and changes == [True]
    engine = read_aloud.engine
    assert engine is not None
    assert engine.locale().name() == "en_US"
    texts.set_language("nb")
    assert engine.locale().name() == "nb_NO"
    assert engine.voice().name() in {"Eivind", "Kjersti"}
    assert read_aloud.available and changes == [True]


def test_the_text_a_patient_typed_is_never_part_of_a_screen(window: KioskWindow) -> None:
    window.go(Route(Screen.APPOINTMENT))
    for step in range(len(window.form.fields)):
        window.form.go_to_step(step)
        for box in window.form.findChildren(QLineEdit):
            box.setText("Zebediah")
        assert "Zebediah" not in window.form.spoken_text()
