"""The audit log: one function writes every entry, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from dvdesk.clock import now_iso
from dvdesk.db.schema import AuditEntry


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    revision: int | None = None,
    changes: Mapping[str, object] | None = None,
) -> None:
    """Add one entry; it commits or rolls back with the change it describes."""
    session.add(
        AuditEntry(
            at=now_iso(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            revision=revision,
            changes=dict(changes or {}),
        )
    )
