"""Who took the notes and who signed for the organisation at this office's last issued
minutes: offered again in the next minutes, so the clerk does not type them every time."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session

from dvdesk.clock import now_iso
from dvdesk.db.schema import Setting
from dvdesk.services.store import Store

KEY = "minutes.last_people"


@dataclass(frozen=True)
class MinutesPeople:
    note_taker: str | None = None
    note_taker_post: str | None = None
    representative: str | None = None
    representative_post: str | None = None


def last_minutes_people(store: Store) -> MinutesPeople:
    """The people of the office's last issued minutes (all None before the first)."""
    with store.session() as session:
        row = session.get(Setting, KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    return MinutesPeople(
        **{
            name: text if isinstance(text := value.get(name), str) and text else None
            for name in MinutesPeople.__dataclass_fields__
        }
    )


def remember_minutes_people(session: Session, *, people: MinutesPeople, actor: str) -> None:
    """Keep ``people`` for the next minutes; a name left empty keeps the one remembered."""
    row = session.get(Setting, KEY)
    old = row.value if row is not None and isinstance(row.value, dict) else {}
    value = old | {name: text for name, text in asdict(people).items() if text}
    if row is None:
        row = Setting(key=KEY, value=value, updated_by=actor, updated_at=now_iso())
    else:
        row.value, row.updated_by, row.updated_at = value, actor, now_iso()
    session.add(row)
