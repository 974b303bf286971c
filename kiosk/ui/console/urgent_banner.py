"""The urgent banner across the top of the console: count, code and warning signs, "Seen at the desk", the chime.

It shows on every page of the console window (sign-in, lock, workspace) and says only the count while
nobody is signed in or the console is locked. When the console cannot check for new requests it says so
in another style, because an empty banner must never stand for "all clear" when the check is failing.
The rules (when to chime, when the check counts as failing, when a mute runs out) live here as plain
state read by `tick()`, so tests drive them with a fake clock instead of waiting minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from kiosk.qt import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QTimer, QVBoxLayout, QWidget, Signal

from kiosk.domain.reference import format_reference
from kiosk.domain.staff import Actor
from kiosk.services.urgent_alarm import NOTHING_WAITING, SeenAtDesk, UrgentWaiting
from kiosk.ui.console.answers import red_flag_words
from kiosk.ui.console.chime import Chime
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.urgent_watch import UrgentWatch
from kiosk.ui.console.widgets import button, label
from kiosk.ui.qt_lifetimes import repolish

log = logging.getLogger(__name__)

MARK = "⚠"
TICK_MS = 1000  # stale check, mute expiry, the repeat chime and "waiting N min": once a second, no database
STALE_AFTER_S = 6.0  # no successful check for this long (a hung read included) and the banner says so
FAILURES_BEFORE_STALE = 3  # consecutive failed checks (about 2 s) before the banner says so
MUTE_FOR_S = 30 * 60  # a muted console speaks up again after this, whoever forgot to turn it back on
NOTE_FOR_S = 12.0  # how long a "Seen at the desk" answer stays in the banner
MUTE_TIP = (
    "Turn the chime off on this console for up to 30 minutes. It comes back on by itself after 30 minutes "
    "and when you sign out; the banner stays."
)
UNMUTE_TIP = "Turn the urgent chime back on for this console"


def waiting_words(count: int) -> str:
    return f"{count} urgent request{'s' if count != 1 else ''} waiting"


def local_clock(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def stale_sentence(since: dt.datetime) -> str:
    return f"{MARK} Cannot check for new requests since {local_clock(since)}: call IT"


def private_sentence(waiting: UrgentWaiting) -> str:
    """For a locked console or the sign-in page: how many, nothing that could identify anyone."""
    return f"{MARK} {waiting_words(waiting.count)}: sign in to see it"


def desk_sentence(waiting: UrgentWaiting, now: dt.datetime) -> str:
    """For the signed-in desk: how many, the newest one's code and warning signs, how long the oldest has waited."""
    parts = [f"{MARK} {waiting_words(waiting.count)}"]
    code = format_reference(waiting.newest_reference or "")
    signs = red_flag_words(frozenset(waiting.newest_flags))
    newest = f"newest {code}" if waiting.count > 1 else code
    parts.append(f"{newest}: {signs}" if signs else newest)
    if waiting.oldest_at is not None:
        minutes = int((now - waiting.oldest_at).total_seconds() // 60)
        if minutes >= 1:
            parts.append(f"{'longest ' if waiting.count > 1 else ''}waiting {minutes} min")
    return " — ".join(parts)


class UrgentBanner(QFrame):
    """Hidden while nothing waits and the check is healthy. `open_requested(id)` asks the workspace to show one;
    `title_changed(prefix)` gives the window title's start ("(2 urgent) ", or "" when nothing waits);
    `account_revoked(sentence)` when "Seen at the desk" found the account disabled since sign-in."""

    open_requested = Signal(str)
    title_changed = Signal(str)
    account_revoked = Signal(str)

    def __init__(
        self,
        context: ConsoleContext,
        parent: QWidget | None = None,
        *,
        watch: UrgentWatch | None = None,
        chime: Chime | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("UrgentBanner")
        self.setAccessibleName("Urgent requests")
        self.context = context
        self.settings = context.settings.urgent
        self.watch = watch if watch is not None else UrgentWatch(context.database, self)
        self.chime = chime if chime is not None else Chime(self.settings, self)
        self.clock = clock
        self.now = now
        self.actor: Actor | None = None
        self.private = True  # nobody signed in, or locked: the count only
        self.waiting = NOTHING_WAITING
        self._known: frozenset[str] = frozenset()
        self._started_at: float | None = None
        self._started_wall = now()
        self._ok_at: float | None = None
        self._ok_wall: dt.datetime | None = None
        self.failures = 0
        self._muted_until: float | None = None
        self._raised_at: float | None = None  # the last alarm, heard or muted: the repeat counts from it
        self._note_until = 0.0
        self._title = ""
        self._was_stale = False

        self.message = label("", wrap=True)
        self.message.setObjectName("UrgentMessage")
        self.note = label("", wrap=True)
        self.note.setObjectName("UrgentNote")
        self.note.hide()
        self.sound_state = label("")
        self.sound_state.setObjectName("UrgentSound")
        self.open_button = button("Open", "UrgentOpen")
        self.open_button.setToolTip("Show the newest urgent request in the queue")
        self.seen_button = button("Seen at the desk", "UrgentSeen")
        self.seen_button.setToolTip("Record that you have seen this patient at the desk; the alarm stops for it")
        self.sound_button = button("Turn sound off", "UrgentMute")
        self.sound_button.setToolTip(MUTE_TIP)
        self._build_layout()

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.watch.checked.connect(self.show_result)
        self.watch.failed.connect(self.note_failure)
        self.watch.seen.connect(self._seen_done)
        self.watch.seen_failed.connect(self._seen_failed)
        self.watch.revoked.connect(self.account_revoked)
        self.open_button.clicked.connect(self._open_newest)
        self.seen_button.clicked.connect(self.mark_seen)
        self.sound_button.clicked.connect(self.toggle_sound)
        self.hide()

    def _build_layout(self) -> None:
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(2)
        words.addWidget(self.message)
        words.addWidget(self.note)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 12, 8)
        row.setSpacing(10)
        row.addLayout(words, 1)
        row.addWidget(self.sound_state)
        row.addWidget(self.open_button)
        row.addWidget(self.seen_button)
        row.addWidget(self.sound_button)

    # -- life -----------------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._started_at is not None:
            return
        self._started_at = self.clock()
        self._started_wall = self.now()
        self.watch.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.watch.stop()
        self.chime.stop()

    def set_viewer(self, actor: Actor | None, *, private: bool) -> None:
        """Who looks at the console now; a locked console or the sign-in page sees the count only."""
        if actor is None:
            self.unmute()  # a mute belongs to the person who chose it: gone at sign-out
            self._note_until = 0.0
        self.actor = actor
        self.private = private or actor is None
        self.refresh()

    # -- what the watcher says ----------------------------------------------------------------------------------
    def show_result(self, waiting: UrgentWaiting) -> None:
        self._ok_at, self._ok_wall = self.clock(), self.now()
        self.failures = 0
        arrived = waiting.ids - self._known
        self._known = waiting.ids
        self.waiting = waiting
        if not waiting.any:
            self._raised_at = None
        elif arrived:
            self._raise_alarm()
        self.refresh()

    def note_failure(self, name: str) -> None:
        self.failures += 1
        self.refresh()

    @property
    def stale(self) -> bool:
        """True when the console cannot say whether anything waits: checks fail, or none succeeded for a while."""
        if self._started_at is None:
            return False
        if self.failures >= FAILURES_BEFORE_STALE:
            return True
        since = self._ok_at if self._ok_at is not None else self._started_at
        return self.clock() - since >= STALE_AFTER_S

    # -- sound ----------------------------------------------------------------------------------------------------
    @property
    def muted(self) -> bool:
        return self._muted_until is not None and self.clock() < self._muted_until

    def toggle_sound(self) -> None:
        if self.muted:
            self.unmute()
        else:
            self._muted_until = self.clock() + MUTE_FOR_S
            self.chime.stop()
            log.info("urgent chime turned off on this console for up to %d min", MUTE_FOR_S // 60)
        self.refresh()

    def unmute(self) -> None:
        if self._muted_until is not None:
            log.info("urgent chime on again on this console")
        self._muted_until = None

    def _raise_alarm(self) -> None:
        """A new urgent request, or one still unseen after repeat_after_minutes: flash, chime unless muted."""
        self._raised_at = self.clock()
        window = self.window()
        if window is not None:
            QApplication.alert(window)
        if not self.muted:
            self.chime.play()

    def tick(self) -> None:
        """Once a second from the GUI thread: so a worker stuck in a hung read still turns the banner stale."""
        if self._muted_until is not None and not self.muted:
            self.unmute()
        repeat_s = self.settings.repeat_after_minutes * 60
        if (
            self.waiting.any
            and not self.stale
            and self._raised_at is not None
            and self.clock() - self._raised_at >= repeat_s
        ):
            self._raise_alarm()
        self.refresh()

    # -- the desk's buttons ---------------------------------------------------------------------------------------
    def _open_newest(self) -> None:
        if self.waiting.newest_id is not None and not self.private:
            self.open_requested.emit(self.waiting.newest_id)

    def mark_seen(self) -> None:
        if self.actor is None or self.private or self.waiting.newest_id is None:
            return
        self.seen_button.setEnabled(False)
        self.watch.mark_seen(self.waiting.newest_id, self.actor)

    def _seen_done(self, done: SeenAtDesk) -> None:
        self.seen_button.setEnabled(True)
        code = format_reference(done.reference)
        if done.already:
            who = "you" if self.actor is not None and done.by == self.actor.username else done.by
            self._show_note(f"{code} was already seen at the desk by {who} at {local_clock(done.at)}.")
        else:
            self._show_note(f"{code}: seen at the desk at {local_clock(done.at)}.")

    def _seen_failed(self, sentence: str) -> None:
        self.seen_button.setEnabled(True)
        self._show_note(sentence)

    def _show_note(self, sentence: str) -> None:
        self.note.setText(sentence)
        self._note_until = self.clock() + NOTE_FOR_S
        self.refresh()

    # -- drawing --------------------------------------------------------------------------------------------------
    def sound_words(self) -> str:
        """What the banner says about the chime: "" when it sounds, otherwise why it does not."""
        problem = self.chime.problem
        if problem is not None:
            return problem
        return "sound off" if self.muted else ""

    def refresh(self) -> None:
        stale = self.stale
        if stale and not self._was_stale:
            log.warning("the console cannot check for new requests (%d failed checks)", self.failures)
            window = self.window()
            if window is not None:
                QApplication.alert(window)  # the taskbar flashes: this console is no longer watching
        self._was_stale = stale
        if stale:
            self._show("stale", stale_sentence(self._ok_wall or self._started_wall), desk=False)
            self._set_title("(cannot check) ")
        elif self.waiting.any:
            if self.private:
                self._show("urgent", private_sentence(self.waiting), desk=False)
            else:
                self._show("urgent", desk_sentence(self.waiting, self.now()), desk=True)
            self._set_title(f"({self.waiting.count} urgent) ")
        else:
            self.hide()
            self._set_title("")

    def _show(self, state: str, sentence: str, *, desk: bool) -> None:
        if self.property("state") != state:
            self.setProperty("state", state)
            for widget in (self, *self.findChildren(QLabel), *self.findChildren(QPushButton)):
                repolish(widget)
        self.message.setText(sentence)
        self.message.setAccessibleName(sentence)
        self.note.setVisible(desk and self.clock() < self._note_until and bool(self.note.text()))
        sound = self.sound_words() if state == "urgent" else ""
        self.sound_state.setText(sound)
        self.sound_state.setVisible(bool(sound))
        self.open_button.setVisible(desk)
        self.seen_button.setVisible(desk)
        can_mute = desk and self.chime.problem is None
        self.sound_button.setVisible(can_mute)
        if can_mute:
            muted = self.muted
            self.sound_button.setText("Turn sound on" if muted else "Turn sound off")
            self.sound_button.setAccessibleName("Turn the chime on" if muted else "Turn the chime off")
            self.sound_button.setToolTip(UNMUTE_TIP if muted else MUTE_TIP)
        self.show()

    def _set_title(self, prefix: str) -> None:
        if prefix != self._title:
            self._title = prefix
            self.title_changed.emit(prefix)
