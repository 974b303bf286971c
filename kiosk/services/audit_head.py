"""Where the audit trail's head (its newest row's id and seal) is kept outside the audit table, and its key.

Deleting the newest rows leaves no broken link behind, so the chain alone cannot see a cut tail; a
copy of the head kept where the same SQL access cannot reach it can. Trade-offs, per backend:

- SQLite: anyone who can open the file (with its key) can write every table in it, so the head is a
  small file beside the key file (0600, in the key's folder), written after each commit. It carries an
  HMAC with the chain key, so pointing it at an older row needs the database key too. What it cannot
  stop is someone holding the key file and the head file together: they are the kiosk's own account.
- PostgreSQL: a file on one PC cannot follow rows written by several PCs, so the head is the
  audit_head table, written only by a SECURITY DEFINER trigger (migration 0008). It protects against
  the kiosk's login role only when that role does not own the tables (docs/it/database.md, "PostgreSQL: roles");
  `kiosk doctor` says when it does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.domain.audit import (
    CHECK_CHARS,
    derive_chain_key,
    key_check,
    unwrap_chain_key,
    wrap_chain_key,
)
from kiosk.storage.models import AuditChainKey, AuditHead

log = logging.getLogger(__name__)

HEAD_SUFFIX = ".audit-head"
_KEY_IN_URL = re.compile(r"^x'([0-9a-fA-F]{64})'$")  # how kiosk.storage.database puts the key in the URL
_HEAD_LABEL = b"clinic-kiosk audit head v1"


@dataclass(frozen=True)
class Head:
    last_id: int
    last_hash: str
    chain: str = ""  # which chain it belongs to (a tag of the chain key), "" for a database without a key


def database_key(engine: Engine) -> bytes | None:
    """The raw SQLCipher key the engine opens its file with, or None (PostgreSQL, an unencrypted file)."""
    url = engine.url
    if url.drivername != "sqlite+pysqlcipher" or not url.password:
        return None
    match = _KEY_IN_URL.match(str(url.password))
    return bytes.fromhex(match.group(1)) if match else None


# Per engine (its key never changes): the chain key once known. Engines are weakly held, so a closed
# Database does not keep its key in memory through this cache.
_CHAIN_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def chain_key(session: Session) -> bytes | None:
    """The key that seals this database's audit rows, or None without a database key.

    Derived from the database key the keyed chain began under; after `kiosk db rekey` it is found
    wrapped under the new key in audit_chain_keys. The first keyed write stores its own wrap, so a key
    changed by any other means shows up as "no wrap for this key" instead of as edited rows.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    found = _CHAIN_KEYS.get(engine)
    if found is not None:
        return found
    key = database_key(engine)
    if key is None:
        return None
    stored = session.scalar(select(AuditChainKey.wrapped).where(AuditChainKey.key_check == key_check(key)))
    if stored is not None:
        found = unwrap_chain_key(stored, key)
        _CHAIN_KEYS[engine] = found
        return found
    return derive_chain_key(key)  # not cached: the wrap is added with the first keyed row (store_wrap)


def has_wrap(session: Session, database_key_bytes: bytes) -> bool:
    check = key_check(database_key_bytes)
    return session.scalar(select(AuditChainKey.key_check).where(AuditChainKey.key_check == check)) is not None


def store_wrap(session: Session, chain: bytes, database_key_bytes: bytes, now: dt.datetime) -> None:
    """Keep the chain key wrapped under this database key (in the caller's transaction), once per key."""
    if has_wrap(session, database_key_bytes):
        return
    session.add(
        AuditChainKey(
            key_check=key_check(database_key_bytes), wrapped=wrap_chain_key(chain, database_key_bytes), added_at=now
        )
    )
    session.flush()


def wrap_is_stored(engine: Engine) -> bool:
    """True once this engine has seen its database key's wrap in audit_chain_keys (no query needed after)."""
    return engine in _CHAIN_KEYS


def chain_tag(chain: bytes | None) -> str:
    """A public name for a chain key: tells a head file of this database from one left by another."""
    return "" if chain is None else key_check(chain)[:CHECK_CHARS]


# --- SQLite: the head file ----------------------------------------------------------------------------------------


def head_file(engine: Engine) -> Path | None:
    """Beside the key file of the SQLite database the engine opens (its folder is the kiosk's, 0700); None otherwise."""
    from kiosk.storage.keys import key_file_place

    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    key_path = key_file_place(Path(url.database).expanduser().absolute())
    return key_path.with_name(key_path.name + HEAD_SUFFIX)


def _seal(head: Head, chain: bytes | None) -> str:
    if chain is None:
        return ""
    message = f"{head.last_id}:{head.last_hash}:{head.chain}".encode("ascii")
    return hmac.new(chain, _HEAD_LABEL + message, hashlib.sha256).hexdigest()


class HeadFileError(Exception):
    """The head file exists but is not one the kiosk wrote (or was changed): a sentence for IT."""


def read_head_file(path: Path, chain: bytes | None) -> Head | None:
    """The head, None when there is no file; HeadFileError when it was tampered with or is unreadable."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise HeadFileError(f"the record of the trail's newest row ({path}) cannot be read") from exc
    try:
        data = json.loads(text)
        head = Head(int(data["last_id"]), str(data["last_hash"]), str(data.get("chain", "")))
        seal = str(data.get("seal", ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise HeadFileError(f"the record of the trail's newest row ({path}) is not one the kiosk wrote") from exc
    if head.chain == chain_tag(chain) and not hmac.compare_digest(seal, _seal(head, chain)):
        raise HeadFileError(f"the record of the trail's newest row ({path}) was changed by hand")
    return head


def write_head_file(path: Path, head: Head, chain: bytes | None, *, force: bool = False) -> None:
    """Replace the head file in one step (0600), only forwards unless `force` (after a restore).

    Writers on one PC may finish their commits in any order; "only forwards" keeps a late writer from
    moving the head back. Two writers racing through the read-and-replace can still leave the older of
    two brand-new rows as the head: the trail then is only checked up to that row, never wrongly cut.
    """
    if not force:
        with contextlib.suppress(HeadFileError):
            current = read_head_file(path, chain)
            if current is not None and current.chain == head.chain and current.last_id >= head.last_id:
                return
    document = {"last_id": head.last_id, "last_hash": head.last_hash, "chain": head.chain, "seal": _seal(head, chain)}
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp: a name of its own per writer (consoles' threads commit side by side) and mode 0600 from the start.
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temporary = Path(name)
    try:
        try:
            os.write(descriptor, (json.dumps(document, sort_keys=True) + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


# --- PostgreSQL: the head table -----------------------------------------------------------------------------------


def read_head_table(session: Session) -> Head | None:
    row = session.scalar(select(AuditHead).where(AuditHead.id == 1))
    return None if row is None else Head(row.last_id, row.last_hash)
