"""Where a patient is in a form: one bar segment per step, the steps done and the one shown filled."""

from __future__ import annotations

from kiosk.qt import QFrame, QHBoxLayout, QSizePolicy, QWidget

from kiosk.ui.qt_lifetimes import repolish
from kiosk.ui.theme import Metrics


class StepProgressBar(QWidget):
    """A thick bar in as many segments as the form has steps, so its length says how much is left.

    Segments, not a QProgressBar's one filling: a patient counts the parts left at a glance. Their colours are the
    style sheet's (QFrame#ProgressSegment[state=...]), so high contrast draws them too. The words beside the bar
    ("Step 2 of 5") say the same for a screen reader: the bar carries that name, the segments none of their own.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("StepProgressBar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.segments: list[QFrame] = []
        self._current = 0

    def show_step(self, current: int, count: int, words: str) -> None:
        """Step `current` (from 0) of `count`: that one and those before it are filled."""
        while len(self.segments) < count:
            segment = QFrame()
            segment.setObjectName("ProgressSegment")
            segment.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self._row.addWidget(segment, 1)
            self.segments.append(segment)
        while len(self.segments) > count:
            segment = self.segments.pop()
            self._row.removeWidget(segment)
            segment.hide()  # at once: deleteLater waits for the event loop, and it would be drawn until then
            segment.deleteLater()
        self._current = current
        for index, segment in enumerate(self.segments):
            state = "done" if index < current else "current" if index == current else "todo"
            if segment.property("state") != state:
                segment.setProperty("state", state)
                repolish(segment)
            segment.setAccessibleName(words)
        self.setAccessibleName(words)

    def apply_metrics(self, metrics: Metrics) -> None:
        # Thick enough to see from a metre away; thin enough to leave the step its room.
        self.setFixedHeight(max(12, metrics.px("pad_small")))
        self._row.setSpacing(max(4, metrics.px("pad_small") // 2))
