"""The key does not travel with the data: `kiosk init`, `kiosk doctor` and `kiosk db move-key` on a real install."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.config.locations import key_dir
from kiosk.ops import qt_probe
from kiosk.storage.keys import default_key_file, legacy_key_file, new_key
from tests.cli.test_doctor_cmd import DESKTOP
from tests.postgres_server import _free_port

ADMIN_PASSWORD = "violet harbour lamp at dusk"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    path = tmp_path / "kiosk.toml"
    path.write_text('[database]\nurl = "sqlite:///data/kiosk.sqlite3"\n', encoding="utf-8")
    return path


@pytest.fixture
def installed(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`kiosk init` and a first backup: returns the database file."""
    password = tmp_path / "password.txt"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    kiosk = ["--config", str(config)]
    assert main([*kiosk, "init", "--admin-user", "ada", "--admin-password-file", str(password)]) == 0
    assert main([*kiosk, "db", "backup"]) == 0
    capsys.readouterr()
    return tmp_path / "data" / "kiosk.sqlite3"


def doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    capsys.readouterr()
    main(["--config", str(config), "doctor", "--json"])
    return {check["name"]: check for check in json.loads(capsys.readouterr().out)["checks"]}


def files_holding(folder: Path, text: str) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and text.encode() in path.read_bytes()]


def test_a_new_install_keeps_its_key_outside_the_data_and_backup_folders(
    installed: Path, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = default_key_file(installed)
    key_text = key_file.read_text(encoding="ascii").strip()
    data = installed.parent
    assert (data / "backups").is_dir() and any((data / "backups").iterdir())
    assert not legacy_key_file(installed).exists()
    assert files_holding(tmp_path, key_text) == []  # not in the data, the backups or the settings' folder
    assert key_file.parent == key_dir() and not key_file.parent.is_relative_to(data)
    if os.name == "posix":
        assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    check = doctor(config, capsys)["key location"]
    assert check["status"] == "OK", check
    assert check["message"] == f"the key file {key_file} is apart from the database and backup folders"


def test_an_old_install_with_its_key_beside_the_database_keeps_working_and_moves_it_safely(
    installed: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_place, old_place = default_key_file(installed), legacy_key_file(installed)
    key_text = new_place.read_text(encoding="ascii")
    new_place.rename(old_place)  # where earlier versions kept it

    assert main(["--config", str(config), "user", "list"]) == 0  # still opens: no key is lost
    assert "ada" in capsys.readouterr().out
    check = doctor(config, capsys)["key location"]
    assert check["status"] == "WARN"
    assert check["message"] == (
        f"the key file {old_place} shares a folder tree with the database folder {installed.parent} "
        f"and the backups folder {installed.parent / 'backups'}: a copy of it carries the key"
    )
    assert check["fix"] == f"run `kiosk db move-key` (it moves the key to the key file {new_place})"
    assert not new_place.exists()  # doctor only looks

    assert main(["--config", str(config), "db", "move-key"]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"The database key moved from the key file {old_place} to the key file {new_place}; "
        "it opens the database there.\n"
    )
    assert not old_place.exists() and new_place.read_text(encoding="ascii") == key_text  # the same key
    assert doctor(config, capsys)["key location"]["status"] == "OK"
    assert main(["--config", str(config), "user", "list"]) == 0

    assert main(["--config", str(config), "db", "move-key"]) == 0  # again: nothing to do, nothing lost
    assert "already apart from the data" in capsys.readouterr().out
    assert new_place.read_text(encoding="ascii") == key_text


def test_move_key_never_overwrites_another_key(
    installed: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_place, old_place = default_key_file(installed), legacy_key_file(installed)
    new_place.rename(old_place)
    stranger = new_key().hex() + "\n"
    new_place.write_text(stranger, encoding="ascii")  # another database's key, left there
    new_place.chmod(0o600)
    before = old_place.read_text(encoding="ascii")

    assert main(["--config", str(config), "db", "move-key"]) == 2

    err = capsys.readouterr().err  # the key found first does not open the database: named, and nothing moves
    assert err.startswith(f"kiosk: The database {installed} cannot be opened with the key in the key file {new_place}")
    assert err.count("\n") == 1
    assert old_place.read_text(encoding="ascii") == before
    assert new_place.read_text(encoding="ascii") == stranger


def test_doctor_warns_when_a_chosen_key_file_sits_in_the_data_folder(
    installed: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = installed.parent / "secrets" / "kiosk.key"
    chosen.parent.mkdir()
    default_key_file(installed).rename(chosen)
    config.write_text(
        '[database]\nurl = "sqlite:///data/kiosk.sqlite3"\nkey_file = "data/secrets/kiosk.key"\n', encoding="utf-8"
    )
    check = doctor(config, capsys)["key location"]
    assert check["status"] == "WARN"
    assert check["message"].startswith(f"the key file {chosen} shares a folder tree with the database folder")
    assert check["fix"] == (
        "move the key file to a folder of its own, outside the database and backup folders, "
        "and set database.key_file to it"
    )
    assert main(["--config", str(config), "db", "move-key"]) == 2
    assert "change database.key_file to match; nothing was changed" in capsys.readouterr().err


def test_with_postgresql_the_outbox_key_beside_the_outbox_is_found_warned_and_moved(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.config.loader import load_settings
    from kiosk.services.outbox import open_outbox

    outbox = tmp_path / "data" / "outbox.sqlite3"
    port = _free_port()  # no server: a kiosk keeps requests in its outbox
    config.write_text(
        f'[database]\nurl = "postgresql+psycopg://kiosk@127.0.0.1:{port}/kiosk"\noutbox_path = "{outbox.as_posix()}"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "move-key"]) == 0
    assert "no outbox file yet" in capsys.readouterr().out
    settings, _ = load_settings(str(config))
    open_outbox(settings).close()
    default_key_file(outbox).rename(legacy_key_file(outbox))  # as earlier versions left it

    check = doctor(config, capsys)["key location"]
    assert check["status"] == "WARN" and check["message"].startswith(f"the key file {legacy_key_file(outbox)} shares")
    assert main(["--config", str(config), "db", "move-key"]) == 0
    assert not legacy_key_file(outbox).exists() and default_key_file(outbox).is_file()
    assert doctor(config, capsys)["key location"]["status"] == "OK"
