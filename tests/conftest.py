"""Shared fixtures: off-screen Qt, a private settings/data folder, the real content."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.qt import QApplication, QEvent

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.storage.database import Database
from kiosk.storage.keys import KeyFile, default_key_file, new_key, open_configured_database
from kiosk.storage.migrations import upgrade_to_head

# Before anything imports Qt: no screen is needed to run the tests.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# As on a headless kiosk PC: no OS keyring, so keys go to key files (and never into a developer's own keyring).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

pytest_plugins = ["tests.postgres_server"]  # postgres_url, pg_database, any_database (both backends)


def pytest_configure(config: pytest.Config) -> None:
    # --strict-markers: `pytest -m "not slow"` leaves out the tests that take minutes, for local work.
    config.addinivalue_line("markers", "slow: takes minutes (the bundle build, crash and load tests); CI runs them")


# The end-to-end tests each start a whole desktop's worth of processes (Xvfb, D-Bus, AT-SPI, a compositor, a real
# `kiosk run`) and wait for it on deadlines: two of them side by side on a 2-core machine could starve each other.
REAL_SESSIONS = "tests/end2end/"


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, which a run without it never calls
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `pytest -n 2 --dist loadgroup` (the README's command) the end-to-end tests are one unit of work: they run
    one after another on one worker while the other worker takes the rest of the suite. The unit goes out first, as
    the largest (xdist hands out units largest first, then in the order collected).

    Why not the `xdist_group` mark: pytest-xdist 3.8 groups by rewriting each test's id, which pytest 9.2 no longer
    lets it do, so the mark is silently ignored (pytest-dev/pytest-xdist#1386); choosing the unit here uses only
    xdist's own hook and scheduler.
    """
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]  # xdist ships no types

    class RealSessionsOneAtATime(LoadGroupScheduling):  # type: ignore[misc]  # its base is untyped (above)
        def _split_scope(self, nodeid: str) -> str:
            return REAL_SESSIONS if nodeid.startswith(REAL_SESSIONS) else super()._split_scope(nodeid)

    return RealSessionsOneAtATime(config, log)


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their fixtures
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist the tests marked slow go first: a worker takes the next test when it is free, so a test of minutes
    handed out last would leave the other worker idle for minutes at the end (longest first keeps both busy to the
    end). A plain `pytest` keeps the files' order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # every worker collects, and must order the tests the same way
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: files keep their order


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
def closed_windows_deleted() -> Iterator[None]:
    """Every widget a test registered is deleted by Qt when the test ends, never later by Python's cycle collector.

    pytest-qt closes those widgets and calls deleteLater(), but outside a running event loop Qt deletes them only
    when some later loop turns; until then each window lives on, and one in a reference cycle may instead be freed
    by a garbage collection in a later test. A Qt tree torn down from inside the collector crashed a whole CI run
    (segmentation fault in ~QLabel while collecting an old KioskWindow). This runs after pytest-qt's closing.
    """
    yield
    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


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


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One encrypted file brought to the newest schema once per session, and its key: each test's `database` is a
    copy (running every migration for each test was most of what the fixture cost)."""
    path = tmp_path_factory.mktemp("template") / "kiosk.sqlite3"
    key = new_key()
    template = Database.open(f"sqlite:///{path}", key)  # as open_configured_database opens a new encrypted file
    upgrade_to_head(template.engine)
    template.close()
    # Closing the last connection checkpoints the WAL into the file; a leftover would hold part of the schema.
    assert not path.with_name(path.name + "-wal").exists()
    return path, key


@pytest.fixture
def migrated_copy(migrated_template: tuple[Path, bytes]) -> Callable[[Path], Path]:
    """Put a copy of the migrated template at a path, with its key where the kiosk looks for that file's key (the
    key folder, as on a kiosk PC without a keyring): migrated_copy(path) -> path."""
    template, key = migrated_template

    def place(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        KeyFile(default_key_file(path)).save(key)
        return path

    return place


@pytest.fixture
def database(database_file: Path, migrated_copy: Callable[[Path], Path]) -> Iterator[Database]:
    """A real SQLCipher-encrypted file with a random key (in the key folder, as on a kiosk PC without a keyring),
    opened the way the kiosk opens it and at the newest schema: tests run on what patients' data sits in.

    The file is a copy of the session's migrated template and its key is the template's (so a key file matches its
    file); every test still gets its own file and key file. Other connections to it: tests/encrypted_files.py.
    """
    migrated_copy(database_file)
    opened = open_configured_database(
        Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}")), create_if_missing=False
    )
    yield opened
    opened.close()
