"""Offline codes: a kiosk cut off from its server hands out the codes it reserved in no guessable order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.outbox import keep_in_outbox, open_outbox
from kiosk.storage.models import ReservedReference
from tests.services import factories

KIOSK = "waiting-room-1"
CODES = ["A2B3C4", "B2B3C4", "C2B3C4", "D2B3C4", "E2B3C4", "F2B3C4", "G2B3C4", "H2B3C4", "J2B3C4", "K2B3C4"]


def test_offline_codes_are_not_handed_out_in_alphabetical_order(tmp_path: Path) -> None:
    settings = Settings(
        database=DatabaseSettings(url="postgresql+psycopg://kiosk@127.0.0.1/kiosk", outbox_path=tmp_path / "ob.db")
    )
    outbox = open_outbox(settings)
    try:
        reserved_at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # one block: all reserved at the same moment
        with outbox.transaction() as session:
            session.add_all(ReservedReference(reference=c, workstation=KIOSK, reserved_at=reserved_at) for c in CODES)
        shown = [
            keep_in_outbox(outbox, factories.appointment(), KIOSK, reserved_at).reference for _ in range(len(CODES))
        ]
    finally:
        outbox.close()

    assert sorted(shown) == CODES  # every reserved code used once
    assert shown != CODES  # not in code order (the chance of a shuffle landing on it is 1 in 3.6 million)
