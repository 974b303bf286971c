"""Settings as clinic IT meets them: where the file is found, and one clear sentence per mistake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config.loader import SettingsError, load_settings, settings_from_mapping
from kiosk.config.locations import CONFIG_ENV, default_config_path, default_database_path
from kiosk.config.settings import DatabaseSettings, DayHours, OpeningHours, Settings
from kiosk.i18n.strings import available_languages

WriteSettings = Callable[..., Path]

DAY_RULE = '"HH:MM-HH:MM" in 24-hour time with the closing time after the opening time, or "closed"'


def settings_error(path: Path, available: list[str] | None = None) -> str:
    """Load the file and return the sentence the kiosk prints for it."""
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path), available)
    message = str(caught.value)
    assert "\n" not in message, "a settings problem must read as one sentence"
    return message


# --- Where the settings come from -------------------------------------------------------------


def test_without_a_settings_file_the_kiosk_runs_on_demo_defaults() -> None:
    settings, source = load_settings()

    assert source is None
    assert settings.clinic.name == "Ascent Pain"
    assert settings.languages.default == "en"
    assert settings.languages.enabled == ("en", "es", "vi")
    assert settings.idle.info_timeout_seconds == 120
    assert settings.idle.warning_seconds == 30
    assert settings.content.folder is None
    assert settings.database.url is None


def test_demo_defaults_only_enable_languages_the_kiosk_has_strings_for() -> None:
    settings, _ = load_settings(None, available_languages())

    assert set(settings.languages.enabled) <= set(available_languages())


def test_the_platform_settings_folder_is_inside_the_private_config_folder(private_folders: Path) -> None:
    assert default_config_path() == private_folders / "config" / "clinic-kiosk" / "kiosk.toml"


def test_a_file_in_the_platform_folder_is_read_without_being_named() -> None:
    path = default_config_path()
    path.parent.mkdir(parents=True)
    path.write_text('[clinic]\nname = "Platform Clinic"\n', encoding="utf-8")

    settings, source = load_settings()

    assert source == path
    assert settings.clinic.name == "Platform Clinic"


def test_the_kiosk_config_variable_wins_over_the_platform_folder(
    write_settings: WriteSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform_file = default_config_path()
    platform_file.parent.mkdir(parents=True)
    platform_file.write_text('[clinic]\nname = "Platform Clinic"\n', encoding="utf-8")
    env_file = write_settings('[clinic]\nname = "Variable Clinic"\n', name="from-env.toml")
    monkeypatch.setenv(CONFIG_ENV, str(env_file))

    settings, source = load_settings()

    assert source == env_file
    assert settings.clinic.name == "Variable Clinic"


def test_the_config_flag_wins_over_the_kiosk_config_variable(
    write_settings: WriteSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = write_settings('[clinic]\nname = "Variable Clinic"\n', name="from-env.toml")
    flag_file = write_settings('[clinic]\nname = "Flag Clinic"\n', name="from-flag.toml")
    monkeypatch.setenv(CONFIG_ENV, str(env_file))

    settings, source = load_settings(str(flag_file))

    assert source == flag_file
    assert settings.clinic.name == "Flag Clinic"


def test_the_config_flag_understands_a_home_folder_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "kiosk.toml").write_text('[clinic]\nname = "Home Clinic"\n', encoding="utf-8")

    settings, _ = load_settings("~/kiosk.toml")

    assert settings.clinic.name == "Home Clinic"


def test_a_missing_file_named_by_the_flag_is_reported_not_replaced_by_defaults(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "kiosk.toml"

    assert settings_error(missing) == (
        f"The settings file {missing} named by --config does not exist: "
        "check the path, or leave it out to use the demo settings."
    )


def test_a_missing_file_named_by_the_variable_says_which_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "kiosk.toml"
    monkeypatch.setenv(CONFIG_ENV, str(missing))

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert str(caught.value) == (
        f"The settings file {missing} named by KIOSK_CONFIG does not exist: "
        "check the path, or leave it out to use the demo settings."
    )


# --- One sentence per bad value -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        pytest.param(
            "[idle]\nwarning_seconds = 5\n",
            2,
            "setting idle.warning_seconds = 5 is not allowed: use a whole number of seconds from 20 to 300.",
            id="warning-too-short",
        ),
        pytest.param(
            '[idle]\ninfo_timeout_seconds = "soon"\n',
            2,
            "setting idle.info_timeout_seconds = 'soon' is text in quotes, "
            "but it must be a whole number without quotes, like 120.",
            id="timeout-not-a-number",
        ),
        pytest.param(
            '[languages]\ndefault = "es"\nenabled = ["en"]\n',
            2,
            "setting languages.default = 'es' is not allowed: it must be one of languages.enabled (en).",
            id="default-language-not-enabled",
        ),
        pytest.param(
            '[clinic.hours]\nmonday = "9-5"\n',
            2,
            f"setting clinic.hours.monday = '9-5' is not allowed: use {DAY_RULE}.",
            id="hours-without-minutes",
        ),
        pytest.param(
            '[clinic.hours]\nmonday = "17:00-08:00"\n',
            2,
            f"setting clinic.hours.monday = '17:00-08:00' is not allowed: use {DAY_RULE}.",
            id="hours-closing-before-opening",
        ),
        pytest.param(
            '[clinic.hours]\nfriday = "25:00-26:00"\n',
            2,
            f"setting clinic.hours.friday = '25:00-26:00' is not allowed: use {DAY_RULE}.",
            id="hours-not-a-real-time",
        ),
        pytest.param(
            '[database]\nurl = "mysql://x"\n',
            2,
            "setting database.url = 'mysql://x' is not allowed: use an SQLAlchemy URL starting "
            '"sqlite:///" or "postgresql+psycopg://" (TLS is required unless ?sslmode=disable is added for a server '
            "on this PC; a password in it needs the settings file readable by the kiosk's account only), or left out "
            "for the built-in SQLite file.",
            id="unsupported-database",
        ),
        pytest.param(
            "[attract]\ndefault_slide_seconds = 2\n",
            2,
            "setting attract.default_slide_seconds = 2 is not allowed: use a whole number of seconds from 3 to 60.",
            id="slides-too-fast",
        ),
        pytest.param(
            '[clinic]\nphone = "call the desk"\n',
            2,
            "setting clinic.phone = 'call the desk' is not allowed: "
            "use a phone number written with digits, spaces, +, -, . and brackets.",
            id="phone-with-words",
        ),
        pytest.param(
            '[clinic]\nname = ""\n',
            2,
            "setting clinic.name = '' is not allowed: use a name of 1 to 80 characters.",
            id="empty-clinic-name",
        ),
        pytest.param(
            '[clinic]\nnmae = "Typo Clinic"\n',
            2,
            "setting clinic.nmae is not a known setting: "
            "the [clinic] table accepts name, phone, phone_region, call_back_business_days, logo, hours; "
            "check the spelling.",
            id="misspelt-key",
        ),
        pytest.param(
            '[clinic.hours]\nfunday = "closed"\n',
            2,
            "setting clinic.hours.funday is not a known setting: the [clinic.hours] table accepts "
            "monday, tuesday, wednesday, thursday, friday, saturday, sunday; check the spelling.",
            id="misspelt-day",
        ),
        pytest.param(
            "[screensaver]\nseconds = 10\n",
            1,
            "setting screensaver is not a known setting: the file accepts "
            "clinic, languages, idle, attract, accessibility, content, database, staff, urgent, lockdown, logging,"
            " handoff, maintenance; check the spelling.",
            id="unknown-table",
        ),
    ],
)
def test_a_bad_value_is_one_sentence_naming_file_line_key_value_and_what_is_allowed(
    write_settings: WriteSettings, text: str, line: int, expected: str
) -> None:
    path = write_settings(text)

    assert settings_error(path) == f"{path}, line {line}: {expected}"


def test_a_language_without_translations_is_named_with_the_languages_there_are(
    write_settings: WriteSettings,
) -> None:
    path = write_settings('[languages]\nenabled = ["en", "fr"]\n')

    assert settings_error(path, ["en", "es"]) == (
        f"{path}, line 2: setting languages.enabled lists 'fr', which the kiosk has no translation for: "
        "use only en, es."
    )


def test_a_default_language_outside_the_default_enabled_list_names_that_list(
    write_settings: WriteSettings,
) -> None:
    path = write_settings('[languages]\ndefault = "fr"\n')

    assert settings_error(path) == (
        f"{path}, line 2: setting languages.default = 'fr' is not allowed: "
        "it must be one of languages.enabled (en, es, vi)."
    )


def test_demo_defaults_with_an_untranslated_language_do_not_blame_a_file_that_does_not_exist() -> None:
    assert not default_config_path().exists()

    with pytest.raises(SettingsError) as caught:
        load_settings(None, ["en"])

    assert str(default_config_path()) not in str(caught.value)
    assert "'es'" in str(caught.value)


def test_a_logo_that_does_not_exist_is_named_with_its_full_path(write_settings: WriteSettings) -> None:
    path = write_settings('[clinic]\nlogo = "missing.png"\n')
    full = (path.parent / "missing.png").resolve()

    assert settings_error(path) == (
        f"{path}, line 2: setting clinic.logo = {str(full)!r} is not allowed: "
        "use the path of an existing PNG, JPG or SVG image file, or left out."
    )


def test_a_logo_that_is_not_an_image_is_refused(write_settings: WriteSettings) -> None:
    path = write_settings('[clinic]\nlogo = "logo.txt"\n')
    (path.parent / "logo.txt").write_text("not a picture", encoding="utf-8")

    assert "setting clinic.logo = " in settings_error(path)


def test_a_content_folder_that_does_not_exist_is_refused(write_settings: WriteSettings) -> None:
    path = write_settings('[content]\nfolder = "pages"\n')
    full = (path.parent / "pages").resolve()

    assert settings_error(path) == (
        f"{path}, line 2: setting content.folder = {str(full)!r} is not allowed: "
        "use the path of an existing content folder, or left out for the demo content."
    )


def test_invalid_toml_names_the_file_and_the_line(write_settings: WriteSettings) -> None:
    path = write_settings('[clinic]\nname = "Ascent Pain\n')

    assert settings_error(path) == (
        f"{path}, line 2: the settings file is not valid TOML (a text value is not closed: end it with "
        "the same quote mark on the same line): "
        "correct that line and start again."
    )


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes('[clinic]\nname = "Clínica"\n'.encode("latin-1"))

    assert settings_error(path) == (f"The settings file {path} is not UTF-8 text: save it as UTF-8 and start again.")


# --- Paths inside the file ------------------------------------------------------------------------


def test_relative_paths_are_read_from_the_settings_file_folder_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    etc = tmp_path / "etc"
    (etc / "content").mkdir(parents=True)
    (etc / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings_file = etc / "kiosk.toml"
    settings_file.write_text('[clinic]\nlogo = "logo.png"\n[content]\nfolder = "content"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    settings, _ = load_settings(str(settings_file))

    assert settings.clinic.logo == (etc / "logo.png").resolve()
    assert settings.content.folder == (etc / "content").resolve()


def test_a_relative_path_may_climb_out_of_the_settings_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "logo.svg").write_text("<svg/>", encoding="utf-8")
    etc = tmp_path / "etc"
    etc.mkdir()
    settings_file = etc / "kiosk.toml"
    settings_file.write_text('[clinic]\nlogo = "../shared/logo.svg"\n', encoding="utf-8")

    settings, _ = load_settings(str(settings_file))

    assert settings.clinic.logo == (shared / "logo.svg").resolve()


def test_an_absolute_logo_path_is_kept(write_settings: WriteSettings, tmp_path: Path) -> None:
    logo = tmp_path / "art" / "logo.jpg"
    logo.parent.mkdir()
    logo.write_bytes(b"\xff\xd8\xff")
    path = write_settings(f"[clinic]\nlogo = {str(logo)!r}\n")

    settings, _ = load_settings(str(path))

    assert settings.clinic.logo == logo.resolve()


# --- Database and opening hours ------------------------------------------------------------------


def test_the_default_database_is_a_sqlite_file_in_the_private_data_folder(private_folders: Path) -> None:
    expected = private_folders / "data" / "clinic-kiosk" / "kiosk.sqlite3"

    assert default_database_path() == expected
    assert DatabaseSettings().resolved_url() == f"sqlite:///{expected}"


def test_a_configured_database_url_is_used_as_written(write_settings: WriteSettings) -> None:
    path = write_settings('[database]\nurl = "postgresql+psycopg://kiosk@db.clinic.local/kiosk"\n')

    settings, _ = load_settings(str(path))

    assert settings.database.resolved_url() == "postgresql+psycopg://kiosk@db.clinic.local/kiosk"


def test_default_opening_hours_are_weekdays_eight_to_five_closed_at_the_weekend() -> None:
    hours = OpeningHours()
    monday, saturday, sunday = dt.date(2024, 6, 3), dt.date(2024, 6, 8), dt.date(2024, 6, 9)
    assert (monday.weekday(), saturday.weekday(), sunday.weekday()) == (0, 5, 6)

    assert hours.for_date(sunday) is None
    assert hours.for_date(saturday) is None
    assert hours.for_date(monday) == DayHours(opens=dt.time(8, 0), closes=dt.time(17, 0))


def test_a_day_can_be_closed_and_hours_may_use_one_digit_and_spaces(write_settings: WriteSettings) -> None:
    path = write_settings('[clinic.hours]\nmonday = "Closed"\nsaturday = " 9:30 - 12:00 "\n')

    settings, _ = load_settings(str(path))

    assert settings.clinic.hours.monday is None
    assert settings.clinic.hours.saturday == DayHours(opens=dt.time(9, 30), closes=dt.time(12, 0))
    assert settings.clinic.hours.tuesday == DayHours(opens=dt.time(8, 0), closes=dt.time(17, 0))


times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@given(opens=times, closes=times)
def test_any_written_time_range_opens_and_closes_as_written(opens: dt.time, closes: dt.time) -> None:
    written = f"{opens:%H:%M}-{closes:%H:%M}"
    raw = {"clinic": {"hours": {"wednesday": written}}}

    if closes > opens:
        settings = settings_from_mapping(raw)
        assert settings.clinic.hours.wednesday == DayHours(opens=opens, closes=closes)
    else:
        with pytest.raises(SettingsError) as caught:
            settings_from_mapping(raw)
        assert str(caught.value) == (
            f"In settings, setting clinic.hours.wednesday = {written!r} is not allowed: use {DAY_RULE}."
        )


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_the_idle_warning_is_accepted_exactly_from_20_to_300_seconds(seconds: int) -> None:
    raw = {"idle": {"warning_seconds": seconds}}

    if 20 <= seconds <= 300:
        assert settings_from_mapping(raw).idle.warning_seconds == seconds
    else:
        with pytest.raises(SettingsError) as caught:
            settings_from_mapping(raw)
        assert str(caught.value) == (
            f"In settings, setting idle.warning_seconds = {seconds} is not allowed: "
            "use a whole number of seconds from 20 to 300."
        )


def test_an_empty_file_is_the_demo_defaults(write_settings: WriteSettings) -> None:
    path = write_settings("")

    settings, source = load_settings(str(path))

    assert source == path
    assert settings == Settings()
