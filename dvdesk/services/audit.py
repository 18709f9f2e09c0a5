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
    at: str | None = None,
) -> None:
    """Add one entry; it commits or rolls back with the change it describes.

    ``at`` lets a caller stamp the entry with the same instant it wrote into the rows it
    changed (a revocation's ``revoked_at``), so the log and the rows agree to the second.
    """
    session.add(
        AuditEntry(
            at=at or now_iso(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            revision=revision,
            changes=dict(changes or {}),
        )
    )
