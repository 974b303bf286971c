"""Load every page of every language and check that they fit together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.markup import Markup
from kiosk.content.model import Page, PageKind, Problem
from kiosk.content.page_record import mentions, read_record, removed_pages, write_record
from kiosk.content.parser import read_page
from kiosk.content.pictures import resolve_image
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
    # Ids of page files that exist but could not be read: named once, not again as missing pages.
    unreadable: dict[str, set[str]] = field(default_factory=dict)

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
        unreadable = catalog.unreadable.setdefault(language, set())
        catalog.pages[language] = _load_language(folder, language, catalog.problems, unreadable)
    catalog.problems += _check_links(catalog)
    catalog.problems += _check_sections(catalog)
    catalog.problems += _check_translations(catalog)
    catalog.problems += _check_images(catalog)
    catalog.problems += _check_text(catalog)
    catalog.problems += _check_reviews(catalog)
    record = read_record(folder)
    catalog.problems += _check_removed_names(catalog, record)
    # Remembered after the check, so a page removed before the next reading is still known by its name then.
    # Every reading remembers (the check, start-up, doctor, a reload), so no page is forgotten for want of a
    # `kiosk content check` run before its file was deleted; a folder the kiosk may not write is simply not.
    write_record(folder, catalog.pages, record)
    catalog.problems.sort()
    return catalog


def _load_language(folder: Path, language: str, problems: list[Problem], unreadable: set[str]) -> dict[str, Page]:
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
        page, found_problems = read_page(path, language)
        problems += found_problems
        if page is None:
            unreadable.add(path.stem)
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
            targets = list(page.related) + [target for block in page.link_blocks for target in block.pages]
            for target in dict.fromkeys(targets):
                if target in catalog.unreadable.get(page.language, set()):
                    continue  # its own file's problem is already named
                if target not in pages:
                    yield Problem(
                        page.path,
                        _line_of(page.path, "related" if target in page.related else "[[links]]"),
                        f"related page {target!r} does not exist in this language; fix the id or add the page",
                    )
                elif target == page.id:
                    yield Problem(
                        page.path,
                        _line_of(page.path, "related" if target in page.related else "[[links]]"),
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
            for block in page.link_blocks:
                if block.section > len(page.sections):
                    yield Problem(
                        page.path,
                        _line_of(page.path, "[[links]]"),
                        f"a [[links]] block names section {block.section} but the page has {len(page.sections)} "
                        f"sections; use a number from 1 to {len(page.sections)}",
                    )


def _check_translations(catalog: ContentCatalog) -> Iterable[Problem]:
    every_id = {page_id for pages in catalog.pages.values() for page_id in pages}
    for page_id in sorted(every_id):
        present = {lang: pages[page_id] for lang, pages in catalog.pages.items() if page_id in pages}
        source = present.get(catalog.default_language) or next(iter(present.values()))
        for language in catalog.languages:
            if page_id in catalog.unreadable.get(language, set()):
                continue  # the file is there; its own problem is already named
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
            elif present[language] is not source:
                yield from _drift(present[language], source)


def _drift(page: Page, source: Page) -> Iterable[Problem]:
    """A translation that no longer follows its English page: the check says so, the kiosk cannot tell."""
    if len(page.sections) != len(source.sections):
        yield Problem(
            page.path,
            1,
            f"this translation has {len(page.sections)} sections but {source.path} has {len(source.sections)}; "
            "give it the same '## ' sections in the same order",
            warning=True,
        )
    if page.duration_seconds != source.duration_seconds:
        yield Problem(
            page.path,
            _line_of(page.path, "duration"),
            f"duration is {page.duration_seconds or 'not set'} here but {source.duration_seconds or 'not set'} "
            f"in {source.path}; use the same number",
            warning=True,
        )
    if page.translated_from is not None and page.translated_from != source.fingerprint:
        yield Problem(
            page.path,
            _line_of(page.path, "translated_from"),
            f"{source.path} has changed since this translation was made; update the translation, "
            f'then set translated_from = "{source.fingerprint}"',
            warning=True,
        )


def _check_images(catalog: ContentCatalog) -> Iterable[Problem]:
    for pages in catalog.pages.values():
        for page in pages.values():
            targets = [(image.line, image.target) for markup in _markups(page) for image in markup.images]
            if page.image:
                line = _line_of(page.path, "image")
                targets.append((line, page.image))
                if not page.image_alt.strip():
                    yield Problem(
                        page.path,
                        line,
                        'the picture has no words for people who cannot see it; add image_alt = "..." describing it',
                    )
            for line, target in targets:
                if not image_exists(page.path, target):
                    yield Problem(
                        page.path,
                        line,
                        f"image {target!r} is missing; add the file or fix the path (relative to this page's file)",
                    )


def _check_text(catalog: ContentCatalog) -> Iterable[Problem]:
    """Raw HTML, bad headings and links from the same reading of the Markdown the kiosk renders."""
    for language, pages in catalog.pages.items():
        unreadable = catalog.unreadable.get(language, set())
        for page in pages.values():
            if page.kind == PageKind.SLIDE:
                yield from _slide_rules(page)
            for markup in _markups(page):
                for finding in markup.findings:
                    yield Problem(page.path, finding.line, finding.message, finding.warning)
                for link in markup.page_links:
                    if link.target not in pages and link.target not in unreadable:
                        yield Problem(
                            page.path,
                            link.line,
                            f"the link [{link.words[:40]}]({link.target}) names no page in this language; "
                            "fix the page id or add the page",
                        )


# A slide has room beside its words for one picture and two QR codes, at a size a phone reads from a step away.
SLIDE_CODES = 2


def _slide_rules(page: Page) -> Iterable[Problem]:
    """A slide shows its first picture beside its words and its web addresses as QR codes: more is not shown."""
    images = [image for markup in _markups(page) for image in markup.images]
    # The header's picture comes first; without one, the first in the text is the slide's picture.
    for image in images if page.image else images[1:]:
        yield Problem(
            page.path,
            image.line,
            "a slide shows one picture and this one would not be shown; remove it or put it on a page",
            warning=True,
        )
    web = [link for markup in _markups(page) for link in markup.web_links]
    for link in web[SLIDE_CODES - (1 if page.url else 0) :]:
        yield Problem(
            page.path,
            link.line,
            f"a slide has room for {SLIDE_CODES} QR codes (the page address counts as one) and this link "
            f"({link.target[:60]}) would not get one; remove it or put it on a page",
            warning=True,
        )


def _markups(page: Page) -> list[Markup]:
    return [page.intro_markup, *(section.markup for section in page.sections)]


def _check_removed_names(catalog: ContentCatalog, record: dict[str, dict[str, str]]) -> Iterable[Problem]:
    """Text that still names a page once read here and now gone (see page_record)."""
    unreadable = {page_id for ids in catalog.unreadable.values() for page_id in ids}
    removed = removed_pages(record, catalog.pages, unreadable)
    if not removed:
        return
    for pages in catalog.pages.values():
        for page in pages.values():
            yield from mentions(page, removed)


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


def image_exists(page_path: Path, target: str) -> bool:
    try:
        return resolve_image(page_path, target).is_file()
    except (OSError, ValueError):  # a NUL character, or a name longer than the file system allows: no such image
        return False


def _line_of(path: Path, key: str) -> int:
    try:
        lines = read_text(path).splitlines()
    except (OSError, UnicodeError):  # changed or removed since it was read a moment ago
        return 1
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == key or stripped.startswith((f"{key} ", f"{key}=")):
            return number
    return 1
