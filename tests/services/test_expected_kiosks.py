"""Kiosks IT expects on the shared database ([database] expected_kiosks) that the server never heard from."""

from __future__ import annotations

from kiosk.services.expected_kiosks import expected_never_seen, never_seen, never_seen_warning
from kiosk.services.heartbeat import beat
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database


def test_only_the_expected_kiosks_never_seen_are_listed_in_the_settings_order(database: Database) -> None:
    record_start(database, role="kiosk", name="waiting-room-1")
    beat(database, "hallway-kiosk")  # a kiosk not in the list is shown as ever, not here
    record_start(database, role="console", name="front-desk")

    missing = expected_never_seen(database, ["waiting-room-3", "Waiting-Room-1", "waiting-room-2"])

    # Computer names ignore case: "Waiting-Room-1" is the kiosk that reported itself as "waiting-room-1".
    assert missing == ["waiting-room-3", "waiting-room-2"]


def test_no_list_means_no_kiosk_is_missing(database: Database) -> None:
    assert expected_never_seen(database, []) == []
    assert never_seen([], ["waiting-room-1"]) == []


def test_the_warning_counts_them_and_says_what_to_do() -> None:
    assert never_seen_warning(["waiting-room-2"]) == (
        "1 expected kiosk never seen by the server (waiting-room-2): on each, run kiosk doctor;"
        " a refused password or a blocked connection shows there."
    )
    assert never_seen_warning(["a", "b"]).startswith("2 expected kiosks never seen by the server (a, b):")
