"""A procedure or condition page read like a booklet: section tabs (a stepper at large text), the text, "Next: …"."""

from __future__ import annotations

import math

from kiosk.qt import (
    QBoxLayout,
    QButtonGroup,
    QDate,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLocale,
    QRect,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import Page, PageKind
from kiosk.content.pictures import resolve_image
from kiosk.services.navigation import Route, Screen
from kiosk.ui.focus_order import chain_focus
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.screens.link_list import lift_link_lists
from kiosk.ui.speech.words import sentences, widget_words
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import CHECKED_MARK, ButtonSet, TouchButton
from kiosk.ui.widgets.drawing import Drawing
from kiosk.ui.widgets.paged_text import PagedText
from kiosk.ui.widgets.section_stepper import SectionStepper
from kiosk.ui.widgets.web_code import WebCode
from kiosk.ui.widgets.wrapping_scroll import WrappingScrollArea

# A part of a section's text holds at least this many lines beside the cards; fewer, and the cards get a page of
# their own (a part of one line, cut mid-sentence beside a card, read as a broken page).
FEW_LINES = 4
SCREEN_FOR_KIND = {PageKind.PROCEDURE: Screen.PROCEDURE, PageKind.CONDITION: Screen.CONDITION}


class InfoPageScreen(KioskScreen):
    """Shows one section at a time, so a patient in pain reads a short piece, not a wall."""

    navigate = Signal(object)

    def __init__(self, texts: UiTexts, catalog: ContentCatalog) -> None:
        super().__init__(texts)
        self._catalog = catalog
        self._route = Route(Screen.PROCEDURE)
        self.page: Page | None = None
        self.title = text_label("title")

        self.tabs_panel = QWidget()
        self._tabs_grid = QGridLayout(self.tabs_panel)
        # The tabs show whole while there is room (the text gives way first), and scroll when large text needs it.
        self.tabs_area = WrappingScrollArea()
        self.tabs_area.setObjectName("SectionTabs")
        self.tabs_area.setWidget(self.tabs_panel)
        self._tabs_grid.setContentsMargins(0, 0, 0, 0)
        self._tab_group = QButtonGroup(self)
        self._tabs = ButtonSet(lambda: self._new_button("tab"), self.navigate.emit)

        # At large text the tabs give way to one row: "Section 2 of 6" between ◂ and ▸ (see arrange).
        self.stepper = SectionStepper()
        self.stepper.step.connect(self._step)

        self.section_title = text_label("section-title")
        # An English page standing in for a missing translation says so in words, not silently.
        self.stand_in = QLabel()
        self.stand_in.setObjectName("StandInNotice")
        self.stand_in.setProperty("role", "note")
        self.stand_in.setWordWrap(True)
        # The text takes whatever height is left (never asking for more), the tabs and buttons first, and is cut
        # into parts that each fit it; a patient turns them with the buttons at its end, as a booklet's pages.
        self.text = PagedText()
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.text.parts_changed.connect(self._show_turns)
        self._descriptions: dict[str, str] = {}  # a lifted list's words for each page's card (see link_list)
        # Only a paragraph taller than the box scrolls, and never silently: "More below" shows while it is hidden.
        self.more_below = text_label("note", "MoreBelow")
        self.more_below.setAlignment(Qt.AlignmentFlag.AlignRight)
        bar = self.text.verticalScrollBar()
        bar.rangeChanged.connect(self._update_more_below)
        bar.valueChanged.connect(self._update_more_below)
        # Each section (and each part of a long one) ends by naming what comes next, as a booklet's page turn does.
        self.next_section = TouchButton()
        self.next_section.setObjectName("NextSection")
        self.next_section.set_alignment(Qt.AlignmentFlag.AlignRight)
        self.next_section.clicked.connect(self._next)
        self.previous_part = TouchButton()
        self.previous_part.setObjectName("PreviousPart")
        self.previous_part.set_alignment(Qt.AlignmentFlag.AlignLeft)
        self.previous_part.clicked.connect(self._previous_part)
        self.previous_part.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        turns = QHBoxLayout()
        turns.setContentsMargins(0, 0, 0, 0)
        turns.addWidget(self.previous_part)
        turns.addWidget(self.next_section, 1)
        self._turns = turns
        self.related_title = text_label("section-title")
        self._related_grid = QGridLayout()
        self._related = ButtonSet(lambda: self._new_button("link"), self.navigate.emit)
        self._card_pictures: dict[TouchButton, Drawing] = {}
        self.request = TouchButton("primary")
        self.request.setObjectName("RequestAppointment")
        self.request.clicked.connect(self._request_appointment)
        self.reviewed = QLabel()
        self.reviewed.setProperty("role", "note")
        # The page's public address (`url =` in its header) as a QR code, so a patient can read it at home.
        self.page_code = WebCode("PageAddress")

        # Related pages scroll on their own (under their heading) when large text leaves them too little room.
        related_box = QWidget()
        related_layout = QVBoxLayout(related_box)
        related_layout.setContentsMargins(0, 0, 0, 0)
        related_layout.addLayout(self._related_grid)
        related_layout.addStretch(1)  # cards keep their own height at the top when their own page gives them more
        self.related_area = WrappingScrollArea()
        self.related_area.setObjectName("RelatedPages")
        self.related_area.setWidget(related_box)
        # Cards that would be cut in a scroll box beside the text (large text, long words) get a page after it.
        self._cards_apart = False
        self._on_cards = False
        self._related_titled = False  # whether the cards show under a heading of their own
        self._dropped_pictures: list[Drawing] = []  # card pictures hidden to fit the cards' own page

        reading = QVBoxLayout()
        reading.addWidget(self.section_title)
        reading.addWidget(self.stand_in)
        reading.addWidget(self.text, 1)
        reading.addWidget(self.more_below)
        # The section's cards come before the turn to the next: they are the end of what it says.
        reading.addWidget(self.related_title)
        reading.addWidget(self.related_area)
        reading.addLayout(turns)
        reading.addWidget(self.request)
        reading.addWidget(self.reviewed)
        reading.addWidget(self.page_code)
        self._reading = reading
        reading.insertWidget(0, self.stepper)
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.addWidget(self.tabs_area, 0, Qt.AlignmentFlag.AlignTop)
        self._body.addLayout(reading, 1)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addLayout(self._body, 1)

    # -- what is shown -------------------------------------------------------------------
    @property
    def section_index(self) -> int:
        return self._route.section

    def show_route(self, route: Route) -> None:
        self._route = route
        self._fill()

    def _step(self, by: int) -> None:
        if self.page is not None and self._route.page_id is not None:
            index = min(max(0, self._route.section + by), max(0, len(self.page.sections) - 1))
            self.navigate.emit(Route(self._route.screen, self._route.page_id, index))

    def _next(self) -> None:
        if self._on_cards:
            self._step(1)
        elif self.text.part < self.text.parts - 1:
            self.text.show_part(self.text.part + 1)
        elif self._cards_apart:
            self._show_cards_page(True)
        else:
            self._step(1)

    def _previous_part(self) -> None:
        if self._on_cards:
            self._show_cards_page(False)
        else:
            self.text.show_part(self.text.part - 1)

    @property
    def cards_apart(self) -> bool:
        """Whether the section's related cards are on a page of their own, after its text."""
        return self._cards_apart

    def _check_cards_fit(self) -> None:
        """Related cards move to a page of their own after the text when, beside it, they would be cut mid-word in
        a scroll box, or would leave a text that needs turning too few lines a part (one line cut mid-sentence)."""
        if self._cards_apart or not self.related_area.isVisible():
            return
        area = self.related_area
        contents = area.widget()
        wider = contents is not None and contents.width() > area.viewport().width()  # cut at the side
        if area.verticalScrollBar().maximum() > 0 or wider or self._text_crammed():
            self._cards_apart = True  # until the section, language or size changes: no flicker back and forth
            self._show_cards_page(False)

    def _text_crammed(self) -> bool:
        """Whether the text is cut into parts of fewer than `FEW_LINES` lines: too short a piece to read as a page."""
        if self.text.parts < 2 or not self.text.isVisible():
            return False
        room = self.text.viewport().height() - 2 * self.text.document().documentMargin()
        return room < FEW_LINES * self.text.fontMetrics().lineSpacing() * 1.25  # MarkdownView's 125 % lines

    def _show_cards_page(self, on: bool) -> None:
        self._on_cards = on
        self.text.setVisible(not on)
        self.related_area.setVisible(on)
        # On their own page the cards take the text's room: left at their own height they were cut in a scroll box.
        self._reading.setStretchFactor(self.related_area, 1 if on else 0)
        self._place_related()
        if not on:
            for picture in self._dropped_pictures:
                picture.show()
            self._dropped_pictures = []
        # The section's title heads a page of cards that were its list (the lead-in is a page back); others keep theirs.
        self.related_title.setVisible(on and self._related_titled)
        # Laid out and cut again now, not a few event-loop turns later: no frame shows the text cut for the old room.
        self._outer.activate()
        self.text.measure_now()
        self._show_turns()
        if on:
            chain_focus([self, *self.related_buttons, self.previous_part, self.next_section, self.request])
            QTimer.singleShot(0, self, self._check_cards_page_fits)

    def _check_cards_page_fits(self) -> None:
        """Cards still cut on their own page (extra-large text on a short screen) show their words without pictures:
        the words say where a card leads, the picture only adds to them."""
        if not self._on_cards or self.related_area.verticalScrollBar().maximum() <= 0:
            return
        self._dropped_pictures = [picture for picture in self._card_pictures.values() if picture.isVisibleTo(self)]
        for picture in self._dropped_pictures:
            picture.hide()

    def _show_turns(self) -> None:
        """The buttons at the text's end: a long section's next or previous part, else the next section."""
        page = self.page
        if page is None:
            return
        t = self.texts.t
        count = len(page.sections)
        index = min(self._route.section, max(0, count - 1))
        # Cards on a page of their own count as the section's last page.
        parts = self.text.parts + (1 if self._cards_apart else 0)
        part = parts - 1 if self._on_cards else self.text.part
        more = part < parts - 1
        next_words = t("page.next_section", section=page.sections[index + 1].title) if index + 1 < count else ""
        n = self.texts.number
        more_words = t("page.next_part", number=n(min(part + 2, parts)), count=n(parts)) if parts > 1 else ""
        self.next_section.setVisible(bool(more_words if more else next_words))
        self.next_section.set_words(more_words if more else next_words)
        # The turn keeps one height through the section's parts, whatever it says (or when only "Previous page"
        # is left): a turn one line taller on the last part would leave that part less room than it was cut for.
        self._reserve_height(self.next_section, [more_words, next_words])
        policy = self.next_section.sizePolicy()
        policy.setRetainSizeWhenHidden(parts > 1)
        self.next_section.setSizePolicy(policy)
        self.previous_part.setVisible(part > 0)
        self.previous_part.set_words(t("page.previous_part"))
        # The cards and the request stay on every part: shown only on the last, they would give its text less room
        # than it was measured for, and the parts would be cut again (and again).
        self.request.setVisible(bool(page.sections) and index == len(page.sections) - 1)
        self._update_more_below()
        QTimer.singleShot(0, self, self._check_cards_fit)  # after the layout has given the cards their room

    def _update_more_below(self) -> None:
        self.more_below.setVisible(self.text.isVisibleTo(self) and self.text.hides_text())

    def _reserve_height(self, button: TouchButton, choices: list[str]) -> None:
        """At least the height the longest of `choices` needs at the button's width."""
        layout = button.layout()
        if layout is None:
            return
        margins = layout.contentsMargins()
        width = button.width() - margins.left() - margins.right()
        if width <= 0:
            return
        metrics = button.label.fontMetrics()
        room = QRect(0, 0, width, 100_000)
        lines = max(metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, words).height() for words in choices)
        button.setMinimumHeight(max(self.metrics.px("target"), lines + margins.top() + margins.bottom()))

    def _request_appointment(self) -> None:
        self.navigate.emit(Route(Screen.APPOINTMENT))

    def retranslate(self) -> None:
        # Hidden, the page is filled again by show_route() when a patient opens one: no Markdown rendered unseen.
        if self.isVisible():
            self._fill()

    def _fill(self) -> None:
        if self._route.page_id is None:
            return
        page = self._catalog.page(self._route.page_id, self.texts.language)
        if page is None:
            return
        self.page = page
        t = self.texts.t
        self.title.setText(page.title)
        self._cards_apart = self._on_cards = False
        self.text.show()
        self._build_tabs(page)
        self._show_stand_in(page)
        index = min(self._route.section, max(0, len(page.sections) - 1))
        if page.sections:
            section = page.sections[index]
            self.tabs[index].setChecked(True)
            self.section_title.setText(section.title)
            # Pictures are found next to the page's file, wherever the kiosk was started.
            self.text.page_path = page.path
            self.text.scan_words = t("page.scan_link")
            lifted = lift_link_lists(page.section_text(index))
            self._descriptions = lifted.descriptions
            self._show_related(page, index)  # before the text, which is cut to the room the cards leave it
            self.text.set_markdown(lifted.markdown, t("page.text_area", section=section.title), t("page.scroll"))
        else:
            self._descriptions = {}
            self._show_related(page, index)
        count = len(page.sections)
        self.more_below.setText(t("page.more_below"))
        self._show_turns()
        self.stepper.show_position(
            t("page.section_of", number=self.texts.number(index + 1), count=self.texts.number(count)),
            index,
            count,
            (t("page.previous_section"), t("page.next_section_name")),
        )
        self._show_tabs_or_stepper()
        self.request.set_words(t("page.request"))
        if page.reviewed:
            day = QDate(page.reviewed.year, page.reviewed.month, page.reviewed.day)
            date = self.texts.locale.toString(day, QLocale.FormatType.LongFormat)
            self.reviewed.setText(t("page.reviewed", date=date))
        self.reviewed.setVisible(page.reviewed is not None)
        self.page_code.show_code(page.url, t("page.scan_page"), self.metrics.px("target") * 3 // 2)
        self.setAccessibleName(page.title)  # what a screen reader says as the page opens
        # Sections and related pages are made when a page first needs them: put them where they are read.
        sections = [self.stepper.previous, self.stepper.next] if self.stepper.isVisibleTo(self) else self.tabs
        chain_focus(
            [self, *sections, self.text, *self.related_buttons, self.previous_part, self.next_section, self.request]
        )

    def _new_button(self, role: str) -> TouchButton:
        button = TouchButton(role)
        button.set_alignment(Qt.AlignmentFlag.AlignLeft)
        button.apply_metrics(self.metrics)
        if role == "tab":
            button.setCheckable(True)
            button.setAutoExclusive(True)  # read as a radio button: one section of several, arrow keys move
            self._tab_group.addButton(button)
        return button

    def _build_tabs(self, page: Page) -> None:
        screen = self._route.screen
        targets: list[object] = [Route(screen, page.id, n) for n in range(len(page.sections))]
        shown = min(self._route.section, max(0, len(page.sections) - 1))
        for number, (button, section) in enumerate(zip(self._tabs.ensure(targets), page.sections, strict=True)):
            button.setObjectName(f"section-{number + 1}")
            # The section on screen is marked in words too, not only by its fill colour.
            mark = CHECKED_MARK if number == shown else ""
            button.set_words(f"{mark}{self.texts.number(number + 1)}.  {section.title}")
            button.setAccessibleName(section.title)
        self.tabs_panel.setAccessibleName(self.texts.t("page.sections"))
        self.tabs_area.set_names(self.texts.t("page.sections"), self.texts.t("page.scroll"))
        self._show_tabs_or_stepper()
        self._place_tabs()

    def _show_tabs_or_stepper(self) -> None:
        several = self.page is not None and len(self.page.sections) > 1
        large = self.metrics.text_scale > 1.0
        self.tabs_area.setVisible(several and not large)
        self.stepper.setVisible(several and large)

    @property
    def tabs(self) -> list[TouchButton]:
        return self._tabs.buttons

    @property
    def related_buttons(self) -> list[TouchButton]:
        return self._related.buttons

    def _show_stand_in(self, page: Page) -> None:
        language = self.texts.language
        self.stand_in.setVisible(page.language != language)
        if page.language != language:
            shown = self.texts.strings.text(page.language, "language.name")
            self.stand_in.setText(
                self.texts.t("page.not_translated", wanted=self.texts.t("language.name"), shown=shown)
            )

    def _show_related(self, page: Page, index: int) -> None:
        heading, ids = page.buttons(index)
        found = [self._catalog.page(page_id, page.language) for page_id in ids]
        related = [p for p in found if p is not None and p.kind in SCREEN_FOR_KIND]
        show = bool(related)
        self.related_title.setVisible(show)
        self.related_area.setVisible(show)
        if not show:
            related = []
        targets: list[object] = [Route(SCREEN_FOR_KIND[p.kind], p.id) for p in related]
        # One or two related pages get cards that say what each is, with its drawing: a lone card holding only a
        # title looked like a missing picture. A longer list stays a list of names, read after the section's text.
        few = len(related) <= 2
        described = self._descriptions
        buttons = self._related.ensure(targets)
        # A card the set deleted takes its drawing with it: kept as a key here, its wrappers outlived it (the soak).
        self._card_pictures = {
            button: self._card_pictures[button] for button in buttons if button in self._card_pictures
        }
        for button, other in zip(buttons, related, strict=True):
            button.setObjectName(f"related-{other.id}")
            # A card that stands for an item of the author's list carries that item's words.
            hint = described.get(other.id) or other.summary
            # At large text a list's words would make each card taller than a screen's share: the names stay (the
            # words are on each page), and the cards fit without a scroll box.
            large = self.metrics.text_scale > 1.0
            button.set_words(other.title, hint, show_hint=few or (other.id in described and not large))
            self._show_card_picture(button, other if few else None)
        if not show:
            return
        # Cards that all stood in the text's list follow its lead-in ("…for pain caused by:"): no second heading.
        self._related_titled = not all(p.id in described for p in related)
        self.related_title.setVisible(self._related_titled)
        if heading is None:
            # The author named no heading: one for the pages' kind, or a plain one when kinds are mixed.
            kinds = {p.kind for p in related}
            key = {
                frozenset({PageKind.CONDITION}): "page.related_conditions",
                frozenset({PageKind.PROCEDURE}): "page.related_procedures",
            }.get(frozenset(kinds), "page.related_pages")
            heading = self.texts.t(key)
        self.related_title.setText(heading)
        self.related_area.set_names(heading, self.texts.t("page.scroll"))
        self._place_related()

    def _show_card_picture(self, button: TouchButton, other: Page | None) -> None:
        picture = self._card_pictures.get(button)
        path = resolve_image(other.path, other.image) if other is not None and other.image else None
        if path is None or not path.is_file():
            if picture is not None:
                picture.hide()
            return
        if picture is None:
            picture = Drawing()
            layout = button.layout()
            assert layout is not None and hasattr(layout, "insertWidget")
            layout.insertWidget(0, picture)
            self._card_pictures[button] = picture
        picture.set_path(path)
        picture.setAccessibleName(other.image_alt if other is not None else "")
        picture.show()
        picture.draw(self.metrics.px("target") * 2)

    def spoken_text(self) -> str:
        """The page's title and the section shown, not every section's name: the patient chose this section."""
        # "More below" and "Next: …" are ways to move through the page, not part of what the section says.
        skip = (self.more_below, self.next_section, self.previous_part)
        parts: list[str] = []
        for number in range(self._reading.count()):
            item = self._reading.itemAt(number)
            widget = item.widget() if item is not None else None
            if widget is not None and widget not in skip:
                parts += widget_words(widget, self)
        return sentences([self.title.text(), *parts])

    # -- layout ---------------------------------------------------------------------------
    def _place_tabs(self) -> None:
        columns = 2 if self.portrait else 1
        for number, button in enumerate(self.tabs):
            self._tabs_grid.addWidget(button, number // columns, number % columns)
            button.show()  # a layout shows new children only on the next event loop turn
        for column in range(2):
            self._tabs_grid.setColumnStretch(column, 1 if column < columns else 0)
        self.tabs_area.fit_contents()

    def _place_related(self) -> None:
        # A card or two share the whole width: in a third of it a lone card's words stood so tall that the text beside
        # it was cut to a line (and at large text the card itself was cut in a scroll box on its own page).
        columns = max(1, min(2 if self.portrait else 3, len(self.related_buttons)))
        # No height cap: cards that do not fit whole beside the text get a page of their own (_check_cards_fit);
        # a cap of a row and a half had cut them mid-word in a scroll box.
        self.related_area.setMaximumHeight(16_777_215)
        for number, button in enumerate(self.related_buttons):
            button.forget_heights()  # measured again at the column's width, which may have changed
            self._related_grid.addWidget(button, number // columns, number % columns)
            button.show()
        for column in range(3):
            self._related_grid.setColumnStretch(column, 1 if column < columns else 0)

    def arrange(self) -> None:
        m = self.metrics
        if self._cards_apart and self.page is not None:
            # A new size or text size: the cards go back beside the text, and are looked at again there.
            self._cards_apart = self._on_cards = False
            self.text.show()
            self._show_related(self.page, min(self._route.section, max(0, len(self.page.sections) - 1)))
        self._body.setDirection(QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight)
        # Beside the text the tabs sit at the top of their column; above it they take the height their words need.
        top = Qt.AlignmentFlag(0) if self.portrait else Qt.AlignmentFlag.AlignTop
        self._body.setAlignment(self.tabs_area, top)
        if self.portrait:
            self.tabs_area.setMinimumWidth(0)
            self.tabs_area.setMaximumWidth(16_777_215)
        else:
            # Under a third of a 1920 px width: room for every section name on one or two lines.
            self.tabs_area.setFixedWidth(round(560 * m.scale))
        margin = m.px("pad2")
        self._outer.setContentsMargins(margin, m.px("pad"), margin, m.px("pad"))
        self._outer.setSpacing(m.px("pad"))
        self._body.setSpacing(m.px("pad" if self.portrait else "pad2"))
        self._reading.setSpacing(m.px("pad_small"))
        self._tabs_grid.setSpacing(m.px("pad_small"))
        self._related_grid.setSpacing(m.px("pad_small"))
        # The text is cut into parts, so it gives up room first on a tight screen: one line of it stays in sight
        # (at large text a section's related cards, cut mid-word in a scroll box, needed the room of a second).
        # (Its own minimum counts the scroll bar's whole length, ~300 px, which would squeeze the section tabs.)
        # (A line of 125 % height, the air under its paragraph and the document's margins: see MarkdownView.)
        font = self.text.fontInfo()
        air = math.ceil(font.pixelSize() * 0.6 + 2 * self.text.document().documentMargin())
        line = math.ceil(self.text.fontMetrics().lineSpacing() * 1.25) + air + 2
        # (Never less than a finger's target: the text takes focus and arrow keys, a control of its own.)
        self.text.setMinimumHeight(min(m.px("target") * 3 // 2, max(line, m.px("target"))))
        # At least one row of related pages stays in sight, the rest scroll.
        self.related_area.setMinimumHeight(m.px("target") + m.px("pad_small"))
        self.stepper.apply_metrics(m)
        self.next_section.apply_metrics(m)
        self.previous_part.apply_metrics(m)
        self._turns.setSpacing(m.px("pad_small"))
        self._show_tabs_or_stepper()
        self._place_tabs()
        self._place_related()
