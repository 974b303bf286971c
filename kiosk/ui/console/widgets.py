"""Small building blocks shared by the console's views: styled labels and buttons."""

from __future__ import annotations

import html

from kiosk.qt import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, Qt, QVBoxLayout, QWidget

from kiosk.ui.qt_lifetimes import repolish


def label(text: str = "", role: str | None = None, *, wrap: bool = False, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    # Never rich text: labels show what patients typed (names, concerns) and Qt would otherwise render
    # anything that looks like HTML ("<h1>", "<a href>", "<img>") instead of showing it as typed.
    widget.setTextFormat(Qt.TextFormat.PlainText)
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


def centred(box: QWidget, parent: QWidget) -> None:
    """Put `box` in the middle of `parent`, a little above centre.

    Stretches on every side rather than an alignment flag: a layout honours wrapped labels'
    height-for-width only for widgets it sizes itself, so long sentences are not cut off.
    """
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(box)
    row.addStretch(1)
    outer = QVBoxLayout(parent)
    outer.addStretch(2)
    outer.addLayout(row)
    outer.addStretch(3)


def set_role(widget: QWidget, role: str) -> None:
    """Change a styled role after the style sheet is applied (Qt re-reads properties only on re-polish)."""
    widget.setProperty("role", role)
    repolish(widget)


def tooltip_text(text: str) -> str:
    """`text` for a tooltip, shown exactly as typed.

    Qt renders a tooltip as rich text whenever it looks like HTML (there is no plain-text switch for
    tooltips), so text holding "<" or "&" is escaped and wrapped in a paragraph; other text is left as is.
    """
    if "<" not in text and "&" not in text:
        return text
    return f'<p style="white-space: pre-wrap">{html.escape(text)}</p>'


def save_file_name(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    """Where to save patient data: Qt's own dialog, never the system's.

    The console's lock closes every dialog it owns (lock.DialogGuard); a system dialog on Windows or macOS runs
    outside Qt's reach and could stay open through a lock, so its Save would still write after someone left.
    """
    path, _ = QFileDialog.getSaveFileName(
        parent, title, suggested, file_filter, options=QFileDialog.Option.DontUseNativeDialog
    )
    return path


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """A yes/no question, No by default; views hold it as an attribute so tests can answer it."""
    answer = QMessageBox.question(parent, title, question, defaultButton=QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
