"""The doctor's checks one by one, with the findings a PC could give them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config.settings import DatabaseSettings, LoggingSettings, Settings
from kiosk.domain.keyboard_layouts import LAYOUTS
from kiosk.ops import doctor_checks, doctor_storage
from kiosk.ops.doctor import Check, Status, from_sentence, passed, run_checks, summary
from kiosk.ops.doctor_checks import GIB, MIB, DiskUsage
from kiosk.ops.doctor_fixes import SPEECH_FIX
from kiosk.ops.qt_probe import FONT_FIX, SOUND_FIX, QtReport, screen_checks, sound_check, speech_check
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_a_line_shows_the_fix_only_when_something_is_wrong() -> None:
    assert Check("backup", Status.OK, "fresh", "ignored").line() == "OK   backup: fresh"
    assert Check("backup", Status.WARN, "none yet", "run it").line() == "WARN backup: none yet — run it"
    assert Check("key", Status.FAIL, "missing", "restore it").line() == "FAIL key: missing — restore it"


def test_an_error_sentence_splits_into_what_is_wrong_and_what_to_do() -> None:
    check = from_sentence("database", Status.FAIL, "The database /x does not exist: run `kiosk init` to create it.")
    assert check == Check("database", Status.FAIL, "the database /x does not exist", "run `kiosk init` to create it")
    assert from_sentence("x", Status.WARN, "No colon here.").message == "No colon here"


def test_only_a_failure_fails_the_run() -> None:
    warned = [Check("a", Status.OK, ""), Check("b", Status.WARN, "", "fix")]
    assert passed(warned)
    assert not passed([*warned, Check("c", Status.FAIL, "", "fix")])
    assert summary([*warned, Check("c", Status.FAIL, "", "fix")]) == "1 OK, 1 WARN, 1 FAIL"


def test_a_check_that_breaks_is_one_fail_line_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_settings: Settings) -> Check:
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(doctor_storage, "backup_check", broken)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "kiosk.sqlite3"}"\n', encoding="utf-8")
    checks = by_name(run_checks(str(config), qt_report=lambda: QtReport(platform="offscreen")))
    assert checks["backup"] == Check(
        "backup",
        Status.FAIL,
        "the check itself failed (RuntimeError)",
        "run `kiosk --verbose doctor` for the details and report them to the kiosk's supplier",
    )
    assert checks["outbox"].status is Status.OK and "fonts" in checks


# -- free disk ---------------------------------------------------------------------------------------------------
def _settings(tmp_path: Path, **database: object) -> Settings:
    return Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", **database),  # type: ignore[arg-type]
        logging=LoggingSettings(folder=tmp_path / "logs"),
    )


@pytest.mark.parametrize(
    ("free", "status"),
    [(50 * MIB, Status.FAIL), (500 * MIB, Status.WARN), (int(1.5 * GIB), Status.OK)],
    ids=["under 100 MiB", "under 1 GiB", "plenty"],
)
def test_free_disk_thresholds(tmp_path: Path, free: int, status: Status) -> None:
    checks = doctor_checks.disk_space_checks(_settings(tmp_path), usage=lambda _: DiskUsage(10 * GIB, 0, free))
    # The database, its backups and the logs are on one disk here: one line for all three.
    assert len(checks) == 1
    assert checks[0].status is status
    assert checks[0].message.startswith(f"{'1.5 GiB' if free > GIB else f'{free // MIB} MiB'} free for the database (")
    assert "backups (" in checks[0].message and "logs (" in checks[0].message


# -- log folder ----------------------------------------------------------------------------------------------------
def test_a_log_folder_not_made_yet_is_fine_when_it_can_be(tmp_path: Path) -> None:
    check = doctor_checks.log_folder_check(_settings(tmp_path))
    assert check == Check("log folder", Status.OK, f"{tmp_path / 'logs'} will be made when the kiosk starts")
    assert not (tmp_path / "logs").exists()


# -- keyboard -------------------------------------------------------------------------------------------------------
def test_the_keyboard_types_english_and_spanish() -> None:
    check = doctor_checks.keyboard_check(["en", "es"], qt_plugin=False)
    assert check.status is Status.OK
    assert check.message.endswith("en, es; Qt's own virtual keyboard plugin: absent (not needed)")


def test_the_keyboard_types_vietnamese_with_its_tone_marks() -> None:
    check = doctor_checks.keyboard_check(["en", "es", "vi"], qt_plugin=False)
    assert check.status is Status.OK
    assert check.message.endswith("en, es, vi; Qt's own virtual keyboard plugin: absent (not needed)")


def test_a_language_the_keyboard_cannot_type_fails_with_its_letters() -> None:
    without_vietnamese = {name: layout for name, layout in LAYOUTS.items() if layout.language != "vi"}
    check = doctor_checks.keyboard_check(["en", "vi"], qt_plugin=True, layouts=without_vietnamese)
    assert check.status is Status.FAIL
    assert check.message == "the on-screen keyboard cannot type vi: ă đ ơ ư and 5 tone mark(s)"


def test_letters_count_only_in_the_language_whose_keyboard_shows_them() -> None:
    # Spanish patients see the Spanish page (and the accent picker), not the Vietnamese one that has no ñ row.
    only_vietnamese_letters = {
        name: layout for name, layout in LAYOUTS.items() if name not in {"letters", "spanish", "accents"}
    }
    check = doctor_checks.keyboard_check(["es", "vi"], qt_plugin=None, layouts=only_vietnamese_letters)
    assert check.status is Status.FAIL
    assert check.message == "the on-screen keyboard cannot type es: á é í ó ú ü ñ"


def test_a_language_without_a_letter_list_warns() -> None:
    check = doctor_checks.keyboard_check(["en", "fr"], qt_plugin=None)
    assert check.status is Status.WARN
    assert "fr" in check.message


# -- Qt ---------------------------------------------------------------------------------------------------------------
DESKTOP = QtReport(
    platform="wayland", qt_version="6.11", screen=(1920, 1080), kiosk_font="Noto Sans", kiosk_font_covers=True
)


def test_a_desktop_session_with_a_big_screen_passes() -> None:
    checks = by_name(screen_checks(DESKTOP))
    assert [c.status for c in checks.values()] == [Status.OK] * 3
    assert checks["qt platform"].message == "the 'wayland' plugin loads (Qt 6.11)"
    assert checks["screen"].message == "1920x1080"


def test_a_small_screen_warns() -> None:
    check = by_name(screen_checks(QtReport(platform="xcb", screen=(800, 480))))["screen"]
    assert check.status is Status.WARN
    assert check.message == "the screen is 800x480; the kiosk needs at least 1024x600"


def test_off_screen_warns_that_there_is_no_screen() -> None:
    checks = by_name(screen_checks(QtReport(platform="offscreen", off_screen_only=True)))
    assert checks["screen"].message == "no screen: running off-screen"
    assert checks["qt platform"].status is Status.WARN
    assert "$DISPLAY" in checks["qt platform"].message


def test_qt_that_cannot_start_fails() -> None:
    report = QtReport(platform=None, wanted="xcb", error="xcb-cursor0 or libxcb-cursor0 is needed")
    check = by_name(screen_checks(report))["qt platform"]
    assert check.status is Status.FAIL
    assert check.message == "Qt could not start its 'xcb' platform plugin (xcb-cursor0 or libxcb-cursor0 is needed)"
    assert "libxcb-cursor0" in check.fix


def test_fonts_without_vietnamese_letters_warn_with_the_package() -> None:
    fallback = by_name(screen_checks(QtReport(platform="xcb", fonts_with_vietnamese=["FreeSans"])))["fonts"]
    assert fallback.status is Status.WARN and "FreeSans" in fallback.message
    none = by_name(screen_checks(QtReport(platform="xcb")))["fonts"]
    assert none.status is Status.WARN
    assert none.message.startswith("no installed font has the Vietnamese letters")
    assert none.fix == FONT_FIX and "fonts-noto-core" in FONT_FIX


def test_sound_is_ok_with_an_output_and_warns_without_one_or_without_qt_multimedia() -> None:
    speakers = QtReport(platform="xcb", audio_outputs=["Built-in Audio Analog Stereo"])
    assert sound_check(speakers) == Check(
        "sound", Status.OK, "the urgent chime plays through Built-in Audio Analog Stereo"
    )
    silent = sound_check(QtReport(platform="xcb"))
    assert silent == Check(
        "sound", Status.WARN, "sound is unavailable: the urgent chime cannot play; the banner still shows", SOUND_FIX
    )
    no_library = sound_check(QtReport(platform="xcb", sound_error="libpulse.so.0: cannot open shared object file"))
    assert no_library.status is Status.WARN
    assert no_library.message.startswith("sound is unavailable: the urgent chime cannot play; the banner still shows")
    assert "libpulse.so.0" in no_library.message and "apt install libpulse0" in no_library.fix


def test_a_pc_whose_chime_is_off_in_the_settings_needs_no_sound() -> None:
    check = sound_check(QtReport(platform="xcb"), chime=False)
    assert check.status is Status.OK
    assert "off in the settings" in check.message


def test_speech_that_cannot_load_warns_with_what_to_install() -> None:
    report = QtReport(platform="xcb", speech_error="libpulse.so.0: cannot open shared object file")
    check = speech_check(report, ["en", "es"])
    assert check.status is Status.WARN
    assert check.message == "Qt's text-to-speech cannot load (libpulse.so.0: cannot open shared object file)"
    assert check.fix == SPEECH_FIX
    assert "apt install speech-dispatcher espeak-ng libspeechd2 libpulse0" in SPEECH_FIX
    assert "on Windows the engine is built in" in SPEECH_FIX


def test_speech_needs_a_voice_for_every_enabled_language() -> None:
    english_only = QtReport(platform="xcb", speech_locales={"speechd": ["en_US", "en_GB"]})
    assert (
        speech_check(english_only, ["en", "es"]).message
        == "no voice for es (read-aloud's button is hidden in that language)"
    )
    no_vietnamese = QtReport(platform="xcb", speech_locales={"speechd": ["en_US", "es_ES"], "mock": []})
    check = speech_check(no_vietnamese, ["en", "es", "vi"])
    assert (check.status, check.fix) == (Status.WARN, SPEECH_FIX)
    assert check.message == "no voice for vi (read-aloud's button is hidden in that language)"
    both = QtReport(platform="xcb", speech_locales={"speechd": ["en_US", "es_ES"]})
    assert speech_check(both, ["en", "es"]) == Check(
        "text-to-speech", Status.OK, "the 'speechd' engine has voices for en, es"
    )
    no_engine = speech_check(QtReport(platform="xcb"), ["en"])
    assert (no_engine.status, no_engine.fix) == (Status.WARN, SPEECH_FIX)
    assert no_engine.message == "no text-to-speech engine is installed (read-aloud's button is hidden)"


# -- storage ------------------------------------------------------------------------------------------------------
def test_a_database_on_a_network_share_fails(
    tmp_path: Path, database: Database, database_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.storage.health

    monkeypatch.setattr(kiosk.storage.health, "on_network_filesystem", lambda _path: "cifs")
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}"))
    check = by_name(doctor_storage.storage_checks(settings))["local disk"]
    assert check.status is Status.FAIL
    assert check.message.startswith(f"the database {database_file} is on a network file system (cifs)")
    assert "keep it on a local disk" in check.fix


def test_an_unencrypted_database_warns(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    database = Database.open(f"sqlite:///{plain}")
    upgrade_to_head(database.engine)
    database.close()
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{plain}", encrypt=False))
    checks = by_name(doctor_storage.storage_checks(settings))
    assert checks["encryption key"].status is Status.WARN
    assert checks["encryption key"].fix.startswith("run `kiosk db encrypt`")
    assert checks["database"].status is Status.OK and checks["migrations"].status is Status.OK


def test_an_unencrypted_database_the_settings_call_encrypted_fails(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    database = Database.open(f"sqlite:///{plain}")
    upgrade_to_head(database.engine)
    database.close()
    checks = by_name(doctor_storage.storage_checks(Settings(database=DatabaseSettings(url=f"sqlite:///{plain}"))))
    assert checks["encryption key"].status is Status.FAIL
    assert "`kiosk db encrypt`" in checks["encryption key"].fix
    assert not plain.with_name("plain.sqlite3.key").exists()
