"""Admins manage staff accounts: list, add, disable or enable, clear failed sign-ins, reset a password.

Every change goes through kiosk.services.accounts, which checks the admin's role
again and writes the audit row; this page only collects input and shows results.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from kiosk.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.staff import Actor, Permission, PermissionDenied, Role, require
from kiosk.services.accounts import (
    DISPLAY_NAME_LIMIT,
    AccountError,
    AccountRules,
    StaffAccount,
    create_account,
    list_accounts,
    normalise_username,
    reset_password,
    set_active,
    unlock_account,
)
from kiosk.services.store import Database, StoreError
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import ask_yes_no, button, label, set_role

log = logging.getLogger(__name__)

# No "Locked" column: accounts no longer lock; failures in a row only make the next try wait (up to 30 s).
COLUMNS = ("Username", "Name", "Role", "Active", "Failed sign-ins", "Last sign-in")
ROLE_WORDS = {Role.RECEPTION: "Reception", Role.ADMIN: "Admin"}
UNREADABLE = "The accounts could not be read from the database: check the connection, then choose Refresh."
UNSAVED = "The change could not be saved in the database: check the connection and try again."
SAVING = "Saving…"
MISMATCH = "The two passwords are different: type the same password in both boxes."


def sign_in_words(moment: dt.datetime | None) -> str:
    if moment is None:
        return "Never"
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


class AccountsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.accounts: list[StaffAccount] = []

    def set_accounts(self, accounts: list[StaffAccount]) -> None:
        self.beginResetModel()
        self.accounts = accounts
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.accounts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        account = self.accounts[index.row()]
        # Words, not ticks or colours: "Disabled" reads the same to everyone.
        return (
            account.username,
            account.display_name,
            ROLE_WORDS[account.role],
            "Active" if account.active else "Disabled",
            str(account.failed_logins) if account.failed_logins else "None",
            sign_in_words(account.last_login_at),
        )[index.column()]

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


def _password_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(1024)
    return edit


def _field_error(name: str) -> QLabel:
    error = label("", "error", wrap=True)
    error.setObjectName(name)
    error.hide()
    return error


class _AccountDialog(QDialog):
    """A form whose problems are shown next to the field they are about; nothing typed is cleared."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.form = QFormLayout()
        self.form.setSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = _field_error("DialogError")
        self.cancel_button = button("Cancel", "DialogCancel")
        self.cancel_button.clicked.connect(self.reject)
        # The change (and its password hashing) is made on this worker: a hung server must not freeze the console.
        self.reader = OffThreadReader("account-dialog", self)
        self.saving = label(SAVING, "muted")
        self.saving.setObjectName("DialogSaving")
        self.saving.hide()
        self._confirm: QWidget | None = None

    def _field(self, caption: str, widget: QWidget, error: QLabel, note: str = "") -> None:
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        if note:
            column.addWidget(label(note, "muted", wrap=True))
        column.addWidget(error)
        name = label(caption, "field-name")
        name.setBuddy(widget)
        self.form.addRow(name, column)

    def _finish_layout(self, heading: str, confirm: QWidget) -> None:
        self._confirm = confirm
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(label(heading, "heading", wrap=True))
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.saving)
        layout.addStretch(1)  # any height to spare goes above the buttons, not between the fields
        layout.addLayout(buttons)

    def _save(self, work: Callable[[], object], refused: Callable[[Exception], None], what: str) -> None:
        """Make the change on the worker; the dialog closes (accepted) once it is saved. While it is out the dialog
        says "Saving…" and takes no second press; a refusal is said by `refused`, a database that cannot be reached
        in one sentence (what failed is logged as `what`, with the class name only: no password, no name)."""

        def saved(_answer: object) -> None:
            self._waiting(False)
            self.accept()

        def failed(exc: Exception) -> None:
            self._waiting(False)
            if isinstance(exc, StoreError):
                log.warning("users view: %s failed (%s)", what, type(exc).__name__)
                self._show(self.general_error, UNSAVED)
            else:
                refused(exc)

        if not self.reader.ask(work, saved, failed):
            self._waiting(True)

    def _waiting(self, waiting: bool) -> None:
        self.saving.setVisible(waiting)
        if self._confirm is not None:
            self._confirm.setEnabled(not waiting)

    def _clear_errors(self) -> None:
        for error in self.findChildren(QLabel):
            if error.property("role") == "error":
                error.hide()

    def _show(self, error: QLabel, sentence: str, field: QWidget | None = None) -> None:
        error.setText(sentence)
        error.show()
        if field is not None:
            field.setFocus()
        # Grow to fit the wrapped sentence: a dialog only grows to its minimum by itself, which cuts lines short.
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)


class AddUserDialog(_AccountDialog):
    def __init__(self, database: Database, actor: Actor, rules: AccountRules, parent: QWidget | None = None) -> None:
        super().__init__("Add a staff account", parent)
        self.database, self.actor, self.rules = database, actor, rules
        self.created: StaffAccount | None = None
        self.username = QLineEdit()
        self.username.setObjectName("NewUsername")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setObjectName("NewDisplayName")
        self.display_name.setAccessibleName("Display name")
        self.display_name.setMaxLength(DISPLAY_NAME_LIMIT)
        self.role = QComboBox()
        self.role.setObjectName("NewRole")
        self.role.setAccessibleName("Role")
        for role in (Role.RECEPTION, Role.ADMIN):
            self.role.addItem(ROLE_WORDS[role], role.value)  # Qt hands an enum back as a plain str
        self.password = _password_edit("NewPassword", "Password")
        self.repeat = _password_edit("NewPasswordRepeat", "Password again")
        self.username_error = _field_error("UsernameError")
        self.name_error = _field_error("DisplayNameError")
        self.password_error = _field_error("PasswordError")
        self.repeat_error = _field_error("RepeatError")
        self.add_button = button("Add account", "AddAccount", primary=True)
        self.add_button.setDefault(True)

        self._field("Username", self.username, self.username_error, "Letters, digits, dots, dashes; no spaces.")
        self._field("Display name", self.display_name, self.name_error)
        self._field("Role", self.role, _field_error("RoleError"), "Admins can also see the audit trail and accounts.")
        self._field(
            "Password",
            self.password,
            self.password_error,
            f"At least {rules.min_password_length} characters; a few unrelated words in a row work well.",
        )
        self._field("Password again", self.repeat, self.repeat_error)
        self._finish_layout("Add a staff account", self.add_button)
        self.add_button.clicked.connect(self.submit)

    def submit(self) -> None:
        self._clear_errors()
        try:
            name = normalise_username(self.username.text())
        except AccountError as exc:
            self._show(self.username_error, str(exc), self.username)
            return
        problem = self.rules.password_problem(self.password.text(), name)
        if problem is not None:
            self._show(self.password_error, problem, self.password)
            return
        if self.repeat.text() != self.password.text():
            self._show(self.repeat_error, MISMATCH, self.repeat)
            return
        work = partial(
            create_account,
            self.database,
            username=name,
            display_name=self.display_name.text(),
            role=Role(self.role.currentData()),
            password=self.password.text(),
            rules=self.rules,
            by=self.actor,
        )
        self._save(partial(self._create, work), self._refused, "adding an account")

    def _create(self, work: Callable[[], StaffAccount]) -> StaffAccount:
        """On the worker: the account made, kept for the page to select once the dialog closes."""
        self.created = work()
        return self.created

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, PermissionDenied):
            self._show(self.general_error, str(exc))
        elif isinstance(exc, AccountError):
            # The form checked the username and password already, so what is left is about the
            # name being taken, or the display name.
            sentence = str(exc)
            if "display name" in sentence:
                self._show(self.name_error, sentence, self.display_name)
            else:
                self._show(self.username_error, sentence, self.username)
        else:
            raise exc  # a fault in the program, not the database's: the console's error hook logs it


class ResetPasswordDialog(_AccountDialog):
    def __init__(
        self,
        database: Database,
        actor: Actor,
        rules: AccountRules,
        username: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"New password for {username}", parent)
        self.database, self.actor, self.rules, self.target = database, actor, rules, username
        self.password = _password_edit("ResetPassword", "New password")
        self.repeat = _password_edit("ResetPasswordRepeat", "New password again")
        self.password_error = _field_error("PasswordError")
        self.repeat_error = _field_error("RepeatError")
        self.save_button = button("Set password", "SetPassword", primary=True)
        self.save_button.setDefault(True)
        self._field(
            "New password",
            self.password,
            self.password_error,
            f"At least {rules.min_password_length} characters. Tell {username} in person, not by email.",
        )
        self._field("Password again", self.repeat, self.repeat_error)
        self._finish_layout(
            f"Choose a new password for {username}; this also clears their failed sign-ins.", self.save_button
        )
        self.save_button.clicked.connect(self.submit)

    def submit(self) -> None:
        self._clear_errors()
        problem = self.rules.password_problem(self.password.text(), self.target)
        if problem is not None:
            self._show(self.password_error, problem, self.password)
            return
        if self.repeat.text() != self.password.text():
            self._show(self.repeat_error, MISMATCH, self.repeat)
            return
        work = partial(
            reset_password, self.database, self.target, self.password.text(), by=self.actor, rules=self.rules
        )
        self._save(work, self._refused, "resetting a password")

    def _refused(self, exc: Exception) -> None:
        if not isinstance(exc, (AccountError, PermissionDenied)):
            raise exc
        self._show(self.general_error, str(exc))


class UsersView(QWidget):
    """Admin only: the constructor refuses anyone whose role may not manage accounts."""

    def __init__(self, database: Database, actor: Actor, rules: AccountRules, parent: QWidget | None = None) -> None:
        require(actor, Permission.MANAGE_USERS)
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.database, self.actor, self.rules = database, actor, rules
        self.reader = OffThreadReader("accounts", self)
        self.model = AccountsModel(self)
        self.dialog: _AccountDialog | None = None  # the open add/reset dialog, for tests and focus
        # Asked before an account is disabled (tests answer it instead of a person).
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no

        self.table = QTableView()
        self.table.setObjectName("UsersTable")
        self.table.setAccessibleName("Staff accounts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # "Failed sign-ins" needs 150 px in the styled bold header (100 cut it to "iled sign-i" at 1366x768).
        for column, width in enumerate((160, 260, 120, 110, 150)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

        self.add_button = button("Add user…", "AddUser", primary=True)
        self.toggle_button = button("Disable", "ToggleActive")
        self.unlock_button = button("Clear failed sign-ins", "UnlockUser")
        self.reset_button = button("Reset password…", "ResetPassword")
        self.refresh_button = button("Refresh", "UsersRefresh")
        self.message = label("", "banner-ok", wrap=True)
        self.message.setObjectName("UsersMessage")
        self.message.hide()
        # A calm note, not an alarm: these accounts still sign in (NIST: rules apply when a password is set).
        self.renewal_note = label("", "muted", wrap=True)
        self.renewal_note.setObjectName("PasswordRenewalNote")
        self.renewal_note.hide()

        top = QHBoxLayout()
        top.addWidget(label("Staff accounts", "title"))
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        actions.setSpacing(10)
        for widget in (self.add_button, self.toggle_button, self.unlock_button, self.reset_button):
            actions.addWidget(widget)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.renewal_note)

        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.reset)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    # --- reading ---------------------------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """List the accounts again, read on the worker (a hung server must not freeze the console)."""
        current = self.selected()
        keep = select or (current.username if current else None)
        self.reader.ask(partial(list_accounts, self.database), partial(self._listed, keep), self._unreadable)

    def _unreadable(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("users view: listing accounts failed (%s)", type(exc).__name__)
        self._show_message(UNREADABLE, ok=False)

    def _listed(self, keep: str | None, accounts: list[StaffAccount]) -> None:
        self.model.set_accounts(accounts)
        due = [account.username for account in accounts if account.password_renewal_due]
        self.renewal_note.setText(
            f"{', '.join(due)} still sign{'s' if len(due) == 1 else ''} in with a password shorter or easier to "
            "guess than the current rules: select the account and choose Reset password… to set a new one."
        )
        self.renewal_note.setVisible(bool(due))
        for row, account in enumerate(accounts):
            if account.username == keep:
                self.table.selectRow(row)
                break
        self._update_buttons()

    def selected(self) -> StaffAccount | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.accounts[rows[0].row()] if rows else None

    def select_username(self, username: str) -> None:
        for row, account in enumerate(self.model.accounts):
            if account.username == username:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        account = self.selected()
        for widget in (self.toggle_button, self.unlock_button, self.reset_button):
            widget.setEnabled(account is not None)
        if account is None:
            return
        self.toggle_button.setText("Enable" if not account.active else "Disable")
        self.toggle_button.setAccessibleName(self.toggle_button.text())
        self.unlock_button.setEnabled(account.failed_logins > 0)
        # Disabling yourself is refused by the service; not offering it is kinder.
        self.toggle_button.setEnabled(not (account.active and account.username == self.actor.username))

    # --- changes ---------------------------------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = AddUserDialog(self.database, self.actor, self.rules, self)
        dialog.accepted.connect(self._added)
        self._open(dialog)

    def _added(self) -> None:
        dialog = self.dialog  # the one just accepted: bound, not a lambda on self (see kiosk/ui/window.py)
        if isinstance(dialog, AddUserDialog) and dialog.created is not None:
            self.refresh(select=dialog.created.username)
            self._show_message(f"Account {dialog.created.username} added: they can sign in now.", ok=True)

    def reset(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = ResetPasswordDialog(self.database, self.actor, self.rules, account.username, self)
        dialog.accepted.connect(self._after_reset)
        self._open(dialog)

    def _after_reset(self) -> None:
        if not isinstance(self.dialog, ResetPasswordDialog):
            return
        username = self.dialog.target
        self.refresh(select=username)
        self._show_message(f"New password set for {username}; their failed sign-ins are cleared.", ok=True)

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        make_active = not account.active
        if not make_active and not self.confirm(
            self,
            "Disable this account?",
            f"Disable {account.username}'s account? They can no longer sign in, and a console where they are"
            " signed in signs out at their next action. An admin can enable it again.",
        ):
            return
        done = "enabled: they can sign in again" if make_active else "disabled: they can no longer sign in"
        self._change(
            partial(set_active, self.database, account.username, make_active, by=self.actor),
            f"Account {account.username} {done}.",
        )

    def unlock(self) -> None:
        account = self.selected()
        if account is None:
            return
        self._change(
            partial(unlock_account, self.database, account.username, by=self.actor),
            f"Failed sign-ins cleared for {account.username}: their next try waits for nothing.",
        )

    def _change(self, action: Callable[[], StaffAccount], sentence: str) -> None:
        """Make the change on the worker, then say `sentence` and list the accounts again. While it is out the page
        says "Saving…" and offers no other change (the first may yet land)."""
        if not self.reader.ask(action, partial(self._changed, sentence), self._change_failed):
            self._show_message(SAVING, ok=True)
            self.actions_enabled(False)

    def _changed(self, sentence: str, account: StaffAccount) -> None:
        self.actions_enabled(True)
        self._show_message(sentence, ok=True)
        self.refresh(select=account.username)

    def _change_failed(self, exc: Exception) -> None:
        self.actions_enabled(True)
        if isinstance(exc, (AccountError, PermissionDenied)):
            self._show_message(str(exc), ok=False)
        elif isinstance(exc, StoreError):
            log.warning("users view: an account change failed (%s)", type(exc).__name__)
            self._show_message(UNSAVED, ok=False)
        else:
            raise exc  # a fault in the program, not the database's: the console's error hook logs it

    def actions_enabled(self, enabled: bool) -> None:
        for widget in (self.add_button, self.refresh_button, self.table):
            widget.setEnabled(enabled)
        if enabled:
            self._update_buttons()
        else:
            for widget in (self.toggle_button, self.unlock_button, self.reset_button):
                widget.setEnabled(False)

    def _open(self, dialog: _AccountDialog) -> None:
        self.message.hide()
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()  # not exec(): no nested event loop, and tests can fill it in

    def _show_message(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        set_role(self.message, "banner-ok" if ok else "banner-error")
        self.message.show()
