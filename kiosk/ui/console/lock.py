"""Auto-lock: a timer restarted by any input in the console, the page that asks for the password again,
and the guard that lets no console dialog (Export, Save as PDF, Print, a question) stay open behind the lock."""

from __future__ import annotations

import logging
from functools import partial

from kiosk.qt import (
    QApplication,
    QDialog,
    QEvent,
    QHideEvent,
    QLineEdit,
    QObject,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.staff import Actor
from kiosk.qt_filters import teardown_safe
from kiosk.services.accounts import AccountError, confirm_password
from kiosk.services.overview import WaitingNow, waiting_now
from kiosk.services.store import StoreError
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.login_view import refusal_sentence
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import button, card, centred, label

log = logging.getLogger(__name__)

LOCKED_COUNTS_MS = 30_000  # a locked console still says how many wait, read again this often
UNCHECKED = "Your password could not be checked: the database cannot be reached. Try again in a moment."


def waiting_sentence(counts: WaitingNow) -> str:
    """What a locked console shows: how many wait for a first contact, how many urgent; never who."""
    if counts.waiting == 0:
        return "Nobody is waiting for a first contact."
    many = "request waits" if counts.waiting == 1 else "requests wait"
    urgent = f", {counts.urgent} of them urgent" if counts.urgent else ""
    return f"{counts.waiting} {many} for a first contact{urgent}."


# Input that shows someone is at the desk.
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def belongs_to(widget: QWidget, window: QWidget) -> bool:
    """True for the console window and its dialogs (a file dialog counts as working in the console)."""
    current: QWidget | None = widget.window()
    while current is not None:
        if current is window:
            return True
        parent = current.parentWidget()
        current = parent.window() if parent is not None else None
    return False


class IdleLock(QObject):
    """Emits `idle()` after `minutes` with no input in `window`: one single-shot timer, no polling."""

    idle = Signal()

    def __init__(self, window: QWidget, minutes: int) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(minutes * 60_000)
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def set_timeout_ms(self, milliseconds: int) -> None:
        self.timer.setInterval(milliseconds)
        if self.timer.isActive():
            self.timer.start()

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Restarting a running timer is cheap; input in the patient kiosk window does not count.
        if (
            self.timer.isActive()
            and event.type() in _ACTIVITY
            and isinstance(watched, QWidget)
            and belongs_to(watched, self.window)
        ):
            self.timer.start()
        return False

    def close(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class DialogGuard(QObject):
    """While engaged (console locked or signed out), every dialog of the console is cancelled, open or opening.

    One rule for all of them, not a list: each QDialog (file, print, message box, account form) that
    belongs to the window is rejected, exactly as if staff had pressed Cancel, so whatever it was about
    to do (write a CSV or PDF, print, change an account) is not done, now or after unlocking.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.engaged = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def engage(self) -> None:
        self.engaged = True
        for dialog in self.open_dialogs():
            dialog.reject()

    def release(self) -> None:
        self.engaged = False

    def open_dialogs(self) -> list[QDialog]:
        """The console's visible dialogs, innermost (most recently opened modal) first."""
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QDialog) and widget.isVisible() and belongs_to(widget, self.window)
        ]
        active = QApplication.activeModalWidget()
        dialogs.sort(key=lambda dialog: dialog is not active)
        return dialogs

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # A dialog that code opens while locked (a message after a cancelled one) is cancelled as it shows;
        # deferred, because rejecting inside its own show would leave Qt half-way through showing it.
        if (
            self.engaged
            and event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog)
            and belongs_to(watched, self.window)
        ):
            QTimer.singleShot(0, self, self._cancel_late)
        return False

    def _cancel_late(self) -> None:
        if self.engaged:
            for dialog in self.open_dialogs():
                dialog.reject()

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockView(QWidget):
    """Covers the console while locked: who is signed in, their password, or sign out for someone else."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.context = context
        self.actor: Actor | None = None
        self.who = label("", "muted", wrap=True)
        self.who.setObjectName("LockedWho")
        self.password = QLineEdit()
        self.password.setObjectName("UnlockPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.password.setMaxLength(1024)
        self.unlock_button = button("Unlock", "Unlock", primary=True)
        self.other_button = button("Sign in as someone else", "SwitchUser")
        self.error = label("", "error", wrap=True)
        self.error.setObjectName("UnlockError")
        self.error.hide()
        self.counts = label("", "heading", wrap=True)
        self.counts.setObjectName("LockedCounts")
        self._counts_timer = QTimer(self)
        self._counts_timer.setInterval(LOCKED_COUNTS_MS)
        self._counts_timer.timeout.connect(self.show_counts)
        # The count and the password are read on workers: a hung server never freezes the lock page.
        self._counts_reader = OffThreadReader("lock-counts", self)
        self._count_unreadable = False
        self.password_reader = OffThreadReader("unlock", self)
        self.checking = label("Checking your password…", "muted", wrap=True)
        self.checking.setObjectName("UnlockChecking")
        self.checking.hide()

        box = card()
        box.setFixedWidth(440)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(label("Console locked", "title"))
        inner.addWidget(self.counts)
        inner.addWidget(self.who)
        inner.addWidget(self.password)
        inner.addWidget(self.error)
        inner.addWidget(self.checking)
        inner.addWidget(self.unlock_button)
        inner.addSpacing(8)
        inner.addWidget(self.other_button)
        centred(box, self)

        self.unlock_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.other_button.clicked.connect(self.password_reader.drop)  # a late answer unlocks no one after this
        self.other_button.clicked.connect(self.switch_user)

    def show_for(self, actor: Actor) -> None:
        self.actor = actor
        name = actor.display_name or actor.username
        self.who.setText(
            f"Signed in as {name} ({actor.username}). The console locked itself to keep patient details private: "
            "type your password to carry on."
        )
        self.password.clear()
        self.error.hide()
        self.checking.hide()
        self.password_reader.drop()  # an answer for an earlier lock unlocks nothing now
        self.password.setFocus()
        self.show_counts()
        self._counts_timer.start()

    def show_counts(self) -> None:
        """How many wait (counts only: no patient detail shows on a locked console), read off the GUI thread."""
        if self._counts_reader.busy:
            return
        self._counts_reader.ask(partial(waiting_now, self.context.database), self._show_counts, self._counts_failed)

    def _counts_failed(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        if not self._count_unreadable:  # one line per outage, not one every 30 s
            log.warning("lock page: the waiting count could not be read (%s)", type(exc).__name__)
        self._count_unreadable = True
        self.counts.setText("How many are waiting cannot be read now: the database cannot be reached.")

    def _show_counts(self, counts: WaitingNow) -> None:
        self._count_unreadable = False
        self.counts.setText(waiting_sentence(counts))

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self._counts_timer.stop()
        super().hideEvent(event)

    def submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        if self.actor is None:
            return
        if not password:
            self._show_error("Type your password, then choose Unlock.")
            return
        # Checked on the worker; meanwhile the page says so and "Sign in as someone else" still works.
        work = partial(confirm_password, self.context.database, self.actor, password, rules=self.context.rules)
        if not self.password_reader.ask(work, self._password_confirmed, self._password_refused):
            self.error.hide()
            self.checking.show()

    def _password_confirmed(self, _answer: object) -> None:
        self.checking.hide()
        self.error.hide()
        self.unlocked.emit()

    def _password_refused(self, exc: Exception) -> None:
        self.checking.hide()
        if isinstance(exc, AccountError):
            self._show_error(refusal_sentence(exc))
        elif isinstance(exc, StoreError):
            log.warning("lock page: the password could not be checked (%s)", type(exc).__name__)
            self._show_error(UNCHECKED)
        else:
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        self.password.setFocus()

    def _show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()
