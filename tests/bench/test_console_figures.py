"""The console-queue figures at a size whose open queue ends within the bench's scrolls (10,000 requests: about
470 open, so the third scroll has nothing left to read)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.bench import console
from kiosk.bench.workspace import Workspace


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    made = Workspace.create()
    yield made
    made.remove()


def test_scrolls_stop_at_the_end_of_the_open_queue_instead_of_waiting_out_the_timeout(
    qtbot: QtBot, workspace: Workspace
) -> None:
    started = time.perf_counter()
    figures = {figure.name: figure for figure in console.measure_size(workspace, 10_000, repeats=1)}
    seconds = time.perf_counter() - started

    # A scroll with nothing left to read used to wait for a batch that never came: 30 s (console.WAIT_S) of a run.
    assert seconds < console.WAIT_S / 3, f"{seconds:.1f} s"
    fetched = figures[f"console at 10,000 requests: rows fetched (open + {console.SCROLLS} scrolls)"]
    assert fetched.value is not None and console.BATCH < fetched.value < (console.SCROLLS + 1) * console.BATCH
    scroll = figures["console at 10,000 requests: scroll one batch"]
    assert scroll.value is not None and scroll.value < console.WAIT_S * 1000 / 3
    assert all(figure.floor for figure in figures.values())  # every floor still measured
