"""Roles of the people in an office and the stages of a record's approval."""

from __future__ import annotations

from enum import StrEnum

from dvdesk.i18n import N_, _


class Role(StrEnum):
    CLERK = "clerk"  # chuyên viên: enters and edits records, makes drafts
    HEAD = "head"  # lãnh đạo: approves, issues and signs, exports
    ADMIN = "admin"  # quản trị: users, settings, keys

    @property
    def label(self) -> str:
        return _(_ROLE_LABELS[self])


class ApprovalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGED = "changed"  # changed after approval, until approved again
    RETURNED = "returned"  # sent back by the level above

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])


class ReviewState(StrEnum):
    """Where a record another office sent stands in the review by the level above."""

    TO_REVIEW = "to_review"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _(_REVIEW_LABELS[self])


def review_state(
    *,
    withdrawn: bool,
    return_open: bool,
    accepted_revision: int | None,
    revision: int,
    resubmission: bool,
) -> ReviewState:
    """The review state from the facts the database keeps (one rule for every screen).

    ``return_open``: the latest return of the record is still pending or sent;
    ``accepted_revision``: the revision the level above accepted, if any."""
    if withdrawn:
        return ReviewState.WITHDRAWN
    if return_open:
        return ReviewState.RETURNED
    if accepted_revision == revision:
        return ReviewState.ACCEPTED
    if resubmission:
        # The package marked it as the corrected version of a returned record.
        return ReviewState.RESUBMITTED
    return ReviewState.TO_REVIEW


_ROLE_LABELS = {
    Role.CLERK: N_("clerk"),
    Role.HEAD: N_("head"),
    Role.ADMIN: N_("administrator"),
}
_STATUS_LABELS = {
    ApprovalStatus.DRAFT: N_("draft"),
    ApprovalStatus.SUBMITTED: N_("submitted for approval"),
    ApprovalStatus.APPROVED: N_("approved"),
    ApprovalStatus.CHANGED: N_("changed after approval"),
    ApprovalStatus.RETURNED: N_("returned by the level above"),
}
_REVIEW_LABELS = {
    ReviewState.TO_REVIEW: N_("to review"),
    ReviewState.ACCEPTED: N_("accepted"),
    ReviewState.RETURNED: N_("returned for correction"),
    ReviewState.RESUBMITTED: N_("resubmitted"),
    ReviewState.WITHDRAWN: N_("withdrawn"),
}
