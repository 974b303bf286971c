"""The speaker button: turns read-aloud on and off; hidden where no engine or voice can read the language."""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.paths import resources_dir
from kiosk.ui.speech.read_aloud import ReadAloud
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import ButtonPicture, TouchButton

ICON = ("images", "icons", "speaker.svg")


class ReadAloudButton(TouchButton):
    """Checked while reading is on; its words say which ("Read aloud" / "Stop reading"), not its colour alone."""

    def __init__(self, texts: UiTexts, read_aloud: ReadAloud, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("ReadAloudButton")
        self.setCheckable(True)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._texts = texts
        self._read_aloud = read_aloud
        # The speaker sits before the words, on one line with them.
        self.picture = ButtonPicture(resources_dir().joinpath(*ICON))
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        index = layout.indexOf(self.label)
        layout.removeWidget(self.label)
        row = QHBoxLayout()
        row.addWidget(self.picture)
        row.addWidget(self.label, 1)
        layout.insertLayout(index, row)
        self._row = row
        self.toggled.connect(read_aloud.set_active)
        read_aloud.active_changed.connect(self._show_active)
        read_aloud.availability_changed.connect(self.setVisible)
        texts.language_changed.connect(self._language_changed)
        self.setVisible(read_aloud.available)
        self.retranslate()

    def _show_active(self, active: bool) -> None:
        if self.isChecked() != active:
            self.blockSignals(True)  # read-aloud turned itself off (reset, no voice): just show it
            self.setChecked(active)
            self.blockSignals(False)
            self._update_tone()
        self.retranslate()

    def _language_changed(self, _language: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        t = self._texts.t
        if self.isChecked():
            self.set_words(t("speech.stop"), t("speech.stop_hint"))
        else:
            self.set_words(t("speech.read_aloud"), t("speech.read_aloud_hint"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.picture.draw(metrics.px("target") * 5 // 8)
        self._row.setSpacing(metrics.px("pad_small"))
