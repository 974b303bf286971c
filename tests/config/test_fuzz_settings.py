"""Whatever IT (or a damaged disk) puts in the settings file, the loader answers with settings or one sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.config.loader import SettingsError, load_settings
from kiosk.config.reference import tables
from kiosk.i18n.strings import available_languages
from tests.toml_strategies import bare_keys, nested, quoted_keys, values

FUZZ = settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "30")),  # raise it to hunt longer on a spare PC
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,  # the same examples each run, unless hunting
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TABLES = {table.name: [info.key for info in table.settings] for table in tables()}


def outcome(folder: Path, content: str | bytes) -> str:
    """Load a settings file holding `content`: "ok", or the sentence the kiosk would print."""
    path = folder / "kiosk.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        load_settings(str(path), available_languages())
    except SettingsError as exc:
        sentence = str(exc)
        assert sentence.strip(), "an empty message"
        assert "\n" not in sentence and "\x1b" not in sentence and "Traceback" not in sentence, sentence
        sentence.encode("utf-8")  # printable: no half characters
        assert len(sentence) < 2000, "the sentence quotes too much of the file"
        return sentence
    return "ok"


@st.composite
def settings_files(draw: st.DrawFn) -> str:
    """A settings file in the kiosk's own shape: known tables, known (and a few unknown) keys, any values."""
    lines = []
    for name in draw(st.lists(st.sampled_from([*TABLES, "nosuch"]), max_size=4, unique=True)):
        lines.append(f"[{name}]")
        known = TABLES.get(name, [])
        unknown = bare_keys | quoted_keys
        keys = draw(st.lists(st.sampled_from(known) | unknown if known else unknown, max_size=4, unique=True))
        lines += [f"{key} = {draw(values)}" for key in keys]
    return "\n".join(lines) + "\n"


# --- The properties ---------------------------------------------------------------------------------------------


@FUZZ
@given(content=settings_files())
@example(content="languages = 5\n")
@example(content='[clinic]\nname = "Clinic"\nphone = 99999999999999999999999999\n')
@example(content='[content]\nfolder = "a\\u0000b"\n')
@example(content='[content]\nfolder = "~nosuchuser/pages"\n')
@example(content='[clinic]\n"a\\nb\\u001b[31m" = 1\n')
def test_a_settings_file_of_any_shape_is_read_or_named_in_one_sentence(tmp_path: Path, content: str) -> None:
    outcome(tmp_path, content)


@FUZZ
@given(content=st.text(max_size=300))
@example(content="a = " + "9" * 5000)
def test_any_text_is_read_or_named_in_one_sentence(tmp_path: Path, content: str) -> None:
    outcome(tmp_path, content)


@FUZZ
@given(content=st.binary(max_size=300))
@example(content=b"[clinic]\nname = " + b"[" * 5000)
def test_any_bytes_are_read_or_named_in_one_sentence(tmp_path: Path, content: bytes) -> None:
    outcome(tmp_path, content)


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=30_000),
    opener=st.sampled_from(["[", "{a = "]),
    where=st.sampled_from(["[clinic]\nname = ", "[languages]\nenabled = ", "x = "]),
)
@example(depth=5000, opener="[", where="[clinic]\nname = ")
def test_nesting_of_any_depth_is_read_or_named_in_one_sentence(
    tmp_path: Path, depth: int, opener: str, where: str
) -> None:
    outcome(tmp_path, where + nested(depth, opener) + "\n")


def test_a_file_nested_thousands_deep_names_the_line(tmp_path: Path) -> None:
    sentence = outcome(tmp_path, '[clinic]\nname = "Clinic"\nphone = ' + nested(5000, "[") + "\n")

    assert sentence == (
        f"{tmp_path / 'kiosk.toml'}, line 3: the settings file is not valid TOML (tables or lists are nested too "
        "deeply to read; settings and page headers need only a few levels): correct that line and start again."
    )


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "9223372036854775808"])
def test_a_number_beyond_64_bits_is_named(tmp_path: Path, number: str) -> None:
    sentence = outcome(tmp_path, f"[idle]\ninfo_timeout_seconds = {number}\n")

    assert "a whole number is too large" in sentence and ", line 2: " in sentence


def test_a_table_written_as_a_value_says_a_table_is_needed(tmp_path: Path) -> None:
    sentence = outcome(tmp_path, "languages = 5\n")

    assert sentence.endswith(
        "setting languages = 5 is not allowed: use a [languages] table of settings (default, enabled)."
    )
