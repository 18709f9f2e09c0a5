"""The closed sets of values the records use, with their Vietnamese labels."""

from __future__ import annotations

from enum import StrEnum

from dvdesk.i18n import N_, _


class LabelledEnum(StrEnum):
    """A string enum whose members know their user-facing label."""

    @property
    def label(self) -> str:
        return _(_LABELS[self])


class OfficeLevel(LabelledEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    SPECIAL_ZONE = "special_zone"
    # District offices existed until 30 June 2025; they keep their old records.
    DISTRICT = "district"


class RecordType(LabelledEnum):
    INSPECTION = "inspection"
    SUPERVISION = "supervision"
    DIALOGUE = "dialogue"


class RecordStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class SupervisionKind(LabelledEnum):
    THEMATIC = "thematic"
    REGULAR = "regular"


class IssueKind(LabelledEnum):
    KHIEU_NAI = "khieu_nai"
    TO_CAO = "to_cao"
    KIEN_NGHI = "kien_nghi"
    PHAN_ANH = "phan_anh"


class FollowUpStatus(LabelledEnum):
    """Stored status of a recommendation or petition; "overdue" is derived from the deadline."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


OVERDUE_LABEL = N_("overdue")

_LABELS: dict[LabelledEnum, str] = {
    OfficeLevel.PROVINCE: N_("province"),
    OfficeLevel.COMMUNE: N_("commune"),
    OfficeLevel.SPECIAL_ZONE: N_("special zone"),
    OfficeLevel.DISTRICT: N_("district (before 1 July 2025)"),
    RecordType.INSPECTION: N_("inspection"),
    RecordType.SUPERVISION: N_("supervision"),
    RecordType.DIALOGUE: N_("dialogue session"),
    RecordStatus.PLANNED: N_("planned"),
    RecordStatus.IN_PROGRESS: N_("in progress"),
    RecordStatus.COMPLETED: N_("completed"),
    SupervisionKind.THEMATIC: N_("thematic"),
    SupervisionKind.REGULAR: N_("regular"),
    IssueKind.KHIEU_NAI: N_("complaint"),
    IssueKind.TO_CAO: N_("denunciation"),
    IssueKind.KIEN_NGHI: N_("recommendation"),
    IssueKind.PHAN_ANH: N_("feedback"),
    FollowUpStatus.OPEN: N_("open"),
    FollowUpStatus.IN_PROGRESS: N_("being handled"),
    FollowUpStatus.RESOLVED: N_("resolved"),
}
