"""The console's About box, opened by its button as a receptionist would: versions for a support call, licence."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QMessageBox, Qt, QTimer

from kiosk import __version__
from kiosk.ui.console.window import ConsoleWindow
from tests.ui.console.conftest import signed_in


def test_the_about_box_names_the_version_and_the_gpl(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)
    seen: list[str] = []

    def read_and_close() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, read_and_close)
            return
        seen.append(boxes[0].text())
        boxes[0].close()

    QTimer.singleShot(0, read_and_close)
    qtbot.mouseClick(workspace.header.about_button, Qt.MouseButton.LeftButton)  # returns when the box closes

    assert len(seen) == 1
    assert f"Version {__version__}" in seen[0]
    assert "Free software under the GNU GPL v3 or later" in seen[0]
    assert "THIRD-PARTY-NOTICES.txt" in seen[0]
