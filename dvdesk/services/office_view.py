"""Reading the office and its dated profiles: plain SQL, light enough for start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dvdesk.domain.enums import OfficeLevel
from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.store import Store


@dataclass(frozen=True)
class Profile:
    valid_from: date
    name: str
    header_name: str
    superior: str | None
    symbol: str
    place: str


@dataclass(frozen=True)
class OfficeView:
    code: str
    code_list: str
    level: OfficeLevel
    profiles: tuple[Profile, ...]
    parent_code: str | None
    parent_name: str | None

    def profile_at(self, when: date) -> Profile:
        """The profile in force on ``when`` (the earliest one for dates before it)."""
        chosen = self.profiles[0]
        for profile in self.profiles:
            if profile.valid_from <= when:
                chosen = profile
        return chosen

    @property
    def current(self) -> Profile:
        return self.profiles[-1]

    @property
    def has_offices_below(self) -> bool:
        """Communes, wards and special zones have had no offices below since 1 July 2025."""
        return self.level not in (OfficeLevel.COMMUNE, OfficeLevel.SPECIAL_ZONE)


def has_office(store: Store) -> bool:
    with store.raw() as connection:
        return connection.execute("SELECT 1 FROM office WHERE id = 1").fetchone() is not None


def get_office(store: Store) -> OfficeView:
    with store.raw() as connection:
        office = connection.execute(
            "SELECT code, code_list_version, level FROM office WHERE id = 1"
        ).fetchone()
        if office is None:
            raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
        profiles = connection.execute(
            "SELECT valid_from, full_name, header_name, superior_name, symbol, place_name "
            "FROM office_profile ORDER BY valid_from"
        ).fetchall()
        parent = connection.execute(
            "SELECT code, name FROM org_unit WHERE relation = 'parent' LIMIT 1"
        ).fetchone()
    return OfficeView(
        code=office[0],
        code_list=office[1],
        level=OfficeLevel(office[2]),
        profiles=tuple(
            Profile(
                valid_from=date.fromisoformat(row[0]),
                name=row[1],
                header_name=row[2] or row[1],
                superior=row[3],
                symbol=row[4],
                place=row[5],
            )
            for row in profiles
        ),
        parent_code=parent[0] if parent else None,
        parent_name=parent[1] if parent else None,
    )
