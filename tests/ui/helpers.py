"""Read a window the way a person sees it: visible widgets, their words, their sizes."""

from __future__ import annotations

from types import TracebackType

from kiosk.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QEvent,
    QLabel,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

from kiosk.ui.widgets.buttons import TouchButton


def really_visible(widget: QWidget) -> bool:
    """Visible on screen: shown, with a size, inside the window, and not covered by a hidden stack page."""
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def text_in(box: QLineEdit | QPlainTextEdit) -> str:
    """What a form's box shows (a one-line box or a longer answer's)."""
    return box.text() if isinstance(box, QLineEdit) else box.toPlainText()


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Everything a finger or a keypad can act on."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not really_visible(widget):
            continue
        if isinstance(widget, (QAbstractButton, QScrollBar, QAbstractScrollArea)):
            found.append(widget)
    return found


def visible_texts(root: QWidget) -> dict[str, str]:
    """Every visible piece of text, keyed by a path that stays the same across languages."""
    texts: dict[str, str] = {}
    for widget in root.findChildren(QWidget):
        if not really_visible(widget):
            continue
        key = widget_path(widget)
        if isinstance(widget, QLabel) and widget.text():
            texts[key] = widget.text()
        elif isinstance(widget, QAbstractScrollArea) and hasattr(widget, "toPlainText"):
            texts[key] = widget.toPlainText()
    return texts


def widget_path(widget: QWidget) -> str:
    parts = []
    node: QWidget | None = widget
    while node is not None:
        parent = node.parentWidget()
        siblings = parent.findChildren(type(node)) if parent else [node]
        index = siblings.index(node) if node in siblings else 0
        parts.append(f"{type(node).__name__}:{node.objectName()}:{index}")
        node = parent
    return "/".join(reversed(parts))


def button_by_words(root: QWidget, words: str) -> TouchButton:
    for button in root.findChildren(TouchButton):
        if really_visible(button) and button.words() == words:
            return button
    shown = [b.words() for b in root.findChildren(TouchButton) if really_visible(b)]
    raise AssertionError(f"no visible button reads {words!r}; visible buttons: {shown}")


def clipped_labels(root: QWidget) -> list[str]:
    """Labels whose words need more height than they were given (cut off at the bottom)."""
    clipped = []
    for label in root.findChildren(QLabel):
        if not really_visible(label) or not label.text():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                clipped.append(f"{label.text()[:40]!r} needs {needed}px, has {label.height()}px")
        else:
            # One line (bar buttons): the size hint is the whole line; less width or height cuts it.
            hint = label.sizeHint()
            if hint.width() > label.width() + 1 or hint.height() > label.height() + 1:
                needs = f"{hint.width()}x{hint.height()}px"
                clipped.append(f"{label.text()[:40]!r} needs {needs}, has {label.width()}x{label.height()}px")
    return clipped


def patient_text_anywhere(window: QWidget, secret: str) -> list[str]:
    """Where a patient's words still show or would be heard: texts, accessible names and descriptions, tool tips."""
    found = []
    for widget in window.findChildren(QWidget):
        texts = [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        found += [f"{type(widget).__name__} {widget.objectName()}" for text in texts if secret in text]
    return found


class StyleChanges(QObject):
    """Counts the times Qt re-polishes `root` or a widget inside it while the `with` block runs.

    Each restyle costs a frame's share on a busy screen; the window restyles only what is in sight, and a hidden
    part catches up as it is shown. An application-wide filter, removed when the block ends.
    """

    def __init__(self, root: QWidget) -> None:
        super().__init__()
        self.root = root
        self.count = 0

    def __enter__(self) -> StyleChanges:
        _application().installEventFilter(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _application().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.StyleChange
            and isinstance(watched, QWidget)
            and (watched is self.root or self.root.isAncestorOf(watched))
        ):
            self.count += 1
        return False


def _application() -> QApplication:
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    return application
