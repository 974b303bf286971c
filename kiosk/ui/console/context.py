"""What every console view needs: the database, the staff settings, this PC's name, procedure titles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.config.settings import Settings
from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import PageKind
from kiosk.domain.staff import Actor, Permission, can
from kiosk.services.accounts import AccountRules
from kiosk.services.startup import KioskContext
from kiosk.storage.database import Database


@dataclass(frozen=True)
class ConsoleContext:
    database: Database
    settings: Settings
    workstation: str
    # Procedure page id -> its title, so a request's reason reads as words, not an id.
    procedure_titles: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_kiosk(cls, kiosk: KioskContext, workstation: str) -> ConsoleContext:
        if kiosk.database is None:
            raise ValueError("the console needs an open database")
        return cls(kiosk.database, kiosk.settings, workstation, procedure_titles(kiosk.catalog))

    @property
    def rules(self) -> AccountRules:
        return AccountRules.from_settings(self.settings.staff)

    @property
    def clinic_name(self) -> str:
        return self.settings.clinic.name

    def may(self, actor: Actor, permission: Permission) -> bool:
        return can(actor, permission, reception_can_export=self.settings.staff.reception_can_export)

    def procedure_title(self, page_id: str) -> str:
        return self.procedure_titles.get(page_id) or page_id.replace("-", " ").capitalize()


def procedure_titles(catalog: ContentCatalog) -> dict[str, str]:
    """Titles in English where the clinic has them: the console is for staff, who work in English."""
    return {page.id: page.title for page in catalog.of_kind(PageKind.PROCEDURE, "en")}
