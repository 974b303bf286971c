"""The kiosk's heartbeat timer: every BEAT_SECONDS it asks kiosk.services.heartbeat for one beat off the GUI thread.

The timer is Qt's, so it lives in ui; the beat (one UPDATE on a worker thread) is the service's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.qt import QObject, QTimer

from kiosk.services.heartbeat import BEAT_SECONDS, Heartbeat
from kiosk.services.heartbeat_spells import SPELLS_FILE, SpellBook
from kiosk.services.outbox import uses_server

if TYPE_CHECKING:
    from kiosk.services.startup import KioskContext


def beat_every_minute(owner: QObject, heartbeat: Heartbeat) -> QTimer:
    """A running timer, owned by `owner`, that starts one beat every BEAT_SECONDS."""
    timer = QTimer(owner)
    timer.setInterval(BEAT_SECONDS * 1000)
    timer.timeout.connect(heartbeat.start_beat)
    timer.start()
    return timer


def schedule_heartbeat(owner: QObject, context: KioskContext) -> Heartbeat | None:
    """Start the kiosk's heartbeat (none when it runs without a database, out of service)."""
    if context.database is None:
        return None
    spells = None
    if uses_server(context.database):  # a refusal is noted beside the outbox and reported once the kiosk gets in
        spells = SpellBook(context.settings.database.resolved_outbox_path().with_name(SPELLS_FILE))
    heartbeat = Heartbeat(context.database, spells=spells)
    beat_every_minute(owner, heartbeat)
    return heartbeat
