"""The urgent chime: the WAV the project makes itself, and a player that says plainly when it cannot sound.

`python -m kiosk.ui.console.chime` writes resources/sounds/urgent-chime.wav again; a test holds the shipped
file to what `chime_frames()` makes, so the sound in the repository is always the one this code describes.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kiosk.qt import QObject, QWidget

from kiosk.config.settings import UrgentSettings
from kiosk.paths import resources_dir

log = logging.getLogger(__name__)

RATE = 44_100  # 16-bit mono at CD rate: every sound card plays it without resampling surprises
AMPLITUDE = 0.6  # of full scale: about -6 dB at its peak, loud enough at chime_volume 80, never clipping
# Two notes falling a major third, then the first again, quieter: a doorbell's call, not a siren.
NOTES = ((659.25, 0.0, 1.0), (523.25, 0.42, 1.0), (659.25, 0.84, 0.6))  # (Hz, start s, loudness)
NOTE_S = 0.62
FADE_IN_S = 0.012  # a click-free start
FADE_OUT_S = 0.12
LENGTH_S = 1.7  # silence after the last note, so repeated plays are separate calls
OVERTONES = ((1, 1.0), (2, 0.28), (3, 0.08))  # a little warmth, like a struck bar
SOUND_FILE = "urgent-chime.wav"

SOUND_OFF_IN_SETTINGS = "sound off in settings"
NO_SOUND_HERE = "no sound on this PC"


def _note(frequency: float, index: int) -> float:
    t = index / RATE
    envelope = math.exp(-t * 4.5)  # rings and fades like a chime bar
    if t < FADE_IN_S:
        envelope *= t / FADE_IN_S
    left = NOTE_S - t
    if left < FADE_OUT_S:
        envelope *= max(0.0, left / FADE_OUT_S)
    wave_value = sum(weight * math.sin(2 * math.pi * frequency * harmonic * t) for harmonic, weight in OVERTONES)
    return envelope * wave_value


def chime_frames() -> bytes:
    """The chime as 16-bit little-endian mono samples at RATE."""
    total = round(LENGTH_S * RATE)
    samples = [0.0] * total
    peak_weight = sum(weight for _, weight in OVERTONES)
    for frequency, start, loudness in NOTES:
        first = round(start * RATE)
        for index in range(round(NOTE_S * RATE)):
            if first + index < total:
                samples[first + index] += loudness * _note(frequency, index) / peak_weight
    scale = AMPLITUDE * 32767
    return b"".join(struct.pack("<h", max(-32768, min(32767, round(value * scale)))) for value in samples)


def chime_wav() -> bytes:
    """The whole WAV file, header included, exactly as shipped."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(chime_frames())
    return buffer.getvalue()


def shipped_chime() -> Path:
    return resources_dir() / "sounds" / SOUND_FILE


class SoundEffect(Protocol):
    """What the console asks of Qt's QSoundEffect (tests hand in a stand-in where no sound card is)."""

    def setLoopCount(self, count: int) -> None: ...  # noqa: N802 (Qt's name)
    def setVolume(self, volume: float) -> None: ...  # noqa: N802 (Qt's name)
    def play(self) -> None: ...
    def stop(self) -> None: ...
    def status(self) -> object: ...


def qt_sound_effect(parent: QObject) -> SoundEffect | None:
    """Qt's QSoundEffect on the shipped chime, or None where this PC has no sound output (or no Qt Multimedia)."""
    try:
        from kiosk.qt import QMediaDevices, QSoundEffect, QUrl
    except ImportError as exc:  # Qt Multimedia needs libpulse on Linux, which some PCs lack
        log.warning("the urgent chime cannot play: Qt Multimedia does not load (%s)", type(exc).__name__)
        return None
    if not QMediaDevices.audioOutputs():
        log.warning("the urgent chime cannot play: this PC has no sound output")
        return None
    effect = QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(shipped_chime())))
    return effect


class Chime(QObject):
    """Plays the chime `settings.chime_plays` times at `chime_volume`; `problem` says why it cannot, if it cannot."""

    def __init__(
        self,
        settings: UrgentSettings,
        parent: QWidget | None = None,
        *,
        make_effect: Callable[[QObject], SoundEffect | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._make_effect = make_effect
        self._effect: SoundEffect | None = None
        self._made = False
        self.plays = 0  # how often it was asked to sound (the log and tests read it)

    def _ready(self) -> SoundEffect | None:
        # Made on first need, so a console that never raises the alarm loads no Qt Multimedia.
        if not self._made and self.settings.chime:
            self._made = True
            self._effect = (self._make_effect or qt_sound_effect)(self)
            if self._effect is not None:
                self._effect.setLoopCount(self.settings.chime_plays)
                self._effect.setVolume(self.settings.chime_volume / 100)
        return self._effect

    @property
    def problem(self) -> str | None:
        """What the banner says when no chime can sound here, or None when it can."""
        if not self.settings.chime:
            return SOUND_OFF_IN_SETTINGS
        effect = self._ready()
        if effect is None or getattr(effect.status(), "name", "") == "Error":
            return NO_SOUND_HERE
        return None

    def play(self) -> bool:
        """Sound the chime; False (and nothing heard) when `problem` says why not."""
        if self.problem is not None:
            return False
        assert self._effect is not None
        self._effect.stop()  # from the start again, not a second voice over the first
        self._effect.play()
        self.plays += 1
        log.info("urgent chime played")
        return True

    def stop(self) -> None:
        if self._effect is not None:
            self._effect.stop()


if __name__ == "__main__":  # regenerate the shipped file after changing the notes above
    target = Path(__file__).resolve().parents[3] / "resources" / "sounds" / SOUND_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(chime_wav())
    print(f"wrote {target}")
