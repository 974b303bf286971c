"""A typical request's effort, counted as a patient taps it on the real window: fewer taps than before issue 19.

Counts, not timings: the same on every machine.
"""

from __future__ import annotations

import pytest

from kiosk.bench.effort import BEFORE, TARGET_TAPS, fill
from kiosk.domain.requests import RequestKind
from kiosk.services.navigation import Screen
from kiosk.ui.window import KioskWindow


@pytest.mark.parametrize("kind", [RequestKind.APPOINTMENT, RequestKind.FOLLOW_UP])
def test_a_typical_request_is_sent_in_fewer_taps_than_before(window: KioskWindow, kind: RequestKind) -> None:
    effort = fill(window, kind)

    assert window.navigator.current.screen is Screen.CONFIRMATION
    before_taps, _ = BEFORE[kind]
    assert effort.taps <= before_taps
    if kind is RequestKind.APPOINTMENT:
        assert effort.taps <= TARGET_TAPS[kind]
