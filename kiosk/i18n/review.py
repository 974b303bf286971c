"""Which translations no clinician has checked yet, in words for staff: strings files' [meta] and pages' headers."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from kiosk.content.catalog import ContentCatalog
from kiosk.i18n.strings import ENGLISH_NAMES


@dataclass(frozen=True)
class UnreviewedTranslation:
    """One language's text that a clinician has not checked: its UI strings, some of its pages, or both."""

    language: str
    strings: bool
    pages: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return ENGLISH_NAMES.get(self.language, f"Language {self.language!r}")

    def sentence(self) -> str:
        """E.g. "Vietnamese: UI text and 12 pages need clinical review before patients rely on them"."""
        parts = ["UI text"] if self.strings else []
        if self.pages:
            parts.append(f"{len(self.pages)} page{'s' if len(self.pages) != 1 else ''}")
        one = len(parts) == 1 and len(self.pages) <= 1
        needs, them = ("needs", "it") if one else ("need", "them")
        return f"{self.name}: {' and '.join(parts)} {needs} clinical review before patients rely on {them}"


def unreviewed_translations(
    languages: Iterable[str], catalog: ContentCatalog, unreviewed_strings: Container[str]
) -> list[UnreviewedTranslation]:
    """The enabled languages carrying the "needs clinical review" flag, in the order they are enabled."""
    found = []
    for language in languages:
        pages = tuple(
            sorted(page.id for page in catalog.pages.get(language, {}).values() if page.needs_clinical_review)
        )
        strings = language in unreviewed_strings
        if strings or pages:
            found.append(UnreviewedTranslation(language, strings, pages))
    return found
