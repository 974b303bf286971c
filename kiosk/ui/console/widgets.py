"""Small building blocks shared by the console's views: styled labels and buttons."""

from __future__ import annotations

from kiosk.qt import QFrame, QLabel, QPushButton, Qt, QWidget


def label(text: str = "", role: str | None = None, *, wrap: bool = False, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def button(text: str, name: str, *, primary: bool = False, parent: QWidget | None = None) -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setObjectName(name)
    widget.setAccessibleName(text.rstrip("…."))
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if primary:
        widget.setProperty("role", "primary")
    return widget


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    return frame


def set_role(widget: QWidget, role: str) -> None:
    """Change a styled role after the style sheet is applied (Qt re-reads properties only on re-polish)."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
