"""The console's reader: work runs on its worker, the answer is handled on the GUI thread, and only the newest
question's answer reaches the screen (a request the receptionist moved on from never replaces the one chosen)."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QObject

from kiosk.ui.console.off_thread import ANSWER_WAIT_MS, OffThreadReader


def never_fails(error: Exception) -> None:
    pytest.fail(f"the read failed: {error!r}")


def never_answers(answer: object) -> None:
    pytest.fail(f"a read that fails answered: {answer!r}")


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> OffThreadReader:
    monkeypatch.setattr(OffThreadReader, "answer_wait_ms", ANSWER_WAIT_MS)
    return OffThreadReader("test-reads", QObject(QApplication.instance()))


def test_a_late_answer_for_a_question_asked_over_is_dropped(qtbot: QtBot, reader: OffThreadReader) -> None:
    release = threading.Event()
    shown: list[str] = []
    worked_on: list[bool] = []

    def slow(answer: str) -> str:
        worked_on.append(threading.current_thread() is threading.main_thread())
        release.wait(10)
        return answer

    assert reader.ask(lambda: slow("first request"), shown.append, never_fails) is False
    assert reader.ask(lambda: slow("second request"), shown.append, never_fails) is False
    assert reader.ask(lambda: slow("third request"), shown.append, never_fails) is False
    assert reader.busy and shown == []
    release.set()
    qtbot.waitUntil(lambda: not reader.busy, timeout=5000)
    assert shown == ["third request"]  # the first came back late and was dropped; the second never went out
    assert worked_on == [False, False]  # both reads ran on the worker, never on the GUI thread


def test_a_fast_answer_is_handled_before_ask_returns_and_a_failure_goes_to_failed(reader: OffThreadReader) -> None:
    shown: list[object] = []
    assert reader.ask(lambda: 42, shown.append, never_fails) is True
    assert shown == [42]

    def broken() -> int:
        raise OSError("the network is down")

    assert reader.ask(broken, never_answers, shown.append) is True
    assert isinstance(shown[-1], OSError)


def test_a_dropped_question_reaches_nobody(qtbot: QtBot, reader: OffThreadReader) -> None:
    release = threading.Event()
    shown: list[str] = []

    def details() -> str:
        release.wait(10)
        return "patient details"

    reader.ask(details, shown.append, never_fails)
    reader.drop()  # signed out meanwhile
    release.set()
    qtbot.waitUntil(lambda: not reader.busy, timeout=5000)
    assert shown == []
