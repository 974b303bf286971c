"""How the patient wants the screens shown: text size, theme, controls low. Every visit starts from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.qt import QObject, Signal


class TextSize(StrEnum):
    NORMAL = "normal"
    LARGE = "large"
    EXTRA_LARGE = "extra-large"


class ThemeName(StrEnum):
    NORMAL = "normal"
    HIGH_CONTRAST = "high-contrast"


@dataclass(frozen=True)
class Look:
    """One combination of the patient's choices, as `kiosk screenshot` previews it."""

    text_size: TextSize = TextSize.NORMAL
    theme: ThemeName = ThemeName.NORMAL
    low_position: bool = False


class Presentation(QObject):
    """The patient's choices for this visit; `changed` tells the window to restyle and reflow."""

    changed = Signal()

    def __init__(
        self,
        text_size: TextSize = TextSize.NORMAL,
        theme: ThemeName = ThemeName.NORMAL,
        low_position: bool = False,
    ) -> None:
        super().__init__()
        self._defaults = (text_size, theme, low_position)
        self.text_size, self.theme, self.low_position = self._defaults

    def set_text_size(self, size: TextSize) -> None:
        self._set(size, self.theme, self.low_position)

    def set_theme(self, theme: ThemeName) -> None:
        self._set(self.text_size, theme, self.low_position)

    def set_low_position(self, low: bool) -> None:
        self._set(self.text_size, self.theme, low)

    def apply(self, look: Look) -> None:
        self._set(look.text_size, look.theme, look.low_position)

    def reset(self) -> None:
        """The next patient starts with the clinic's defaults, not the last patient's choices."""
        self._set(*self._defaults)

    def _set(self, text_size: TextSize, theme: ThemeName, low_position: bool) -> None:
        if (text_size, theme, low_position) != (self.text_size, self.theme, self.low_position):
            self.text_size, self.theme, self.low_position = text_size, theme, low_position
            self.changed.emit()
