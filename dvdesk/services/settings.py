"""Office-wide settings kept in the database, so they travel with backups."""

from __future__ import annotations

from typing import Any

from dvdesk.clock import now_iso
from dvdesk.db.schema import Setting
from dvdesk.domain.people import Role
from dvdesk.services.audit import audit
from dvdesk.services.auth import require
from dvdesk.services.store import Store


def get_setting(store: Store, *, key: str, default: Any = None) -> Any:
    with store.session() as session:
        row = session.get(Setting, key)
        return default if row is None else row.value


def set_setting(store: Store, *, key: str, value: Any) -> None:
    """Store ``value`` (JSON-serialisable) under ``key``, with an audit entry."""
    with store.session() as session:
        require(session, store, Role.ADMIN)
        row = session.get(Setting, key)
        old = None if row is None else row.value
        if row is None:
            row = Setting(key=key, value=value, updated_by=store.actor, updated_at=now_iso())
        else:
            row.value = value
            row.updated_by = store.actor
            row.updated_at = now_iso()
        session.add(row)
        changes = {"from": old, "to": value}
        audit(
            session,
            actor=store.actor,
            action="update",
            entity="setting",
            entity_id=key,
            changes=changes,
        )
