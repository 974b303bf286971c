"""The current language and its strings, with a signal every screen listens to."""

from __future__ import annotations

from kiosk.qt import QLocale, QObject, Signal

from kiosk.i18n.strings import StringCatalog


class UiTexts(QObject):
    """Look up UI strings in the patient's current language."""

    language_changed = Signal(str)

    def __init__(self, strings: StringCatalog, languages: tuple[str, ...], default: str) -> None:
        super().__init__()
        self.strings = strings
        self.languages = languages
        self.default_language = default
        self._language = default

    @property
    def language(self) -> str:
        return self._language

    @property
    def locale(self) -> QLocale:
        return QLocale(self._language)

    def set_language(self, language: str) -> None:
        if language != self._language and language in self.languages:
            self._language = language
            self.language_changed.emit(language)

    def reset(self) -> None:
        self.set_language(self.default_language)

    def t(self, key: str, **values: object) -> str:
        return self.strings.text(self._language, key, **values)

    def number(self, value: int) -> str:
        """A whole number as the current language writes it (its digits and thousands separator)."""
        return self.locale.toString(value)

    def date_order(self) -> tuple[str, ...]:
        """ "day", "month" and "year" in the order the current language writes a date (US English: month first)."""
        pattern = self.locale.dateFormat(QLocale.FormatType.ShortFormat)
        found = {part: pattern.find(letter) for part, letter in (("day", "d"), ("month", "M"), ("year", "y"))}
        if min(found.values()) < 0:
            return ("day", "month", "year")  # a locale without all three: the order most of the world uses
        return tuple(sorted(found, key=found.__getitem__))
