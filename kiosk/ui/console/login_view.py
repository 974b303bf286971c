"""The sign-in page: username, password, Sign in; a refusal is shown as its sentence beside the form."""

from __future__ import annotations

import logging
from functools import partial

from kiosk.qt import QFormLayout, QLineEdit, QVBoxLayout, QWidget, Signal

from kiosk.domain.staff import Actor
from kiosk.services.accounts import AccountError, sign_in
from kiosk.services.store import StoreError
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import button, card, centred, label

log = logging.getLogger(__name__)

UNCHECKED_SIGN_IN = "Your password could not be checked: the database cannot be reached. Try again in a moment."


def refusal_sentence(exc: AccountError) -> str:
    # The service's sentence as it is: it is the same for an unknown name, a wrong password and an account
    # that must wait, and adding a countdown here would tell a stranger which names exist.
    return str(exc)


class LoginView(QWidget):
    """`signed_in(Actor)` once the account service accepts the username and password."""

    signed_in = Signal(object)
    cancelled = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None, *, cancellable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.context = context
        self.username = QLineEdit()
        self.username.setObjectName("LoginUsername")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("LoginPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        self.sign_in_button = button("Sign in", "SignIn", primary=True)
        self.error = label("", "error", wrap=True)
        self.error.setObjectName("LoginError")
        self.error.hide()
        self.reader = OffThreadReader("sign-in", self)
        self.checking = label("Checking your password…", "muted", wrap=True)
        self.checking.setObjectName("SignInChecking")
        self.checking.hide()

        box = card()
        box.setFixedWidth(420)
        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(label("Username", "field-name"), self.username)
        form.addRow(label("Password", "field-name"), self.password)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(label("Reception console", "title"))
        inner.addWidget(label(f"{context.clinic_name} · sign in with your own account", "muted", wrap=True))
        inner.addSpacing(6)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.checking)
        inner.addWidget(self.sign_in_button)
        # Over the patient kiosk the page is reached by a held corner: whoever got here (staff who changed their
        # mind, or a patient by chance) needs a plain way back that asks for nothing.
        self.cancel_button = button("Cancel", "CancelSignIn") if cancellable else None
        if self.cancel_button is not None:
            self.cancel_button.setAccessibleDescription("Back to the patient screen without signing in")
            self.cancel_button.clicked.connect(self._cancel)
            inner.addWidget(self.cancel_button)

        centred(box, self)

        self.sign_in_button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self._username_done)
        self.password.returnPressed.connect(self.submit)

    def reset(self) -> None:
        """Empty form for the next person (called on sign-out)."""
        self.reader.drop()  # a sign-in still being checked signs nobody in now
        self.checking.hide()
        self.username.clear()
        self.password.clear()
        self.error.hide()
        self.username.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()  # never left on screen, whatever happens next
        if not username or not password:
            self._show_error("Type your username and password, then choose Sign in.")
            (self.password if username else self.username).setFocus()
            return
        # Checked on a worker (a hung server must not freeze the window); meanwhile the page says so.
        work = partial(
            sign_in,
            self.context.database,
            username,
            password,
            workstation=self.context.workstation,
            rules=self.context.rules,
        )
        if not self.reader.ask(work, self._accepted, self._refused):
            self.error.hide()
            self.checking.show()

    def _accepted(self, actor: Actor) -> None:
        self.checking.hide()
        self.error.hide()
        log.info("console: staff member signed in")
        self.signed_in.emit(actor)

    def _refused(self, exc: Exception) -> None:
        self.checking.hide()
        if isinstance(exc, AccountError):
            self._show_error(refusal_sentence(exc))
        elif isinstance(exc, StoreError):
            log.warning("console: a sign-in could not be checked (%s)", type(exc).__name__)
            self._show_error(UNCHECKED_SIGN_IN)
        else:
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        self.password.setFocus()

    def _cancel(self) -> None:
        self.reset()  # nothing typed stays behind
        self.cancelled.emit()

    def _username_done(self) -> None:
        if self.password.text():
            self.submit()
        else:
            self.password.setFocus()

    def _show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()
