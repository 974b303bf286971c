"""The PyInstaller bundle clinic IT copies to a PC: built from resources/deploy/pyinstaller/kiosk.spec, then started.

The build takes minutes (one build serves every test here); it goes to a temporary folder, so the checkout stays clean.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.qt import QImage

from kiosk import __version__
from kiosk.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "resources" / "deploy" / "pyinstaller" / "kiosk.spec"
# One command name everywhere: the bundle's program is `kiosk`, as every help text and doctor fix says.
EXECUTABLE = "kiosk.exe" if sys.platform == "win32" else "kiosk"
TOOLS = ROOT / "resources" / "deploy" / "pyinstaller"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from dependencies import runtime_dependencies  # noqa: E402

# Building the bundle takes minutes: `pytest -m "not slow"` leaves it out for local work.
pytestmark = pytest.mark.slow


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the one-folder bundle once for this module and return its folder."""
    if not SPEC.is_file():
        pytest.fail(f"{SPEC} is missing")
    try:
        import PyInstaller  # noqa: F401  (only to know whether the build can run)
    except ImportError:
        pytest.skip("PyInstaller is not installed; `pip install -e '.[test]'` brings it")
    build = tmp_path_factory.mktemp("bundle-build")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(build / "dist"),
            "--workpath",
            str(build / "work"),
            str(SPEC),
        ],
        cwd=build,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    folder = build / "dist" / "clinic-kiosk"
    print(f"\nbundle built in {took:.0f} s: {folder} ({_folder_size(folder) / 2**20:.0f} MiB)")
    return folder


def _start(bundle: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # From another folder than the checkout: the bundle must find its resources inside itself.
    return subprocess.run(
        [str(bundle / EXECUTABLE), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _lines(stream: object) -> Iterator[str]:
    """Lines of a pipe through a thread, so a silent process cannot block the test forever."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            return
        if line is None:
            return
        yield line


def test_bundle_holds_the_resources_migrations_and_drivers(bundle: Path) -> None:
    inside = bundle / "_internal"
    assert (bundle / EXECUTABLE).is_file()
    assert (inside / "resources" / "content" / "en").is_dir()
    assert (inside / "resources" / "strings" / "es.toml").is_file()
    assert sorted(p.name for p in (inside / "db" / "versions").glob("*.py"))[0] == "0001_workstations.py"
    assert not (inside / "resources" / "deploy" / "pyinstaller").exists(), "the build recipe is not for clinic PCs"
    # PySide6's wheels keep Qt's plugins in PySide6/Qt/plugins on Linux and macOS, in PySide6/plugins on Windows.
    plugins = next(p for p in (inside / "PySide6" / "Qt" / "plugins", inside / "PySide6" / "plugins") if p.is_dir())
    if sys.platform.startswith("linux"):
        platforms = {p.name for p in (plugins / "platforms").iterdir()}
        assert {"libqoffscreen.so", "libqxcb.so", "libqwayland.so"} <= platforms, platforms
    image_formats = {p.stem.removeprefix("lib") for p in (plugins / "imageformats").iterdir()}
    assert {"qsvg", "qjpeg"} <= image_formats, image_formats  # the home screen's icons are SVG
    assert any((plugins / "texttospeech").iterdir())
    # Left out on purpose (see UNUSED_QT_FILES in the spec): about 45 MB the kiosk never loads.
    left_out = ("qt6quick", "qt6qml", "qt6pdf", "qt6virtualkeyboard", "avcodec")
    assert [p.name for p in inside.rglob("*") if p.name.lower().removeprefix("lib").startswith(left_out)] == []
    assert not (plugins.parent / "translations").exists()


def test_bundle_ships_the_licence_and_notices_naming_every_runtime_dependency(bundle: Path) -> None:
    licence = (bundle / "LICENSE").read_text(encoding="utf-8")
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")
    notices = (bundle / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for dependency in runtime_dependencies():
        assert f"\n{dependency.name} {dependency.version}: {dependency.licence}\n" in notices, dependency.name
    assert "GPL-3.0-only for Qt Charts" in notices
    assert not (bundle / "clinic-kiosk").exists(), "the program is `kiosk`, one name in the bundle and every message"


def test_version(bundle: Path, tmp_path: Path) -> None:
    result = _start(bundle, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kiosk {__version__}"


def test_content_check_reads_the_bundled_pages(bundle: Path, tmp_path: Path) -> None:
    result = _start(bundle, "content", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "36 pages in 3 languages" in result.stdout


def test_bundle_draws_the_home_screen_like_the_checkout(bundle: Path, tmp_path: Path) -> None:
    """Styles, strings and the SVG icons (Qt's svg image plugin) all load inside the bundle."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    frozen = tmp_path / "bundle.png"
    result = subprocess.run(
        [str(bundle / EXECUTABLE), "screenshot", "--screen", "home", "--out", str(frozen)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert main(["screenshot", "--screen", "home", "--out", str(tmp_path / "checkout.png")]) == 0
    assert QImage(str(frozen)) == QImage(str(tmp_path / "checkout.png"))


def test_smoke_start_offscreen_then_sigterm(bundle: Path, tmp_path: Path, private_folders: Path) -> None:
    """The kiosk from the bundle creates its encrypted database, reaches the attract loop, and stops on SIGTERM."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [str(bundle / EXECUTABLE), "run", "--windowed"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    started = time.monotonic()
    try:
        assert process.stderr is not None
        for line in _lines(process.stderr):
            seen.append(line)
            if "kiosk running" in line:
                print(f"\nthe bundled kiosk was running {time.monotonic() - started:.1f} s after it started")
                break
        assert any("kiosk running: 36 content pages, languages en, es, vi" in line for line in seen), "".join(seen)
        if sys.platform == "win32":
            process.terminate()
        else:
            process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        print(f"the bundled kiosk exited with {code} after SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if sys.platform != "win32":
        # `kiosk run` handles SIGTERM (systemd's stop) and quits cleanly: 0, so no supervisor restarts it.
        assert code == 0, "".join(seen)
    assert not any("Traceback" in line for line in seen), "".join(seen)
    database = private_folders / "data" / "clinic-kiosk" / "kiosk.sqlite3"
    assert database.is_file()

    # The bundled SQLCipher opens what the bundled kiosk wrote, with its key.
    check = _start(bundle, "db", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "database OK" in check.stdout


def _has_verb(name: str) -> bool:
    parser = build_parser()
    return any(name in action.choices for action in parser._actions if isinstance(action, argparse._SubParsersAction))


@pytest.mark.skipif(not _has_verb("install-service"), reason="`kiosk install-service` is not registered yet")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the systemd unit is for Linux")
def test_the_service_file_from_the_bundle_starts_the_bundle(bundle: Path, tmp_path: Path) -> None:
    result = _start(bundle, "install-service", "--print", "--platform", "linux-systemd", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ExecStart={bundle / EXECUTABLE} run" in result.stdout.splitlines()


@pytest.mark.skipif(not _has_verb("doctor"), reason="`kiosk doctor` is not registered in kiosk/cli/main.py yet")
def test_doctor_in_the_bundle_agrees_with_the_checkout(bundle: Path, tmp_path: Path) -> None:
    """On a fresh install the bundle's doctor passes, and every check has the status the checkout's doctor gives."""
    config = tmp_path / "kiosk.toml"
    config.write_text('[database]\nurl = "sqlite:///kiosk.sqlite3"\n', encoding="utf-8")
    password = tmp_path / "password.txt"
    password.write_text("violet harbour lamp\n", encoding="utf-8")
    setup = _start(
        bundle,
        "--config",
        str(config),
        "init",
        "--admin-user",
        "ada",
        "--admin-password-file",
        str(password),
        cwd=tmp_path,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    backup = _start(bundle, "--config", str(config), "db", "backup", cwd=tmp_path)
    assert backup.returncode == 0, backup.stdout + backup.stderr

    result = _start(bundle, "--config", str(config), "doctor", "--json", cwd=tmp_path)
    report = json.loads(result.stdout)
    print("\n" + "\n".join(f"{c['status']:<4} {c['name']}: {c['message']}" for c in report["checks"]))
    assert [c for c in report["checks"] if c["status"] == "FAIL"] == []
    assert report["ok"] is True
    assert result.returncode == 0, result.stderr
    checkout = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "doctor", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    expected = {c["name"]: c["status"] for c in json.loads(checkout.stdout)["checks"]}
    assert {c["name"]: c["status"] for c in report["checks"]} == expected
