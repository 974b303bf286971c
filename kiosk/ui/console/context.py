"""What every console view needs: the database, the staff settings, this PC's name, procedure titles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config.settings import Settings
from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import PageKind
from kiosk.domain.staff import Actor, Permission, can
from kiosk.i18n.review import UnreviewedTranslation, unreviewed_translations
from kiosk.services.accounts import AccountRules
from kiosk.services.startup import KioskContext
from kiosk.services.store import Database

if TYPE_CHECKING:
    from kiosk.services.output_paths import InstallationFiles


@dataclass(frozen=True)
class ConsoleContext:
    database: Database
    settings: Settings
    workstation: str
    # Procedure page id -> its title, so a request's reason reads as words, not an id.
    procedure_titles: Mapping[str, str] = field(default_factory=dict)
    # Enabled languages whose UI text or pages no clinician has checked yet, listed for staff.
    translations: tuple[UnreviewedTranslation, ...] = ()
    # The settings file this console was started with: an export or PDF must never replace it.
    settings_path: Path | None = None

    @classmethod
    def from_kiosk(cls, kiosk: KioskContext, workstation: str) -> ConsoleContext:
        if kiosk.database is None:
            raise ValueError("the console needs an open database")
        titles = procedure_titles(kiosk.catalog)
        return cls(
            kiosk.database, kiosk.settings, workstation, titles, translations_to_review(kiosk), kiosk.settings_path
        )

    @property
    def rules(self) -> AccountRules:
        return AccountRules.from_settings(self.settings.staff, self.settings.clinic.name)

    @property
    def own_files(self) -> InstallationFiles:
        """The installation's files an export or PDF must never replace (kiosk.services.output_paths)."""
        from kiosk.services.output_paths import installation_files

        return installation_files(self.settings, self.settings_path)

    @property
    def clinic_name(self) -> str:
        return self.settings.clinic.name

    def may(self, actor: Actor, permission: Permission) -> bool:
        return can(actor, permission, reception_can_export=self.settings.staff.reception_can_export)

    def procedure_title(self, page_id: str) -> str:
        return self.procedure_titles.get(page_id) or page_id.replace("-", " ").capitalize()


def translations_to_review(kiosk: KioskContext) -> tuple[UnreviewedTranslation, ...]:
    enabled = kiosk.settings.languages.enabled
    return tuple(unreviewed_translations(enabled, kiosk.catalog, kiosk.strings.unreviewed))


def procedure_titles(catalog: ContentCatalog) -> dict[str, str]:
    """Titles in English where the clinic has them: the console is for staff, who work in English."""
    return {page.id: page.title for page in catalog.of_kind(PageKind.PROCEDURE, "en")}
