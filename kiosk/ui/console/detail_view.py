"""One request in full: answers, red flags, status with who and when, next-status buttons, notes, print."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kiosk.qt import (
    QGridLayout,
    QHBoxLayout,
    QObject,
    QPlainTextEdit,
    QPrinter,
    QPushButton,
    QScrollArea,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import FollowUpRequest
from kiosk.domain.staff import Actor, Permission, PermissionDenied
from kiosk.domain.workflow import STATUS_LABELS, EventKind, RequestStatus, TransitionError, allowed_next
from kiosk.services import casework
from kiosk.services.authority import AccountRevoked
from kiosk.services.authority import confirm as confirm_authority
from kiosk.services.casework import UNDO_WINDOW, CannotUndo, CaseDetail, CaseEvent, CaseNotFound, StaleCase
from kiosk.services.store import Database, StoreError
from kiosk.services.urgent_alarm import NotUrgentError, SeenAtDesk, mark_seen_at_desk
from kiosk.services.waiting import waits_for_desk
from kiosk.ui.console.answers import KIND_LABELS, Section, local_time, request_sections, urgent_banner
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.pain_bars import PainBars
from kiosk.ui.console.widgets import button, card, label, save_file_name, set_role
from kiosk.ui.qt_lifetimes import empty_layout

log = logging.getLogger(__name__)

LETTER_REGIONS = frozenset({"US", "CA", "MX"})
# Every status a receptionist can set, each with a button that never moves: the ones not allowed now are
# disabled, not removed, so a double click cannot land on a different status (issue 24). Ctrl+1..5 in order.
CHOOSE = "Choose a request in the queue to see it here."
OPENING = "Opening the request…"
SAVING = "Saving…"
CHECKING = "Checking…"
UNCHECKED = (
    "Nothing was printed or saved: the database cannot be reached to check your account. Try again in a moment,"
    " or call IT if this goes on."
)
UNSAVED = (
    "Not saved: the database cannot be reached. What you typed is still here; try again in a moment, or call IT"
    " if this goes on."
)
UNOPENED = (
    "This request could not be opened: the database cannot be reached. Choose it again in a moment, or call IT"
    " if this goes on."
)
MARKABLE = [status for status in RequestStatus if status is not RequestStatus.NEW]


def last_own_change(detail: CaseDetail, username: str, now: dt.datetime) -> dt.timedelta | None:
    """How much of the undo window is left for `username`'s own last status change, or None if none is."""
    changes = [event for event in detail.events if event.kind == EventKind.STATUS]
    if not changes or changes[-1].author != username or changes[-1].from_status is None:
        return None
    at = changes[-1].at if changes[-1].at.tzinfo is not None else changes[-1].at.replace(tzinfo=dt.UTC)
    left = UNDO_WINDOW - (now - at)
    return left if left > dt.timedelta(0) else None


def status_line(detail: CaseDetail) -> str:
    line = f"Status: {STATUS_LABELS[detail.status]}"
    if detail.status_changed_by and detail.status_changed_at:
        line += f" — by {detail.status_changed_by}, {local_time(detail.status_changed_at)}"
    return line


def event_line(event: CaseEvent) -> str:
    head = f"{local_time(event.at)} · {event.author}"
    if event.kind == EventKind.STATUS and event.to_status is not None:
        before = STATUS_LABELS[event.from_status] if event.from_status else "?"
        return f"{head}: status {before} → {STATUS_LABELS[event.to_status]}"
    if event.kind == EventKind.SEEN:
        return f"{head}: seen at the desk"
    return f"{head}: {event.note or ''}"


def seen_line(detail: CaseDetail) -> str:
    """ "Seen at the desk at 10:42 by alice" (with the day when it was not today), or "" if nobody has pressed it."""
    if detail.seen_at_desk_at is None:
        return ""
    local = detail.seen_at_desk_at.astimezone()
    when = f"{local:%H:%M}" if local.date() == dt.date.today() else local_time(detail.seen_at_desk_at)
    who = f" by {detail.seen_at_desk_by}" if detail.seen_at_desk_by else ""
    return f"\u2713 Seen at the desk at {when}{who}"


def seen_result_sentence(seen: SeenAtDesk, username: str) -> str:
    """What the person who pressed "Seen at the desk" is told: done, or who was there first."""
    when = f"{seen.at.astimezone():%H:%M}"
    if not seen.already:
        return f"Marked as seen at the desk at {when}: the alarm stops on every console."
    if seen.by == username:
        return f"You had already marked this request seen at the desk at {when}."
    return f"{seen.by} was first: they marked this request seen at the desk at {when}, so nothing more is needed here."


class DetailView(QWidget):
    """`changed(CaseDetail)` after a status change or a note, so the queue can show it.

    `account_revoked(sentence)` when the account was disabled or demoted since sign-in (the window signs out).
    """

    changed = Signal(object)
    account_revoked = Signal(str)

    def __init__(self, context: ConsoleContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.actor = actor
        self.detail: CaseDetail | None = None

        # Requests are read on this worker, never on the GUI thread: a hung server must not freeze the console.
        self.reader = OffThreadReader("request-detail", self)
        self.placeholder = label(CHOOSE, "muted", wrap=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label("", "heading", wrap=True)
        self.title.setObjectName("DetailTitle")
        self.urgent = label("", "urgent", wrap=True)
        self.urgent.setObjectName("DetailUrgent")
        self.status = label("", wrap=True)
        self.status.setObjectName("DetailStatus")
        self.received = label("", "muted", wrap=True)
        self.banner = label("", "banner-error", wrap=True)
        self.banner.setObjectName("DetailBanner")
        # The urgent loop's acknowledgement: big and red while the patient waits, a plain line once pressed.
        self.seen_button = button("Seen at the desk", "SeenAtDesk")
        self.seen_button.setToolTip("The patient is at the front desk: stop the urgent alarm on every console")
        self.seen_hint = label("Press once the patient has come to the desk.", "muted", wrap=True)
        self.seen_hint.setObjectName("SeenAtDeskHint")
        self.seen_label = label("", "banner-ok", wrap=True)
        self.seen_label.setObjectName("DetailSeen")
        self._status_of: dict[QObject, RequestStatus] = {}  # each status button's status, for _status_clicked
        self._status_grid = QGridLayout()
        self._status_grid.setSpacing(6)
        self.status_buttons: dict[str, QPushButton] = {}
        for place, status in enumerate(MARKABLE):
            widget = button(STATUS_LABELS[status], f"Status_{status.value}")
            widget.setToolTip(
                f"Mark this request as {STATUS_LABELS[status].lower()} (Ctrl+{place + 1}); "
                "a note typed below is saved with it"
            )
            widget.clicked.connect(self._status_clicked)
            self._status_of[widget] = status
            # Three to a row: "Could not reach" and two others fit the pane's 540 px at 1366x768.
            self._status_grid.addWidget(widget, place // 3, place % 3)
            self.status_buttons[status.value] = widget
        self.undo_button = button("Undo", "UndoStatus")
        self.undo_button.setToolTip("Take back your last status change on this request (Ctrl+Z)")
        self.undo_button.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.undo_button.hide)
        # Half-typed notes of requests left for another one, by request id; only in memory, gone at sign-out.
        self._drafts: dict[str, str] = {}
        self.print_button = button("Print…", "PrintRequest")
        self.pdf_button = button("Save as PDF…", "SavePdf")

        self.sections_holder = QVBoxLayout()
        self.sections_holder.setSpacing(10)
        self._sections: QWidget | None = None
        self.history = QVBoxLayout()
        self.history.setSpacing(4)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("NoteText")
        self.note_edit.setAccessibleName("New note")
        self.note_edit.setPlaceholderText("What happened: who you spoke to, what was agreed…")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        self.note_error = label("", "error", wrap=True)
        self.note_error.setObjectName("NoteError")
        self.note_error.hide()  # shown with a sentence; empty, it would take a line above the answers
        self.save_note_button = button("Save note", "SaveNote", primary=True)

        self.body = QWidget()
        self._build_body()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.body, 1)
        self.body.hide()

        self.print_button.clicked.connect(self.print_current)
        self.pdf_button.clicked.connect(self.save_current_pdf)
        self.save_note_button.clicked.connect(self.save_note)
        self.seen_button.clicked.connect(self.mark_seen)
        self.undo_button.clicked.connect(self.undo_status)

    def _build_body(self) -> None:
        top = QVBoxLayout()
        top.setSpacing(6)
        title_row = QHBoxLayout()
        title_row.setSpacing(6)
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addWidget(self.pdf_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(title_row)
        top.addWidget(self.received)
        top.addWidget(self.urgent)
        seen_row = QHBoxLayout()
        seen_row.setSpacing(10)
        seen_row.addWidget(self.seen_button, 0, Qt.AlignmentFlag.AlignVCenter)
        seen_row.addWidget(self.seen_hint, 1, Qt.AlignmentFlag.AlignVCenter)
        top.addLayout(seen_row)
        top.addWidget(self.seen_label)
        top.addWidget(self.status)
        # The next statuses get rows of their own so each reads in full in a narrow pane.
        actions = QHBoxLayout()
        actions.setSpacing(6)
        actions.addWidget(label("Mark as:", "field-name"), 0, Qt.AlignmentFlag.AlignTop)
        actions.addLayout(self._status_grid)
        actions.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        actions.addStretch(1)
        top.addLayout(actions)
        top.addWidget(self.banner)
        # The note box sits with the status actions, above the answers, so both are in view without scrolling
        # at 1366x768 (issue 24); what was typed goes with a status change too.
        note_row = QHBoxLayout()
        note_row.setSpacing(6)
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.save_note_button, 0, Qt.AlignmentFlag.AlignBottom)
        top.addLayout(note_row)
        top.addWidget(self.note_error)

        notes = card()
        notes_layout = QVBoxLayout(notes)
        notes_layout.setContentsMargins(12, 10, 12, 12)
        notes_layout.addWidget(label("Notes and history", "section"))
        notes_layout.addLayout(self.history)

        content = QWidget()
        content.setObjectName("DetailContent")
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 8, 0)
        content_layout.setSpacing(10)
        content_layout.addLayout(self.sections_holder)
        content_layout.addWidget(notes)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(8)
        outer.addLayout(top)
        outer.addWidget(scroll, 1)

    # -- opening and showing --------------------------------------------------------------------------------------
    def open_request(self, request_id: str) -> None:
        """Load the request (an audited view) on the reader's worker and show it when it comes.

        While it is read (a slow or hung server), the request shown before is put away, so nothing is done to it by
        mistake, and the pane says it is opening; only the newest choice is shown when answers come late.
        """
        work = partial(casework.open_case, self.context.database, request_id, self.actor)
        if self.reader.ask(work, self._opened, partial(self._open_failed, request_id)) or not self.reader.busy:
            return
        if self.detail is not None and self.detail.id != request_id:
            self._keep_draft(self.detail.id)
            self.note_edit.clear()
            self.detail = None
        if self.detail is None:
            self._show_placeholder(OPENING)

    def _opened(self, detail: CaseDetail) -> None:
        if self.detail is None or self.detail.id != detail.id:
            # A half-typed note belongs to the request it was typed for: kept for it, and the new one's brought back.
            if self.detail is not None:
                self._keep_draft(self.detail.id)
            draft = self._drafts.pop(detail.id, "")
            self.note_edit.setPlainText(draft)
            self.note_error.clear()
            self.note_error.hide()
        else:
            draft = ""
        self.show_detail(detail)
        if draft:
            self.show_banner("Your unsaved note for this request is back in the note box.", ok=True)

    def _open_failed(self, request_id: str, exc: Exception) -> None:
        if isinstance(exc, (CaseNotFound, PermissionDenied)):
            self._refused(exc)
            if self.detail is None:
                self._show_placeholder(str(exc))
            return
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("a request could not be opened (%s)", type(exc).__name__)
        if self.detail is not None and self.detail.id != request_id:
            self._keep_draft(self.detail.id)
            self.note_edit.clear()
            self.detail = None
        if self.detail is None:
            self._show_placeholder(UNOPENED)
        else:
            self.show_banner(UNOPENED)

    def _show_placeholder(self, sentence: str) -> None:
        self.body.hide()
        self.placeholder.setText(sentence)
        self.placeholder.show()

    def _keep_draft(self, request_id: str) -> None:
        text = self.note_edit.toPlainText()
        if text.strip():
            self._drafts[request_id] = text
        else:
            self._drafts.pop(request_id, None)

    def has_draft(self, request_id: str) -> bool:
        """Whether a note typed for this request is waiting, in the box or kept aside."""
        if self.detail is not None and self.detail.id == request_id:
            return bool(self.note_edit.toPlainText().strip())
        return request_id in self._drafts

    def refresh_from_database(self) -> None:
        """Another console (or the kiosk) changed requests: re-read the open one and say so if it changed.

        Read on the worker; while a request is being opened that answer is fresh already, so none is asked. The note
        being typed stays in its box; the reread is not audited as a new view.
        """
        if self.detail is None or not self.isVisible() or self.reader.busy:
            return
        work = partial(casework.reread_case, self.context.database, self.detail.id, self.actor)
        self.reader.ask(work, self._reread, self._reread_failed)

    def _reread(self, fresh: CaseDetail) -> None:
        before = self.detail
        if before is None or before.id != fresh.id or fresh == before:
            return  # closed or another one opened meanwhile, or nothing changed
        self.show_detail(fresh)
        who = fresh.status_changed_by if fresh.status != before.status else None
        self.show_banner(
            "This request was just changed at another console"
            + (f" by {who}" if who and who != self.actor.username else "")
            + f": it is now {STATUS_LABELS[fresh.status].lower()}, and what you see is up to date."
        )

    def _reread_failed(self, exc: Exception) -> None:
        if isinstance(exc, (CaseNotFound, PermissionDenied)):
            self._refused(exc)
            return
        # A dropped connection: the queue's own message says the database cannot be reached (class name only: a
        # driver's message may quote a statement).
        log.warning("the open request could not be read again (%s)", type(exc).__name__)

    def show_detail(self, detail: CaseDetail, *, keep_banner: bool = False) -> None:
        self.detail = detail
        self.body.setEnabled(True)  # a change still out for the request before is no longer waited on here
        request = detail.request
        name = f"{request.contact.first_name} {request.contact.last_name}"
        self.title.setText(name)
        self.urgent.setVisible(detail.urgent)
        self.urgent.setText(urgent_banner(request) if detail.urgent else "")
        self._show_seen(detail)
        self.status.setText(status_line(detail))
        self.received.setText(
            f"{KIND_LABELS[request.kind]} · reference {format_reference(detail.reference)} · "
            f"received {local_time(detail.created_at)} at {detail.workstation}"
        )
        if not keep_banner:
            self.banner.hide()
        self._fill_status_buttons(detail)
        self._fill_sections(detail)
        self._fill_history(detail)
        self.placeholder.hide()
        self.placeholder.setText(CHOOSE)
        self.body.show()

    def clear(self) -> None:
        """Forget the request on screen (sign-out): nothing of it stays in any widget."""
        self.reader.drop()  # nor does an answer still on its way
        self.placeholder.setText(CHOOSE)
        self.detail = None
        for widget in (self.title, self.urgent, self.status, self.received, self.banner, self.seen_label):
            widget.clear()
        self._show_seen(None)
        self._drafts.clear()
        self.undo_button.hide()
        self._undo_timer.stop()
        self.note_edit.clear()
        self.note_error.clear()
        self.note_error.hide()
        self._fill_history(None)
        self._replace_sections(None)
        self.body.hide()
        self.placeholder.show()

    def show_banner(self, sentence: str, *, ok: bool = False) -> None:
        self.banner.setText(sentence)
        set_role(self.banner, "banner-ok" if ok else "banner-error")
        self.banner.show()

    def _refused(self, exc: Exception) -> None:
        """The service's sentence in the banner; an account changed since sign-in also signs the console out."""
        self.show_banner(str(exc))
        if isinstance(exc, AccountRevoked):
            self.account_revoked.emit(str(exc))

    def _releasing(self) -> bool:
        """Whether a request may leave now: not while the console is locked or signed out (this view is hidden
        then), whatever dialog or code path asked; the receptionist starts again after unlocking."""
        return self.detail is not None and self.isVisible()

    def _show_seen(self, detail: CaseDetail | None) -> None:
        waiting = detail is not None and detail.urgent and detail.seen_at_desk_at is None
        self.seen_button.setVisible(waiting)
        self.seen_hint.setVisible(waiting)
        if detail is not None and waiting:
            # Red and large only while the patient still waits for the desk; afterwards it is a late record.
            set_role(self.seen_button, "urgent-action" if waits_for_desk(detail.status, True, None) else "plain")
        seen = seen_line(detail) if detail is not None else ""
        self.seen_label.setText(seen)
        self.seen_label.setVisible(bool(seen))

    def _status_clicked(self) -> None:
        # Found by sender(), not a lambda per button holding the view in a reference cycle (kiosk/ui/window.py).
        status = self._status_of.get(self.sender())
        if status is not None:
            self.change_status(status)

    def _fill_status_buttons(self, detail: CaseDetail) -> None:
        allowed = set(allowed_next(detail.status))
        for value, widget in self.status_buttons.items():
            widget.setEnabled(RequestStatus(value) in allowed)
        left = last_own_change(detail, self.actor.username, dt.datetime.now(dt.UTC))
        self.undo_button.setVisible(left is not None)
        if left is not None:
            self._undo_timer.start(max(1, int(left.total_seconds() * 1000)))
        else:
            self._undo_timer.stop()

    def allowed_statuses(self) -> list[str]:
        """The statuses whose button can be pressed now (the others stay in place, disabled)."""
        return [value for value, widget in self.status_buttons.items() if widget.isEnabled()]

    def mark_nth(self, place: int) -> None:
        """Ctrl+1..5: the status button at that place, if it can be pressed now."""
        if self.detail is None or not 0 <= place < len(MARKABLE):
            return
        status = MARKABLE[place]
        if self.status_buttons[status.value].isEnabled():
            self.change_status(status)
        else:
            self.show_banner(
                f"A request that is {STATUS_LABELS[self.detail.status].lower()} cannot be marked "
                f"{STATUS_LABELS[status].lower()}."
            )

    def _fill_sections(self, detail: CaseDetail) -> None:
        sections = request_sections(
            detail.request,
            region=self.context.settings.clinic.phone_region,
            procedure_title=self.context.procedure_title,
            today=dt.date.today(),
        )
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for section in sections:
            layout.addWidget(self._section_card(section, detail))
        self._replace_sections(holder)

    def _replace_sections(self, holder: QWidget | None) -> None:
        if self._sections is not None:
            self.sections_holder.removeWidget(self._sections)
            _dispose(self._sections)
        self._sections = holder
        if holder is not None:
            self.sections_holder.addWidget(holder)

    def _section_card(self, section: Section, detail: CaseDetail) -> QWidget:
        frame = card()
        grid = QGridLayout(frame)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.addWidget(label(section.title, "section"), 0, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        for row, (name, value) in enumerate(section.rows, start=1):
            name_label = label(name, "field-name")
            name_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            value_label = label(value, wrap=True)
            value_label.setObjectName(f"Answer_{name.replace(' ', '_')}")
            if name == "Red flags" and detail.urgent:
                value_label.setProperty("role", "error")
                value_label.setText(f"⚠ {value}")
            grid.addWidget(name_label, row, 0)
            if name == "Pain" and isinstance(detail.request, FollowUpRequest):
                # The numbers in words, and the same two numbers as bars on the 0-10 scale.
                bars = PainBars(detail.request.pain_before, detail.request.pain_now)
                bars.setObjectName("PainBars")
                pain_box = QVBoxLayout()
                pain_box.setSpacing(2)
                pain_box.addWidget(value_label)
                pain_box.addWidget(bars)
                grid.addLayout(pain_box, row, 1)
            else:
                grid.addWidget(value_label, row, 1)
        return frame

    def _fill_history(self, detail: CaseDetail | None) -> None:
        empty_layout(self.history, _dispose)
        if detail is None:
            return
        if not detail.events:
            self.history.addWidget(label("No notes or status changes yet.", "muted"))
        names: dict[str, str] = {EventKind.NOTE: "HistoryNote", EventKind.SEEN: "HistorySeen"}
        for event in detail.events:
            line = label(event_line(event), wrap=True)
            line.setObjectName(names.get(event.kind, "HistoryStatus"))
            self.history.addWidget(line)

    # -- actions -------------------------------------------------------------------------------------------------
    # -- changes: made on the reader's worker, like every read (a hung server must not freeze the console) ------
    def _write(
        self, work: Callable[[], object], done: Callable[[Any], None], failed: Callable[[Exception], None]
    ) -> None:
        """Send a change; while it is out the pane says so and takes no second change (the first may yet land)."""
        if not self.reader.ask(work, partial(self._written, done), partial(self._write_failed, failed)):
            self.body.setEnabled(False)
            self.show_banner(SAVING, ok=True)

    def _written(self, done: Callable[[Any], None], answer: object) -> None:
        self.body.setEnabled(True)
        done(answer)

    def _write_failed(self, failed: Callable[[Exception], None], exc: Exception) -> None:
        self.body.setEnabled(True)
        if isinstance(exc, AccountRevoked):
            self._refused(exc)
        elif isinstance(exc, StoreError):
            # Class name only: a driver's message may quote the statement, and with it the note.
            log.warning("a change to a request was not saved (%s)", type(exc).__name__)
            self.show_banner(UNSAVED)
        else:
            failed(exc)

    def change_status(self, status: RequestStatus) -> None:
        """Set the status; a note typed in the box is saved with it (never silently dropped)."""
        if self.detail is None:
            return
        note = self.note_edit.toPlainText()
        work = partial(
            casework.change_status,
            self.context.database,
            self.detail.id,
            status,
            expected_version=self.detail.version,
            actor=self.actor,
            note=note,
        )
        self._write(work, partial(self._status_changed, status, note), self._status_refused)

    def _status_changed(self, status: RequestStatus, note: str, detail: CaseDetail) -> None:
        saved_note = bool(note.strip())
        if saved_note and self.note_edit.toPlainText() == note:
            self.note_edit.clear()
            self.note_error.clear()
            self.note_error.hide()
        self.show_detail(detail)
        self.show_banner(
            f"Marked as {STATUS_LABELS[status].lower()}"
            + (", with your note." if saved_note else ".")
            + f" Undo takes it back for {int(UNDO_WINDOW.total_seconds() // 60)} minutes.",
            ok=True,
        )
        self.changed.emit(detail)

    def _status_refused(self, exc: Exception) -> None:
        if isinstance(exc, StaleCase):
            self._stale(exc)
        elif isinstance(exc, (TransitionError, CaseNotFound, PermissionDenied)):
            self._refused(exc)
        elif isinstance(exc, ValueError):  # the note is too long: nothing was changed, the note stays to shorten
            self.note_error.setText(str(exc))
            self.note_error.show()
        else:
            raise exc

    def _stale(self, exc: StaleCase) -> None:
        self.show_detail(exc.current)
        self.show_banner(str(exc))  # the typed note stays in its box
        self.changed.emit(exc.current)

    def undo_status(self) -> None:
        """Take back this person's last status change (audited; both lines stay in the history)."""
        if self.detail is None:
            return
        work = partial(
            casework.undo_status,
            self.context.database,
            self.detail.id,
            expected_version=self.detail.version,
            actor=self.actor,
        )
        self._write(work, self._undone, self._undo_refused)

    def _undone(self, detail: CaseDetail) -> None:
        self.show_detail(detail)
        self.undo_button.hide()  # one undo; the next change can be undone again
        self._undo_timer.stop()
        self.show_banner(f"Undone: the request is {STATUS_LABELS[detail.status].lower()} again.", ok=True)
        self.changed.emit(detail)

    def _undo_refused(self, exc: Exception) -> None:
        if isinstance(exc, StaleCase):
            self._stale(exc)
        elif isinstance(exc, (CannotUndo, CaseNotFound, PermissionDenied)):
            self._refused(exc)
        else:
            raise exc

    def mark_seen(self) -> None:
        """Record "Seen at the desk" as the signed-in person, reload, and say who was first if it was not them."""
        if self.detail is None:
            return
        self._write(
            partial(_seen_and_reread, self.context.database, self.detail.id, self.actor), self._seen, self._seen_refused
        )

    def _seen(self, answer: tuple[SeenAtDesk, CaseDetail]) -> None:
        seen, detail = answer
        self.show_detail(detail)
        self.show_banner(seen_result_sentence(seen, self.actor.username), ok=True)
        self.changed.emit(detail)

    def _seen_refused(self, exc: Exception) -> None:
        if isinstance(exc, (LookupError, NotUrgentError, CaseNotFound, PermissionDenied)):
            self._refused(exc)
        else:
            raise exc

    def save_note(self) -> None:
        if self.detail is None:
            return
        note = self.note_edit.toPlainText()
        work = partial(casework.add_note, self.context.database, self.detail.id, note, actor=self.actor)
        self._write(work, partial(self._note_saved, note), self._note_refused)

    def _note_saved(self, note: str, detail: CaseDetail) -> None:
        if self.note_edit.toPlainText() == note:
            self.note_edit.clear()
        self.note_error.clear()
        self.note_error.hide()
        self.show_detail(detail)
        self.changed.emit(detail)

    def _note_refused(self, exc: Exception) -> None:
        if isinstance(exc, (ValueError, CaseNotFound, PermissionDenied)):
            self.note_error.setText(str(exc))  # the typed note stays in the box to fix
            self.note_error.show()
        else:
            raise exc

    def _page(self) -> dict[str, str]:
        region = self.context.settings.clinic.phone_region
        # North American clinics print on US Letter; everyone else on A4.
        return {"region": region, "page_size": "letter" if region in LETTER_REGIONS else "a4"}

    # -- print and PDF: the account's rights and the audit row are asked on the reader's worker, the pages are drawn
    # here once they are answered (no audit row, no page); while out, the pane says "Checking…" and takes nothing
    def print_current(self) -> None:
        """Check the account may still print, then the print dialog, then the audit row, then the pages."""
        if not self._releasing():
            return
        work = partial(confirm_authority, self.context.database, self.actor, Permission.WORK_REQUESTS)
        self._ask_before_release(work, lambda _: self._choose_printer(), self._check_failed)

    def _choose_printer(self) -> bool:
        from kiosk.ui.console.print_request import choose_printer

        assert self.detail is not None
        printer = choose_printer(self.detail, self, page_size=self._page()["page_size"])
        if printer is None or not self._releasing():  # cancelled, or locked meanwhile (the lock closes the dialog)
            return False
        work = partial(casework.record_print, self.context.database, self.detail.id, self.actor)
        return self._ask_before_release(work, partial(self._print_audited, printer), self._audit_failed)

    def _print_audited(self, printer: QPrinter, detail: CaseDetail) -> bool:
        from kiosk.ui.console.print_request import print_to

        page = self._page()
        print_to(
            printer,
            detail,
            self.context.clinic_name,
            region=page["region"],
            procedure_title=self.context.procedure_title,
        )
        return True

    def save_current_pdf(self) -> None:
        if self.detail is None:
            return
        suggested = str(Path.home() / f"request-{self.detail.reference}.pdf")
        path = save_file_name(self, "Save request as PDF", suggested, "PDF files (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> bool:
        """Check the place, then audit (on the worker), then write; True when it was saved before returning (False
        when refused, or while the audit is still out: the pane then says "Checking…" and "Saved …" when done)."""
        from kiosk.ui.console.print_request import check_pdf_path

        if not self._releasing():
            return False
        try:
            check_pdf_path(path, self.context.own_files)  # a refused place is said before anything is recorded
        except OSError as exc:
            self.show_banner(str(exc))
            return False
        assert self.detail is not None
        work = partial(casework.record_print, self.context.database, self.detail.id, self.actor)
        return self._ask_before_release(work, partial(self._pdf_audited, path), self._audit_failed)

    def _pdf_audited(self, path: Path, detail: CaseDetail) -> bool:
        from kiosk.ui.console.print_request import save_pdf

        page = self._page()
        try:
            saved = save_pdf(
                detail,
                path,
                self.context.clinic_name,
                page_size=page["page_size"],
                region=page["region"],
                procedure_title=self.context.procedure_title,
                installation=self.context.own_files,
            )
        except OSError as exc:
            self.show_banner(str(exc))
            return False
        if saved:
            self.show_banner(f"Saved {path.name}.", ok=True)
        return saved

    def _ask_before_release(
        self, work: Callable[[], object], then: Callable[[CaseDetail], bool], failed: Callable[[Exception], None]
    ) -> bool:
        """Ask `work` on the worker for the request shown now; `then(request)` once answered, if that request is
        still shown and the console unlocked. True when `then` ran and said so before this returned."""
        detail = self.detail
        assert detail is not None
        results: list[bool] = []

        def done(_answer: object) -> None:
            self.body.setEnabled(True)
            if self.banner.text() == CHECKING:
                self.banner.hide()
            if self.detail is not None and self.detail.id == detail.id and self._releasing():  # nor locked meanwhile
                results.append(then(detail))

        def refused(exc: Exception) -> None:
            self.body.setEnabled(True)
            failed(exc)

        if not self.reader.ask(work, done, refused):
            self.body.setEnabled(False)  # no second print or change while this one is asked
            self.show_banner(CHECKING, ok=True)
        return bool(results and results[0])

    def _check_failed(self, exc: Exception) -> None:
        if isinstance(exc, PermissionDenied):
            self._refused(exc)
        elif isinstance(exc, StoreError):
            log.warning("the right to print could not be checked (%s)", type(exc).__name__)
            self.show_banner(UNCHECKED)
        else:
            raise exc

    def _audit_failed(self, exc: Exception) -> None:
        """No audit row, no page: said in one sentence (the print was refused, or the row could not be written)."""
        from kiosk.ui.console.print_request import audit_failure

        if isinstance(exc, (CaseNotFound, PermissionDenied)):
            self._refused(exc)
        elif isinstance(exc, StoreError):
            self.show_banner(str(audit_failure(exc)))
        else:
            raise exc


def _seen_and_reread(database: Database, request_id: str, actor: Actor) -> tuple[SeenAtDesk, CaseDetail]:
    """On the reader's worker: "Seen at the desk" recorded, then the request as it now stands."""
    seen = mark_seen_at_desk(database, request_id, actor)
    return seen, casework.open_case(database, request_id, actor)


def _dispose(widget: QWidget) -> None:
    widget.hide()  # at once: deleteLater waits for the event loop, and it would be drawn until then
    widget.deleteLater()
