"""Learn about a procedure: one large card per procedure page in the content."""

from __future__ import annotations

from kiosk.qt import QLabel, QVBoxLayout, Signal

from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import PageKind
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ChoiceButton


class ProceduresScreen(KioskScreen):
    navigate = Signal(object)

    def __init__(self, texts: UiTexts, catalog: ContentCatalog) -> None:
        super().__init__(texts)
        self._catalog = catalog
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "subtitle")
        self.subtitle.setWordWrap(True)
        self._cards = QVBoxLayout()
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.subtitle)
        self._outer.addLayout(self._cards)
        self._outer.addStretch(1)
        self.cards: list[ChoiceButton] = []
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("procedures.title"))
        self.subtitle.setText(t("procedures.subtitle"))
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        for page in self._catalog.of_kind(PageKind.PROCEDURE, self.texts.language):
            card = ChoiceButton()
            card.setObjectName(f"procedure-{page.id}")
            card.set_words(page.title, page.summary)
            card.apply_metrics(self.metrics)
            card.setMinimumHeight(self.metrics.px("target") * 2)
            route = Route(Screen.PROCEDURE, page.id)
            card.clicked.connect(lambda _=False, r=route: self.navigate.emit(r))
            self._cards.addWidget(card)
            self.cards.append(card)

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self._cards.setSpacing(self.metrics.px("pad"))
        for card in self.cards:
            card.setMinimumHeight(self.metrics.px("target") * 2)
