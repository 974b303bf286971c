"""Every settings mistake names the line to correct, however the file is laid out (subtables, dotted keys, ...)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config.loader import SettingsError, load_settings
from kiosk.config.reference import tables, toml_value

DEFAULT_LINES = {
    table.name: [f"{info.key} = {toml_value(info.default)}" for info in table.settings if info.default is not None]
    for table in tables()
    if any(info.default is not None for info in table.settings)
}


def sentence(folder: Path, text: str, newline: str = "\n") -> str:
    path = folder / "kiosk.toml"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path), ["en", "es", "vi"])
    said = str(caught.value)
    assert "\n" not in said
    return said.removeprefix(f"{path}, ")


@pytest.mark.parametrize(
    ("text", "line", "starts"),
    [
        pytest.param(
            '# opening hours\n[clinic]\nname = "Riverside"\n\n[clinic.hours]\n# weekdays\nmonday = "9-5"\n',
            7,
            "setting clinic.hours.monday = '9-5' is not allowed",
            id="in-a-subtable",
        ),
        pytest.param(
            '[clinic]\nname = "Riverside"\n[clinic.hours]\nmonday = "08:00-12:00"\nfunday = "closed"\n',
            5,
            "setting clinic.hours.funday is not a known setting",
            id="unknown-key-in-a-subtable",
        ),
        pytest.param(
            'clinic.name = "Riverside"\nclinic.hours.tuesday = "9-5"\n',
            2,
            "setting clinic.hours.tuesday = '9-5'",
            id="dotted-keys",
        ),
        pytest.param(
            '[clinic]\nphone = "0123"\nhours.wednesday = "later"\n',
            3,
            "setting clinic.hours.wednesday = 'later'",
            id="dotted-key-inside-a-table",
        ),
        pytest.param(
            '[clinic]\nname = "Riverside"\nhours = { monday = "08:00-12:00", friday = 5 }\n',
            3,
            "setting clinic.hours.friday = 5 is a number",
            id="inline-table",
        ),
        pytest.param(
            '[idle]\n"warning_seconds" = 5\n',
            2,
            "setting idle.warning_seconds = 5 is not allowed",
            id="quoted-key",
        ),
        pytest.param(
            "[ idle ]\n  warning_seconds   =   5  # too short\n",
            2,
            "setting idle.warning_seconds = 5 is not allowed",
            id="spaces-and-a-comment",
        ),
        pytest.param(
            '[clinic]\nname = """\nwarning_seconds = 5\n[idle]\n"""\n[idle]\nwarning_seconds = 6\n',
            7,
            "setting idle.warning_seconds = 6 is not allowed",
            id="lookalike-lines-inside-a-multiline-string",
        ),
        pytest.param(
            '[languages]\nenabled = [\n  "en", # [idle]\n  "es",\n]\n[idle]\nwarning_seconds = 5\n',
            7,
            "setting idle.warning_seconds = 5",
            id="after-a-list-over-several-lines",
        ),
        pytest.param(
            "[screensaver]\nseconds = 10\n",
            1,
            "setting screensaver is not a known setting",
            id="unknown-table",
        ),
        pytest.param(
            '[idle]\nwarning_seconds = 30\n\n[languages]\ndefault = "es"\nenabled = ["en"]\n',
            5,
            "setting languages.default = 'es' is not allowed: it must be one of languages.enabled",
            id="default-language-not-enabled",
        ),
        pytest.param(
            '[languages]\ndefault = "en"\nenabled = ["en", "fr"]\n',
            3,
            "setting languages.enabled lists 'fr', which the kiosk has no translation for",
            id="language-without-translations",
        ),
        pytest.param(
            '[logging]\nlevel = "info"\nfolder = "~nosuchuser/logs"\n',
            3,
            "setting logging.folder = '~nosuchuser/logs' is not allowed: the account named after ~ does not exist",
            id="path-no-file-system-can-hold",
        ),
        pytest.param(
            '[clinic]\nname = "Riverside"\nphone = 0504 249\n',
            3,
            "the settings file is not valid TOML (",
            id="toml-syntax",
        ),
        pytest.param(
            "[idle]\n[idle]\n",
            2,
            "the settings file is not valid TOML (a [table] line is written twice",
            id="table-twice",
        ),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_sentence_names_the_line_of_the_mistake(
    tmp_path: Path, text: str, line: int, starts: str, newline: str
) -> None:
    assert sentence(tmp_path, text, newline).startswith(f"line {line}: {starts}")


@st.composite
def files_with_one_mistake(draw: st.DrawFn) -> tuple[str, int]:
    """Valid settings in any order with blank and comment lines, and one setting of the wrong type; its line."""
    lines: list[str] = []
    names = draw(st.lists(st.sampled_from(sorted(DEFAULT_LINES)), min_size=1, unique=True))
    bad_table = draw(st.sampled_from(names))
    bad_line = 0
    filler = st.sampled_from(["", "# a note", "   ", "# [idle]", "#warning_seconds = 5"])
    for name in names:
        lines += draw(st.lists(filler, max_size=2))
        lines.append(f"[{name}]")
        settings_lines = draw(st.lists(st.sampled_from(DEFAULT_LINES[name]), unique=True))
        if name == bad_table:
            key = draw(st.sampled_from(DEFAULT_LINES[name])).split(" = ")[0]
            settings_lines = [line for line in settings_lines if not line.startswith(f"{key} = ")]
            at = draw(st.integers(0, len(settings_lines)))
            settings_lines.insert(at, f"{key} = {{ wrong = 1 }}")  # a table is no setting's type
        for text in settings_lines:
            lines += draw(st.lists(filler, max_size=1))
            lines.append(text)
            if text.endswith("= { wrong = 1 }"):
                bad_line = len(lines)
    return "\n".join(lines) + "\n", bad_line


@settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=files_with_one_mistake())
def test_wherever_the_mistake_is_its_line_is_named(tmp_path: Path, case: tuple[str, int]) -> None:
    text, line = case

    assert sentence(tmp_path, text).startswith(f"line {line}: setting ")
