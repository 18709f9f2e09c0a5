"""What a user may submit for each record type, validated before anything is written.

These are the contract of ``record add``/``record update`` (see docs/records.md)
and of the GUI forms. Unknown keys are refused, types are strict (``"12"`` is
not a number), all text is NFC with surrounding spaces removed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from dvdesk.domain.enums import (
    DirectiveKind,
    FollowUpStatus,
    IssueKind,
    IssuerLevel,
    ModelField,
    RecognitionLevel,
    RecordStatus,
    RecordType,
    SupervisionKind,
)
from dvdesk.domain.fields import (
    IsoDate,
    LongText,
    OptionalIsoDate,
    OptionalLongText,
    OptionalText,
    Text,
    check_end_not_before_start,
    custom_error,
)
from dvdesk.i18n import N_

MAX_ITEMS = 500


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecommendationInput(StrictInput):
    id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")] | None = None
    content: LongText
    addressee: OptionalText = None
    deadline: OptionalIsoDate = None
    status: FollowUpStatus = FollowUpStatus.OPEN
    result: OptionalLongText = None
    result_date: OptionalIsoDate = None


class DialogueIssueInput(StrictInput):
    id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")] | None = None
    content: LongText
    kind: IssueKind
    raised_by: OptionalText = None
    # None means "decide by kind": a denouncer's identity is protected unless told otherwise.
    protect_identity: StrictBool | None = None
    field: OptionalText = None
    answer: OptionalLongText = None
    assignee: OptionalText = None
    deadline: OptionalIsoDate = None
    status: FollowUpStatus | None = None
    result: OptionalLongText = None
    result_date: OptionalIsoDate = None
    notified_date: OptionalIsoDate = None

    @property
    def answered_on_spot(self) -> bool:
        return self.answer is not None and self.assignee is None

    @property
    def effective_protect_identity(self) -> bool:
        if self.protect_identity is None:
            return self.kind is IssueKind.TO_CAO
        return self.protect_identity

    @property
    def effective_status(self) -> FollowUpStatus:
        if self.status is not None:
            return self.status
        return FollowUpStatus.RESOLVED if self.answered_on_spot else FollowUpStatus.OPEN


ItemList = Annotated[list[Text], Field(max_length=MAX_ITEMS)]


class RecordInput(StrictInput):
    """Keys every record type accepts."""

    title: Text
    start_date: IsoDate
    end_date: OptionalIsoDate = None
    place: OptionalText = None
    fields: ItemList = []
    legal_basis: OptionalText = None
    status: RecordStatus | None = None
    conclusion: OptionalLongText = None
    recommendations: Annotated[list[RecommendationInput], Field(max_length=MAX_ITEMS)] = []
    # Optimistic locking: if given, the update is refused when the stored revision differs.
    revision: StrictInt | None = None

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        if end is not None:
            check_end_not_before_start(end, info.data.get("start_date"))
        return end

    def effective_status(self, today: date) -> RecordStatus:
        if self.status is not None:
            return self.status
        return RecordStatus.PLANNED if self.start_date > today else RecordStatus.COMPLETED


class SessionInput(RecordInput):
    """Inspections and supervisions: a team visits organisations."""

    subjects: Annotated[list[Text], Field(min_length=1, max_length=MAX_ITEMS)]
    decision_number: OptionalText = None
    decision_date: OptionalIsoDate = None
    lead: OptionalText = None
    members: ItemList = []
    findings: OptionalLongText = None
    conclusion_number: OptionalText = None
    conclusion_date: OptionalIsoDate = None


class InspectionInput(SessionInput):
    pass


class SupervisionInput(SessionInput):
    kind: SupervisionKind = SupervisionKind.THEMATIC


class DialogueInput(RecordInput):
    chair: Text
    chair_post: OptionalText = None
    co_chairs: ItemList = []
    attendees: Annotated[StrictInt, Field(ge=0, le=1_000_000)] = 0
    attendee_groups: OptionalText = None
    issues: Annotated[list[DialogueIssueInput], Field(max_length=MAX_ITEMS)] = []


class DirectiveInput(RecordInput):
    """A leadership document (văn bản lãnh đạo, chỉ đạo); ``start_date`` is its date of issue."""

    kind: DirectiveKind
    # The kind's own name when it is "khac" (e.g. "Thông báo"); refused for the other kinds.
    kind_name: Annotated[OptionalText, Field(validate_default=True)] = None
    number: Text
    issuer: Text
    issuer_level: IssuerLevel | None = None

    @field_validator("kind_name")
    @classmethod
    def _kind_name_with_other(cls, name: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind is DirectiveKind.KHAC and name is None:
            raise custom_error("kind_name", N_('name the kind of document when the kind is "khac"'))
        if kind is not None and kind is not DirectiveKind.KHAC and name is not None:
            raise custom_error("kind_name", N_('give a kind name only when the kind is "khac"'))
        return name


class RecognitionInput(StrictInput):
    level: RecognitionLevel
    date: IsoDate
    decision: OptionalText = None


class ModelInput(RecordInput):
    """A "Dân vận khéo" model; ``start_date`` is the date it was registered."""

    field: ModelField
    owner: Text  # the unit or person behind the model
    recognitions: Annotated[list[RecognitionInput], Field(max_length=20)] = []


INPUT_MODELS: dict[RecordType, type[RecordInput]] = {
    RecordType.INSPECTION: InspectionInput,
    RecordType.SUPERVISION: SupervisionInput,
    RecordType.DIALOGUE: DialogueInput,
    RecordType.DIRECTIVE: DirectiveInput,
    RecordType.MODEL: ModelInput,
}
