"""Read-aloud with the real speech-dispatcher engine, where it is installed (CI installs it; see README).

speech-dispatcher speaks through espeak-ng, as on a Linux kiosk. The test starts its own speech-dispatcher,
configured to play into libao's null device: a CI machine has no sound card (the shared daemon never finishes
a sentence there: "server audio not set up"), and a developer's desk stays quiet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.i18n.strings import StringCatalog
from kiosk.ui.speech.read_aloud import ReadAloud, engine_to_use
from kiosk.ui.texts import UiTexts

pytestmark = pytest.mark.qt_log_ignore("pipewire")
SPEECHD_CONF = """AudioOutputMethod "libao"
DefaultModule espeak-ng
AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"
"""


@pytest.fixture
def quiet_speech_dispatcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    try:
        from kiosk.qt import QTextToSpeech
    except ImportError as exc:
        pytest.skip(f"Qt's text-to-speech cannot load here ({exc}); CI installs libspeechd2 libpulse0")
    if "speechd" not in QTextToSpeech.availableEngines():
        pytest.skip("the speechd engine is not installed (apt install speech-dispatcher espeak-ng libspeechd2)")
    # A short folder: the daemon's socket path must fit in 108 bytes.
    with tempfile.TemporaryDirectory(prefix="sd", dir="/tmp") as folder:
        home = Path(folder)
        (home / ".config" / "speech-dispatcher").mkdir(parents=True)
        (home / ".config" / "speech-dispatcher" / "speechd.conf").write_text(SPEECHD_CONF)
        (home / ".libao").write_text("default_driver=null\n")
        (home / "run").mkdir(mode=0o700)
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
        yield  # the daemon it spawns for the test exits by itself once its last client is gone


@pytest.mark.usefixtures("quiet_speech_dispatcher")
def test_speech_dispatcher_reads_in_each_language_and_finishes(qtbot: QtBot) -> None:
    from kiosk.qt import QTextToSpeech

    texts = UiTexts(StringCatalog.load(("en", "es"), "en"), ("en", "es", "vi"), "en")  # voices only, no strings
    read_aloud = ReadAloud(texts)  # the platform's engine: speechd on Linux
    read_aloud.prepare()
    engine = read_aloud.engine
    assert engine is not None and engine.engine() == "speechd"
    assert read_aloud.available
    assert engine.locale().name() == "en_US"
    for language, locale in (("es", "es_ES"), ("vi", "vi_VN")):
        texts.set_language(language)
        assert read_aloud.available
        assert engine.locale().name() == locale
        assert engine.voice().locale().language() == texts.locale.language()

    states: list[QTextToSpeech.State] = []
    engine.stateChanged.connect(states.append)
    read_aloud.speak("Xin chào.")
    qtbot.waitUntil(lambda: QTextToSpeech.State.Speaking in states, timeout=10_000)
    qtbot.waitUntil(lambda: engine.state() == QTextToSpeech.State.Ready, timeout=20_000)
    assert states[-1] == QTextToSpeech.State.Ready
    read_aloud.deleteLater()


def test_the_platform_engine() -> None:
    assert engine_to_use(["mock", "speechd"], "linux") == "speechd"
    assert engine_to_use(["mock"], "linux") is None  # the silent test engine is never the kiosk's
    assert engine_to_use([], "linux") is None
    assert engine_to_use(["mock", "sapi", "winrt"], "win32") == ""  # Qt's default: the native engine
    assert engine_to_use(["mock"], "win32") is None
