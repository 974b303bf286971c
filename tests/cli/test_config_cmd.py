"""`kiosk config show` and `kiosk config reference` as clinic IT runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.config.reference import markdown_reference

SETTINGS = """\
[clinic]
name = "Riverside Pain"

[clinic.hours]
saturday = "09:00-12:00"

[database]
url = "postgresql+psycopg://kiosk:Sup3rSecret@db-host:5432/kiosk?sslmode=require"

[logging]
folder = "logs"
level = "debug"
"""


def lines_by_key(out: str) -> dict[str, str]:
    """'[table] key' -> the whole printed line."""
    found: dict[str, str] = {}
    table = ""
    for line in out.splitlines():
        if line.startswith("["):
            table = line
        elif line.strip():
            key = line.lstrip("# ").split(" ", 1)[0]
            found[f"{table} {key}"] = line
    return found


def test_show_prints_each_setting_with_where_it_came_from_and_masks_the_password(
    write_settings: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_settings(SETTINGS)
    path.chmod(0o600)  # it holds the database password: readable by the kiosk's account only, as IT keeps it

    assert main(["config", "show", "--config", str(path)]) == 0

    out = capsys.readouterr().out
    assert "Sup3rSecret" not in out
    lines = lines_by_key(out)
    assert out.startswith(f"# Settings file: {path} (named by --config)\n")
    assert lines["[clinic] name"].split(" # ") == ['name = "Riverside Pain"'.ljust(43), f"file {path}"]
    assert lines["[clinic] phone"].endswith("# default")
    assert lines["[clinic.hours] saturday"].startswith('saturday = "09:00-12:00"')
    assert lines["[clinic.hours] sunday"].startswith('sunday = "closed"')
    assert lines["[clinic.hours] sunday"].endswith("# default")
    assert lines["[database] url"].startswith(
        'url = "postgresql+psycopg://kiosk:***@db-host:5432/kiosk?sslmode=require"'
    )
    # A relative folder is shown as the kiosk uses it: beside the settings file.
    assert lines["[logging] folder"].startswith(f'folder = "{tmp_path / "logs"}"')
    assert lines["[logging] level"].startswith('level = "debug"')
    assert lines["[lockdown] exit_hold_seconds"].startswith("exit_hold_seconds = 5 ")
    assert lines["[clinic] logo"].startswith("# logo is not set")


def test_the_global_flag_and_the_variable_work_too_and_without_a_file_everything_is_a_default(
    write_settings: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_settings("[idle]\nwarning_seconds = 45\n")
    assert main(["--config", str(path), "config", "show"]) == 0
    assert "warning_seconds = 45" in capsys.readouterr().out

    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert main(["config", "show"]) == 0
    assert capsys.readouterr().out.startswith(f"# Settings file: {path} (named by KIOSK_CONFIG)\n")

    monkeypatch.delenv("KIOSK_CONFIG")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# No settings file: these are the demo defaults.")
    assert "# file " not in out
    # Left out, the database is the built-in SQLite file, and IT can see where it is.
    assert "# url is not set: uses sqlite:///" in out


def test_show_explains_a_bad_settings_file_in_one_sentence(
    write_settings: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_settings("[idle]\nwarning_seconds = 5\n")
    assert main(["config", "show", "--config", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"kiosk: {path}, line 2: setting idle.warning_seconds = 5 is not allowed:")
    assert "Traceback" not in captured.err


def test_reference_prints_the_generated_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "reference"]) == 0
    out = capsys.readouterr().out
    assert out == markdown_reference()
    assert '| `exit_corner` | one of "top-left", "top-right", "bottom-left", "bottom-right" | `"top-left"` |' in out


def test_config_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["config"])
    assert stopped.value.code == 2
    assert "show" in capsys.readouterr().err


def test_check_names_the_line_of_a_mistake_and_accepts_a_good_file(
    write_settings: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_settings('[clinic]\nname = "Riverside Pain"\n\n[lockdown]\nexit_hold_seconds = "10"\n')

    assert main(["config", "check", "--config", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"kiosk: {path}, line 5: setting lockdown.exit_hold_seconds = '10' is text in quotes, "
        "but it must be a whole number without quotes, like 10.\n"
    )

    path.write_text('[clinic]\nname = "Riverside Pain"\n\n[lockdown]\nexit_hold_seconds = 10\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 0
    assert capsys.readouterr().out == f"The settings file {path} is valid: the kiosk will use it.\n"
