"""Role gating: reception works the queue; admin tabs and export are not even built for them."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPushButton

from kiosk.config.settings import StaffSettings
from kiosk.ui.console.window import ConsoleWindow
from tests.ui.console.conftest import DESK, DESK_PASSWORD, signed_in


def test_an_admin_sees_every_tab_and_export(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)

    assert workspace.tab_titles() == ["Queue", "Next to do", "Overview", "Kiosks", "Audit trail", "Staff accounts"]
    assert workspace.queue.export_button is not None


def test_reception_has_no_audit_users_or_export(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)

    assert workspace.tab_titles() == ["Queue", "Next to do", "Overview", "Kiosks"]
    assert workspace.audit is None and workspace.users is None
    assert workspace.queue.export_button is None
    names = {button.objectName() for button in console.findChildren(QPushButton)}
    assert "ExportCsv" not in names


class TestWhenTheClinicLetsReceptionExport:
    @pytest.fixture
    def staff_settings(self) -> StaffSettings:
        return StaffSettings(reception_can_export=True)

    def test_reception_gets_export_but_still_no_admin_tabs(self, qtbot: QtBot, console: ConsoleWindow) -> None:
        workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)

        assert workspace.queue.export_button is not None
        assert workspace.tab_titles() == ["Queue", "Next to do", "Overview", "Kiosks"]
