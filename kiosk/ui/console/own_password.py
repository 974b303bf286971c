"""Anyone signed in changes their own password: the current one, then the new one twice."""

from __future__ import annotations

from functools import partial

from kiosk.qt import QWidget

from kiosk.domain.staff import Actor
from kiosk.services.accounts import SAME_PASSWORD, AccountError, AccountRules, change_own_password
from kiosk.services.store import Database
from kiosk.ui.console.users_view import MISMATCH, _AccountDialog, _field_error, _password_edit
from kiosk.ui.console.widgets import button


class ChangePasswordDialog(_AccountDialog):
    """Problems are said next to the field they are about; nothing typed is cleared on a refusal."""

    def __init__(self, database: Database, actor: Actor, rules: AccountRules, parent: QWidget | None = None) -> None:
        super().__init__("Change your password", parent)
        self.database, self.actor, self.rules = database, actor, rules
        self.current = _password_edit("CurrentPassword", "Current password")
        self.password = _password_edit("NewPassword", "New password")
        self.repeat = _password_edit("NewPasswordRepeat", "New password again")
        self.current_error = _field_error("CurrentPasswordError")
        self.password_error = _field_error("PasswordError")
        self.repeat_error = _field_error("RepeatError")
        self.save_button = button("Change password", "ChangePassword", primary=True)
        self.save_button.setDefault(True)
        self._field("Current password", self.current, self.current_error)
        self._field(
            "New password",
            self.password,
            self.password_error,
            f"At least {rules.min_password_length} characters; a few unrelated words are easy to remember.",
        )
        self._field("Password again", self.repeat, self.repeat_error)
        self._finish_layout("Choose a new password; you sign in with it from now on.", self.save_button)
        self.save_button.clicked.connect(self.submit)

    def submit(self) -> None:
        self._clear_errors()
        if not self.current.text():
            self._show(self.current_error, "Type your current password first.", self.current)
            return
        problem = self.rules.password_problem(self.password.text(), self.actor.username)
        if problem is not None:
            self._show(self.password_error, problem, self.password)
            return
        if self.repeat.text() != self.password.text():
            self._show(self.repeat_error, MISMATCH, self.repeat)
            return
        work = partial(
            change_own_password, self.database, self.actor, self.current.text(), self.password.text(), rules=self.rules
        )
        self._save(work, self._refused, "changing one's own password")  # "Saving…" while the server is slow

    def _refused(self, exc: Exception) -> None:
        if not isinstance(exc, AccountError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        if str(exc) == SAME_PASSWORD:
            self._show(self.password_error, str(exc), self.password)
        else:
            self._show(self.current_error, str(exc), self.current)
