"""A kiosk that cannot store requests says so calmly, and its information pages still work."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.services.navigation import Route, Screen
from kiosk.services.startup import load_context
from kiosk.ui.app import build_window
from tests.ui.helpers import visible_texts


def test_request_buttons_lead_to_the_notice_and_information_stays_available(qtbot: QtBot) -> None:
    context = load_context(None, open_database=False)  # as when the database could not be opened
    window = build_window(context, 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    window.set_out_of_service("test: database damaged")
    window.navigator.home()

    qtbot.mouseClick(window.home.choices["appointment"], Qt.MouseButton.LeftButton)

    assert window.current_screen is window.out_of_service
    assert window.form.draft is None  # no form started: nothing a patient types could be lost
    assert window.out_of_service.title.text() == "This kiosk cannot take requests right now."
    assert "Please ask at the front desk." in window.out_of_service.body.text()
    shown = " ".join(visible_texts(window).values())
    phone = window.context.settings.clinic.phone
    assert "Or call us at" in shown and phone.replace(" ", "\u00a0").replace("-", "\u2011") in shown
    # The reason is for staff (the log and `kiosk doctor`), never for a patient.
    assert "database" not in shown and "kiosk db" not in shown and "test:" not in shown

    window.go(Route(Screen.FOLLOW_UP))
    assert window.current_screen is window.out_of_service
    window.texts.set_language("es")
    assert window.out_of_service.title.text().startswith("Este quiosco no puede recibir solicitudes")

    qtbot.mouseClick(window.out_of_service.learn, Qt.MouseButton.LeftButton)
    assert window.current_screen is window.procedures
    window.close()
    context.close()


def test_a_working_kiosk_shows_the_form(qtbot: QtBot) -> None:
    context = load_context(None, open_database=True, kiosk=True)
    window = build_window(context, 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    window.navigator.home()

    window.go(Route(Screen.APPOINTMENT))

    assert window.current_screen is window.form
    window.close()
    context.close()
