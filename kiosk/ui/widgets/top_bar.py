"""The bar above every patient screen but the attract loop: Back, Home, the access controls, languages."""

from __future__ import annotations

from kiosk.qt import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget, Signal

from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.access_bar import AccessBar
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.language_bar import LanguageBar


class TopBar(QFrame):
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, texts: UiTexts, clinic_name: str, access: AccessBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TopBar")
        self._texts = texts
        self.access = access
        rows = QVBoxLayout(self)
        self._first = QHBoxLayout()
        rows.addLayout(self._first)
        # The access controls join the first row when it has room (landscape), else a row of their own. Both rows
        # are layouts of this one widget, so moving the controls never reparents (and so never hides) them.
        self._second_row = QHBoxLayout()
        rows.addLayout(self._second_row)
        self.back = TouchButton()
        self.back.setObjectName("BackButton")
        self.home = TouchButton()
        self.home.setObjectName("HomeButton")
        for button in (self.back, self.home):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            button.set_single_line()
            self._first.addWidget(button)
        # Shown on home, where Back and Home are not: says whose kiosk this is.
        self.clinic = QLabel(clinic_name)
        self.clinic.setObjectName("TopBarClinic")
        self._first.addWidget(self.clinic)
        self._first.addStretch(1)
        self.languages = LanguageBar(texts)
        self._first.addWidget(self.languages)
        self._one_row = True
        self._first.insertWidget(self._first.indexOf(self.languages), access)
        self.back.clicked.connect(self.back_requested)
        self.home.clicked.connect(self.home_requested)
        texts.language_changed.connect(self.retranslate)
        self.retranslate()

    @property
    def one_row(self) -> bool:
        return self._one_row

    def set_margins(self, margin: int) -> None:
        rows = self.layout()
        assert rows is not None
        rows.setContentsMargins(margin, margin // 2, margin, margin // 2)
        rows.setSpacing(margin // 2)
        for row in (self._first, self._second_row, self.access.layout(), self.languages.layout()):
            assert row is not None
            row.setSpacing(margin // 2)

    def fit(self, width: int) -> None:
        """One row when everything fits across `width`, two when it does not (portrait, large text, more words)."""
        self._place(one_row=True)
        self.ensurePolished()
        rows = self.layout()
        assert rows is not None
        margins = rows.contentsMargins()
        if self._first.sizeHint().width() + margins.left() + margins.right() > width:
            self._place(one_row=False)

    def _place(self, one_row: bool) -> None:
        if one_row == self._one_row:
            return
        self._one_row = one_row
        if one_row:
            self._second_row.removeWidget(self.access)
            self._second_row.takeAt(0)  # the stretch that pushed the controls to the right
            self._first.insertWidget(self._first.indexOf(self.languages), self.access)
        else:
            self._first.removeWidget(self.access)
            self._second_row.addStretch(1)
            self._second_row.addWidget(self.access)

    def retranslate(self) -> None:
        t = self._texts.t
        self.back.set_words("←  " + t("nav.back"), t("nav.back_hint"))
        self.back.setAccessibleName(t("nav.back"))
        self.home.set_words("⌂  " + t("nav.home"), t("nav.home_hint"))
        self.home.setAccessibleName(t("nav.home"))
