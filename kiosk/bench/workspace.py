"""A throw-away kiosk install for the bench: its own settings, encrypted database and key file, never the clinic's."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config.loader import parse_settings_file
from kiosk.config.settings import Settings
from kiosk.storage.database import Database
from kiosk.storage.keys import open_configured_database
from kiosk.storage.migrations import upgrade_to_head

# Lock-down and the closed screen off: the bench measures the attract loop at any hour, in a window.
SETTINGS = """\
[database]
url = "sqlite:///{database}"
key_file = "{key}"
backup_folder = "{backups}"

[lockdown]
enabled = false
closed_screen = false

[logging]
folder = "{logs}"
level = "warning"
"""


@dataclass
class Workspace:
    folder: Path

    @classmethod
    def create(cls) -> Workspace:
        return cls(Path(tempfile.mkdtemp(prefix="kiosk-bench-")))

    def settings_file(self, name: str = "kiosk") -> Path:
        """A settings file naming its own encrypted database `<name>.sqlite3`, created and migrated on first use."""
        path = self.folder / f"{name}.toml"
        if not path.exists():
            database = self.folder / f"{name}.sqlite3"
            path.write_text(
                SETTINGS.format(
                    database=database.as_posix(),
                    key=(self.folder / f"{name}.sqlite3.key").as_posix(),
                    backups=(self.folder / "backups").as_posix(),
                    logs=(self.folder / "logs").as_posix(),
                ),
                encoding="utf-8",
            )
            self.open(path).close()
        return path

    def open(self, settings_file: Path) -> Database:
        """The install's database as the kiosk opens it (SQLCipher with its key file), at the newest schema."""
        database = open_configured_database(self.settings(settings_file), create_if_missing=True)
        upgrade_to_head(database.engine)
        return database

    @staticmethod
    def settings(settings_file: Path) -> Settings:
        return parse_settings_file(settings_file)

    def child_environment(self) -> dict[str, str]:
        """For child processes: off-screen Qt, no OS keyring, config and data folders inside the workspace."""
        environment = dict(os.environ)
        environment.update(
            QT_QPA_PLATFORM="offscreen",
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            XDG_CONFIG_HOME=str(self.folder / "config"),
            XDG_DATA_HOME=str(self.folder / "data"),
            XDG_STATE_HOME=str(self.folder / "state"),
            XDG_CACHE_HOME=str(self.folder / "cache"),
        )
        environment.pop("KIOSK_CONFIG", None)
        return environment

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
