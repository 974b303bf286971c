"""kiosk/qt.py makes each Qt class on first use, and loads the Qt modules only some paths use (charts, printing,
D-Bus, multimedia) on first use too, yet exports them all."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import kiosk.qt

ON_USE = ("PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtDBus", "PySide6.QtMultimedia")


def test_importing_the_qt_module_loads_no_chart_print_or_dbus_module() -> None:
    probe = "import json, sys, kiosk.qt; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    loaded = set(json.loads(done.stdout))
    assert loaded & set(ON_USE) == set()
    assert "PySide6.QtWidgets" in loaded


@pytest.mark.parametrize("name", ["QChart", "QChartView", "QBarSet", "QPrinter", "QPrintDialog", "QDBusConnection"])
def test_every_exported_name_still_imports(name: str) -> None:
    assert name in kiosk.qt.__all__
    exported = getattr(kiosk.qt, name)
    assert exported.__module__ in ON_USE
    assert exported.__name__ == name


# Loading Qt Multimedia notes, as warnings, each optional library it does not find (PipeWire, VA-API).
@pytest.mark.qt_log_ignore("Couldn't (load|resolve) ")
@pytest.mark.parametrize("name", ["QSoundEffect", "QMediaDevices", "QAudioDevice"])
def test_multimedia_names_load_on_use_and_a_missing_library_is_the_callers_import_error(name: str) -> None:
    assert name in kiosk.qt.__all__
    assert kiosk.qt._LOADED_ON_USE[name] == "PySide6.QtMultimedia"
    try:
        exported = getattr(kiosk.qt, name)
    except ImportError as exc:  # no libpulse on this PC: only the urgent chime goes without (it says so)
        pytest.skip(f"Qt Multimedia does not load here: {exc}")
    assert exported.__module__ == "PySide6.QtMultimedia"
    assert exported.__name__ == name


def test_an_unknown_name_is_an_import_error() -> None:
    with pytest.raises(ImportError):
        from kiosk.qt import QNoSuchThing  # type: ignore[attr-defined]  # noqa: F401


def test_every_listed_name_is_made_on_first_use_and_is_that_class() -> None:
    # Run in a fresh interpreter: this one has already looked most names up.
    probe = (
        "import json, kiosk.qt as qt; first = sorted(n for n in qt.__all__ if n in vars(qt)); "
        "names = {n: getattr(getattr(qt, n), '__name__', n) for n in qt.__all__ if n not in qt._LOADED_ON_USE}; "
        "print(json.dumps([first, names]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    made_at_import, names = json.loads(done.stdout)
    assert made_at_import == []
    assert {name: name for name in names} == names
