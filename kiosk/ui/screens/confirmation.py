"""After sending: the reference code and Done, or, for an urgent request, "please go to the front desk now" first."""

from __future__ import annotations

from kiosk.qt import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QFrame,
    QHBoxLayout,
    QResizeEvent,
    QShowEvent,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.config.settings import Settings
from kiosk.domain.reference import format_reference
from kiosk.paths import resources_dir
from kiosk.services.requests import Receipt
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.speech.words import sentences, spell_out
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ButtonPicture, TouchButton
from kiosk.ui.widgets.wrapping_scroll import WrappingScrollArea

DESK_ICON = ("images", "icons", "front-desk.svg")
SENT_ICON = ("images", "icons", "sent.svg")
# A phone number is read in one piece: it never breaks across lines at its space or hyphen.
_UNBROKEN = str.maketrans({" ": "\u00a0", "-": "\u2011"})


class ConfirmationScreen(KioskScreen):
    """Shown only after the request's commit returned.

    A routine request shows its code and Done. An urgent one leads with a full-width band telling the patient to
    go to the front desk now, then whom to call if they have left, then the code; it has no Done: the window keeps
    it up until staff clear it or [idle] urgent_confirmation_seconds pass.
    """

    done = Signal()

    def __init__(self, texts: UiTexts, settings: Settings) -> None:
        super().__init__(texts)
        self._phone = settings.clinic.phone
        self._call_back_days = settings.clinic.call_back_business_days
        self.receipt: Receipt | None = None

        # The urgent band: a pictogram beside the words, so the message is not carried by colour alone.
        self.band = QFrame()
        self.band.setObjectName("UrgentBand")
        self.picture = ButtonPicture(resources_dir().joinpath(*DESK_ICON))
        self.picture.setObjectName("UrgentPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction = text_label("", "UrgentInstruction")
        self.reason = text_label("", "UrgentReason")
        band_words = QVBoxLayout()
        band_words.setContentsMargins(0, 0, 0, 0)
        band_words.addStretch(1)  # the words sit together in the middle when the pictogram is taller
        band_words.addWidget(self.instruction)
        band_words.addWidget(self.reason)
        band_words.addStretch(1)
        self._band_layout = QHBoxLayout(self.band)
        self._band_layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignVCenter)
        self._band_layout.addLayout(band_words, 1)
        self.away = text_label("", "UrgentAway")
        self.urgent_code_intro = text_label("subtitle")
        self.urgent_code = text_label("", "UrgentCode")
        self.urgent_code_hint = text_label()
        self._urgent_words = (self.away, self.urgent_code_intro, self.urgent_code, self.urgent_code_hint)

        # The routine confirmation: a success mark beside the thanks (a shape, not a colour alone, says "sent").
        self.sent_mark = ButtonPicture(resources_dir().joinpath(*SENT_ICON))
        self.sent_mark.setObjectName("SentMark")
        self.title = text_label("title")
        self.code_intro = text_label("subtitle")
        self.code = text_label("", "ReferenceCode")
        self.code_hint = text_label()
        self.next_contact = text_label()
        self.when = text_label("section-title", "ConfirmationWhen")
        self.sent_row = QWidget()
        sent_row = QHBoxLayout(self.sent_row)
        sent_row.setContentsMargins(0, 0, 0, 0)
        sent_row.addWidget(self.sent_mark, 0, Qt.AlignmentFlag.AlignVCenter)
        sent_row.addWidget(self.title, 1)
        self._sent_row_layout = sent_row
        self._routine_words: tuple[QWidget, ...] = (
            self.sent_row,
            self.when,
            self.code_intro,
            self.code,
            self.code_hint,
            self.next_contact,
        )
        for code in (self.code, self.urgent_code):
            code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.done_button = TouchButton("primary")
        self.done_button.setObjectName("ConfirmationDone")
        self.done_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.done_button.clicked.connect(self.done)

        # The words scroll when extra-large text leaves them too little room; the band and Done stay in sight.
        words = QWidget()
        self._words = QVBoxLayout(words)
        self._words.setContentsMargins(0, 0, 0, 0)
        for widget in (*self._urgent_words, *self._routine_words):
            self._words.addWidget(widget)
        self._words.addStretch(1)
        self.words_area = WrappingScrollArea()
        self.words_area.setObjectName("ConfirmationWords")
        self.words_area.setWidget(words)
        self._body = QVBoxLayout()
        self._body.addWidget(self.words_area, 1)
        self._body.addWidget(self.done_button)
        # The band runs edge to edge under the top bar; the rest keeps the screen's margins.
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(0)
        self._outer.addWidget(self.band)
        self._outer.addLayout(self._body, 1)

    @property
    def is_urgent(self) -> bool:
        return bool(self.receipt and self.receipt.urgent)

    def show_receipt(self, receipt: Receipt) -> None:
        self.receipt = receipt
        self.retranslate()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fit_band()  # words and look may have changed while the screen was hidden
        if self.is_urgent:
            self._announce_instruction()

    def _announce_instruction(self) -> None:
        # A screen reader hears the screen's name as focus arrives; the instruction and where to call are said
        # at once and before anything else, as an assertive announcement (and an alert for older bridges).
        words = " ".join(text for text in (self.instruction.text(), self.reason.text(), self.away.text()) if text)
        QAccessible.updateAccessibility(QAccessibleEvent(self.band, QAccessible.Event.Alert))
        announcement = QAccessibleAnnouncementEvent(self.band, words)
        announcement.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(announcement)

    def clear(self) -> None:
        """Nothing of the last patient stays on screen or in memory here, not even in an accessible name."""
        self.receipt = None
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        urgent = self.is_urgent
        code = format_reference(self.receipt.reference) if self.receipt else ""
        # Read out character by character, as a person would tell it to the desk.
        code_name = f"{t('confirm.code_intro')} {' '.join(code.replace(' ', ''))}" if code else ""
        self.band.setVisible(urgent)
        for widget in self._urgent_words:
            widget.setVisible(urgent)
        for part in self._routine_words:
            part.setVisible(not urgent)
        self.done_button.setVisible(not urgent)

        self.instruction.setText(t("red_flag.instruction"))
        self.band.setAccessibleName(self.instruction.text())
        self.picture.setAccessibleName(self.instruction.text())  # the pictogram says the same, never an unnamed image
        self.reason.setText(t("red_flag.reason"))
        self.away.setText(t("red_flag.away", phone=self._phone.translate(_UNBROKEN)))
        self.urgent_code_intro.setText(t("confirm.code_intro"))
        self.urgent_code_hint.setText(t("red_flag.code_hint"))
        self.title.setText(t("confirm.title"))
        self.code_intro.setText(t("confirm.code_intro"))
        self.code_hint.setText(t("confirm.code_hint"))
        self.next_contact.setText(t("confirm.next_contact"))
        self.when.setText(self._when_words())
        self.sent_mark.setAccessibleName(t("confirm.success"))  # the mark says "sent", never an unnamed image
        for label in (self.code, self.urgent_code):
            label.setText(code)
            label.setAccessibleName(code_name)
        self.done_button.set_words(t("confirm.done"))

        heading = self.instruction.text() if urgent else self.title.text()
        self.words_area.set_names(heading, t("page.scroll"))
        self._fit_band()
        self.words_area.fit_contents()  # new words, new height
        self.setAccessibleName(heading)  # what a screen reader says as the screen opens
        # ... and right after it, the code to tell the desk: a screen-reader user should not have to go looking.
        hint = (
            self.urgent_code_hint.text()
            if urgent
            else f"{self.when.text()} {self.code_hint.text()} {self.next_contact.text()}"
        )
        self.setAccessibleDescription(f"{code_name}. {hint}" if code_name else "")

    def _when_words(self) -> str:
        days = self._call_back_days
        # The strings catalog has no plural forms: one day has its own sentence, more days share one.
        return self.texts.t("confirm.when_one") if days == 1 else self.texts.t("confirm.when_days", days=days)

    def spoken_text(self) -> str:
        """The code one character at a time ("K, 7, M, 2, Q, X"), as the patient will tell it to the desk.

        An urgent confirmation says the instruction first, then whom to call, then the code.
        """
        if self.is_urgent:
            return sentences(
                [
                    self.instruction.text(),
                    self.reason.text(),
                    self.texts.t("red_flag.away", phone=self._phone),  # the plain number, for the speech engine
                    self.urgent_code_intro.text(),
                    spell_out(self.urgent_code.text()),
                    self.urgent_code_hint.text(),
                ]
            )
        return sentences(
            [
                self.title.text(),
                self.when.text(),
                self.code_intro.text(),
                spell_out(self.code.text()),
                self.code_hint.text(),
                self.next_contact.text(),
                self.done_button.accessibleName(),
            ]
        )

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        pad = self.metrics.px("pad")
        self._body.setContentsMargins(margin, margin, margin, margin)
        self._body.setSpacing(pad)
        self._words.setSpacing(pad)
        self._sent_row_layout.setSpacing(pad)
        self.sent_mark.draw(self.metrics.px("target") * 3 // 2)
        self._band_layout.setContentsMargins(margin, pad, margin, pad)
        self._band_layout.setSpacing(margin)
        self.picture.draw(self.metrics.px("target") * 2)
        self._fit_band()
        self.words_area.fit_contents()

    def _fit_band(self) -> None:
        # The band never scrolls, so it must be as tall as its wrapped words at this width: a box layout measures
        # a word-wrapped label by its one-line hint and would cut the instruction on a narrow, large-text screen.
        if self.width() > 0 and self.band.isVisibleTo(self):
            self.band.ensurePolished()
            for label in (self.instruction, self.reason):
                label.ensurePolished()  # measured in the style sheet's font, not the default one
            self.band.setMinimumHeight(self._band_layout.totalHeightForWidth(self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_band()
