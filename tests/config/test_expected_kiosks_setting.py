"""[database] expected_kiosks: each kiosk named once; a mistake is one sentence saying what to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config.loader import SettingsError, load_settings

WriteSettings = Callable[..., Path]
RULE = (
    "a list of the computer names of the patient kiosks expected on a shared database, each name written once and"
    ' none empty, like ["waiting-room-1", "waiting-room-2"]'
)


def settings_error(path: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path), None)
    message = str(caught.value)
    assert "\n" not in message, "a settings problem must read as one sentence"
    return message


def test_the_expected_kiosks_are_read_as_written(write_settings: WriteSettings) -> None:
    path = write_settings('[database]\nexpected_kiosks = ["waiting-room-1", "waiting-room-2"]\n')
    settings, _ = load_settings(str(path), None)
    assert settings.database.expected_kiosks == ("waiting-room-1", "waiting-room-2")


def test_none_expected_by_default(write_settings: WriteSettings) -> None:
    settings, _ = load_settings(str(write_settings("")), None)
    assert settings.database.expected_kiosks == ()


def test_a_kiosk_named_twice_is_one_sentence(write_settings: WriteSettings) -> None:
    path = write_settings('[database]\nexpected_kiosks = ["waiting-room-1", "Waiting-Room-1"]\n')
    message = settings_error(path)
    assert message.startswith(
        f"{path}, line 2: setting database.expected_kiosks = ['waiting-room-1', 'Waiting-Room-1'] is not allowed:"
        f" use {RULE}"
    ), message


def test_an_empty_name_is_one_sentence(write_settings: WriteSettings) -> None:
    path = write_settings('[database]\nexpected_kiosks = ["waiting-room-1", " "]\n')
    message = settings_error(path)
    assert message.startswith(
        f"{path}, line 2: setting database.expected_kiosks = ['waiting-room-1', ' '] is not allowed: use {RULE}"
    ), message
