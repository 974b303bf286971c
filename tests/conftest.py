"""Shared fixtures: off-screen Qt, a private settings/data folder, the real content."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.qt import QApplication

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.storage.database import Database
from kiosk.storage.keys import open_configured_database
from kiosk.storage.migrations import upgrade_to_head

# Before anything imports Qt: no screen is needed to run the tests.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# As on a headless kiosk PC: no OS keyring, so keys go to key files (and never into a developer's own keyring).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

pytest_plugins = ["tests.postgres_server"]  # postgres_url, pg_database, any_database (both backends)


def pytest_configure(config: pytest.Config) -> None:
    # --strict-markers: `pytest -m "not slow"` leaves out the tests that take minutes, for local work.
    config.addinivalue_line("markers", "slow: takes minutes (the bundle build, crash and load tests); CI runs them")


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str]) -> QApplication:
    """The kiosk's own application set-up (fonts, Qt messages to the log), as in production."""
    from kiosk.ui.app import application

    return application()


@pytest.fixture(autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the developer's own kiosk settings and database."""
    home = tmp_path_factory.mktemp("home")
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return home


@pytest.fixture(autouse=True)
def silent_chime(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sounds the console's urgent chime on the developer's speakers; tests that listen put a stand-in."""
    from kiosk.ui.console import chime

    monkeypatch.setattr(chime, "qt_sound_effect", lambda _parent: None)  # as on a PC with no sound output


@pytest.fixture
def write_settings(tmp_path: Path) -> Callable[..., Path]:
    """Write a settings file and return its path: write_settings('[idle]\\n...')."""

    def write(text: str, name: str = "kiosk.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.sqlite3"


@pytest.fixture
def settings_file(write_settings: Callable[[str], Path], database_file: Path) -> Path:
    """Settings naming the test's database file, the way IT points the kiosk at its data (`database` makes the file
    when a test, or its module's `pytestmark`, asks for it)."""
    return write_settings(f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\n')


@pytest.fixture
def database(database_file: Path) -> Iterator[Database]:
    """A real SQLCipher-encrypted file with a fresh random key (in "<file>.key"), opened the way the kiosk
    opens it and brought to the newest schema: tests run on what patients' data sits in.

    Other connections to it: tests/encrypted_files.py (connect, open_again).
    """
    opened = open_configured_database(
        Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}")), create_if_missing=True
    )
    upgrade_to_head(opened.engine)
    yield opened
    opened.close()
