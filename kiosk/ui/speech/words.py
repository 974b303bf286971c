"""What a screen says aloud: its visible words in reading order, as sentences a speech engine reads well.

Reading order is layout order: each screen adds its widgets to its layouts top to bottom, start to end, which
is also the order a sighted patient reads them. Text a patient typed is never read (see `layout_words`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from kiosk.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    Qt,
    QTextEdit,
    QWidget,
)

# Widgets a screen reads its own way (a scale, the review of answers, the keyboard), by type.
Special = Mapping[type[QWidget], Callable[[QWidget], list[str]]]
_SENTENCE_END = (".", "!", "?", ":", ";", "…", "。")
_SPACES = re.compile(r"\s+")


def speakable(text: str) -> str:
    """The words without the symbols drawn beside them (arrows, check marks, warning signs), on one line.

    A speech engine reads "✓" or "⚠" as "check mark" or "warning sign", which says nothing the words don't.
    """
    kept = []
    for char in text.replace("·", ","):
        category = unicodedata.category(char)
        if category == "So" or (category == "Sm" and not char.isascii()):
            continue
        kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip(" ,")


def sentences(pieces: Iterable[str]) -> str:
    """Pieces (a title, a label, a button's name) joined so the engine pauses after each."""
    spoken = []
    for piece in pieces:
        words = speakable(piece)
        if words:
            spoken.append(words if words.endswith(_SENTENCE_END) else words + ".")
    return " ".join(spoken)


def spell_out(code: str) -> str:
    """A reference code one character at a time ("K7M 2QX" -> "K, 7, M, 2, Q, X"), as a person tells it."""
    return ", ".join(char for char in code if char.isalnum())


def widget_words(widget: QWidget, root: QWidget, special: Special | None = None) -> list[str]:
    """The words `widget` shows, if it is visible within `root`."""
    if widget is not root and not widget.isVisibleTo(root):
        return []
    for kind, read in (special or {}).items():
        if isinstance(widget, kind):
            return read(widget)
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        # What the patient typed is theirs: a waiting room must not hear a name, a phone number or a reason
        # for a visit. The question it answers is read from its own label.
        return []
    if isinstance(widget, QTextEdit):
        # One piece per paragraph or list item, so each ends in a pause even without its own full stop.
        return widget.toPlainText().splitlines() if widget.isReadOnly() else []
    if isinstance(widget, QAbstractButton):
        return _button_words(widget)
    if isinstance(widget, QLabel):
        return [widget.accessibleName() or _label_text(widget)]
    if isinstance(widget, QAbstractScrollArea) and hasattr(widget, "widget"):
        inner = widget.widget()
        return widget_words(inner, root, special) if isinstance(inner, QWidget) else []
    layout = widget.layout()
    return layout_words(layout, root, special) if layout is not None else []


def layout_words(layout: QLayout, root: QWidget, special: Special | None = None) -> list[str]:
    words: list[str] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        child_widget = item.widget()
        child_layout = item.layout()
        if child_widget is not None:
            words += widget_words(child_widget, root, special)
        elif child_layout is not None:
            words += layout_words(child_layout, root, special)
    return words


def _button_words(button: QAbstractButton) -> list[str]:
    words = [button.accessibleName() or button.text()]
    # A card's hint line is part of what it says on screen (TouchButton.hint, shown for cards only).
    hint = getattr(button, "hint", None)
    if isinstance(hint, QLabel) and hint.isVisibleTo(button) and hint.text():
        words.append(hint.text())
    return words


def _label_text(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.MarkdownText:
        return re.sub(r"[*_#`]+", "", text)  # emphasis marks are not words
    if label.textFormat() != Qt.TextFormat.PlainText and "<" in text:
        return re.sub(r"<[^>]+>", " ", text)  # a styled label's tags are not words
    return text
