"""The settings file `kiosk init` writes stays valid whatever IT uncomments in it, one line or any mix of them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli.main import main
from kiosk.config.loader import load_settings
from kiosk.config.reference import settings_template, tables
from kiosk.config.settings import Settings
from kiosk.i18n.strings import available_languages

SETTING_LINE = re.compile(r"^# ([a-z_]+) = (.+)$")
TEMPLATE_LINES = settings_template().splitlines()
SETTING_LINE_NUMBERS = [number for number, line in enumerate(TEMPLATE_LINES) if SETTING_LINE.match(line)]


def uncommented(lines: list[str], numbers: set[int]) -> str:
    """The template with the "# " removed from the given setting lines, as IT does in an editor."""
    return "\n".join(line[2:] if number in numbers else line for number, line in enumerate(lines)) + "\n"


def test_the_template_offers_every_setting_that_has_a_default_and_explains_the_others() -> None:
    offered = {SETTING_LINE.match(TEMPLATE_LINES[number]).group(1) for number in SETTING_LINE_NUMBERS}  # type: ignore[union-attr]
    for table in tables():
        for info in table.settings:
            assert info.key in offered or f"#   {info.key} is not set: {info.meaning}" in TEMPLATE_LINES


def test_every_setting_line_of_the_file_init_writes_is_accepted_uncommented_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = tmp_path / "kiosk.toml"
    secret = tmp_path / "admin-password.txt"
    secret.write_text("violet harbour lamp\n", encoding="utf-8")
    assert main(["--config", str(written), "init", "--admin-user", "ada", "--admin-password-file", str(secret)]) == 0
    lines = written.read_text(encoding="utf-8").splitlines()
    numbers = [number for number, line in enumerate(lines) if SETTING_LINE.match(line)]
    assert len(numbers) > 40  # every setting with a default, in every table
    capsys.readouterr()

    for number in numbers:
        variant = tmp_path / "variant.toml"
        variant.write_text(uncommented(lines, {number}), encoding="utf-8")

        code = main(["config", "check", "--config", str(variant)])

        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), f"uncommenting {lines[number]!r}: {err}"
        assert out == f"The settings file {variant} is valid: the kiosk will use it.\n"
        # The value shown is the default, so uncommenting alone changes nothing.
        assert load_settings(str(variant), available_languages())[0] == Settings()


@settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(chosen=st.sets(st.sampled_from(SETTING_LINE_NUMBERS)))
def test_any_mix_of_uncommented_setting_lines_is_accepted(tmp_path: Path, chosen: set[int]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(uncommented(TEMPLATE_LINES, chosen), encoding="utf-8")

    loaded, source = load_settings(str(path), available_languages())

    assert (loaded, source) == (Settings(), path)


def test_the_whole_template_uncommented_is_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(uncommented(TEMPLATE_LINES, set(SETTING_LINE_NUMBERS)), encoding="utf-8")

    assert load_settings(str(path), available_languages())[0] == Settings()


def test_an_uncommented_line_with_a_new_value_is_used(tmp_path: Path) -> None:
    number = TEMPLATE_LINES.index("# exit_hold_seconds = 5")
    lines = [*TEMPLATE_LINES]
    lines[number] = "# exit_hold_seconds = 10"
    path = tmp_path / "kiosk.toml"
    path.write_text(uncommented(lines, {number}), encoding="utf-8")

    assert load_settings(str(path))[0].lockdown.exit_hold_seconds == 10


def test_init_says_how_to_check_the_file_after_editing_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = tmp_path / "kiosk.toml"
    secret = tmp_path / "admin-password.txt"
    secret.write_text("violet harbour lamp\n", encoding="utf-8")

    assert main(["--config", str(written), "init", "--admin-user", "ada", "--admin-password-file", str(secret)]) == 0

    assert (
        f"Wrote the settings file {written}: edit it to set the clinic's name, hours and database, "
        "then run `kiosk config check`.\n"
    ) in capsys.readouterr().out
