"""Is the file sound, and is it on a local disk? What `kiosk db check` and start-up rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.health import on_network_filesystem, quick_check
from tests import encrypted_files
from tests.services import factories

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
//nas/clinic /mnt/clinic cifs rw,vers=3.0,username=kiosk 0 0
/dev/sdb1 /mnt/clinic/local-disk ext4 rw 0 0
nas:/export/kiosk /srv/kiosk nfs4 rw,vers=4.2 0 0
drvfs /mnt/c 9p rw,noatime 0 0
//nas/front\\040desk /mnt/front\\040desk smb3 rw 0 0
kiosk@nas:/data /home/kiosk/remote fuse.sshfs rw 0 0
"""


def fill(database: Database, count: int) -> None:
    for _ in range(count):
        submit_request(database, factories.appointment(), "health-test")


def corrupt_middle(path: Path, length: int = 4096) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk sector would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * length)


def test_a_sound_database_has_no_problems(database: Database) -> None:
    fill(database, 20)

    assert quick_check(database) == []
    assert quick_check(database, full=True) == []


@pytest.mark.parametrize("full", [False, True], ids=["quick_check", "integrity_check"])
def test_a_corrupt_page_in_the_middle_is_reported(database: Database, database_file: Path, full: bool) -> None:
    fill(database, 300)
    database.close()  # checkpoints the WAL into the file
    corrupt_middle(database_file)

    reopened = encrypted_files.open_again(database_file)  # page 1 is intact: the key still opens it
    try:
        problems = quick_check(reopened, full=full)
    finally:
        reopened.close()

    assert problems, "the damaged page went unnoticed"
    assert all("\n" not in problem for problem in problems)
    print(f"{'integrity_check' if full else 'quick_check'} found: {problems[0]}")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/mnt/clinic/kiosk/kiosk.sqlite3", "cifs"),
        ("/mnt/clinic", "cifs"),
        ("/mnt/clinic/local-disk/kiosk.sqlite3", None),  # a local disk mounted inside the share
        ("/mnt/clinicbackup/kiosk.sqlite3", None),  # a sibling whose name only starts alike
        ("/srv/kiosk/db/kiosk.sqlite3", "nfs4"),
        ("/mnt/c/Users/kiosk/kiosk.sqlite3", None),  # WSL's 9p view of a local Windows drive
        ("/mnt/front desk/kiosk.sqlite3", "smb3"),  # /proc/mounts writes the space as \040
        ("/home/kiosk/remote/kiosk.sqlite3", "fuse.sshfs"),
        ("/var/lib/kiosk/kiosk.sqlite3", None),
    ],
)
def test_network_file_systems_are_found_by_the_longest_mount_point(path: str, expected: str | None) -> None:
    assert on_network_filesystem(Path(path), MOUNTS) == expected


def test_this_machines_temporary_folder_is_local(tmp_path: Path) -> None:
    assert on_network_filesystem(tmp_path / "kiosk.sqlite3") is None
