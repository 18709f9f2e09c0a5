"""Before a package is written: is there anything to send, and if not, why not?

A package with nothing in it would still take the next number and tell the clerk the
USB stick is ready. Instead the export stops first and says what holds the records
back (drafts, records waiting for the head, records returned by the level above) and
what to do next; demo records never leave the office and are counted apart.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from dvdesk.domain.people import ApprovalStatus
from dvdesk.errors import Conflict
from dvdesk.formatting import number
from dvdesk.i18n import _

_BY_STATUS = (
    "SELECT a.status, count(*) FROM record r JOIN record_approval a ON a.record_id = r.id "
    "WHERE r.office_code = ? AND NOT r.deleted AND a.status != 'approved' "
    "AND NOT EXISTS (SELECT 1 FROM demo_record d WHERE d.record_id = r.id) "
    "AND NOT EXISTS (SELECT 1 FROM setting WHERE key = 'export.include_unapproved' "
    "AND value = 'true') GROUP BY a.status"
)
_DEMO = (
    "SELECT count(*) FROM demo_record d JOIN record r ON r.id = d.record_id WHERE r.office_code = ?"
)

_LATEST_DRAFT = (
    "SELECT r.type FROM record r JOIN record_approval a ON a.record_id = r.id "
    "WHERE r.office_code = ? AND NOT r.deleted AND a.status = 'draft' "
    "ORDER BY r.updated_at DESC LIMIT 1"
)


@dataclass(frozen=True)
class HeldBack:
    """This office's own records that a package leaves at home, by reason."""

    drafts: int = 0
    waiting: int = 0  # submitted, or changed after approval: the head approves them
    returned: int = 0  # sent back by the level above for correction
    demo: int = 0
    draft_type: str | None = None  # the type of the latest draft: whose list to open
    one_person: bool = True  # no users: the one person approves drafts without submitting

    @property
    def unapproved(self) -> int:
        return self.drafts + self.waiting + self.returned


def held_back(connection: sqlite3.Connection, *, owner: str, one_person: bool) -> HeldBack:
    by_status = dict(connection.execute(_BY_STATUS, (owner,)).fetchall())
    (demo,) = connection.execute(_DEMO, (owner,)).fetchone()
    latest = connection.execute(_LATEST_DRAFT, (owner,)).fetchone()
    return HeldBack(
        drafts=int(by_status.get(ApprovalStatus.DRAFT.value, 0)),
        waiting=int(by_status.get(ApprovalStatus.SUBMITTED.value, 0))
        + int(by_status.get(ApprovalStatus.CHANGED.value, 0)),
        returned=int(by_status.get(ApprovalStatus.RETURNED.value, 0)),
        demo=int(demo),
        draft_type=latest[0] if latest else None,
        one_person=one_person,
    )


class NothingToSend(Conflict):
    """The export stopped before writing: the package would carry nothing."""

    def __init__(self, *, destination: str, held: HeldBack) -> None:
        self.held = held
        lines = [
            _("Nothing to send to {office}: no package was written and no number was used.").format(
                office=destination
            ),
            *held_lines(held),
        ]
        if not held.unapproved:
            lines.append(
                _(
                    "Nothing new since the last package: every other record, issued document "
                    "and figure of this office was already sent. Add or change a record, issue "
                    "a document or enter figures, then export again."
                )
            )
        super().__init__("\n\n".join(lines), step=next_step(held))


def next_step(held: HeldBack) -> str | None:
    """The one next step a button can do: the approval queue only when records wait there."""
    if held.waiting or (held.drafts and held.one_person):
        return "approvals"
    if held.drafts:
        return "drafts"
    if held.returned:
        return "returned"
    return None


def held_lines(held: HeldBack) -> list[str]:
    """Why records stayed home, one sentence per reason, each with what to do next."""
    lines = []
    if held.drafts and held.one_person:
        lines.append(
            _(
                "{count} record(s) are still drafts. In an office without users you approve "
                "them yourself, without submitting: Approval → Waiting for approval "
                "(Ctrl+Shift+A), select them and approve; then export again."
            ).format(count=number(held.drafts))
        )
    elif held.drafts:
        lines.append(
            _(
                "{count} record(s) are still drafts: submit each for approval (Ctrl+Shift+S) "
                "and wait for the head to approve it; then export again."
            ).format(count=number(held.drafts))
        )
    if held.waiting:
        lines.append(
            _(
                "{count} record(s) are waiting for the head's approval: Approval → Waiting for "
                "approval (Ctrl+Shift+A); then export again."
            ).format(count=number(held.waiting))
        )
    if held.returned:
        lines.append(
            _(
                "{count} record(s) were returned by the level above: correct them (Approval → "
                "Returned by the level above) and submit them again."
            ).format(count=number(held.returned))
        )
    if held.demo:
        lines.append(demo_note(held.demo))
    return lines


def demo_note(count: int) -> str:
    return _(
        "{count} demo record(s) stayed in this office: demo data is never sent. Remove it "
        "with 'dvdesk demo --remove'."
    ).format(count=number(count))
