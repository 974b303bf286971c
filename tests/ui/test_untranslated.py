"""No patient screen shows (or says) English, or a string key, once the patient chose another language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.startup import KioskContext
from tests.ui.conftest import MakeWindow
from tests.ui.patient_screens import (
    LANGUAGES,
    SCENES,
    STRING_KEY,
    active_window,
    all_languages_context,
    has_words,
    same_in_every_language,
    settle,
    shown_texts,
)

# Widgets whose words are the same in every language by design.
SAME_BY_DESIGN = (
    "TouchToBegin",  # the attract loop invites in every enabled language at once
    ":language-",  # each language button speaks its own language, so a reader finds theirs in any state
    ":text-size-",  # the three "A"s show the size itself (their spoken names are translated)
)


def by_design(where: str) -> bool:
    return any(name in where for name in SAME_BY_DESIGN)


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KioskContext]:
    yield from all_languages_context(tmp_path, monkeypatch)


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_nothing_shown_is_left_in_english(qtbot: QtBot, make_window: MakeWindow, language: str, scene: str) -> None:
    window = active_window(qtbot, make_window)
    untranslated: list[str] = []
    compared = 0
    for state in SCENES[scene](qtbot, window):
        window.texts.set_language("en")
        settle()
        english = shown_texts(window)
        window.texts.set_language(language)
        settle()
        translated = shown_texts(window)
        same = same_in_every_language(window)
        for where, text in translated.items():
            if STRING_KEY.match(text.strip()):
                untranslated.append(f"{state}: a string key is shown: {text!r} ({where})")
            elif english.get(where) == text and has_words(text) and text.strip() not in same and not by_design(where):
                untranslated.append(f"{state}: still in English: {text!r} ({where.rsplit('/', 1)[-1]})")
            compared += 1
    assert compared, "no text was looked at"
    assert not untranslated, "\n".join(untranslated)


def test_english_shows_no_string_key(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = active_window(qtbot, make_window)
    keys = []
    for scene in SCENES.values():
        for state in scene(qtbot, window):
            settle()
            keys += [f"{state}: {text!r}" for text in shown_texts(window).values() if STRING_KEY.match(text.strip())]
    assert not keys
