"""The urgent alarm as the desk sees and hears it: the red banner over every page of the real console, the
window title, the chime, "Seen at the desk", Open, muting, a locked console, and a check that fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QWidget

from kiosk.config.settings import Settings, StaffSettings, UrgentSettings
from kiosk.domain.audit import AuditAction
from kiosk.domain.reference import format_reference
from kiosk.domain.requests import RedFlag
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.services.requests import Receipt, submit_request
from kiosk.services.urgent_alarm import UrgentWaiting, urgent_waiting
from kiosk.storage.database import Database
from kiosk.ui.console import chime as chime_module
from kiosk.ui.console.chime import NO_SOUND_HERE, SOUND_OFF_IN_SETTINGS, chime_wav, shipped_chime
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.urgent_banner import MUTE_FOR_S, STALE_AFTER_S
from kiosk.ui.console.window import ConsoleWindow
from tests.postgres_server import PostgresServer, is_postgresql, open_another
from tests.services import factories
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, SETUP, WORKSTATION, signed_in

CLINIC = "Ascent Pain"
REAL_SOUND = chime_module.qt_sound_effect  # before tests/conftest.py's silent_chime replaces it for each test


class FakeClock:
    """time.monotonic for the banner, moved by hand: minutes pass in a line of test code."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Ready:
    name = "Ready"


class FakeSoundEffect:
    """Stands in for QSoundEffect (no sound card in CI): records what the console asked of it."""

    def __init__(self) -> None:
        self.loops = 0
        self.volume = 0.0
        self.played = 0

    def setLoopCount(self, count: int) -> None:  # noqa: N802 (Qt's name)
        self.loops = count

    def setVolume(self, volume: float) -> None:  # noqa: N802 (Qt's name)
        self.volume = volume

    def play(self) -> None:
        self.played += 1

    def stop(self) -> None:
        pass

    def status(self) -> object:
        return Ready()


@pytest.fixture
def speaker(monkeypatch: pytest.MonkeyPatch) -> FakeSoundEffect:
    effect = FakeSoundEffect()
    monkeypatch.setattr(chime_module, "qt_sound_effect", lambda _parent: effect)
    return effect


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


OpenConsole = Callable[..., ConsoleWindow]


@pytest.fixture
def open_console(qtbot: QtBot, clock: FakeClock) -> Iterator[OpenConsole]:
    made: list[ConsoleWindow] = []

    def open_on(database: Database, urgent: UrgentSettings | None = None) -> ConsoleWindow:
        settings = Settings(staff=StaffSettings(), urgent=urgent or UrgentSettings())
        settings = settings.model_copy(update={"clinic": settings.clinic.model_copy(update={"name": CLINIC})})
        rules = AccountRules.from_settings(settings.staff)
        create_account(
            database, username=ADMIN, display_name="Ada", role=Role.ADMIN, password=ADMIN_PASSWORD, rules=rules,
            by=SETUP,
        )  # fmt: skip
        window = ConsoleWindow(ConsoleContext(database, settings, WORKSTATION))
        window.urgent.clock = clock
        qtbot.add_widget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.wait_exposed(window)
        made.append(window)
        return window

    yield open_on
    for window in made:
        window.close()  # joins the watcher before the database closes


def from_kiosk(database: Database, flags: frozenset[RedFlag] | None = None, minutes_ago: float = 0) -> Receipt:
    """An urgent follow-up stored by the patient kiosk through its own connection, as another PC does."""
    request = factories.urgent_follow_up()
    if flags is not None:
        request = dataclasses.replace(request, red_flags=flags)
    kiosk = open_another(database)
    try:
        arrived = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
        return submit_request(kiosk, request, "waiting-room", now=arrived)
    finally:
        kiosk.close()


def banner_says(window: ConsoleWindow) -> str:
    return window.urgent.message.text() if window.urgent.isVisible() else ""


def wait_for(qtbot: QtBot, window: ConsoleWindow, words: str, timeout: int = 2000) -> None:
    qtbot.waitUntil(lambda: words in banner_says(window), timeout=timeout)


def test_an_urgent_request_raises_the_banner_title_and_chime_on_every_console_within_two_seconds(
    qtbot: QtBot, open_console: OpenConsole, any_database: Database, speaker: FakeSoundEffect
) -> None:
    console = open_console(any_database)
    signed_in(qtbot, console)
    qtbot.wait(300)  # the first look has happened: nothing waits, so nothing shows
    assert not console.urgent.isVisible()
    assert console.windowTitle() == f"{CLINIC} — reception console"

    started = time.monotonic()
    receipt = from_kiosk(any_database, frozenset({RedFlag.BLADDER_OR_BOWEL_CHANGES, RedFlag.FEVER}))
    qtbot.waitUntil(lambda: console.urgent.isVisible(), timeout=2000)
    shown_after = time.monotonic() - started
    print(f"\n{any_database.engine.dialect.name}: commit to banner {shown_after * 1000:.0f} ms")

    code = format_reference(receipt.reference)
    assert banner_says(console) == f"⚠ 1 urgent request waiting — {code}: bladder or bowel changes, fever"
    assert console.windowTitle() == f"(1 urgent) {CLINIC} — reception console"
    assert console.urgent.seen_button.isVisible() and console.urgent.open_button.isVisible()
    assert (speaker.played, speaker.loops, speaker.volume) == (1, 2, 0.8)  # the settings' defaults
    for name in (factories.FIRST_NAME, factories.LAST_NAME):  # never a name
        assert name not in banner_says(console) and name not in console.windowTitle()

    second = from_kiosk(any_database, frozenset({RedFlag.LEG_WEAKNESS_OR_NUMBNESS}))
    wait_for(qtbot, console, "2 urgent requests waiting")
    assert banner_says(console) == (
        f"⚠ 2 urgent requests waiting — newest {format_reference(second.reference)}: new leg weakness or numbness"
    )
    assert console.windowTitle().startswith("(2 urgent) ")
    assert speaker.played == 2  # a new request: the chime again


def test_seen_at_the_desk_lowers_the_alarm_and_is_in_the_audit_trail(
    qtbot: QtBot, open_console: OpenConsole, any_database: Database, speaker: FakeSoundEffect
) -> None:
    console = open_console(any_database)
    signed_in(qtbot, console)
    first = from_kiosk(any_database)
    wait_for(qtbot, console, format_reference(first.reference))

    console.urgent.seen_button.click()
    qtbot.waitUntil(lambda: not console.urgent.isVisible(), timeout=3000)
    assert console.windowTitle() == f"{CLINIC} — reception console"
    entries = list_entries(any_database, AuditFilter(action=AuditAction.SEEN_AT_DESK))
    assert [(entry.actor, entry.detail) for entry in entries] == [(ADMIN, first.reference)]

    second = from_kiosk(any_database)
    wait_for(qtbot, console, f"⚠ 1 urgent request waiting — {format_reference(second.reference)}")
    assert speaker.played == 2


def test_open_shows_the_newest_urgent_request_in_the_queue_and_detail(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect
) -> None:
    console = open_console(database)
    workspace = signed_in(qtbot, console)
    workspace.show_tab("Overview")
    receipt = from_kiosk(database)
    wait_for(qtbot, console, format_reference(receipt.reference))
    qtbot.waitUntil(lambda: workspace.queue.model.rowCount() == 1, timeout=3000)

    console.urgent.open_button.click()

    assert workspace.tabs.currentWidget() is workspace.splitter
    assert workspace.queue.selected_id() is not None
    assert workspace.detail.detail is not None and workspace.detail.detail.reference == receipt.reference


def test_a_locked_console_and_the_sign_in_page_show_the_count_only_and_still_chime(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect
) -> None:
    console = open_console(database)
    receipt = from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")  # nobody signed in yet
    assert banner_says(console) == "⚠ 1 urgent request waiting: sign in to see it"
    assert not console.urgent.seen_button.isVisible() and not console.urgent.open_button.isVisible()
    assert speaker.played == 1

    signed_in(qtbot, console)
    wait_for(qtbot, console, format_reference(receipt.reference))
    console.lock()
    assert banner_says(console) == "⚠ 1 urgent request waiting: sign in to see it"
    assert console.urgent.isVisible() and console.lock_view.isVisible()
    assert not console.urgent.seen_button.isVisible() and not console.urgent.sound_button.isVisible()

    from_kiosk(database)  # the watcher keeps going while the queue's polling is paused
    wait_for(qtbot, console, "⚠ 2 urgent requests waiting: sign in to see it")
    assert receipt.reference not in banner_says(console)
    assert speaker.played == 2


def test_the_chime_repeats_while_a_request_waits_unseen_and_the_banner_says_how_long(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect, clock: FakeClock
) -> None:
    console = open_console(database, UrgentSettings(repeat_after_minutes=5, chime_plays=3, chime_volume=50))
    signed_in(qtbot, console)
    from_kiosk(database, minutes_ago=6)
    wait_for(qtbot, console, "waiting 6 min")
    assert (speaker.played, speaker.loops, speaker.volume) == (1, 3, 0.5)

    clock.advance(4 * 60)
    with qtbot.wait_signal(console.urgent.watch.checked, timeout=2000):
        pass
    console.urgent.tick()
    assert speaker.played == 1  # not yet

    clock.advance(61)
    with qtbot.wait_signal(console.urgent.watch.checked, timeout=2000):
        pass
    console.urgent.tick()
    assert speaker.played == 2


def test_muting_says_sound_off_keeps_the_banner_and_is_forgotten_after_30_minutes_or_at_sign_out(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect, clock: FakeClock
) -> None:
    console = open_console(database, UrgentSettings(repeat_after_minutes=5))
    signed_in(qtbot, console)
    from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")
    banner = console.urgent
    assert banner.sound_button.text() == "Turn sound off"
    assert "30 minutes" in banner.sound_button.toolTip() and "sign out" in banner.sound_button.toolTip()

    banner.sound_button.click()
    assert banner.sound_state.isVisible() and banner.sound_state.text() == "sound off"
    assert banner.sound_button.text() == "Turn sound on"
    from_kiosk(database)
    wait_for(qtbot, console, "2 urgent requests waiting")
    assert speaker.played == 1  # muted: seen, not heard
    clock.advance(5 * 60)
    with qtbot.wait_signal(banner.watch.checked, timeout=2000):
        pass
    banner.tick()
    assert speaker.played == 1  # the repeat is silent too while muted

    clock.advance(MUTE_FOR_S - 5 * 60)
    with qtbot.wait_signal(banner.watch.checked, timeout=2000):
        pass
    banner.tick()
    assert not banner.muted and not banner.sound_state.isVisible()
    assert speaker.played == 2  # 30 minutes on: sound again, and the overdue repeat with it

    banner.sound_button.click()
    assert banner.muted
    console.end_session()
    assert not banner.muted
    assert banner_says(console) == "⚠ 2 urgent requests waiting: sign in to see it"


def test_chime_off_in_settings_says_so_and_plays_nothing(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect
) -> None:
    console = open_console(database, UrgentSettings(chime=False))
    signed_in(qtbot, console)
    from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")
    assert console.urgent.sound_state.text() == SOUND_OFF_IN_SETTINGS
    assert not console.urgent.sound_button.isVisible()
    assert speaker.played == 0


def test_a_pc_without_sound_still_shows_the_banner_and_says_so(
    qtbot: QtBot, open_console: OpenConsole, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chime_module, "qt_sound_effect", lambda _parent: None)  # no output device
    console = open_console(database)
    signed_in(qtbot, console)
    from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")
    assert console.urgent.sound_state.text() == NO_SOUND_HERE
    assert not console.urgent.sound_button.isVisible()


# Qt Multimedia's own notes about optional libraries and a missing sound server, on a PC (or CI) without them.
@pytest.mark.qt_log_ignore("Couldn't (load|resolve) ", "PulseAudioService", "pipewire", "ALSA", "audio")
def test_the_real_sound_path_here_either_plays_or_says_no_sound(
    qtbot: QtBot, open_console: OpenConsole, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No stand-in: Qt Multimedia either loads and finds an output (one chime is heard), or the banner says why not."""
    monkeypatch.setattr(chime_module, "qt_sound_effect", REAL_SOUND)
    console = open_console(database)
    from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")
    assert console.urgent.sound_state.text() in ("", NO_SOUND_HERE)
    assert console.urgent.isVisible()


def test_new_urgent_request_flashes_the_taskbar(
    qtbot: QtBot, open_console: OpenConsole, database: Database, speaker: FakeSoundEffect,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    alerted: list[QWidget] = []
    monkeypatch.setattr(QApplication, "alert", staticmethod(lambda widget, _ms=0: alerted.append(widget)))
    console = open_console(database)
    from_kiosk(database)
    wait_for(qtbot, console, "1 urgent request waiting")
    assert alerted == [console]


def stale_text(window: ConsoleWindow) -> str:
    return banner_says(window) if window.urgent.property("state") == "stale" else ""


def test_a_check_that_fails_says_so_within_ten_seconds_and_clears_when_checks_work_again(
    qtbot: QtBot, open_console: OpenConsole, database: Database, database_file: Path, speaker: FakeSoundEffect
) -> None:
    console = open_console(database)
    signed_in(qtbot, console)
    before = dt.datetime.now().strftime("%H:%M")
    qtbot.wait(600)
    assert not console.urgent.isVisible()
    moved = database_file.with_suffix(".moved")
    started = time.monotonic()
    database_file.rename(moved)  # the shared file is gone (a network share dropped, someone moved it)
    after = dt.datetime.now().strftime("%H:%M")  # the last good check was between `before` and now

    qtbot.waitUntil(lambda: "Cannot check" in stale_text(console), timeout=10_000)
    print(f"\nfile gone to the stale banner: {(time.monotonic() - started) * 1000:.0f} ms")
    assert stale_text(console) in {f"⚠ Cannot check for new requests since {at}: call IT" for at in (before, after)}
    assert console.windowTitle().startswith("(cannot check) ")
    assert not console.urgent.seen_button.isVisible()

    moved.rename(database_file)
    qtbot.waitUntil(lambda: not console.urgent.isVisible(), timeout=5000)
    assert console.windowTitle() == f"{CLINIC} — reception console"


def test_a_hung_check_turns_stale_from_the_gui_thread(
    qtbot: QtBot, open_console: OpenConsole, database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker is stuck in a read that never returns: no failure is reported, yet the banner says so."""
    console = open_console(database)
    signed_in(qtbot, console)
    with qtbot.wait_signal(console.urgent.watch.checked, timeout=2000):
        pass
    hung = threading.Event()
    release = threading.Event()

    def hang(database: Database) -> UrgentWaiting:
        hung.set()
        release.wait(30)
        return urgent_waiting(database)

    monkeypatch.setattr(console.urgent.watch, "_look", hang)
    try:
        qtbot.waitUntil(hung.is_set, timeout=2000)
        console.urgent.tick()
        assert not console.urgent.isVisible()
        clock.advance(STALE_AFTER_S)
        console.urgent.tick()
        assert "Cannot check for new requests since" in stale_text(console)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not console.urgent.isVisible(), timeout=3000)


@pytest.mark.skipif(os.name == "nt", reason="PostgreSQL tests run on Linux")
def test_a_postgresql_server_that_refuses_the_console_turns_the_banner_stale(
    qtbot: QtBot, open_console: OpenConsole, pg_database: Database, postgres_server: PostgresServer
) -> None:
    # On the sign-in page: the banner warns there too (and the queue's own polling stays out of this test).
    console = open_console(pg_database)
    qtbot.wait(300)
    name = pg_database.engine.url.database
    try:
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        postgres_server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        qtbot.waitUntil(lambda: "Cannot check" in stale_text(console), timeout=10_000)
    finally:
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    qtbot.waitUntil(lambda: not console.urgent.isVisible(), timeout=5000)
    assert is_postgresql(pg_database)


def test_the_shipped_chime_is_what_the_generator_makes() -> None:
    shipped = shipped_chime().read_bytes()
    assert shipped == chime_wav()
    import io
    import wave

    with wave.open(io.BytesIO(shipped)) as sound:
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 44_100)
        assert sound.getnframes() / sound.getframerate() < 2.0


def test_closing_the_console_stops_the_watcher(qtbot: QtBot, open_console: OpenConsole, database: Database) -> None:
    console = open_console(database)
    watch = console.urgent.watch
    qtbot.waitUntil(lambda: watch.running, timeout=2000)
    console.close()
    assert not watch.running
