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
