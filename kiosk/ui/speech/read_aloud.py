"""Read-aloud: one text-to-speech engine that reads screens, field labels and errors in the patient's language.

Nothing spoken is ever logged: the words can come from a patient's visit (an error about their answer).
"""

from __future__ import annotations

import enum
import logging
import sys
import time
from typing import TYPE_CHECKING, Protocol

from kiosk.qt import QApplication, QLineEdit, QObject, QPlainTextEdit, QTimer, QWidget, Signal

from kiosk.ui.speech.words import speakable
from kiosk.ui.texts import UiTexts

if TYPE_CHECKING:
    from kiosk.qt import QTextToSpeech

log = logging.getLogger(__name__)
MOCK_ENGINE = "mock"  # Qt's engine for its own tests: it makes no sound, so a kiosk never picks it by itself


class Readable(Protocol):
    """A screen (or anything shown) that can say what it shows."""

    def spoken_text(self) -> str: ...


class _Utterance(enum.IntEnum):
    """What waits to be said, most important first: only the first waiting one is said."""

    SCREEN = 0  # a new screen or form step: its words include any error and the focused field's label
    ANNOUNCEMENT = 1  # an error or notice that just appeared: it names its field
    FIELD = 2  # the label of the text box that took focus


def engine_to_use(available: list[str], platform: str = sys.platform) -> str | None:
    """The engine's name, "" for Qt's own default, or None when there is no engine that makes a sound.

    Linux: speech-dispatcher ("speechd"), which speaks with espeak-ng offline. Elsewhere Qt's default is the
    native engine (Windows: "sapi"/"winrt", macOS: "darwin"), which is built in.
    """
    audible = [name for name in available if name != MOCK_ENGINE]
    if platform.startswith("linux"):
        return "speechd" if "speechd" in audible else None
    return "" if audible else None


class ReadAloud(QObject):
    """Says screens aloud while the patient has read-aloud on.

    The engine is made by `prepare()`, after start-up, never with the window: speech-dispatcher's engine lists
    its ~1500 espeak-ng voices when made, which took 1.6 s of the GUI thread on the development VM. Until then,
    and wherever no engine or no voice for the patient's language exists, `available` is False and the kiosk
    hides the speaker button.
    """

    availability_changed = Signal(bool)
    active_changed = Signal(bool)

    def __init__(self, texts: UiTexts, engine: str | None = None, parent: QObject | None = None) -> None:
        """`engine`: an engine's name ("mock" in tests), or None for the platform's (see engine_to_use)."""
        super().__init__(parent)
        self._texts = texts
        self._engine_name = engine
        self._prepared = False
        self._speech: QTextToSpeech | None = None
        self._available = False
        self._active = False
        self._screen: Readable | None = None
        self._waiting: dict[_Utterance, Readable | str] = {}
        # Everything a change shows in one turn of the event loop (a step, its errors, the focused box) is said
        # once, after the screens have updated their words, as the most important of the waiting utterances.
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._say_waiting)
        texts.language_changed.connect(self._language_changed)

    # -- the engine ------------------------------------------------------------------------------------------
    def prepare_later(self, delay_ms: int) -> None:
        """Make the engine after `delay_ms`, once start-up is done (`kiosk run`)."""
        QTimer.singleShot(delay_ms, self, self.prepare)

    def prepare(self, engine: str | None = None) -> None:
        """Make the engine and pick the voice for the current language; once. Logs why read-aloud is off.

        `engine` names another engine than the one given when made (tests prepare a window's with "mock").
        """
        if engine is not None:
            self._engine_name = engine
        if self._prepared:
            return
        self._prepared = True
        began = time.perf_counter()
        from kiosk.ops.doctor_fixes import SPEECH_FIX

        try:
            from kiosk.qt import QTextToSpeech
        except ImportError as exc:  # libpulse or libspeechd missing: Qt's module does not load at all
            log.warning("read-aloud is off: Qt's text-to-speech cannot load (%s); %s", exc, SPEECH_FIX)
            return
        engines = QTextToSpeech.availableEngines()
        name = self._engine_name if self._engine_name is not None else engine_to_use(engines)
        if name is None:
            log.warning("read-aloud is off: no text-to-speech engine is installed; %s", SPEECH_FIX)
            return
        if name and name not in engines:  # asked for by name; Qt itself would print a warning and fail
            found = ", ".join(engines) or "none"
            log.warning("read-aloud is off: no text-to-speech engine %r (found: %s); %s", name, found, SPEECH_FIX)
            return
        speech = QTextToSpeech(name, self) if name else QTextToSpeech(self)
        if speech.engine() == MOCK_ENGINE and name != MOCK_ENGINE:
            log.warning("read-aloud is off: only Qt's silent test engine is installed; %s", SPEECH_FIX)
            speech.deleteLater()
            return
        if speech.state() == QTextToSpeech.State.Error:
            reason = speech.errorString()
            log.warning("read-aloud is off: the %r engine failed: %s; %s", speech.engine(), reason, SPEECH_FIX)
            speech.deleteLater()
            return
        self._speech = speech
        # The reason only: an engine's message could quote the words it failed on.
        speech.errorOccurred.connect(lambda reason, _text: log.warning("read-aloud: engine error (%s)", reason.name))
        speech.stateChanged.connect(self._engine_state_changed)
        self._pick_voice()
        log.info(
            "read-aloud ready: the %r engine, %d languages, in %.0f ms",
            speech.engine(),
            len({locale.language() for locale in speech.availableLocales()}),
            (time.perf_counter() - began) * 1000,
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    @property
    def engine(self) -> QTextToSpeech | None:
        """The engine, once made and working (tests listen to its signals)."""
        return self._speech

    @property
    def available(self) -> bool:
        """An engine works and has a voice for the patient's current language."""
        return self._available

    def _engine_state_changed(self, _state: object) -> None:
        # Some engines (Windows' WinRT) finish starting after they are made: pick the voice once they are ready.
        if not self._available:
            self._pick_voice()

    def _pick_voice(self) -> None:
        speech = self._speech
        if speech is None:
            return
        wanted = self._texts.locale
        locales = speech.availableLocales()
        # The language's own country first (es_ES for "es"), else any country that speaks it (es_419).
        match = next((locale for locale in locales if locale.name() == wanted.name()), None) or next(
            (locale for locale in locales if locale.language() == wanted.language()), None
        )
        if match is not None:
            speech.setLocale(match)
        # An engine keeps its old locale when it cannot take the new one: check what it has now.
        speaks = match is not None and speech.locale().language() == wanted.language()
        self._set_available(speaks and bool(speech.availableVoices()))
        if self._available:
            log.debug("read-aloud voice for %s: %s", wanted.name(), speech.voice().name())

    def _set_available(self, available: bool) -> None:
        if available == self._available:
            return
        self._available = available
        if not available:
            self.set_active(False)  # a hidden button must not leave reading on
        self.availability_changed.emit(available)

    def _language_changed(self, _language: str) -> None:
        self._pick_voice()
        if self._active:
            self.stop()
            self._wait(_Utterance.SCREEN, self._screen)  # again, in the new language and voice

    # -- on and off ------------------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """The patient turned read-aloud on: screens, steps, labels and errors are read as they appear."""
        return self._active

    def set_active(self, active: bool) -> None:
        active = active and self._available
        if active == self._active:
            return
        self._active = active
        log.info("read-aloud turned %s", "on" if active else "off")
        if active:
            self._wait(_Utterance.SCREEN, self._screen)  # the screen in front of the patient, at once
        else:
            self.stop()
        self.active_changed.emit(active)

    def reset(self) -> None:
        """The visit ended (the next patient, the idle wipe): silence, and off."""
        self.set_active(False)
        self.stop()

    # -- what is said ----------------------------------------------------------------------------------------
    def speak(self, text: str) -> None:
        """Say `text` now, cutting off whatever was being said. Never logged."""
        words = speakable(text)
        if self._speech is not None and self._available and words:
            self._speech.say(words)

    def stop(self) -> None:
        self._waiting.clear()
        self._soon.stop()
        if self._speech is not None:
            from kiosk.qt import QTextToSpeech

            if self._speech.state() in (QTextToSpeech.State.Speaking, QTextToSpeech.State.Paused):
                self._speech.stop()

    def show_screen(self, screen: Readable) -> None:
        """A screen or form step is now in front of the patient: read it if read-aloud is on."""
        self._screen = screen
        if self._active:
            self._wait(_Utterance.SCREEN, screen)

    def announce(self, text: str) -> None:
        """An error or notice just appeared on the screen: read it if read-aloud is on."""
        if self._active and text:
            self._wait(_Utterance.ANNOUNCEMENT, text)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # A text box's name is its question ("Phone number"); its text, what the patient typed, is never read.
        if not self._active or not isinstance(new, QLineEdit | QPlainTextEdit):
            return
        if new.window() is self.parent() and new.accessibleName():
            self._wait(_Utterance.FIELD, new.accessibleName())

    def _wait(self, kind: _Utterance, what: Readable | str | None) -> None:
        if what is None:
            return
        self._waiting[kind] = what
        self._soon.start()

    def _say_waiting(self) -> None:
        if not self._waiting or not self._active:
            self._waiting.clear()
            return
        what = self._waiting[min(self._waiting)]
        self._waiting.clear()
        self.speak(what if isinstance(what, str) else what.spoken_text())
