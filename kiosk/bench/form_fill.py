"""Fill and send an appointment request through the real form widgets, then tap Done: one whole visit."""

from __future__ import annotations

from kiosk.qt import QAbstractButton, QLineEdit, QPlainTextEdit

from kiosk.bench.loop import Steps
from kiosk.bench.walk import touch
from kiosk.domain.red_flags import YES
from kiosk.domain.requests import RequestKind
from kiosk.services.navigation import Screen
from kiosk.services.request_form import NONE_OF_THESE, FieldKind, StepSpec
from kiosk.ui.window import KioskWindow

MAX_STEPS = 20


class VisitFailed(Exception):  # noqa: N818 (says what happened, like SubmitFailed)
    """The bench's made-up answers did not get through the form; the message names the step, never a value."""


def _answer(window: KioskWindow, key: str, value: object) -> None:
    form = window.form
    editor = form.findChild(QLineEdit, f"field-{key}") or form.findChild(QPlainTextEdit, f"field-{key}")
    if isinstance(editor, QLineEdit):
        editor.setText(str(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(str(value))
    elif value is True:
        _touch_option(window, f"option-{key}")
    elif isinstance(value, frozenset):
        for each in sorted(value):
            _touch_option(window, f"option-{key}-{each}")
    elif value is not False:
        _touch_option(window, f"option-{key}-{value}")


def _answer_step(window: KioskWindow, step: StepSpec, answers: dict[str, object]) -> None:
    for spec in step.fields:
        if spec.kind is FieldKind.SIGNS:
            # The warning-sign checklist: each sign answered "yes", or its one "None of these" when there is none.
            signs = [key.removeprefix("red_flag_") for key in spec.answer_keys if answers.get(key) == YES]
            for sign in signs or [NONE_OF_THESE]:
                _touch_option(window, f"option-{spec.key}-{sign}")
            continue
        for key in spec.answer_keys:
            if key in answers:
                _answer(window, key, answers[key])


def _touch_option(window: KioskWindow, name: str) -> None:
    button = window.form.findChild(QAbstractButton, name)
    if button is None:
        raise VisitFailed(f"no control {name} on the form")
    touch(button)


_CHOICE_FOR = {RequestKind.APPOINTMENT: "appointment", RequestKind.FOLLOW_UP: "follow_up"}


def send(window: KioskWindow, kind: RequestKind, answers: dict[str, object]) -> Steps:
    """From Home to the confirmation, answering each step and tapping Next, then Send, as a patient does."""
    if not window.home.isVisible():
        window.navigator.home()
        yield None
    touch(window.home.choices[_CHOICE_FOR[kind]])
    yield None
    form = window.form
    draft = form.draft
    if draft is None or draft.kind is not kind:
        raise VisitFailed(f"the {kind.value} form did not open")
    for _ in range(MAX_STEPS):
        if draft.on_review:
            break
        step = draft.step
        _answer_step(window, draft.current, answers)
        touch(form.next)
        yield None
        if draft.step == step:
            raise VisitFailed(f"step {draft.current.id!r} did not accept the made-up answers")
    _answer_step(window, draft.current, answers)  # how to be contacted, and the consent, are asked over Send
    touch(form.next)  # Send
    yield lambda: not form.sending
    if window.navigator.current.screen is not Screen.CONFIRMATION:
        raise VisitFailed("the request was not confirmed")


def visit(window: KioskWindow, answers: dict[str, object]) -> Steps:
    """From Home to the confirmation and back to the attract loop, tapping as a patient does (steps for loop.run)."""
    yield from send(window, RequestKind.APPOINTMENT, answers)
    touch(window.confirmation.done_button)
    yield None
