"""The attract loop: slides from content, clinic name and phone, touch anywhere to begin."""

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
from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import Page, PageKind
from kiosk.paths import bundled_content_dir
from kiosk.services.navigation import Route
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.drawing import Drawing

# The project's own drawings beside the slides they explain (light lines: the "-hc" twin suits the dark slide).
# Slides carry no picture of their own (`kiosk content check` says so), so the drawing is chosen here by slide id.
SLIDE_DRAWINGS = {"slide-si-joint": "si_joints", "slide-quick-visit": "injection"}

# Keys that start a visit from a keypad, as a touch anywhere does.
BEGIN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)


class _StartButton(QPushButton):
    """The whole screen as one button, under the words: what a screen reader or switch presses to begin.

    A plain widget offers assistive technology only SetFocus; a button offers Press, which does what a touch does.
    It draws nothing: the slides are the picture.
    """

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        del event


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
        self.slide_body.setTextFormat(Qt.TextFormat.MarkdownText)
        for label in (self.slide_title, self.slide_body, self.clinic_name):
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
        words = QVBoxLayout()
        words.addWidget(self.slide_title)
        words.addWidget(self.slide_body)
        self._slide_words = words
        # Beside the words in landscape, above them upright (see arrange).
        self._slide_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._slide_box.addLayout(words, 3)
        self._slide_box.addWidget(self.drawing, 2)
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
        if slide is None:
            self.slide_title.setText(self._settings.clinic.name)
            self.slide_body.clear()
        else:
            title, body = slide.headline_and_text()
            self.slide_title.setText(title)
            self.slide_body.setText(body)
            self.slide_title.setAccessibleName(title)
        self._show_drawing(slide)
        count = len(self._slides)
        dots = " ".join("●" if i == self._index else "○" for i in range(count))
        self.position.setText(dots)
        number, total = self.texts.number(self._index + 1), self.texts.number(count)
        self.position.setAccessibleName(self.texts.t("attract.slide_position", number=number, count=total))
        self.position.setVisible(count > 1)
        self.slide_changed.emit(self._index)
        self._schedule()

    def _show_drawing(self, slide: Page | None) -> None:
        name = SLIDE_DRAWINGS.get(slide.id) if slide is not None else None
        self.drawing.setVisible(name is not None)
        if name is not None:
            self.drawing.set_path(bundled_content_dir() / "images" / f"{name.replace('_', '-')}.svg")
            self.drawing.setAccessibleName(self.texts.t(f"drawing.{name}"))  # what it shows, in the patient's words
            self._draw()

    def _draw(self) -> None:
        if self.drawing.isVisibleTo(self):
            # A third of a landscape screen's width, or most of an upright one's, never taller than a third.
            share = 0.6 if self.portrait else 0.33
            self.drawing.draw(min(round(self.width() * share), round(self.height() * 0.33 * 1.48)))

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
        self._draw()
        margin = self.metrics.px("pad2") * 2
        self._outer.setContentsMargins(margin, margin // 2, margin, margin // 2)
        self._outer.setSpacing(self.metrics.px("pad"))

    # -- touch anywhere -----------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.start_button.setGeometry(self.rect())
        self._draw()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self.begin.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in BEGIN_KEYS:
            self.begin.emit()
        else:
            super().keyPressEvent(event)


__all__ = ["AttractScreen", "QWidget"]
