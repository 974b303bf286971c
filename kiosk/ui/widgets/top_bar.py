"""The bar above every patient screen but the attract loop: Back, Home, the access controls, languages."""

from __future__ import annotations

from kiosk.qt import QFrame, QHBoxLayout, QLabel, QShowEvent, QSizePolicy, QTimer, QVBoxLayout, QWidget, Signal

from kiosk.ui.focus_order import chain_focus, tab_stops
from kiosk.ui.qt_lifetimes import empty_layout
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.access_bar import AccessBar
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.language_bar import LanguageBar

# Where each group goes, tried in order until every row fits across the screen: one row on a wide screen; on a
# narrow one (portrait, long words) languages, then the access controls, get rows of their own. Each entry lists the
# rows as group names; "access2" is the access controls on two lines of their own.
Plan = tuple[tuple[str, ...], ...]
PLANS: tuple[Plan, ...] = (
    (("nav", "access", "languages"),),
    (("nav", "languages"), ("access",)),
    (("nav", "languages"), ("access2",)),
    (("nav",), ("languages",), ("access",)),
    (("nav",), ("languages",), ("access2",)),
)


class TopBar(QFrame):
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, texts: UiTexts, clinic_name: str, access: AccessBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TopBar")
        self._texts = texts
        self.access = access
        self.back = TouchButton()
        self.back.setObjectName("BackButton")
        self.home = TouchButton()
        self.home.setObjectName("HomeButton")
        # Shown on home, where Back and Home are not: says whose kiosk this is.
        self.clinic = QLabel(clinic_name)
        self.clinic.setObjectName("TopBarClinic")
        nav = QWidget()
        nav_row = QHBoxLayout(nav)
        nav_row.setContentsMargins(0, 0, 0, 0)
        for button in (self.back, self.home):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            button.set_single_line()
            nav_row.addWidget(button)
        nav_row.addWidget(self.clinic)
        self.nav = nav
        self.languages = LanguageBar(texts)
        # Every group stays a child of this bar whichever row holds it, so moving one never hides it.
        groups = {"nav": nav, "access": access, "access2": access, "languages": self.languages}
        self._groups: dict[str, QWidget] = groups
        rows = QVBoxLayout(self)
        self._rows = [QHBoxLayout() for _ in range(3)]
        for row in self._rows:
            rows.addLayout(row)
        self.plan: Plan = PLANS[0]
        self._fitted_width = 0  # the width fit() last had, to fit again as the bar is shown (see showEvent)
        self._place(PLANS[0])
        self.back.clicked.connect(self.back_requested)
        self.home.clicked.connect(self.home_requested)
        texts.language_changed.connect(self.retranslate)
        self.retranslate()

    def set_margins(self, margin: int) -> None:
        rows = self.layout()
        assert rows is not None
        rows.setContentsMargins(margin, margin // 2, margin, margin // 2)
        rows.setSpacing(margin // 2)
        self.access.set_spacing(margin // 2)
        for layout in (*self._rows, self.nav.layout(), self.languages.layout()):
            assert layout is not None
            layout.setSpacing(margin // 2)

    def fit(self, width: int) -> None:
        """The first plan whose every row fits across `width`; the last one if none does."""
        rows = self.layout()
        assert rows is not None
        margins = rows.contentsMargins()
        room = width - margins.left() - margins.right()
        self._fitted_width = width
        self.ensurePolished()
        # Back, Home and the clinic name show and hide per screen; the rows are rebuilt for each try, as a row's
        # cached sizes would still count what was shown before.
        for plan in PLANS:
            self._place(plan)
            if all(row.sizeHint().width() <= room for row in self._rows):
                return

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        # Hidden (on the attract loop) the bar may have been fitted with the words of another text size, and given
        # the new one only as it is shown: fitted again now, a long word no longer spills out of its button.
        # (On the next turn of the event loop: the controls' words and sizes catch up with the new look as it shows.)
        super().showEvent(event)
        if self._fitted_width:
            QTimer.singleShot(0, self, self._fit_again)

    def _fit_again(self) -> None:
        plan = self.plan
        self.fit(self._fitted_width)
        if self.plan != plan:
            chain_focus(self.reading_order())  # Tab keeps to the rows as they now read

    def _place(self, plan: Plan) -> None:
        self.plan = plan
        for row in self._rows:
            # The widgets stay; the rows' items go (left to PySide, each fit kept every item of every plan it tried).
            empty_layout(row)
        self.access.set_two_lines(any("access2" in row for row in plan))
        for row, names in zip(self._rows, plan, strict=False):
            for index, name in enumerate(names):
                # The stretch keeps Back and Home on the left and the rest on the right, as in one row.
                if name != "nav" and (index == 0 or names[index - 1] == "nav"):
                    row.addStretch(1)
                row.addWidget(self._groups[name])
            if names == ("nav",):
                row.addStretch(1)  # Back and Home alone keep their size, on the left

    def reading_order(self) -> list[QWidget]:
        """The bar's controls row by row, left to right: the order Tab should visit them in."""
        stops: dict[str, list[QWidget]] = {
            "nav": [self.back, self.home],
            "access": [*self.access.controls()],
            "access2": [*self.access.controls()],
            "languages": tab_stops(self.languages),
        }
        return [control for names in self.plan for name in names for control in stops[name]]

    def retranslate(self) -> None:
        t = self._texts.t
        self.back.set_words("←  " + t("nav.back"), t("nav.back_hint"))
        self.back.setAccessibleName(t("nav.back"))
        self.home.set_words("⌂  " + t("nav.home"), t("nav.home_hint"))
        self.home.setAccessibleName(t("nav.home"))
