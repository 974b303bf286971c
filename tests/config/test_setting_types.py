"""Every setting takes one TOML type, and a value of another type is named with the type wanted and an example.

The cases come from the settings model, so a setting added later is checked without touching this file.
"""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

import pytest

from kiosk.config.loader import SettingsError, load_settings
from kiosk.config.reference import SettingInfo, tables, toml_value
from kiosk.config.settings import DayHours, Settings

# One value of each TOML type, as IT might write it by mistake.
WRITTEN = {
    "text": '"10"',
    "whole number": "10",
    "decimal number": "1.5",
    "true or false": "true",
    "list": '["en"]',
    "table": "{ value = 1 }",
    "date": "1979-05-27",
    "time": "08:00:00",
}
# What the sentence must say for each type a setting takes: the type, and how to write it.
WANTED = {
    "whole number": "but it must be a whole number without quotes, like ",
    "true or false": "but it must be true or false without quotes, like ",
    "text": "in double quotes",
    "list": "but it must be a list of text in double quotes, like [",
}
SETTINGS = [info for table in tables() for info in table.settings]


def toml_type(info: SettingInfo) -> str:
    """The one TOML type a setting takes, read from its annotation in the settings model."""
    table = Settings
    for part in info.table.split("."):
        table = table.model_fields[part].annotation  # type: ignore[assignment]
    annotation = table.model_fields[info.key].annotation
    if get_origin(annotation) in (Union, types.UnionType):
        (annotation,) = [arg for arg in get_args(annotation) if arg is not type(None)]
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "whole number"
    if get_origin(annotation) is tuple:
        return "list"
    assert annotation in (str, Path, DayHours, dt.time) or get_origin(annotation) is Literal, (
        f"{info}: a new kind of setting"
    )
    return "text"


def sentence_for(folder: Path, info: SettingInfo, value: str) -> str:
    path = folder / "kiosk.toml"
    path.write_text(f"# {info.key}, written as IT might\n[{info.table}]\n{info.key} = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))
    return str(caught.value)


@pytest.mark.parametrize("info", SETTINGS, ids=lambda info: f"{info.table}.{info.key}")
def test_a_value_of_another_type_is_refused_saying_the_type_wanted(tmp_path: Path, info: SettingInfo) -> None:
    wanted = toml_type(info)
    for kind, value in WRITTEN.items():
        if kind == wanted:
            continue

        sentence = sentence_for(tmp_path, info, value)

        assert sentence.startswith(f"{tmp_path / 'kiosk.toml'}, line 3: setting {info.table}.{info.key} = "), sentence
        assert WANTED[wanted] in sentence, sentence
        assert ", but it must be " in sentence, sentence


@pytest.mark.parametrize(
    "info", [info for info in SETTINGS if info.default is not None], ids=lambda info: f"{info.table}.{info.key}"
)
def test_the_default_written_in_the_file_is_accepted(tmp_path: Path, info: SettingInfo) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[{info.table}]\n{info.key} = {toml_value(info.default)}\n", encoding="utf-8")

    assert load_settings(str(path))[0] == Settings()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            'exit_hold_seconds = "10"',
            "setting lockdown.exit_hold_seconds = '10' is text in quotes, "
            "but it must be a whole number without quotes, like 10.",
            id="number-in-quotes",
        ),
        pytest.param(
            "exit_hold_seconds = 10.0",
            "setting lockdown.exit_hold_seconds = 10.0 is a number with a decimal point, "
            "but it must be a whole number without quotes, like 10.",
            id="decimal-number",
        ),
        pytest.param(
            "exit_hold_seconds = true",
            "setting lockdown.exit_hold_seconds = true is a true-or-false value, "
            "but it must be a whole number without quotes, like 5.",
            id="boolean-for-a-number",
        ),
        pytest.param(
            'hide_cursor = "true"',
            "setting lockdown.hide_cursor = 'true' is text in quotes, but it must be true or false without quotes, "
            "like true.",
            id="boolean-in-quotes",
        ),
        pytest.param(
            "hide_cursor = 1",
            "setting lockdown.hide_cursor = 1 is a number, but it must be true or false without quotes, like false.",
            id="one-for-true",
        ),
        pytest.param(
            "exit_corner = 1",
            'setting lockdown.exit_corner = 1 is a number, but it must be one of "top-left", "top-right", '
            '"bottom-left", "bottom-right", in double quotes.',
            id="number-for-a-choice",
        ),
        pytest.param(
            "exit_hold_seconds = 1979-05-27",
            "setting lockdown.exit_hold_seconds = 1979-05-27 is a TOML date or time, "
            "but it must be a whole number without quotes, like 5.",
            id="date-for-a-number",
        ),
    ],
)
def test_the_sentence_says_what_was_written_and_what_to_write(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[lockdown]\n{line}\n", encoding="utf-8")

    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))

    assert str(caught.value) == f"{path}, line 2: {expected}"


def test_a_list_item_of_another_type_names_the_list_and_the_item(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[languages]\nenabled = [\n  "en",\n  5,\n]\n', encoding="utf-8")

    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))

    assert str(caught.value) == (
        f"{path}, line 2: setting languages.enabled lists 5, which is a number, "
        'but each item must be text in double quotes, like "en".'
    )


def test_opening_hours_written_as_a_toml_time_say_to_write_text(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[clinic.hours]\nmonday = 08:00:00\n", encoding="utf-8")

    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))

    assert str(caught.value) == (
        f"{path}, line 2: setting clinic.hours.monday = 08:00:00 is a TOML date or time, "
        'but it must be text in double quotes, like "08:00-17:00" or "closed".'
    )


def test_a_quoted_number_outside_the_range_gets_the_range_not_its_own_value_as_the_example(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[idle]\nwarning_seconds = "10"\n', encoding="utf-8")

    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))

    assert str(caught.value) == (
        f"{path}, line 2: setting idle.warning_seconds = '10' is text in quotes, but it must be a whole number "
        "without quotes, like 30 (a whole number of seconds from 20 to 300)."
    )
