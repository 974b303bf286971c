"""PostgreSQL over the network is encrypted: the TLS rule for database.url, and what a live connection uses.

The rule (docs/it/database.md, "PostgreSQL: TLS"):
- no sslmode in the URL: the kiosk asks libpq for sslmode=require, so a server without TLS is refused;
- sslmode=require, verify-ca or verify-full: used as given (verify-full also checks the server's name);
- sslmode=disable, allow or prefer (an explicit opt-out): accepted only when every host is on this PC,
  i.e. a unix socket folder or a loopback address (localhost, 127.0.0.0/8, ::1), where nothing crosses a
  network; for any other host the settings are refused with one sentence.
A secure PGSSLMODE in the kiosk's environment is left to work (require would weaken verify-full).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL

from kiosk.storage.database import DatabaseError

SECURE_MODES = ("require", "verify-ca", "verify-full")
OPT_OUT_MODES = ("disable", "allow", "prefer")
DEFAULT_MODE = "require"  # encrypted; verify-full needs the server's CA on each PC, which IT can name in the URL
_SSL_OFF = "does not support ssl"  # libpq's words when sslmode=require meets a server with ssl = off


def _one(value: str | tuple[str, ...] | None) -> str | None:
    return value[-1] if isinstance(value, tuple) else value  # libpq takes the last of repeated keys


def _hosts(url: URL) -> list[str]:
    """Every place libpq may connect to: hostaddr wins over host; no host at all means the default unix socket."""
    for source in (_one(url.query.get("hostaddr")), url.host, _one(url.query.get("host")), os.environ.get("PGHOST")):
        if source:
            return [part.strip() for part in source.split(",")]
    return [""]


def is_local(host: str) -> bool:
    """A unix socket folder ("" is libpq's default one) or a loopback address: traffic that never leaves this PC."""
    if not host or host.startswith(("/", "@")) or host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secure_url(url: URL) -> URL:
    """The URL a kiosk connects with: TLS required unless it explicitly opts out for this PC only."""
    if url.get_backend_name() != "postgresql":
        return url
    mode = _one(url.query.get("sslmode"))
    if mode is None:
        if os.environ.get("PGSSLMODE") in SECURE_MODES:
            return url
        return url.update_query_dict({"sslmode": DEFAULT_MODE})
    if mode in SECURE_MODES:
        return url
    if mode not in OPT_OUT_MODES:
        raise DatabaseError(
            f"database.url has sslmode={mode}, which PostgreSQL does not know: use require, verify-ca or "
            "verify-full, or leave sslmode out (TLS is then required)."
        )
    remote = [host for host in _hosts(url) if not is_local(host)]
    if remote:
        raise DatabaseError(
            f"database.url turns TLS off (sslmode={mode}) for the server {', '.join(remote)}, which is not on this "
            "PC, so patients' data would cross the network readable: remove sslmode from database.url (TLS is then "
            "required), or set sslmode=verify-full."
        )
    return url


def is_tls_refusal(exc: BaseException) -> bool:
    """The server answered but offers no TLS (ssl = off) while the kiosk requires it."""
    return _SSL_OFF in str(getattr(exc, "orig", None) or exc).lower()


def tls_refusal(exc: BaseException) -> DatabaseError | None:
    """The sentence for a failed connection when the cause is a server without TLS (database.explain_failure)."""
    return DatabaseError(tls_refusal_sentence(None)) if is_tls_refusal(exc) else None


def tls_refusal_sentence(url: URL | None) -> str:
    where = f" at {url.host or 'localhost'}:{url.port or 5432}" if url is not None else ""
    return (
        f"The PostgreSQL server{where} does not offer TLS (ssl = off), so the kiosk refuses to send "
        "patients' data to it unencrypted: turn ssl on in the server's postgresql.conf with a certificate "
        "(ask whoever runs the server)."
    )


@dataclass(frozen=True)
class TlsState:
    """What one live connection uses: the server's own view (pg_stat_ssl) of this very session."""

    in_use: bool
    protocol: str = ""
    cipher: str = ""
    bits: int = 0
    mode: str = ""  # the sslmode the kiosk asked for


def tls_state(connection: Any) -> TlsState:
    """Read from a SQLAlchemy Connection on PostgreSQL: pg_stat_ssl is readable by any role for its own session."""
    row = connection.exec_driver_sql(
        "SELECT ssl, version, cipher, bits FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    ).one_or_none()
    mode = _one(connection.engine.url.query.get("sslmode")) or os.environ.get("PGSSLMODE", "")
    if row is None or not row[0]:
        return TlsState(False, mode=mode)
    return TlsState(True, protocol=row[1] or "", cipher=row[2] or "", bits=int(row[3] or 0), mode=mode)
