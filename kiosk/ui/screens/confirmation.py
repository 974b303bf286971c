"""After sending: the reference code in large type, or "please tell the front desk now"."""

from __future__ import annotations

from kiosk.qt import QFrame, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal

from kiosk.config.settings import Settings
from kiosk.domain.reference import format_reference
from kiosk.services.requests import Receipt
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.speech.words import sentences, spell_out, widget_words
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.wrapping_scroll import WrappingScrollArea


class ConfirmationScreen(KioskScreen):
    """Shown only after the request's commit returned; urgent requests get the desk message."""

    done = Signal()

    def __init__(self, texts: UiTexts, settings: Settings) -> None:
        super().__init__(texts)
        self._phone = settings.clinic.phone
        self.receipt: Receipt | None = None
        self.banner = QFrame()
        self.banner.setObjectName("UrgentBanner")
        banner_layout = QVBoxLayout(self.banner)
        self.urgent = text_label("urgent", "UrgentLabel")
        self.urgent_body = text_label("body")
        self.call = text_label("body")
        self.emergency = text_label("body", "EmergencyLine")
        for label in (self.urgent, self.urgent_body, self.call, self.emergency):
            banner_layout.addWidget(label)
        self.title = text_label("title")
        self.code_intro = text_label("subtitle")
        self.code = text_label("", "ReferenceCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code_hint = text_label()
        self.next_contact = text_label()
        self.done_button = TouchButton("primary")
        self.done_button.setObjectName("ConfirmationDone")
        self.done_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.done_button.clicked.connect(self.done)
        # The words scroll when extra-large text leaves them too little room; Done stays in sight below them.
        words = QWidget()
        self._words = QVBoxLayout(words)
        self._words.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.banner, self.code_intro, self.code, self.code_hint, self.next_contact):
            self._words.addWidget(widget)
        self._words.addStretch(1)
        self.words_area = WrappingScrollArea()
        self.words_area.setObjectName("ConfirmationWords")
        self.words_area.setWidget(words)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.words_area, 1)
        self._outer.addWidget(self.done_button)

    def show_receipt(self, receipt: Receipt) -> None:
        self.receipt = receipt
        self.retranslate()

    def clear(self) -> None:
        """Nothing of the last patient stays on screen or in memory here."""
        self.receipt = None
        for label in (self.code, self.title):
            label.clear()

    def retranslate(self) -> None:
        t = self.texts.t
        urgent = bool(self.receipt and self.receipt.urgent)
        self.banner.setVisible(urgent)
        self.title.setText(t("red_flag.title") if urgent else t("confirm.title"))
        self.urgent.setText(t("red_flag.urgent"))
        self.urgent_body.setText(t("red_flag.body"))
        self.call.setText(t("red_flag.call", phone=self._phone))
        self.emergency.setText(t("red_flag.emergency"))
        self.code_intro.setText(t("confirm.code_intro"))
        code = format_reference(self.receipt.reference) if self.receipt else ""
        self.code.setText(code)
        # Read out character by character, as a person would tell it to the desk.
        self.code.setAccessibleName(f"{t('confirm.code_intro')} {' '.join(code.replace(' ', ''))}")
        self.code_hint.setText(t("confirm.code_hint"))
        self.next_contact.setText(t("confirm.next_contact"))
        self.next_contact.setVisible(not urgent)
        self.done_button.set_words(t("confirm.done"))
        self.words_area.set_names(self.title.text(), t("page.scroll"))
        self.words_area.fit_contents()  # new words, new height
        self.setAccessibleName(self.title.text())  # what a screen reader says as the screen opens

    def spoken_text(self) -> str:
        """The code one character at a time ("K, 7, M, 2, Q, X"), as the patient will tell it to the desk."""
        return sentences(
            [
                self.title.text(),
                *widget_words(self.banner, self),  # the urgent message, when shown
                self.code_intro.text(),
                spell_out(self.code.text()),
                self.code_hint.text(),
                *([self.next_contact.text()] if self.next_contact.isVisibleTo(self) else []),
                self.done_button.accessibleName(),
            ]
        )

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self._words.setSpacing(self.metrics.px("pad"))
        self.words_area.fit_contents()
