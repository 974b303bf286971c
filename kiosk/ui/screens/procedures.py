"""Learn about a procedure: one large card per procedure page in the content."""

from __future__ import annotations

from kiosk.qt import QVBoxLayout, Signal

from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import PageKind
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ButtonSet, ChoiceButton


class ProceduresScreen(KioskScreen):
    navigate = Signal(object)

    def __init__(self, texts: UiTexts, catalog: ContentCatalog) -> None:
        super().__init__(texts)
        self._catalog = catalog
        self.title = text_label("title")
        self.subtitle = text_label("subtitle")
        self._cards = QVBoxLayout()
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.subtitle)
        self._outer.addLayout(self._cards)
        self._outer.addStretch(1)
        self._cards_set = ButtonSet(ChoiceButton, self.navigate.emit)
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("procedures.title"))
        self.subtitle.setText(t("procedures.subtitle"))
        self.setAccessibleName(t("procedures.title"))  # what a screen reader says as the screen opens
        pages = self._catalog.of_kind(PageKind.PROCEDURE, self.texts.language)
        targets: list[object] = [Route(Screen.PROCEDURE, page.id) for page in pages]
        for card, page in zip(self._cards_set.ensure(targets), pages, strict=True):
            card.setObjectName(f"procedure-{page.id}")
            card.set_words(page.title, page.summary)
            if card.parentWidget() is not self:
                card.apply_metrics(self.metrics)
                card.setMinimumHeight(self.metrics.px("target") * 2)
                self._cards.addWidget(card)
                card.show()  # a layout shows new children only on the next event loop turn

    @property
    def cards(self) -> list[ChoiceButton]:
        return [card for card in self._cards_set.buttons if isinstance(card, ChoiceButton)]

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self._cards.setSpacing(self.metrics.px("pad"))
        for card in self.cards:
            card.setMinimumHeight(self.metrics.px("target") * 2)
