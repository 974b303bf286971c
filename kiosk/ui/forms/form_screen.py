"""A request form, one group of questions per step, with the on-screen keyboard under it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from kiosk.qt import (
    QApplication,
    QEvent,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QResizeEvent,
    QScrollArea,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.config.settings import Settings
from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import PageKind
from kiosk.domain.forms import FormContext
from kiosk.domain.problems import FieldProblem, RequestInvalid
from kiosk.domain.requests import RequestKind
from kiosk.qt_filters import teardown_safe
from kiosk.services.navigation import Route, Screen
from kiosk.services.request_form import FieldKind, RequestDraft, StepSpec, is_review, new_draft
from kiosk.services.store import Database
from kiosk.services.workstations import this_workstation_name
from kiosk.ui.focus_order import chain_focus, tab_stops
from kiosk.ui.forms.fields import ChoiceField, Editor, FieldWidget
from kiosk.ui.forms.progress import StepProgressBar
from kiosk.ui.forms.request_sender import RequestSender, SubmitOutcome
from kiosk.ui.forms.review import ReviewPage
from kiosk.ui.forms.step_view import StepView
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.speech.form_words import errors_text, step_text
from kiosk.ui.speech.words import sentences
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import MIN_TARGET
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size

log = logging.getLogger(__name__)
# How long a chosen answer shows, filled and marked, before its step goes on by itself: long enough to see what was
# chosen (and to tap another), short enough not to wait for.
MOVE_ON_MS = 400
KIND_FOR_SCREEN = {Screen.APPOINTMENT: RequestKind.APPOINTMENT, Screen.FOLLOW_UP: RequestKind.FOLLOW_UP}


class RequestFormScreen(KioskScreen):
    """Steps of one draft; Next checks the step, the last step sends the request once."""

    submitted = Signal(object)  # Receipt
    # For read-aloud: a new step is shown; an error or notice just appeared (its words, to be said once).
    step_shown = Signal()
    announce = Signal(str)

    def __init__(
        self,
        texts: UiTexts,
        catalog: ContentCatalog,
        settings: Settings,
        database: Callable[[], Database | None],
    ) -> None:
        super().__init__(texts)
        self._catalog = catalog
        self._settings = settings
        self._database = database
        self.draft: RequestDraft | None = None
        # One object per step (StepView: its questions, words, errors and review lines), built when first reached.
        self._steps: list[StepView | None] = []
        self._shown_page: QWidget | None = None
        self.review = ReviewPage(texts)  # replaced by a fresh one with each new draft
        # Sends run on a worker thread; the outcome of the send in progress carries this ticket.
        self.request_sender = RequestSender(settings, database, this_workstation_name(), self)
        self.request_sender.finished.connect(self._sent)
        self._sending: int | None = None
        self._move_on = QTimer(self)
        self._move_on.setSingleShot(True)
        self._move_on.setInterval(MOVE_ON_MS)
        self._move_on.timeout.connect(self._moved_on)
        self._moving_from = -1

        self.title = text_label("title")
        # "Step 2 of 5" in bold body type beside the form's name, over a bar of one segment per step: where the
        # patient is, and how much is left, read from a metre away (the step's own name under it, larger still).
        self.progress = text_label("field-label", "FormProgress")
        self.progress_bar = StepProgressBar()
        self.step_title = text_label("section-title", "StepTitle")
        self.failure = QFrame()
        self.failure.setObjectName("SaveFailed")
        failure_layout = QVBoxLayout(self.failure)
        self.failure_title = text_label("section-title")
        self.failure_body = text_label()
        self.retry = TouchButton("primary")
        self.retry.setObjectName("RetrySubmit")
        self.retry.clicked.connect(self.submit)
        for widget in (self.failure_title, self.failure_body, self.retry):
            failure_layout.addWidget(widget)
        self.failure.hide()

        self.questions = QScrollArea()
        self.questions.setWidgetResizable(True)
        self.questions.setFrameShape(QFrame.Shape.NoFrame)
        self.questions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # One way back inside a form: the top bar's Back, a step at a time (see KioskWindow._back). A second
        # "Previous step" here sat beside Back and Home and took room from the keyboard.
        self.next = TouchButton("primary")
        self.next.setObjectName("NextStep")
        self.next.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.next.clicked.connect(self.step_forward)
        # A widget, not a bare layout, so that beside the keyboard it can move above the keys (see _place_buttons).
        self._button_row = QWidget()
        buttons = QHBoxLayout(self._button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self._buttons = buttons
        buttons.addStretch(1)
        # "Step 2 of 7" moves here, between the buttons, when the form's name gives way to the keyboard.
        self._progress_slot = QHBoxLayout()
        buttons.addLayout(self._progress_slot)
        buttons.addStretch(1)
        buttons.addWidget(self.next)

        self.keyboard = OnScreenKeyboard(texts)
        self.keyboard.hide()
        self.keyboard.next_requested.connect(self._next_editor)
        self.keyboard.done_requested.connect(self._hide_keyboard)
        self._editor: Editor | None = None
        self._keyboard_waits = False  # True while an error puts the cursor in a box without opening the keyboard

        # The questions' column, and the keyboard beside it (landscape) or under it (portrait): see _place_keyboard.
        self._column = QWidget()
        # The column takes what the keyboard leaves: its words wrap to that width rather than push the keyboard off.
        self._column.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._outer = QVBoxLayout(self._column)
        self._frame = QHBoxLayout(self)
        self._frame.setContentsMargins(0, 0, 0, 0)
        self._frame.setSpacing(0)
        self._frame.addWidget(self._column, 1)
        # Beside the questions (landscape) the keyboard has a pane of its own; while typing, the bar of steps, "Step 2
        # of 5" and Next sit at its top, level with the step's first question, the keys right under them, and the
        # questions take the column's whole height. (Held low, the keys left an empty band over the bar: 300 px.)
        self._side = QWidget()
        self._side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._side_layout = QVBoxLayout(self._side)
        self._side_layout.setContentsMargins(0, 0, 0, 0)
        self._side_layout.addStretch(1)
        self._side.hide()
        self._keyboard_beside = False
        heading = QHBoxLayout()  # title and "Step 2 of 7" share a line, to leave room for the keyboard
        heading.addWidget(self.title, 1)
        heading.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignBottom)
        self._heading = heading
        self._outer.addLayout(heading)
        self._outer.addWidget(self.progress_bar)
        self._outer.addWidget(self.step_title)
        self._outer.addWidget(self.questions, 1)
        self._outer.addWidget(self.failure)
        self._outer.addWidget(self._button_row)
        self._outer.addWidget(self.keyboard)

    # -- the draft's life -------------------------------------------------------------------
    def show_route(self, route: Route) -> None:
        kind = KIND_FOR_SCREEN[route.screen]
        if self.draft is None or self.draft.kind != kind or self.draft.receipt is not None:
            self.start(kind)
        if route.section:
            self.go_to_step(route.section)

    def start(self, kind: RequestKind, steps: list[StepSpec] | None = None) -> None:
        """A new draft of the kind, with its own steps, or with `steps` (grouped otherwise, as a test may ask)."""
        self.wipe()
        procedures = [p.id for p in self._catalog.of_kind(PageKind.PROCEDURE, self.texts.default_language)]
        self.draft = new_draft(kind, procedures)
        if steps is not None:
            self.draft.steps = steps
        self.review = ReviewPage(self.texts)
        self.review.change_requested.connect(self.go_to_step)
        # A step's page is built when the patient first reaches it: opening the form builds one step, not all.
        self._steps = [None] * len(self.draft.steps)
        self._show_step()

    @property
    def fields(self) -> list[list[FieldWidget]]:
        """Each step's question widgets (none for a step not built yet), as the steps' own objects hold them."""
        return [view.fields if view is not None else [] for view in self._steps]

    @property
    def step_views(self) -> list[StepView]:
        """The steps built so far (a step not shown waits out of the window, with what was typed in it)."""
        return [view for view in self._steps if view is not None]

    def _page(self, index: int) -> StepView:
        """The step's view, built on first use and kept (with its answers) until the draft is wiped."""
        built = self._steps[index]
        if built is not None:
            return built
        assert self.draft is not None
        step = self.draft.steps[index]
        # The review's own questions (how to be contacted) first, in sight as it opens, then the answers read back:
        # under a long read-back they were missed, and Send answered with an error.
        view = StepView(step, self.texts, self._catalog, self.metrics, self.review if is_review(step) else None)
        for widget in view.fields:
            widget.changed.connect(self._show_applicable)
            if isinstance(widget, ChoiceField):
                widget.chosen_by_hand.connect(self._chosen_by_hand)
                widget.answers_wanted.connect(self._show_answers)
        for editor in view.editors():
            editor.installEventFilter(self)
        self._steps[index] = view
        return view

    def _view(self) -> StepView | None:
        """The step shown, if built."""
        return self._steps[self.draft.step] if self.draft is not None and self._steps else None

    def wipe(self) -> None:
        """Forget every answer: widgets, undo history and the draft go; nothing is kept."""
        # A send still running stores the request, but its confirmation is never shown to the next person.
        self._move_on.stop()
        self._sending = None
        # Only what is not set again as the next draft's first step shows: its words, the form's name and the
        # keyboard's place are (_show_step), so the form being left is not fitted nor its review filled once more.
        self._enable_while_sending(False)
        # Leaving the form: the next screen takes the focus. Taking it here first would have a screen reader
        # say the form's step again before the confirmation's first words.
        self._hide_keyboard(take_focus=False, fit=False)
        self.failure.hide()
        # The page shown stays in the scroll area, hidden, until it is deleted with the other steps below (or sooner,
        # by the next draft's first step taking its place): taken out, its every widget was styled anew (~20 ms for a
        # review) only to be deleted. The scroll area lets go of a deleted page by itself (Qt keeps it by QPointer).
        self._shown_page = None
        for view in self._steps:
            if view is not None:
                view.hide()
                view.deleteLater()
        self._steps = []
        self.review.forget()  # its page goes with the steps; what it last read back must not stay in memory either
        self.draft = None
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()

    @property
    def notice(self) -> QLabel | None:
        """The emergency notice on the step shown, if it has one."""
        page = self._shown_page
        return page.findChild(QLabel, "EmergencyNotice") if page is not None else None

    # -- steps -----------------------------------------------------------------------------------
    def has_answers(self) -> bool:
        """Whether the patient has answered anything yet: leaving would then erase their work."""
        if self.draft is None:
            return False
        self._collect()
        # 0 is an answer (a pain score); an empty box, no choice, an unticked box or a preset choice is not.
        return self.draft.answered_by_patient()

    def can_step_back(self) -> bool:
        return self.draft is not None and self.draft.step > 0

    def step_back(self) -> None:
        if self.can_step_back():
            assert self.draft is not None
            self._collect()
            self.draft.step -= 1
            self._show_step()

    def step_forward(self) -> None:
        if self.draft is None:
            return
        if self.draft.on_review:
            self.submit()
            return
        self._collect()
        problems = self.draft.check_through_current(self._base_context())
        if problems:
            self._show_problems(problems)
            return
        self.draft.step += 1
        self._show_step()

    def go_to_step(self, index: int) -> None:
        if self.draft is None:
            return
        self._collect()
        self.draft.step = max(0, min(index, len(self.draft.steps) - 1))
        self._show_step()

    def submit(self) -> None:
        """Check the answers, then store them on the worker; the confirmation waits for the commit."""
        if self.draft is None or self._sending is not None:
            return  # a second tap while sending does nothing
        self._collect()
        try:
            request = self.draft.build(self._base_context())
        except RequestInvalid as invalid:
            self._show_problems(list(invalid.problems))
            return
        self._sending = self.request_sender.send(request)
        self._show_sending(True)

    @property
    def sending(self) -> bool:
        return self._sending is not None

    def _sent(self, outcome: SubmitOutcome) -> None:
        if outcome.ticket != self._sending or self.draft is None:
            log.info("a request was sent after its visit ended; its outcome is not shown")
            return
        self._sending = None
        self._show_sending(False)
        if outcome.receipt is None:
            log.error("a request could not be saved; the patient was asked to tell the front desk")
            self._show_failure()
            return
        self.draft.receipt = outcome.receipt
        self.failure.hide()
        self.submitted.emit(outcome.receipt)

    def _show_sending(self, sending: bool) -> None:
        self._enable_while_sending(sending)
        if sending:
            self.failure.hide()
        self._show_words()

    def _enable_while_sending(self, sending: bool) -> None:
        # Send keeps the focus while it says "Sending…" (a second press does nothing, see submit): disabling it
        # would move the focus, and a screen reader would read the step's name again before the confirmation.
        self.retry.setEnabled(not sending)
        self.questions.setEnabled(not sending)  # the review's Change buttons wait too

    def _collect(self) -> None:
        if self.draft is None:
            return
        for view in self._steps:
            if view is not None:
                self.draft.answers.update(view.answers())

    def _base_context(self) -> FormContext:
        procedures = frozenset(p.id for p in self._catalog.of_kind(PageKind.PROCEDURE, self.texts.default_language))
        assert self.draft is not None
        return FormContext(
            region=self._settings.clinic.phone_region,
            today=dt.date.today(),
            procedures=procedures,
            request_id=self.draft.request_id,
            language=self.texts.language,
        )

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        assert self.draft is not None
        first_step = min(self.draft.step_of(problem.field) for problem in problems)
        if first_step != self.draft.step:
            self.draft.step = first_step
            self._show_step()
        first = self._page(first_step).show_problems({problem.field: problem.code for problem in problems})
        if first is not None:
            stops = tab_stops(first)  # a text box, or the first of the choices, for a keypad user
            (stops[0] if stops else first).setFocus()  # a text box's focus opens the keyboard
            self._reveal(first)
        self.announce.emit(errors_text(self.fields[first_step]))

    def _reveal(self, field: FieldWidget) -> None:
        """Scroll so the whole question, with its new error line, is in sight: never an error off screen."""
        # The error lines just shown and the keyboard change sizes only at the next layout pass: run it now, or the
        # scroll would aim at where the question was before. A nested layout (the review's answers) asks its parent
        # for another pass when it settles, so passes run until the question stops moving.
        for _ in range(4):
            where = field.mapTo(self, field.rect().bottomLeft())
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            if field.mapTo(self, field.rect().bottomLeft()) == where:
                break
        margin = self.metrics.px("pad_small")
        if self.keyboard.isVisible() and field.height() + 2 * margin > self.questions.viewport().height():
            # No room for the question and its error above the keyboard: the error first; a touch on the box
            # brings the keyboard back (see eventFilter).
            editor = self._editor
            self._hide_keyboard()
            if editor is not None:
                self._keyboard_waits = True
                editor.setFocus()
                self._keyboard_waits = False
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.questions.ensureWidgetVisible(field, 0, margin)
        if field.height() + 2 * margin > self.questions.viewport().height():
            # Taller than the room (the warning-sign checklist at the largest text): its question and the error under
            # it in sight, rather than its middle.
            self.questions.ensureWidgetVisible(field.error, 0, margin)
            self.questions.ensureWidgetVisible(field.label if field.label.isVisibleTo(field) else field, 0, margin)

    def _take_page(self) -> None:
        # Take the shown page back (the scroll area would delete it on the next setWidget).
        if self._shown_page is not None:
            self.questions.takeWidget()
            self._shown_page = None

    def _show_failure(self) -> None:
        self.failure.show()
        self._show_words()
        self.announce.emit(sentences([self.failure_title.text(), self.failure_body.text()]))

    # -- a step of one choice goes on by itself ----------------------------------------------------------
    def _chosen_by_hand(self) -> None:
        """An answer was tapped: on a step that asks nothing else, go on once the choice has been seen."""
        draft = self.draft
        if draft is None or draft.on_review or self._sending is not None:
            return
        self._collect()
        asked = self._page(draft.step).asked(draft.answers)
        if len(asked) == 1 and asked[0] is self.sender() and asked[0].spec.kind is FieldKind.CHOICE:
            self._moving_from = draft.step
            self._move_on.start()  # again from the start if the patient taps another answer meanwhile

    @property
    def moving_on(self) -> bool:
        """Whether the step shown goes on by itself in a moment (its only question was just answered)."""
        return self._move_on.isActive()

    def _moved_on(self) -> None:
        # Back, Home or the idle reset may have come first: go on only from the step that was answered.
        if self.draft is not None and self.draft.step == self._moving_from and self.isVisible():
            self.step_forward()

    def _show_step(self) -> None:
        self._move_on.stop()
        if self.draft is None:
            return
        # Fitted once, below, with the new step in place: fitted here too, it measured the step being left.
        self._hide_keyboard(fit=False)
        self._take_page()  # the previous step's page; self._pages keeps it
        if self.draft.on_review:
            # The review reads every answer back from its question, so every step needs its page.
            for index in range(len(self.draft.steps)):
                self._page(index)
        page = self._page(self.draft.step)
        self.questions.setWidget(page)
        self._shown_page = page
        self._show_applicable()
        page.show()
        self.questions.verticalScrollBar().setValue(0)
        self._fill_review()
        self._show_words()
        self._fit_title()  # with the step's own words in place, as they take room too
        self.step_shown.emit()

    # -- keyboard ----------------------------------------------------------------------------------
    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(watched, QLineEdit | QPlainTextEdit):
            return False
        if event.type() == QEvent.Type.FocusIn and not self._keyboard_waits:
            self._open_keyboard(watched)
        elif event.type() == QEvent.Type.MouseButtonPress and (
            not self.keyboard.isVisible() or watched is not self._editor
        ):
            # A box that kept its focus while an error was shown, or one the keys do not type into yet (the focus
            # may have moved on without the keyboard following, as from a page of accents picked by hand).
            self._open_keyboard(watched)
        return False

    def _open_keyboard(self, editor: Editor) -> None:
        widget = self._field_of(editor)
        if widget is None:
            return
        self._editor = editor
        spec = widget.spec
        editors = self._editors_on_step()
        self.keyboard.attach(
            editor,
            spec.keyboard if spec.kind.value != "date" else "phone",
            capitalize_words=spec.capitalize_words,
            last_box=bool(editors) and editor is editors[-1],
        )
        self.keyboard.show()
        self._fit_title()
        # Keep the field in sight above the keyboard.
        self.questions.ensureWidgetVisible(editor, 0, self.metrics.px("target"))

    def _field_of(self, editor: QWidget) -> FieldWidget | None:
        return next((w for view in self._steps if view is not None and (w := view.field_of(editor))), None)

    def _editors_on_step(self) -> list[Editor]:
        view = self._view()
        return view.editors() if view is not None else []

    def focus_first_field(self) -> None:
        """When a step starts with a text box, put the cursor there: the keyboard opens under it."""
        if self.draft is None or not self.fields[self.draft.step]:
            return
        editors = self.fields[self.draft.step][0].editors()
        if editors:
            editors[0].setFocus()

    def _show_applicable(self) -> None:
        """Show a follow-on question (like "tell us in a few words") only when it applies."""
        if self.draft is None:
            return
        self._collect()
        for view in self._steps:
            if view is not None:
                view.show_applicable(self.draft.answers)

    def _next_editor(self) -> None:
        editors = self._editors_on_step()
        if self._editor in editors:
            index = editors.index(self._editor)
            if index + 1 < len(editors):
                editors[index + 1].setFocus()
                return
        self._hide_keyboard()

    def _show_answers(self) -> None:
        """A question's one line was tapped while typing: the keyboard goes, and its answers come back."""
        field = self.sender()
        # The focus leaves the line before it hides: Qt would pass it on to the next box, which opens the keyboard.
        self.setFocus()
        self._hide_keyboard(take_focus=False)
        if isinstance(field, ChoiceField):
            chosen = [button for button in field.buttons.values() if button.isChecked()]
            (chosen or list(field.buttons.values()))[0].setFocus()

    def _hide_keyboard(self, take_focus: bool = True, fit: bool = True) -> None:
        self.keyboard.detach()
        self.keyboard.hide()
        if fit:
            self._fit_title()
        self._editor = None
        if take_focus:
            self.setFocus()

    def _fit_title(self) -> None:
        """The form's name gives way when room is short (the step's own title and "Step 2 of 7" stay).

        At large text sizes it gives way to the keyboard; at any size, to a step whose questions would otherwise
        need scrolling, so no question (a warning sign above all) starts out of sight.
        """
        typing = not self.keyboard.isHidden()
        self._place_buttons(typing and self._keyboard_beside)
        self._make_room_for_typing(False)  # measured with every answer shown; folded below only if need be
        page_layout = self._shown_page.layout() if self._shown_page is not None else None
        if page_layout is not None:
            # While typing, the step's boxes sit closer: every one of them, with its error, stays in sight.
            page_layout.setSpacing(self.metrics.px("pad_small" if typing else "pad2") // (2 if typing else 1))
        m = self.metrics
        # Beside the keyboard the column is narrow: thinner margins keep a sentence on one line more often.
        side = m.px("pad" if typing and self._keyboard_beside else "pad2")
        # Typing beside the keyboard, the column holds only the questions: a thin edge above and below them.
        edge = m.px("pad_small") // 2 if typing and self._keyboard_beside else m.px("pad_small")
        self._outer.setContentsMargins(side, edge if typing else m.px("pad"), side, edge)
        self.step_title.show()
        if typing:
            # Beside the keyboard the column needs every line for the step: the step's own title says where one is.
            self._show_title(self.metrics.text_scale <= 1 and not self._keyboard_beside, progress_between=True)
            if self._overflows():
                self._make_room_for_typing(True)
            # At large text, when the boxes would still scroll, the step's name gives way too: the bar and "Step 2 of
            # 5" stay, and every box keeps its own label.
            if self.metrics.text_scale > 1 and self._overflows():
                self.step_title.hide()
        else:
            self._show_title(not self._questions_need_scrolling())
            # At large text the step's name gives way too when its questions would still scroll (the warning-sign
            # checklist at 1280x800): the bar and "Step 5 of 6" stay, and the question says what it is about.
            if self.metrics.text_scale > 1 and self._overflows():
                self.step_title.hide()

    def _place_buttons(self, in_side: bool) -> None:
        """Next (with "Step 2 of 5") under the questions, or, while typing beside them, above the keyboard."""
        self._side.setVisible(in_side)
        if in_side and self._side_layout.indexOf(self._button_row) < 0:
            self._outer.removeWidget(self._button_row)
            # The bar of steps goes too: where the patient is stays in sight, above the keys.
            self._outer.removeWidget(self.progress_bar)
            self._side_layout.insertWidget(0, self.progress_bar)
            self._side_layout.insertWidget(1, self._button_row)
            margin = self.metrics.px("pad_small")
            self._buttons.setContentsMargins(margin, margin, margin, margin)
            self._side_layout.setSpacing(margin)
            self._side_layout.setContentsMargins(0, margin, 0, 0)  # the bar level with the column's first words
            self.progress_bar.setContentsMargins(margin, 0, margin, 0)
        elif not in_side and self._outer.indexOf(self._button_row) < 0:
            self._side_layout.removeWidget(self._button_row)
            self._side_layout.removeWidget(self.progress_bar)
            self._outer.insertWidget(1, self.progress_bar)  # under the heading, its place
            self._outer.insertWidget(self._outer.indexOf(self.failure) + 1, self._button_row)
            self._buttons.setContentsMargins(0, 0, 0, 0)
            self.progress_bar.setContentsMargins(0, 0, 0, 0)
        self.progress_bar.show()
        self._button_row.show()

    def _make_room_for_typing(self, typing: bool) -> None:
        """While the keyboard is up and the step would scroll, its choices show only what is chosen, and its notice
        steps aside.

        Every question stays in sight with its label and error, and the box typed in keeps its room beside or
        above the keyboard; the answers and the notice (read as the step opened) come back when the keyboard goes.
        Where the whole step fits (often upright), nothing is folded.
        """
        view = self._view()
        if view is not None:
            view.fold(typing)

    def _show_title(self, shown: bool, progress_between: bool = False) -> None:
        self.title.setVisible(shown)
        # Under the keyboard "Step 2 of 7" moves between the buttons, freeing the whole line, if it fits there. For
        # questions alone it stays put: moving it would squeeze the buttons' words while the layout settles.
        between = not shown and progress_between and self._progress_fits_between_buttons()
        if between and self._progress_slot.indexOf(self.progress) < 0:
            self._heading.removeWidget(self.progress)
            self._progress_slot.addWidget(self.progress)
        elif not between and self._heading.indexOf(self.progress) < 0:
            self._progress_slot.removeWidget(self.progress)
            self._heading.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignBottom)

    def _progress_fits_between_buttons(self) -> bool:
        """Whether "Step 2 of 7" and both buttons fit on one line each: squeezed, a button's words are cut."""

        def one_line(label: QLabel) -> int:
            return label.fontMetrics().horizontalAdvance(label.text()) + 1  # +1: the advance rounds down

        needed = one_line(self.progress)
        for button in (self.next,):
            if not button.isHidden():
                layout = button.layout()
                margins = layout.contentsMargins() if layout is not None else None
                sides = margins.left() + margins.right() if margins is not None else 0
                needed += max(one_line(button.label) + sides, button.minimumWidth())
        # Three gaps: the button, the two stretches and the slot between them.
        needed += 3 * max(self._buttons.spacing(), 0)
        if self._side_layout.indexOf(self._button_row) >= 0:
            margins = self._buttons.contentsMargins()
            return needed <= self.keyboard.width() - margins.left() - margins.right()
        margins = self._outer.contentsMargins()
        return needed <= self._column.width() - margins.left() - margins.right()

    def _questions_need_scrolling(self) -> bool:
        """Whether the step shown would scroll with the form's name above it.

        Measured with the name in place and the layout run now, not after the next pass: the answer is then the
        same whatever was shown before, so the name never flickers between passes, and the first frame is right.
        """
        if self._shown_page is None:
            return False
        self._show_title(True)
        return self._overflows()

    def _overflows(self) -> bool:
        """Whether the step's page is taller than the questions area, with the heading as it is now."""
        page = self._shown_page
        if page is None:
            return False
        self._frame.activate()  # the column's width beside a keyboard just shown
        self._outer.activate()  # places the questions area under the name, at once
        room = self.questions.maximumViewportSize()  # its inside with no scroll bar taking width
        width = room.width()
        if not self.keyboard.isHidden():
            # Measured as if the scroll bar were there: a page that only just fits without it wraps its words on more
            # lines once the bar takes its width, and then does not fit.
            width -= self.questions.verticalScrollBar().sizeHint().width()
        needed = page.heightForWidth(width) if page.hasHeightForWidth() else page.sizeHint().height()
        # As the scroll area itself sizes its page: never below the page's minimum.
        needed = max(needed, page.minimumSizeHint().height(), page.minimumHeight())
        return needed > room.height()

    # -- words and sizes -----------------------------------------------------------------------------
    def spoken_text(self) -> str:
        return step_text(self)

    def retranslate(self) -> None:
        """The language changed: every built question follows, then the screen's own words."""
        if self.draft is None:
            return
        for view in self._steps:
            if view is not None:
                view.retranslate()
        self._fill_review()
        self._show_words()
        self._fit_title()  # another language's questions may take more lines

    def _show_words(self) -> None:
        """Title, progress, buttons and the review for the step shown (questions keep their own words)."""
        t = self.texts.t
        if self.draft is None:
            return
        key = "form.follow_up_title" if self.draft.kind == RequestKind.FOLLOW_UP else "form.appointment_title"
        self.title.setText(t(key))
        step = self.draft.current
        number, count = self.texts.number(self.draft.step + 1), self.texts.number(len(self.draft.steps))
        self.progress.setText(t("form.step_of", number=number, count=count))
        self.progress_bar.show_step(self.draft.step, len(self.draft.steps), self.progress.text())
        self.step_title.setText(t(step.title_key))
        # The arrow is for the eye: set_words names the button without it ("Next").
        if self._sending is not None:
            self.next.set_words(t("form.sending"))
        else:
            self.next.set_words(t("form.submit") if self.draft.on_review else t("form.next") + "  →")
        self.questions.setAccessibleName(t("form.questions"))
        self.questions.verticalScrollBar().setAccessibleName(t("page.scroll"))
        self.failure_title.setText(t("form.save_failed_title"))
        self.failure_body.setText(t("form.save_failed_body"))
        self.retry.set_words(t("form.retry"))
        self.setAccessibleName(f"{self.title.text()}. {self.progress.text()}: {self.step_title.text()}")
        self._order_focus()

    def _fill_review(self) -> None:
        """Every answer read back, as the review is shown (or shown in another language).

        Only then: sending, a failed save and leaving the form change no answer, and refilling the review for each of
        them was four fills a visit where the patient saw one (the page's widgets made and styled anew each time).
        """
        draft = self.draft
        if draft is None or not draft.on_review:
            return
        self._collect()
        answers = draft.answers
        steps = [(i, s, self._page(i).review_fields(answers)) for i, s in enumerate(draft.steps) if not is_review(s)]
        self.review.fill(steps, self.metrics)

    def _order_focus(self) -> None:
        """Tab goes from the step's questions to the buttons under them, as they are read (pages join late)."""
        page = self._shown_page
        chain_focus([self, self.questions, *(tab_stops(page) if page else []), self.retry, self.next])

    def arrange(self) -> None:
        m = self.metrics
        margin = m.px("pad2")
        self._outer.setContentsMargins(margin, m.px("pad"), margin, m.px("pad_small"))
        self._outer.setSpacing(m.px("pad_small"))
        # The questions scroll; with the keyboard open they may shrink to one row in sight.
        self.questions.setMinimumHeight(m.px("target") * 3 // 2)
        for view in self._steps:
            if view is not None:
                view.apply_metrics(m)
        self.keyboard.apply_metrics(m)
        self.progress_bar.apply_metrics(m)
        self._place_keyboard()
        self._fit_title()  # last: the questions' new sizes decide whether the form's name fits

    def _place_keyboard(self) -> None:
        """Landscape: the keyboard beside the questions; portrait: under them.

        Under the questions on a landscape screen it took the lower half, and a step's second box, its label or
        its Next were hidden under it; beside them, the whole step keeps the screen's height. A portrait screen
        has height to spare under a step, and the full width gives the keys their size.
        """
        m = self.metrics
        beside = not self.portrait
        if beside != self._keyboard_beside:
            if beside:
                self._outer.removeWidget(self.keyboard)
                self._side_layout.insertWidget(self._side_layout.count() - 1, self.keyboard)  # over the stretch
                self._frame.addWidget(self._side)
            else:
                self._place_buttons(False)
                self._side_layout.removeWidget(self.keyboard)
                self._frame.removeWidget(self._side)
                self._outer.addWidget(self.keyboard)
            self._keyboard_beside = beside
        width = self.width() or (1080 if self.portrait else 1920)
        if beside:
            # Half the screen, or less when finger-sized keys need less; never keys under the smallest target.
            # At a larger text size the questions need the width more than the keys need more than a finger's size.
            share = width // 2 if m.text_scale <= 1 else width * 2 // 5
            side = max(self.keyboard.width_for_keys(MIN_TARGET), min(share, self.keyboard.width_for_keys()))
            # Fixed, not the Ignored it has under the questions: a box layout lets an Ignored widget be overrun.
            # Down to the screen's bottom, its keys growing into the height (a short keyboard left a band of empty
            # screen under it): docked where a tablet's keyboard is, Next and the bar of steps above it.
            self.keyboard.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
            self.keyboard.fill_height(True)
            self._side_layout.setStretchFactor(self.keyboard, 1)
            self._side_layout.setStretch(self._side_layout.count() - 1, 0)  # the stretch under it gives way
            self.keyboard.setFixedWidth(side)
            self.keyboard.relayout(m, side)
        else:
            self.keyboard.fill_height(False)
            self.keyboard.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.keyboard.setMinimumWidth(0)
            self.keyboard.setMaximumWidth(QWIDGETSIZE_MAX)
            # The width it will have inside the column's margins: sized for more, its keys would reach past it.
            margins = self._outer.contentsMargins()
            self.keyboard.relayout(m, width - margins.left() - margins.right())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._place_keyboard()  # beside the questions, the keyboard's width follows the screen's
        # Less height (the controls moved low, the bar took another row) may leave the questions too little room.
        self._fit_title()
