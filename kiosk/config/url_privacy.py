"""A database password never shows in a message, and never sits in a settings file other accounts can read.

Plain regular expressions, not SQLAlchemy's URL parser: they must work on text that is not a valid URL (a bad
scheme, a cut-off quote) and before SQLAlchemy is loaded (the command line does not load it for every verb).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from kiosk.config.errors import SettingsError

MASK = "***"
# scheme://user:PASSWORD@host: everything up to the last "@" is hidden (a password may hold "@", spaces or quotes;
# hiding too much is safe, too little is not), and a quote cut short ("...") is hidden to the cut, since its "@"
# may be in the part left out.
_USERINFO = re.compile(r"""(\b[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s'"]*:)(?:.*@|.*?\.\.\.)""", re.DOTALL)
# libpq also takes the password as a query parameter: ?password=... or &password=...
_QUERY = re.compile(r"""([?&]password=)[^&\s'"]*""", re.IGNORECASE)
# The whole password of one known URL, wherever a sentence repeats it.
_SECRETS = (re.compile(r"://[^:/@]*:(.+)@", re.DOTALL), re.compile(r"[?&]password=([^&]+)", re.IGNORECASE))


def hide_passwords(text: str, url: object = None) -> str:
    """The text with every URL's password replaced by ***, as SQLAlchemy's render_as_string(hide_password=True).

    `url`, the raw database.url when known, is searched for its password too, so that one the patterns above
    cannot see the end of is still hidden wherever the text repeats it.
    """
    if isinstance(url, str):
        for pattern in _SECRETS:
            secret = pattern.search(url)
            if secret and secret.group(1):
                text = text.replace(secret.group(1), MASK)
    return _QUERY.sub(rf"\g<1>{MASK}", _USERINFO.sub(lambda found: f"{found.group(1)}{MASK}@", text))


def holds_password(url: str) -> bool:
    return hide_passwords(url) != url


def refuse_readable_password(path: Path, url: str | None) -> None:
    """Refuse (not repair) a settings file that gives the database password to other accounts.

    Refused rather than chmod-ed: the password may already have been read, so IT must know, and the kiosk's
    account often cannot change a file IT owns. Windows files are protected by ACLs, not mode bits: not checked.
    """
    if os.name != "posix" or not url or not holds_password(url):
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return  # it was just read; a file gone since is the next reader's problem
    if mode & 0o077:
        raise SettingsError(
            f"The settings file {path} holds the database password in database.url and other accounts can read it "
            f"(mode {mode:o}), so the kiosk refuses it: run `chmod 600 {path}` as its owner (the kiosk's account) "
            "and change the password on the server if others may have read it, or move the password to the kiosk "
            "account's ~/.pgpass file."
        )
