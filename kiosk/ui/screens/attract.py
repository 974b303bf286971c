"""The attract loop: slides from content (words, a picture, QR codes of web addresses), clinic name and phone,
touch anywhere to begin."""

from __future__ import annotations

import datetime as dt

from kiosk.qt import (
    QBoxLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QMouseEvent,
    QPaintEvent,
    QPixmap,
    QPushButton,
    QResizeEvent,
    QSizePolicy,
    Qt,
    QTime,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.config.settings import Settings
from kiosk.content.catalog import SLIDE_CODES, ContentCatalog
from kiosk.content.markup import Markup, read_markup, to_html
from kiosk.content.model import Page, PageKind
from kiosk.content.pictures import resolve_image
from kiosk.services.navigation import Route
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.drawing import Drawing
from kiosk.ui.widgets.web_code import WebCode

# Pages a slide's link may name: nobody taps a slide, so the link becomes words saying where to read more.
_READABLE = (PageKind.PROCEDURE, PageKind.CONDITION)

# Keys that start a visit from a keypad, as a touch anywhere does.
BEGIN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)


class _StartButton(QPushButton):
    """The whole screen as one button, under the words: what a screen reader or switch presses to begin.

    A plain widget offers assistive technology only SetFocus; a button offers Press, which does what a touch does.
    It draws nothing: the slides are the picture.
    """

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        del event


# The shares of a landscape slide's width (in fifths) its words may take beside the picture, tried in turn.
WORDS_FIFTHS = (3, 4)


class AttractScreen(KioskScreen):
    """Cycles the slides with one single-shot timer, so a paused loop costs no CPU."""

    begin = Signal()
    slide_changed = Signal(int)

    def __init__(self, texts: UiTexts, catalog: ContentCatalog, settings: Settings) -> None:
        super().__init__(texts)
        self.setObjectName("Attract")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._catalog = catalog
        self._settings = settings
        self._slides: list[Page] = []
        self._index = 0
        self.paused = settings.attract.reduced_motion
        self.second_ms = 1000  # tests shorten it to run the real timer quickly
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.next_slide)

        self.pause_button = TouchButton("on-dark")
        self.pause_button.setObjectName("PauseButton")
        self.pause_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.logo = QLabel()
        self.logo.setVisible(False)
        self.clinic_name = QLabel(settings.clinic.name)
        self.clinic_name.setObjectName("ClinicName")
        self.slide_title = QLabel()
        self.slide_title.setObjectName("SlideTitle")
        self.slide_body = QLabel()
        self.slide_body.setObjectName("SlideBody")
        # The same reading of the Markdown as the pages' (kiosk.content.markup): links as words, no raw HTML.
        self.slide_body.setTextFormat(Qt.TextFormat.RichText)
        # A link to a page says where to find it after the touch that begins a visit.
        self.read_more = QLabel()
        self.read_more.setObjectName("SlideReadMore")
        self.read_more.setTextFormat(Qt.TextFormat.PlainText)
        # The slide's own address (`url =`) and its web links, each a QR code for the patient's phone.
        self.codes = [WebCode(f"SlideCode{number}") for number in range(SLIDE_CODES)]
        self._wanted_codes: list[tuple[str, str]] = []
        for code in self.codes:
            code.words.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.slide_title, self.slide_body, self.clinic_name, self.read_more):
            label.setWordWrap(True)
        self.position = QLabel()
        self.position.setObjectName("SlidePosition")
        self.touch_to_begin = QLabel()
        self.touch_to_begin.setObjectName("TouchToBegin")
        self.touch_to_begin.setWordWrap(True)
        self.contact = QLabel()
        self.contact.setObjectName("ClinicContact")
        self.contact.setWordWrap(True)
        self.start_button = _StartButton(self)
        self.start_button.setObjectName("AttractStart")
        self.start_button.lower()  # under the words and the pause button, which keep their own touches
        self.start_button.clicked.connect(self.begin)
        self.setFocusProxy(self.start_button)  # the screen's focus is the button's: Enter, Space or Press begins

        header = QHBoxLayout()
        header.addWidget(self.logo)
        header.addWidget(self.clinic_name, 1)
        header.addWidget(self.pause_button)
        self._outer = QVBoxLayout(self)
        self._outer.addLayout(header)
        self.drawing = Drawing()
        self.drawing.setObjectName("SlideDrawing")
        self.drawing.hide()
        self._has_picture = False
        self._fifths = WORDS_FIFTHS[0]  # the words' share of a landscape slide's width, in fifths (see _draw)
        words = QVBoxLayout()
        words.addWidget(self.slide_title)
        words.addWidget(self.slide_body)
        words.addWidget(self.read_more)
        words.addStretch(1)  # the words stay together at the top of their column
        self._slide_words = words
        # Beside the words in landscape, above them upright (see arrange).
        self._slide_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._slide_box.addLayout(words, 3)
        # The picture and the QR codes under it share the other column: the words keep the room they need.
        media = QVBoxLayout()
        media.addWidget(self.drawing)
        for code in self.codes:
            media.addWidget(code)
        self._media = media
        self._slide_box.addLayout(media, 2)
        self._outer.addStretch(2)
        self._outer.addLayout(self._slide_box)
        self._outer.addStretch(3)
        self._outer.addWidget(self.position)
        self._outer.addWidget(self.touch_to_begin)
        self._outer.addWidget(self.contact)
        self._load_logo()
        self.retranslate()

    # -- the loop ---------------------------------------------------------------
    def start(self) -> None:
        self._index = 0
        if self._settings.attract.reduced_motion:
            # Still until someone asks for the slides to move: each return to attract starts still again.
            self.paused = True
            self._show_pause_words()
        self._show_slide()

    def stop(self) -> None:
        self._timer.stop()

    def next_slide(self) -> None:
        if self._slides:
            self._index = (self._index + 1) % len(self._slides)
        self._show_slide()

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self._show_pause_words()
        if self.paused:
            self._timer.stop()
        else:
            self._schedule()

    @property
    def current_slide(self) -> Page | None:
        return self._slides[self._index] if self._slides else None

    def _show_slide(self) -> None:
        slide = self.current_slide
        markup: Markup | None = None
        if slide is None:
            self.slide_title.setText(self._settings.clinic.name)
            self.slide_body.clear()
        else:
            title, body = slide.headline_and_text()
            markup = read_markup(body)
            self.slide_title.setText(title)
            self.slide_body.setText(to_html(markup, media=False))
            self.slide_title.setAccessibleName(title)
        self._show_read_more(slide, markup)
        self._show_codes(slide, markup)
        self._show_drawing(slide, markup)
        count = len(self._slides)
        dots = " ".join("●" if i == self._index else "○" for i in range(count))
        self.position.setText(dots)
        number, total = self.texts.number(self._index + 1), self.texts.number(count)
        self.position.setAccessibleName(self.texts.t("attract.slide_position", number=number, count=total))
        self.position.setVisible(count > 1)
        self.slide_changed.emit(self._index)
        self._schedule()

    def _show_read_more(self, slide: Page | None, markup: Markup | None) -> None:
        found = [self._catalog.page(link.target, self.texts.language) for link in markup.page_links] if markup else []
        titles = list(dict.fromkeys(page.title for page in found if page is not None and page.kind in _READABLE))
        self.read_more.setVisible(bool(titles))
        if titles and slide is not None:
            self.read_more.setText(self.texts.t("attract.read_more", title="”, “".join(titles)))

    def _show_codes(self, slide: Page | None, markup: Markup | None) -> None:
        t = self.texts.t
        wanted: list[tuple[str, str]] = []
        if slide is not None and slide.url:
            wanted.append((slide.url, t("page.scan_page")))
        if markup is not None:
            # The link's own words name its code; on a slide going by, the address under it says the rest.
            wanted += [(link.target, link.words or t("page.scan_link")) for link in markup.web_links]
        self._wanted_codes = wanted
        self._draw_codes()

    def _draw_codes(self) -> None:
        """The slide's codes at the size the screen now gives them (drawn again after a resize)."""
        width = self._code_width()
        for number, code in enumerate(self.codes):
            # More than SLIDE_CODES is named by `kiosk content check`; those are left out here.
            address, words = self._wanted_codes[number] if number < len(self._wanted_codes) else (None, "")
            code.show_code(address, words, width)

    def _code_width(self) -> int:
        # Large enough for a phone a step away, small enough that two fit under the words on a landscape screen.
        return max(120, min(round(self.height() * 0.22), round(self.width() * 0.3)))

    def _show_drawing(self, slide: Page | None, markup: Markup | None) -> None:
        """The slide's picture beside its words: its header's `image`, else the first picture in its text."""
        path, alt = None, ""
        if slide is not None and slide.image:
            path, alt = resolve_image(slide.path, slide.image), slide.image_alt
        elif slide is not None and markup is not None and markup.images:
            path, alt = resolve_image(slide.path, markup.images[0].target), markup.images[0].alt
        self._has_picture = path is not None and path.is_file()
        self.drawing.setVisible(self._has_picture)
        if path is not None and self._has_picture:
            self.drawing.set_path(path)
            self.drawing.setAccessibleName(alt)  # what it shows, in the slide's language
        self._draw()

    def _draw(self) -> None:
        # In landscape the words take three fifths of the width beside the picture, or four when they would be cut
        # at three (large text, long words), or all of it, the picture giving way: the words are the slide.
        fits = [
            fifths for fifths in WORDS_FIFTHS if self._words_height(self._widths(fifths)[1]) <= self._column_height()
        ]
        self._fifths = WORDS_FIFTHS[0] if self.portrait or not fits else fits[0]
        if self._has_picture:
            # A third of a landscape screen's width (or its column's, if narrower), or most of an upright one's,
            # never taller than a third: a photo is scaled down to that, a line drawing (SVG) drawn afresh at it.
            wide = round(self.width() * 0.6) if self.portrait else min(round(self.width() * 0.33), self._widths()[2])
            # The picture gives way to the words and the QR codes: a code cut short cannot be scanned.
            tall = min(round(self.height() * 0.33), self._picture_room())
            # A picture squeezed to a sliver says nothing: then the slide shows its words and codes alone.
            self.drawing.setVisible(tall >= self.height() // 12 and (self.portrait or bool(fits)))
            self.drawing.draw(wide, max(1, tall))
        # Without a picture or a code beside them the words take the whole width (an empty column kept its share).
        media = self.drawing.isVisibleTo(self) or any(code.isVisibleTo(self) for code in self.codes)
        self._slide_box.setStretch(0, self._fifths)
        self._slide_box.setStretch(1, 5 - self._fifths if media or self.portrait else 0)

    def _widths(self, fifths: int | None = None) -> tuple[int, int, int]:
        """The screen's width inside its margins, and the words' and the picture's columns' (words in `fifths`)."""
        margins = self._outer.contentsMargins()
        width = max(1, self.width() - margins.left() - margins.right())
        fifths = self._fifths if fifths is None else fifths
        words_width = width if self.portrait else max(1, (width - self._slide_box.spacing()) * fifths // 5)
        media_width = width if self.portrait else max(1, width - words_width - self._slide_box.spacing())
        return width, words_width, media_width

    def _wanted_height(self, widget: QWidget, at: int) -> int:
        if not widget.isVisibleTo(self):
            return 0
        wanted = widget.heightForWidth(at)
        return (wanted if wanted > 0 else widget.sizeHint().height()) + self._outer.spacing()

    def _column_height(self) -> int:
        """The height between the header and the lines under the slide (dots, "Touch anywhere", the phone)."""
        margins = self._outer.contentsMargins()
        width = self._widths()[0]
        height = self._wanted_height
        below = (self.position, self.touch_to_begin, self.contact)
        fixed = max(height(self.clinic_name, width // 2), height(self.pause_button, width))
        fixed += sum(height(widget, width) for widget in below)
        return self.height() - margins.top() - margins.bottom() - fixed

    def _words_height(self, at: int) -> int:
        return sum(self._wanted_height(label, at) for label in (self.slide_title, self.slide_body, self.read_more))

    def _picture_room(self) -> int:
        """The height left for the picture once everything else on the slide has the height it needs."""
        width, words_width, media_width = self._widths()
        column = self._column_height()
        codes = sum(self._wanted_height(code, words_width if self.portrait else media_width) for code in self.codes)
        if not self.portrait:
            return column - codes
        return column - self._words_height(width) - codes - self._slide_box.spacing()

    def _schedule(self) -> None:
        self._timer.stop()
        slide = self.current_slide
        if self.paused or slide is None or len(self._slides) < 2 or not self.isVisible():
            return
        seconds = slide.duration_seconds or self._settings.attract.default_slide_seconds
        self._timer.start(seconds * self.second_ms)

    # -- screen duties --------------------------------------------------------------
    def show_route(self, route: Route) -> None:
        del route
        self.start()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        self._schedule()

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        self._timer.stop()

    def retranslate(self) -> None:
        self._slides = self._catalog.of_kind(PageKind.SLIDE, self.texts.language)
        self._index = min(self._index, max(0, len(self._slides) - 1))
        strings = self.texts.strings
        # Every enabled language invites the patient, each in its own words.
        self.touch_to_begin.setText(
            "\n".join(strings.text(code, "attract.touch_to_begin") for code in self.texts.languages)
        )
        self.contact.setText(self._contact_line())
        self.contact.setAccessibleName(self._contact_line().replace("  ·  ", ". "))  # heard as two sentences
        # The screen itself has the focus: a screen reader says how to begin, also from a keypad.
        self.setAccessibleName(self.texts.t("attract.touch_to_begin"))
        self.setAccessibleDescription(self.texts.t("a11y.press_to_begin"))
        self.start_button.setAccessibleName(self.accessibleName())
        self.start_button.setAccessibleDescription(self.accessibleDescription())
        self._show_pause_words()
        self._show_slide()

    def _contact_line(self) -> str:
        t = self.texts.t
        clinic = self._settings.clinic
        hours = clinic.hours.for_date(dt.date.today())
        if hours is None:
            today = t("attract.closed_today")
        else:
            locale = self.texts.locale
            fmt = locale.timeFormat(locale.FormatType.ShortFormat)
            today = t(
                "attract.open_today",
                opens=locale.toString(QTime(hours.opens.hour, hours.opens.minute), fmt),
                closes=locale.toString(QTime(hours.closes.hour, hours.closes.minute), fmt),
            )
        return f"{t('attract.call_us', phone=clinic.phone)}  ·  {today}"

    def _show_pause_words(self) -> None:
        t = self.texts.t
        if self.paused:
            self.pause_button.set_words("▶  " + t("attract.play"), t("attract.play_hint"))
            self.pause_button.setAccessibleName(t("attract.play"))
        else:
            self.pause_button.set_words("❚❚  " + t("attract.pause"), t("attract.pause_hint"))
            self.pause_button.setAccessibleName(t("attract.pause"))

    def _load_logo(self) -> None:
        path = self._settings.clinic.logo
        if path is None:
            return
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            self.logo.setPixmap(pixmap.scaledToHeight(96, Qt.TransformationMode.SmoothTransformation))
            self.logo.setVisible(True)

    def arrange(self) -> None:
        self._slide_box.setDirection(
            QBoxLayout.Direction.BottomToTop if self.portrait else QBoxLayout.Direction.LeftToRight
        )
        self._slide_box.setSpacing(self.metrics.px("pad2"))
        # Upright, the picture is above the words and the codes follow the words; in landscape both sit beside them.
        codes_home = self._slide_words if self.portrait else self._media
        for code in self.codes:
            if codes_home.indexOf(code) < 0:
                (self._media if self.portrait else self._slide_words).removeWidget(code)
                codes_home.insertWidget(codes_home.count() - 1 if self.portrait else codes_home.count(), code)
        self._draw()
        margin = self.metrics.px("pad2") * 2
        self._outer.setContentsMargins(margin, margin // 2, margin, margin // 2)
        self._outer.setSpacing(self.metrics.px("pad"))

    # -- touch anywhere -----------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.start_button.setGeometry(self.rect())
        self._draw_codes()
        self._draw()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self.begin.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in BEGIN_KEYS:
            self.begin.emit()
        else:
            super().keyPressEvent(event)


__all__ = ["AttractScreen", "QWidget"]
