"""Load every page of every language and check that they fit together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.model import Page, PageKind, Problem
from kiosk.content.parser import PageParseError, image_references, parse_page
from kiosk.tomlfiles import read_text

PAGE_SUFFIX = ".md"


@dataclass
class ContentCatalog:
    """Pages by language and id; look-ups fall back to the default language."""

    folder: Path
    languages: tuple[str, ...]
    default_language: str
    pages: dict[str, dict[str, Page]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    def page(self, page_id: str, language: str) -> Page | None:
        found = self.pages.get(language, {}).get(page_id)
        return found or self.pages.get(self.default_language, {}).get(page_id)

    def of_kind(self, kind: PageKind, language: str) -> list[Page]:
        ids = {p.id for p in self.pages.get(self.default_language, {}).values() if p.kind == kind}
        ids |= {p.id for p in self.pages.get(language, {}).values() if p.kind == kind}
        found = [page for page_id in ids if (page := self.page(page_id, language))]
        return sorted(found, key=lambda page: (page.order, page.title))

    def related(self, page: Page, kind: PageKind | None = None) -> list[Page]:
        found = [p for i in page.related if (p := self.page(i, page.language))]
        return [p for p in found if kind is None or p.kind == kind]

    def pages_needing_review(self, language: str) -> list[Page]:
        """The language's own pages flagged `needs_clinical_review`: procedures, then conditions, then slides."""
        # No fallback here: an English page shown in place of a missing translation is not this language's to review.
        kinds = list(PageKind)
        flagged = [page for page in self.pages.get(language, {}).values() if page.needs_clinical_review]
        return sorted(flagged, key=lambda page: (kinds.index(page.kind), page.order, page.title))


def load_catalog(folder: Path, languages: Sequence[str], default_language: str) -> ContentCatalog:
    """Read the folder; every problem found is in `catalog.problems`, none raise."""
    catalog = ContentCatalog(folder, tuple(languages), default_language)
    if not _is_folder(folder):
        catalog.problems.append(Problem(folder, 1, "the content folder does not exist; check content.folder"))
        return catalog
    for language in languages:
        catalog.pages[language] = _load_language(folder, language, catalog.problems)
    catalog.problems += _check_links(catalog)
    catalog.problems += _check_sections(catalog)
    catalog.problems += _check_translations(catalog)
    catalog.problems += _check_images(catalog)
    catalog.problems += _check_reviews(catalog)
    catalog.problems.sort()
    return catalog


def _load_language(folder: Path, language: str, problems: list[Problem]) -> dict[str, Page]:
    language_dir = folder / language
    if not _is_folder(language_dir):
        problems.append(
            Problem(
                language_dir,
                1,
                f"no pages for the enabled language {language!r}; "
                "add this folder or remove the language from languages.enabled",
            )
        )
        return {}
    pages: dict[str, Page] = {}
    try:
        found = sorted(language_dir.rglob(f"*{PAGE_SUFFIX}"))
    except OSError as exc:
        problems.append(Problem(language_dir, 1, f"the folder cannot be read ({exc.strerror}); let the kiosk read it"))
        return {}
    # Sub-folders are allowed (say conditions/ and slides/), so ids must be unique across them.
    for path in found:
        if not _is_file(path):
            # A pipe or a device named like a page would keep the kiosk waiting at start for ever.
            problems.append(Problem(path, 1, "this is not a file the kiosk can read as a page; remove it"))
            continue
        try:
            page = parse_page(path, language)
        except PageParseError as exc:
            problems += exc.problems
            continue
        if page.id in pages:
            problems.append(
                Problem(
                    path,
                    _line_of(path, "id"),
                    f"id {page.id!r} is already used by {pages[page.id].path.name}; give each page its own id",
                )
            )
            continue
        pages[page.id] = page
    return pages


def _check_links(catalog: ContentCatalog) -> Iterable[Problem]:
    for pages in catalog.pages.values():
        for page in pages.values():
            for target in page.related:
                if target not in pages:
                    yield Problem(
                        page.path,
                        _line_of(page.path, "related"),
                        f"related page {target!r} does not exist in this language; fix the id or add the page",
                    )
                elif target == page.id:
                    yield Problem(
                        page.path,
                        _line_of(page.path, "related"),
                        "a page cannot be related to itself; remove its own id",
                    )


def _check_sections(catalog: ContentCatalog) -> Iterable[Problem]:
    for pages in catalog.pages.values():
        for page in pages.values():
            if page.kind != PageKind.SLIDE and not page.sections:
                yield Problem(page.path, 1, "the page has no sections; start each one with a '## ' heading line")
            if page.related_section is not None and page.related_section > len(page.sections):
                yield Problem(
                    page.path,
                    _line_of(page.path, "related_section"),
                    f"related_section is {page.related_section} but the page has "
                    f"{len(page.sections)} sections; use a number from 1 to "
                    f"{len(page.sections)}",
                )


def _check_translations(catalog: ContentCatalog) -> Iterable[Problem]:
    every_id = {page_id for pages in catalog.pages.values() for page_id in pages}
    for page_id in sorted(every_id):
        present = {lang: pages[page_id] for lang, pages in catalog.pages.items() if page_id in pages}
        source = present.get(catalog.default_language) or next(iter(present.values()))
        for language in catalog.languages:
            if language not in present:
                yield Problem(
                    catalog.folder / language / f"{page_id}{PAGE_SUFFIX}",
                    1,
                    f"missing the {language!r} translation of {source.path}; translate the page into this file",
                )
            elif present[language].kind != source.kind:
                yield Problem(
                    present[language].path,
                    _line_of(present[language].path, "kind"),
                    f"kind differs from {source.path}; use {source.kind.value!r}",
                )


def _check_images(catalog: ContentCatalog) -> Iterable[Problem]:
    for pages in catalog.pages.values():
        for page in pages.values():
            try:
                text = read_text(page.path)
            except (OSError, UnicodeError):  # changed or removed since it was read a moment ago
                text = ""
            targets = image_references(text)
            if page.image:
                targets.append((_line_of(page.path, "image"), page.image))
            for line, target in targets:
                if not image_exists(catalog.folder, target):
                    yield Problem(
                        page.path,
                        line,
                        f"image {target!r} is missing; add the file or fix the path (relative to the content folder)",
                    )


def _check_reviews(catalog: ContentCatalog) -> Iterable[Problem]:
    for pages in catalog.pages.values():
        for page in pages.values():
            if page.needs_clinical_review:
                # One warning per page: this one already asks for the review date.
                yield Problem(
                    page.path,
                    _line_of(page.path, "needs_clinical_review"),
                    "this translation has not been checked by a clinician; once one has, remove "
                    "needs_clinical_review and add reviewed = YYYY-MM-DD",
                    warning=True,
                )
            elif page.kind != PageKind.SLIDE and page.reviewed is None:
                yield Problem(
                    page.path,
                    1,
                    "no medical review date; once a clinician has checked this page add reviewed = YYYY-MM-DD",
                    warning=True,
                )


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name longer than the file system allows (is_dir raises for that): no such folder
        return False


def resolve_image(folder: Path, target: str) -> Path:
    """Images are named relative to the content folder, so all languages share them."""
    return (folder / target).resolve()


def image_exists(folder: Path, target: str) -> bool:
    try:
        return resolve_image(folder, target).is_file()
    except (OSError, ValueError):  # a NUL character, or a name longer than the file system allows: no such image
        return False


def _line_of(path: Path, key: str) -> int:
    try:
        lines = read_text(path).splitlines()
    except (OSError, UnicodeError):  # changed or removed since it was read a moment ago
        return 1
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(f"{key} ") or line.lstrip().startswith(f"{key}="):
            return number
    return 1
