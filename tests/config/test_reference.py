"""The settings reference and the init template come from the settings model, and IT's settings page carries it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.config.loader import settings_from_mapping
from kiosk.config.reference import END_MARKER, START_MARKER, markdown_reference, settings_template, tables
from kiosk.config.settings import WEEKDAYS, Settings

SETTINGS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "it" / "settings.md"


def test_the_settings_page_carries_exactly_the_generated_reference() -> None:
    text = SETTINGS_PAGE.read_text(encoding="utf-8")
    assert text.count(START_MARKER) == 1 and text.count(END_MARKER) == 1, (
        f"docs/it/settings.md needs one {START_MARKER} and one {END_MARKER} line around the settings reference"
    )
    inside = text.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0]
    assert inside.strip("\n") == markdown_reference().strip("\n"), (
        "The settings reference in docs/it/settings.md differs from the settings model: replace the text between "
        "the markers with the output of `kiosk config reference`."
    )


def test_every_setting_is_in_the_reference_with_its_default_and_meaning() -> None:
    reference = markdown_reference()
    listed = {(table.name, info.key) for table in tables() for info in table.settings}
    expected = {
        (section, key)
        for section, field in Settings.model_fields.items()
        for key in field.annotation.model_fields  # type: ignore[union-attr]
        if key != "hours"
    } | {("clinic.hours", day) for day in WEEKDAYS}
    assert listed == expected
    for table in tables():
        assert f"#### `[{table.name}]`" in reference
        for info in table.settings:
            assert info.meaning, f"{table.name}.{info.key} has no description in kiosk/config/settings.py"
    assert (
        "| `max_kb` | whole number | `1024` | the size of one log file before it rolls over, in KiB: 64 to 102400 |"
        in reference
    )
    assert '| `saturday` | "HH:MM-HH:MM" or "closed" | `"closed"` |' in reference
    assert "| `url` | text (optional) | not set |" in reference
    # A table's docstring says what the table is for.
    assert "The kiosk's own log files (never patient data)." in reference


def _only_empty_tables(value: object) -> bool:
    return isinstance(value, dict) and all(_only_empty_tables(inner) for inner in value.values())


def test_the_init_template_sets_nothing_and_uncommented_gives_the_defaults() -> None:
    template = settings_template()
    # Its [table] lines may be live (so that any setting uncommented lands in its table), but it sets no value.
    assert _only_empty_tables(tomllib.loads(template))
    assert settings_from_mapping(tomllib.loads(template)) == Settings()
    uncommented = "\n".join(
        line[2:]
        if line.startswith("# [") or (line.startswith("# ") and " = " in line and not line.startswith("#  "))
        else line
        for line in template.splitlines()
    )
    raw = tomllib.loads(uncommented)
    assert set(raw) == set(Settings.model_fields)
    assert settings_from_mapping(raw) == Settings()
    # Settings without a default value are explained, not left for a guess.
    assert "#   logo is not set: the path of an existing PNG, JPG or SVG image file, or left out" in template
