"""The reception queue at 10k, 100k and 1M requests: open, scroll and search through the real table model and view,
against the same questions asked in raw indexed SQL on the same encrypted file."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.qt import QApplication, QModelIndex, QTableView

from kiosk.bench.figures import Figure, at_most, median, ms, reported, skipped
from kiosk.bench.walk import PaintWatch
from kiosk.bench.workspace import Workspace
from kiosk.domain.reference import parse_reference
from kiosk.domain.workflow import RequestStatus
from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import PREFIX_END, QueueFilter
from kiosk.storage.database import Database
from kiosk.ui.console.queue_model import QueueModel

OPEN_LIMIT_MS = 300
SEARCH_LIMIT_MS = 200
BATCH = 200
SCROLLS = 3
SEARCH = "nguyen"
SEARCHING = QueueFilter(statuses=frozenset(RequestStatus), search=SEARCH)
WAIT_S = 30.0
# The last four digits of a number, in the open queue: the phone numbers whose endings start with them, then
# their requests in queue order from the phone index (kiosk.services.queue._phone_choices).
PHONE_PART = "0142"
PHONE_SEARCHING = QueueFilter(search=PHONE_PART)

_COLUMNS = "id, reference, kind, urgent, first_name, last_name, created_at, status, red_flags"
_OPEN = "status != 'closed'"  # the open-queue index's own WHERE, as the service writes it
# What the search asks (kiosk.services.queue.search_choices): six letters that may be a reference, or the start of
# a last or a first name. One SELECT per choice, so each is a range of its own index, as the service asks it.
_CHOICES = ("reference = ?", "last_name_key >= ? AND last_name_key < ?", "first_name_key >= ? AND first_name_key < ?")


def _raw(database: Database, queries: Sequence[tuple[str, tuple[Any, ...]]]) -> float:
    """Seconds for the statements on one driver connection of the same engine (same key, same pragmas)."""
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        for sql, parameters in queries:
            cursor.execute(sql, parameters)
            cursor.fetchall()
        seconds = time.perf_counter() - started
        cursor.close()
        return seconds
    finally:
        connection.close()


def _page(where: str, parameters: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """One page in queue order, as the service asks it: the ids ordered in an index, then only their rows read."""
    shown = ", ".join(f"p.{column}" for column in _COLUMNS.split(", "))
    return (
        f"SELECT {shown} FROM (SELECT created_at, id FROM patient_requests WHERE {where} "
        f"ORDER BY created_at, id LIMIT {BATCH}) AS hits "
        "JOIN patient_requests AS p ON p.id = hits.id ORDER BY hits.created_at, hits.id",
        parameters,
    )


def _pages(where: str, parameters: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    """The count and one page in queue order: urgent ones, then the rest, each read along the index."""
    return [
        (f"SELECT count(*) FROM patient_requests WHERE {where}", parameters),
        *(_page(f"{where} AND urgent = {flag}", parameters) for flag in (1, 0)),
    ]


def _search_pages(parameters: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    """The search's count and one page per urgency: the matches found and ordered in the name indexes, then
    only the page's rows read from the table."""

    def matches(flag: int) -> str:
        return " UNION ".join(
            f"SELECT created_at, id FROM patient_requests WHERE urgent = {flag} AND {choice}" for choice in _CHOICES
        )

    shown = ", ".join(f"p.{column}" for column in _COLUMNS.split(", "))
    return [
        *((f"SELECT count(*) FROM ({matches(flag)})", parameters) for flag in (1, 0)),
        *(
            (
                f"SELECT {shown} FROM ({matches(flag)} ORDER BY created_at, id LIMIT {BATCH}) AS hits "
                "JOIN patient_requests AS p ON p.id = hits.id ORDER BY hits.created_at, hits.id",
                parameters,
            )
            for flag in (1, 0)
        ),
    ]


def _phone_pages(digits: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The phone search's count and one page per urgency, as the service asks them."""
    after = digits[:-1] + str(int(digits[-1]) + 1)  # the digits' range ends at the next number (no 9 at the end)

    def matches(flag: int) -> str:
        return (
            f"SELECT created_at, id FROM patient_requests WHERE {_OPEN} AND +urgent = {flag} AND phone_e164 IN "
            "(SELECT phone_e164 FROM phone_number_suffixes WHERE suffix >= ? AND suffix < ?)"
        )

    shown = ", ".join(f"p.{column}" for column in _COLUMNS.split(", "))
    return [
        *((f"SELECT count(*) FROM ({matches(flag)})", (digits, after)) for flag in (1, 0)),
        *(
            (
                f"SELECT {shown} FROM ({matches(flag)} ORDER BY created_at, id LIMIT {BATCH}) AS hits "
                "JOIN patient_requests AS p ON p.id = hits.id ORDER BY hits.created_at, hits.id",
                (digits, after),
            )
            for flag in (1, 0)
        ),
    ]


def _until(done: Callable[[], bool]) -> None:
    started = time.perf_counter()
    while not done() and time.perf_counter() - started < WAIT_S:
        QApplication.processEvents()


def _more_rows(model: QueueModel) -> Callable[[], bool]:
    """True once the model has read a batch more than it had when asked."""
    fetched = model.rows_fetched
    return lambda: model.rows_fetched > fetched


def _answered(model: QueueModel) -> Callable[[], bool]:
    """True once the model's read is back: the console reads off the screen thread, so a repaint alone is not
    the new rows (an answer within the reader's short wait is already in before the action returns)."""
    return lambda: not model.reader.busy


def _timed_paint(view: QTableView, watch: PaintWatch, action: Callable[[], None], ready: Callable[[], bool]) -> float:
    frames = watch.frames
    started = time.perf_counter()
    action()
    view.viewport().update()
    _until(lambda: ready() and watch.frames > frames)
    return time.perf_counter() - started


def _scrolls(view: QTableView, watch: PaintWatch, model: QueueModel) -> list[float]:
    """Up to SCROLLS scrolls to the bottom, each timed until its batch is painted; none once the queue is all read
    (a smaller open queue: a scroll then reads nothing, and waiting for its batch would wait out WAIT_S)."""
    return [
        _timed_paint(view, watch, view.scrollToBottom, _more_rows(model))
        for _ in range(SCROLLS)
        if model.canFetchMore(QModelIndex())
    ]


def measure_size(workspace: Workspace, size: int, repeats: int) -> list[Figure]:
    database = workspace.open(workspace.settings_file(f"queue-{size}"))
    try:
        generate_requests(database, size, seed=size)
        model = QueueModel(database, batch_size=BATCH)
        view = QTableView()
        view.resize(1200, 700)
        view.setModel(model)
        view.show()
        watch = PaintWatch(view)
        QApplication.processEvents()

        opened = [
            _timed_paint(view, watch, lambda: model.set_filter(QueueFilter()), _answered(model)) for _ in range(repeats)
        ]
        scrolls = _scrolls(view, watch, model)
        fetched_after_scrolls = model.rows_fetched
        on_screen = max(1, view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1)
        searched = [
            _timed_paint(view, watch, lambda: model.set_filter(SEARCHING), _answered(model)) for _ in range(repeats)
        ]
        phone_searched = [
            _timed_paint(view, watch, lambda: model.set_filter(PHONE_SEARCHING), _answered(model))
            for _ in range(repeats)
        ]
        view.close()

        last = model.row_at(model.rowCount() - 1) if model.rowCount() else None
        raw_open = [_raw(database, _pages(_OPEN, ())) for _ in range(repeats)]
        keyset = (last.created_at.replace(tzinfo=None).isoformat(" ", "microseconds"), last.id) if last else ("", "")
        raw_scroll = [
            _raw(database, [_page(f"{_OPEN} AND urgent = 0 AND (created_at, id) > (?, ?)", keyset)])
            for _ in range(repeats)
        ]
        choices = (parse_reference(SEARCH), *(SEARCH, SEARCH + PREFIX_END) * 2)
        raw_search = [_raw(database, _search_pages(choices)) for _ in range(repeats)]
        raw_phone = [_raw(database, _phone_pages(PHONE_PART)) for _ in range(repeats)]
    finally:
        database.close()

    label = f"console at {size:,} requests"
    return [
        at_most(f"{label}: open the queue", ms(median(opened)), ms(median(raw_open)), "ms", OPEN_LIMIT_MS),
        reported(f"{label}: scroll one batch", ms(median(scrolls)), ms(median(raw_scroll)), "ms")
        if scrolls
        else skipped(f"{label}: scroll one batch", "ms", "reported (no target)", "the open queue fits in one batch"),
        at_most(f"{label}: search a name", ms(median(searched)), ms(median(raw_search)), "ms", SEARCH_LIMIT_MS),
        at_most(
            f"{label}: search part of a phone ({PHONE_PART})",
            ms(median(phone_searched)),
            ms(median(raw_phone)),
            "ms",
            SEARCH_LIMIT_MS,
        ),
        at_most(
            f"{label}: rows fetched (open + {SCROLLS} scrolls)",
            fetched_after_scrolls,
            on_screen,
            "rows",
            (SCROLLS + 1) * BATCH,
            note="floor: rows the view shows at once",
        ),
    ]


def measure(workspace: Workspace, sizes: Sequence[int], repeats: int) -> list[Figure]:
    return [figure for size in sizes for figure in measure_size(workspace, size, repeats)]
