"""At large text, a page's sections as "Section 2 of 6" between a previous and a next button.

A grid of six section tabs at large text takes half an upright screen and leaves the text two lines; the stepper
takes one row, and the section's own title under it still says where the patient is.
"""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, QLabel, QSizePolicy, Qt, QWidget, Signal

from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton


class SectionStepper(QWidget):
    """Emits `step` with -1 or +1; the page says which section that is."""

    step = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SectionStepper")
        self.previous = TouchButton()
        self.previous.setObjectName("PreviousSection")
        self.next = TouchButton()
        self.next.setObjectName("NextSectionStep")
        for button in (self.previous, self.next):
            button.set_single_line()
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.position = QLabel()
        self.position.setObjectName("SectionPosition")
        self.position.setProperty("role", "section-title")
        self.position.setWordWrap(True)
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous.clicked.connect(self._back)
        self.next.clicked.connect(self._on)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addWidget(self.previous)
        self._row.addWidget(self.position, 1)
        self._row.addWidget(self.next)

    def _back(self) -> None:
        self.step.emit(-1)

    def _on(self) -> None:
        self.step.emit(1)

    def show_position(self, words: str, index: int, count: int, names: tuple[str, str]) -> None:
        """`words` is "Section 2 of 6" in the patient's language; `names` name the two buttons for a screen reader."""
        self.position.setText(words)
        self.setAccessibleName(words)
        self.previous.set_words("◂")
        self.next.set_words("▸")
        self.previous.setAccessibleName(names[0])
        self.next.setAccessibleName(names[1])
        # A button that would go nowhere is disabled but keeps its place, so the other does not jump.
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < count - 1)

    def apply_metrics(self, metrics: Metrics) -> None:
        self._row.setSpacing(metrics.px("pad"))
        for button in (self.previous, self.next):
            button.apply_metrics(metrics)
            button.setMinimumWidth(metrics.px("target") * 2)  # a wide target for a tremor, not a small arrow
