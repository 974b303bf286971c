"""The reception console window: sign-in page, the signed-in workspace, the lock page over it, the urgent banner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from kiosk.qt import (
    QCloseEvent,
    QCoreApplication,
    QMainWindow,
    QResizeEvent,
    QShowEvent,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.staff import Actor
from kiosk.ops.exit_codes import EXIT_STAFF_QUIT
from kiosk.services.accounts import note_console_locked, sign_out
from kiosk.services.staff_quit import may_close_kiosk, record_kiosk_closed
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.lock import DialogGuard, IdleLock, LockView
from kiosk.ui.console.login_view import LoginView
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.theme import console_stylesheet
from kiosk.ui.console.urgent_banner import UrgentBanner
from kiosk.ui.console.widgets import ask_yes_no
from kiosk.ui.console.workspace import Workspace

log = logging.getLogger(__name__)


# How long the sign-in page may stand untouched over the patient kiosk before the kiosk comes back.
KIOSK_SIGN_IN_IDLE_MS = 60_000
AUDIT_SETTLE_S = 5.0  # closing waits this long at most for the sign-out's audit line to reach the database
CLOSE_KIOSK_QUESTION = (
    "Close the patient kiosk on this PC? It stays closed until someone starts it again"
    " (or the PC restarts), and patients cannot use it meanwhile."
)


class ConsoleWindow(QMainWindow):
    """`signed_out()` after someone signs out, `closed()` once the window closes (for the kiosk's hidden entry)."""

    signed_out = Signal()
    closed = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None, *, on_kiosk: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("ConsoleWindow")
        self.title = f"{context.clinic_name} — reception console"
        self.setWindowTitle(self.title)
        self.context = context
        self.actor: Actor | None = None
        self.workspace: Workspace | None = None
        self._style_height = 0
        self.login = LoginView(context, cancellable=on_kiosk)
        self.lock_view = LockView(context)
        # Locking and signing out are audited on a worker: a hung server must not freeze the window meanwhile.
        self.audit_writer = OffThreadReader("console-audit", self)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.login)
        self.pages.addWidget(self.lock_view)
        # Above every page, signed in or not: the urgent alarm watches from the moment the console opens.
        self.urgent = UrgentBanner(context)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.urgent)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.urgent.title_changed.connect(self._title_prefixed)
        self.urgent.open_requested.connect(self.open_request)
        self.urgent.account_revoked.connect(self.revoke)
        self.idle_lock = IdleLock(self, context.settings.staff.lock_after_minutes)
        # Engaged whenever nobody is signed in and unlocked: no dialog of the console outlives the session.
        self.dialogs = DialogGuard(self)
        self.dialogs.engage()
        # Opened over the patient kiosk, a console nobody is using must give the screen back to
        # patients: idle there signs out and closes rather than leaving a lock page on show.
        self.on_kiosk = on_kiosk
        # Modal prompt and application exit as attributes, so tests can answer the one and watch the other.
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no
        self.quit_application: Callable[[int], None] = QCoreApplication.exit
        self.idle_lock.idle.connect(self.close if on_kiosk else self.lock)
        if on_kiosk:
            self.idle_lock.set_timeout_ms(KIOSK_SIGN_IN_IDLE_MS)
            self.idle_lock.start()
        self.login.signed_in.connect(self.start_session)
        self.login.cancelled.connect(self.close)  # only on the kiosk: closing gives the screen back to patients
        self.lock_view.unlocked.connect(self.unlock)
        self.lock_view.switch_user.connect(self.end_session)
        self._restyle(768)
        self.resize(1366, 768)
        self.pages.setCurrentWidget(self.login)
        self.login.username.setFocus()

    @property
    def locked(self) -> bool:
        return self.actor is not None and self.pages.currentWidget() is self.lock_view

    # -- session -------------------------------------------------------------------------------------------------
    def start_session(self, actor: Actor) -> None:
        self.actor = actor
        self.workspace = Workspace(self.context, actor, on_kiosk=self.on_kiosk)
        self.pages.addWidget(self.workspace)
        self.pages.setCurrentWidget(self.workspace)
        ws = self.workspace
        ws.header.lock_button.clicked.connect(self.lock)
        ws.header.sign_out_button.clicked.connect(self.end_session)
        if ws.header.close_kiosk_button is not None:
            ws.header.close_kiosk_button.clicked.connect(self.close_kiosk)
        ws.detail.changed.connect(self._detail_changed)
        ws.account_revoked.connect(self.revoke)
        self.dialogs.release()
        ws.start()
        self.urgent.set_viewer(actor, private=False)
        self.idle_lock.set_timeout_ms(self.context.settings.staff.lock_after_minutes * 60_000)
        self.idle_lock.start()
        ws.queue.search.setFocus()  # not the table: focusing it would open (and audit) the first request

    def lock(self) -> None:
        """Hide everything about patients behind the password page (the workspace is hidden, not covered)."""
        if self.actor is None or self.workspace is None or self.locked:
            return
        if self.on_kiosk:
            self.idle_lock.set_timeout_ms(KIOSK_SIGN_IN_IDLE_MS)  # the lock page gives the kiosk back too
        else:
            self.idle_lock.stop()
        # First: an Export or Save-as-PDF dialog left open is cancelled, so nothing leaves now or after unlocking.
        self.dialogs.engage()
        self.workspace.pause()  # the queue stops polling; the urgent banner keeps watching, count only
        self.urgent.set_viewer(self.actor, private=True)
        self.lock_view.show_for(self.actor)
        self.pages.setCurrentWidget(self.lock_view)
        self.audit_writer.send(partial(note_console_locked, self.context.database, self.actor), "the console's lock")
        log.info("console locked")

    def unlock(self) -> None:
        if self.workspace is None:
            return
        self.pages.setCurrentWidget(self.workspace)
        self.dialogs.release()
        self.workspace.resume()
        self.urgent.set_viewer(self.actor, private=False)
        self.idle_lock.start()

    def open_request(self, request_id: str) -> None:
        """The banner's Open: the request in the queue and its detail, for a signed-in, unlocked console only."""
        if self.workspace is not None and not self.locked:
            self.workspace.open_request(request_id)

    def end_session(self) -> None:
        """Sign out: audit it, drop the workspace and everything it showed, back to an empty sign-in form."""
        actor, workspace = self.actor, self.workspace
        self.actor, self.workspace = None, None
        self.dialogs.engage()
        self.idle_lock.stop()
        self.urgent.set_viewer(None, private=True)
        if workspace is not None:
            workspace.close_down()
            self.pages.removeWidget(workspace)
            workspace.deleteLater()
        self.lock_view.password.clear()
        self.login.reset()
        self.pages.setCurrentWidget(self.login)
        if actor is not None:
            self.audit_writer.send(partial(sign_out, self.context.database, actor), "a sign-out")
            log.info("console: staff member signed out")
            self.signed_out.emit()

    def revoke(self, sentence: str) -> None:
        """The account was disabled or lost its role since signing in: sign it out and say why on the sign-in page."""
        if self.actor is None:
            return
        log.warning("console: the signed-in account lost its rights; signed out")
        self.end_session()
        self.login.error.setText(sentence)
        self.login.error.show()

    def close_kiosk(self) -> None:
        """An admin on the console over the kiosk quits the kiosk app with EXIT_STAFF_QUIT: nothing restarts it."""
        actor = self.actor
        if actor is None or not self.on_kiosk or not may_close_kiosk(actor):
            return
        if not self.confirm(self, "Close the kiosk app", CLOSE_KIOSK_QUESTION):
            return
        record_kiosk_closed(self.context.database, actor)
        log.warning("the kiosk app was closed by an admin from the console (exit code %d)", EXIT_STAFF_QUIT)
        self.end_session()
        self.quit_application(EXIT_STAFF_QUIT)

    # -- window --------------------------------------------------------------------------------------------------
    def _title_prefixed(self, prefix: str) -> None:
        self.setWindowTitle(prefix + self.title)

    def _detail_changed(self, _detail: object) -> None:
        # "Seen at the desk" or a first status change ends an alarm: look again now, not at the next poll.
        self.urgent.watch.wake()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.urgent.start()  # once, at the first show; it runs until the window closes

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._restyle(event.size().height())

    def _restyle(self, height: int) -> None:
        # Two sizes only (768 and 1080 lines), so re-applying the style sheet is rare.
        step = 1080 if height >= 1000 else 768
        if step != self._style_height:
            self._style_height = step
            self.setStyleSheet(console_stylesheet(step))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.end_session()
        self.idle_lock.close()
        self.dialogs.close()
        self.urgent.stop()  # joins the watcher's thread and closes its connections
        self.audit_writer.settle(AUDIT_SETTLE_S)
        super().closeEvent(event)
        self.closed.emit()
