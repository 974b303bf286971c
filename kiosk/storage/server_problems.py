"""What went wrong reaching a PostgreSQL server, in words IT can act on: one place for doctor and every command.

The driver's own text is never shown: it names the user, and on some failures quotes the connection string.
What is used instead is the SQLSTATE the server sent (when it answered at all) and a few stable phrases of
libpq's for failures that have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from kiosk.storage.database import DatabaseError
from kiosk.storage.pg_security import is_tls_refusal, tls_refusal_sentence

_AUTH_SQLSTATES = {"28P01", "28000"}  # invalid_password, invalid_authorization_specification (pg_hba refusal)
_NO_DATABASE_SQLSTATE = "3D000"


@dataclass(frozen=True)
class ServerProblem:
    what: str  # "the server at db-host:5432 refused the user name or password"
    fix: str  # what to do, starting with a verb
    tls: str | None = None  # a whole sentence of its own when the server answered but refused plain text

    def sentence(self) -> str:
        if self.tls is not None:
            return self.tls
        return f"{self.what[0].upper()}{self.what[1:]}: {self.fix}."


def server_problem(exc: SQLAlchemyError, url: str) -> ServerProblem:
    """Wrong credentials, no such database, TLS refused, or no server (stopped, unreachable, not answering)."""
    original = getattr(exc, "orig", None) or exc
    sqlstate = getattr(original, "sqlstate", None) or getattr(getattr(original, "diag", None), "sqlstate", None)
    text = str(original).lower()
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if is_tls_refusal(exc):  # it answered, but without TLS: not "cannot be reached"
        return ServerProblem("", "", tls=tls_refusal_sentence(parsed))
    if sqlstate in _AUTH_SQLSTATES or "authentication failed" in text or "no pg_hba.conf entry" in text:
        return ServerProblem(
            f"the server at {where} refused the user name or password",
            "correct the user name and password in database.url (ask whoever runs the server)",
        )
    if sqlstate == _NO_DATABASE_SQLSTATE or ("database" in text and "does not exist" in text):
        return ServerProblem(
            f"the server at {where} has no database {parsed.database!r}",
            "create it on the server, or correct the database name in database.url",
        )
    return ServerProblem(
        f"the server {parsed.render_as_string(hide_password=True)} cannot be reached ({type(original).__name__})",
        "check that the PostgreSQL server is running and that database.url has its host and port; "
        "kiosks keep requests in their outbox meanwhile",
    )


def server_failure(exc: SQLAlchemyError, url: str) -> DatabaseError | None:
    """The server's problem as a DatabaseError for IT, or None when `url` is not a PostgreSQL server."""
    if not url.startswith("postgresql"):
        return None
    return DatabaseError(server_problem(exc, url).sentence())
