"""What a signed-in person works in: a header (who, Lock, Sign out, About) and tabs chosen by their role."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.qt import (
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.staff import Actor, Permission, Role
from kiosk.services.staff_quit import may_close_kiosk
from kiosk.services.waiting import WaitTargets
from kiosk.ui.console.about import show_about
from kiosk.ui.console.audit_view import AuditView
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.dashboard_view import DashboardView
from kiosk.ui.console.desk_keys import DeskKeys
from kiosk.ui.console.detail_view import DetailView
from kiosk.ui.console.handoff_line import ConsoleHandoff, add_handoff_line
from kiosk.ui.console.kiosks_view import KiosksView
from kiosk.ui.console.next_action_view import SHORTCUT as NEXT_UP_KEY
from kiosk.ui.console.next_action_view import NextActionView
from kiosk.ui.console.own_password import ChangePasswordDialog
from kiosk.ui.console.queue_view import QueueView
from kiosk.ui.console.users_view import UsersView
from kiosk.ui.console.widgets import button, label

QUEUE_SHARE = 0.6
ROLE_WORDS = {Role.RECEPTION: "reception", Role.ADMIN: "admin"}


class ConsoleHeader(QFrame):
    def __init__(
        self, context: ConsoleContext, actor: Actor, parent: QWidget | None = None, *, can_close_kiosk: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConsoleHeader")
        clinic = label(context.clinic_name)
        clinic.setObjectName("HeaderClinic")
        name = actor.display_name or actor.username
        self.who = label(f"Signed in as {name} ({ROLE_WORDS[actor.role]})")
        self.who.setObjectName("HeaderWho")
        self.about_button = button("About", "About")
        self.password_button = button("Change password…", "ChangeOwnPassword")
        self.password_button.setToolTip("Choose a new password for your own account")
        self.done = label("", "muted")
        self.done.setObjectName("HeaderDone")
        self.lock_button = button("Lock", "Lock")
        self.lock_button.setToolTip("Lock the console now; your password unlocks it")
        self.sign_out_button = button("Sign out", "SignOut")
        # Only on a console opened over the patient kiosk, and only for an admin (see services.staff_quit).
        self.close_kiosk_button = button("Close the kiosk app", "CloseKiosk") if can_close_kiosk else None
        if self.close_kiosk_button is not None:
            self.close_kiosk_button.setToolTip("Quit the patient kiosk on this PC; it is not restarted automatically")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(clinic)
        layout.addSpacing(16)
        layout.addWidget(label("Reception console"))
        layout.addStretch(1)
        layout.addWidget(self.done)
        layout.addWidget(self.who)
        layout.addSpacing(8)
        layout.addWidget(self.password_button)
        layout.addWidget(self.about_button)
        layout.addWidget(self.lock_button)
        layout.addWidget(self.sign_out_button)
        if self.close_kiosk_button is not None:
            layout.addSpacing(16)
            layout.addWidget(self.close_kiosk_button)


class Workspace(QWidget):
    """Admin tabs are only built for people allowed to use them: a reception user cannot reach them at all.

    `account_revoked(sentence)` when a service found the account disabled or demoted since sign-in.
    """

    account_revoked = Signal(str)

    def __init__(
        self, context: ConsoleContext, actor: Actor, parent: QWidget | None = None, *, on_kiosk: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.context = context
        self.actor = actor
        self.header = ConsoleHeader(context, actor, can_close_kiosk=on_kiosk and may_close_kiosk(actor))
        self.queue = QueueView(context, actor)
        self.detail = DetailView(context, actor)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("QueueSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(self.detail)
        # No fixed minimum widths: each pane's layout says how narrow it can get without cutting a word.
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._split_once = False
        self.keys = DeskKeys(self.splitter, self.queue, self.detail)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("ConsoleTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.splitter, "Queue")
        self.next_up = NextActionView(context.database, WaitTargets.from_settings(context.settings.urgent))
        self.tabs.addTab(self.next_up, "Next to do")
        QShortcut(QKeySequence(NEXT_UP_KEY), self).activated.connect(self.show_next_up)
        self.next_up.open_requested.connect(self.open_request)
        self.dashboard = DashboardView(context.database, titles=context.procedure_titles)
        self.tabs.addTab(self.dashboard, "Overview")
        # Every PC (last seen, outbox backlog), and the translations its patients see that await clinical review.
        self.kiosks = KiosksView(
            context.database, translations=context.translations, expected=context.settings.database.expected_kiosks
        )
        self.handoff_line = add_handoff_line(self.kiosks, context.database)  # the record system's drop folder
        self.handoff_writer = ConsoleHandoff(context)  # writes it while someone is signed in, if this PC names one
        self.tabs.addTab(self.kiosks, "Kiosks")
        self.audit: AuditView | None = None
        self.users: UsersView | None = None
        if context.may(actor, Permission.VIEW_AUDIT):
            self.audit = AuditView(context.database, actor)
            self.tabs.addTab(self.audit, "Audit trail")
        if context.may(actor, Permission.MANAGE_USERS):
            self.users = UsersView(context.database, actor, context.rules)
            self.tabs.addTab(self.users, "Staff accounts")

        self._refreshers: dict[QWidget, Callable[[], None]] = {
            self.dashboard: self.dashboard.refresh,
            self.next_up: self.next_up.refresh,
        }
        if self.audit is not None:
            self._refreshers[self.audit] = self.audit.refresh
        if self.users is not None:
            self._refreshers[self.users] = self.users.refresh

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

        self.queue.request_chosen.connect(self._open)
        self.queue.account_revoked.connect(self.account_revoked)
        self.detail.account_revoked.connect(self.account_revoked)
        self.detail.changed.connect(self._detail_changed)
        # Another console or the kiosk changed requests: the open one is read again (connected after the queue's
        # own reload, so the row and the detail agree), and the detail says so if it was the one changed.
        self.queue.watch.changed.connect(self._others_changed)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.header.about_button.clicked.connect(self._show_about)
        self.header.password_button.clicked.connect(self.change_password)
        self.password_dialog: ChangePasswordDialog | None = None

    def _detail_changed(self, _detail: object) -> None:
        self.queue.refresh(keep_selection=True)

    def _others_changed(self, *_change: object) -> None:
        self.detail.refresh_from_database()
        if self.tabs.currentWidget() is self.next_up:
            self.next_up.refresh()  # another desk took a call: the list in sight follows

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.context.database, self.actor, self.context.rules, self)
        self.password_dialog = dialog
        dialog.accepted.connect(self._password_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()  # not exec(): no nested event loop, and the lock can close it

    def _password_changed(self) -> None:
        self.header.done.setText("Password changed.")

    def _show_about(self) -> None:
        show_about(self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._split_once:
            # First show: the queue gets 60% of the width and the detail the rest (about 540 px at 1366), wide
            # enough for a long name or email on one line while the queue's Name column still shows ~20 letters.
            self._split_once = True
            width = max(self.width(), 1000)
            self.splitter.setSizes([round(width * QUEUE_SHARE), width - round(width * QUEUE_SHARE)])

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(index) for index in range(self.tabs.count())]

    def show_tab(self, title: str) -> None:
        self.tabs.setCurrentIndex(self.tab_titles().index(title))

    def show_next_up(self) -> None:
        """The to-do list (Ctrl+N), read afresh, with the keyboard in it."""
        if self.tabs.currentWidget() is self.next_up:
            self.next_up.refresh()
        self.tabs.setCurrentWidget(self.next_up)  # a tab coming into sight is read again (_tab_shown)
        self.next_up.focus_list()

    def _open(self, request_id: str) -> None:
        self.detail.open_request(request_id)

    def open_request(self, request_id: str) -> None:
        """Show one request (the urgent banner's Open): selected in the queue if listed there, and in the detail."""
        self.tabs.setCurrentWidget(self.splitter)
        model = self.queue.model
        row = next((n for n in range(model.rowCount()) if model.row_at(n).id == request_id), None)
        if row is None or self.queue.selected_id() == request_id:
            self.detail.open_request(request_id)  # hidden by a filter, or already selected: the detail still shows it
        else:
            self.queue.select_row(row)  # selecting opens it, as a click does

    def _tab_shown(self, index: int) -> None:
        # Each admin view reads fresh figures when it comes into sight, not in the background.
        page = self.tabs.widget(index)
        refresh = self._refreshers.get(page) if page is not None else None
        if refresh is not None:
            refresh()

    def start(self) -> None:
        self.queue.start_polling()

    def pause(self) -> None:
        self.queue.stop_polling()

    def resume(self) -> None:
        self.queue.refresh(keep_selection=True)
        self.detail.refresh_from_database()  # it may have changed while the console was locked
        self.queue.start_polling()

    def close_down(self) -> None:
        self.handoff_writer.stop()
        self.queue.close_watcher()
        self.detail.clear()
