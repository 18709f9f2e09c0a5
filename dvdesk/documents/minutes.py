"""Minutes (biên bản) of working sessions, conclusion meetings and dialogue sessions.

The content comes from the record; what only the meeting knows (times,
note-taker, who was absent and why, guests, extra speeches) is given at issue
time as a :class:`MinutesInput`, validated like every other input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Annotated

from babel.dates import format_date
from babel.numbers import format_decimal
from pydantic import Field, field_validator

from dvdesk.documents import compose, register, wording
from dvdesk.documents.compose import body, bullet, heading, need, paragraphs, sentence_end
from dvdesk.documents.content import Closing, Document, Signer, Text
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.register import Issued, NumberPreview
from dvdesk.documents.settings import DocumentSettings, Template, get_document_settings
from dvdesk.domain.fields import (
    OptionalIsoDate,
    OptionalLongText,
    OptionalText,
    custom_error,
)
from dvdesk.domain.fields import (
    Text as FieldText,
)
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.record_view import DialogueView, IssueView, RecordView, SessionView
from dvdesk.domain.validation import failed, validate
from dvdesk.errors import Conflict
from dvdesk.i18n import N_, _
from dvdesk.services.minutes_people import MinutesPeople, remember_minutes_people
from dvdesk.services.office import OfficeView, get_office
from dvdesk.services.records import get_record
from dvdesk.services.store import Store

MINUTES = "BB"
# Clerks write times the way they say them: 08:00, 8h30, 8.30, 11 giờ 30 (phút), 14h.
_TIME = re.compile(
    r"([01]?\d|2[0-3])\s*(?:[:hg.]|giờ)\s*(?:([0-5]\d)\s*(?:phút|p)?)?", re.IGNORECASE
)


class MinutesKind(StrEnum):
    WORKING_SESSION = "working_session"  # the team works with the organisation
    CONCLUSION = "conclusion"  # the meeting announcing the conclusion
    DIALOGUE = "dialogue"


class AbsentInput(StrictInput):
    name: FieldText
    reason: OptionalText = None


class SpeechInput(StrictInput):
    speaker: FieldText
    content: Annotated[str, Field(strict=True)]

    @field_validator("content")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise custom_error("empty", N_("must not be empty"))
        return value.strip()


def _check_time(value: str | None) -> str | None:
    if value is None:
        return None
    match = _TIME.fullmatch(value)
    if match is None:
        raise custom_error("time", N_("expected a time written HH:MM, e.g. 08:00"))
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


class MinutesInput(StrictInput):
    """What the meeting adds to the record; every key is optional."""

    kind: MinutesKind | None = None  # default: dialogue for dialogues, else working session
    template: Template | None = None  # default: the office setting
    document_date: OptionalIsoDate = None  # default: the meeting day
    start_time: OptionalText = None
    close_time: OptionalText = None
    place: OptionalText = None
    chair: OptionalText = None
    chair_post: OptionalText = None
    note_taker: OptionalText = None
    note_taker_post: OptionalText = None
    purpose: OptionalLongText = None
    absent: list[AbsentInput] = Field(default_factory=list, max_length=500)
    guests: list[FieldText] = Field(default_factory=list, max_length=500)
    proceedings: list[SpeechInput] = Field(default_factory=list, max_length=500)
    documents: list[FieldText] = Field(default_factory=list, max_length=100)  # tài liệu sử dụng
    copies: Annotated[int, Field(strict=True, ge=1, le=50)] = 2
    # Who signs for the inspected or supervised organisation (working sessions).
    representative: OptionalText = None
    representative_post: OptionalText = None

    @field_validator("start_time", "close_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        return _check_time(value)


def _dmy(value: str | date | None) -> str:
    if value is None:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "dd/MM/yyyy", locale="vi")


def _clock(value: str | None) -> str:
    if value is None:
        return "... giờ ... phút"
    hours, minutes = value.split(":")
    return f"{hours} giờ {minutes} phút"


# The records minutes are made for.
Meeting = SessionView | DialogueView


def _session_word(record_type: str) -> str:
    return "kiểm tra" if record_type == "inspection" else "giám sát"


def _meeting(record: RecordView) -> Meeting:
    """Only meetings have minutes: inspections, supervisions and dialogue sessions."""
    if not isinstance(record, SessionView | DialogueView):
        raise failed(
            [
                (
                    "",
                    _(
                        "Minutes are made for inspections, supervisions and dialogue sessions; "
                        "this record is a document or a model. Choose one of those records."
                    ),
                )
            ]
        )
    return record


def _kind(record: Meeting, details: MinutesInput) -> MinutesKind:
    if isinstance(record, DialogueView):
        if details.kind not in (None, MinutesKind.DIALOGUE):
            raise failed([("kind", _("a dialogue session only has dialogue minutes"))])
        return MinutesKind.DIALOGUE
    if details.kind is MinutesKind.DIALOGUE:
        raise failed([("kind", _("only a dialogue session has dialogue minutes"))])
    return details.kind or MinutesKind.WORKING_SESSION


def meeting_date(record: Meeting, details: MinutesInput, kind: MinutesKind) -> date:
    """The minutes are dated the day of the meeting they record."""
    if details.document_date is not None:
        return details.document_date
    if kind is MinutesKind.CONCLUSION:
        concluded = record.conclusion_date if isinstance(record, SessionView) else None
        for day in (concluded, record.end_date):
            if day:
                return day
    return record.start_date


def _subject(record: Meeting, kind: MinutesKind) -> str:
    if kind is MinutesKind.DIALOGUE:
        return f"Buổi đối thoại với Nhân dân\n{record.title}"
    word = _session_word(record.type)
    if kind is MinutesKind.CONCLUSION:
        return f"Hội nghị thông báo kết luận {word}\n{record.title}"
    return f"Buổi làm việc của Đoàn {word}\n{record.title}"


def _chair(record: Meeting, details: MinutesInput) -> tuple[str | None, str | None]:
    if details.chair:
        return details.chair, details.chair_post
    if isinstance(record, DialogueView):
        return record.chair, details.chair_post or record.chair_post
    return record.lead, details.chair_post or "Trưởng đoàn"


def _chair_field(record: Meeting) -> str:
    """The label of the record form's field the chair comes from."""
    return "Người chủ trì" if isinstance(record, DialogueView) else "Trưởng đoàn"


def _opening(record: Meeting, details: MinutesInput, on: date, kind: MinutesKind) -> list[Text]:
    story: list[Text] = []
    if record.legal_basis:
        story.append(body(f"Căn cứ {record.legal_basis};"))
    if isinstance(record, SessionView) and record.decision_number:
        decided = f" ngày {_dmy(record.decision_date)}" if record.decision_date else ""
        word = _session_word(record.type)
        story.append(
            body(
                f"Căn cứ Quyết định số {record.decision_number}{decided} "
                f"về việc thành lập Đoàn {word};"
            )
        )
    place = details.place or record.place or "..."
    if isinstance(record, DialogueView):
        action = "tổ chức buổi đối thoại với Nhân dân"
    else:
        subjects = ", ".join(record.subjects)
        word = _session_word(record.type)
        action = (
            f"Đoàn {word} tổ chức hội nghị thông báo kết luận {word} đối với {subjects}"
            if kind is MinutesKind.CONCLUSION
            else f"Đoàn {word} làm việc với {subjects}"
        )
    story.append(
        body(
            f"Hôm nay, vào hồi {_clock(details.start_time)}, {wording.spoken_date(on)}, "
            f"tại {place}, {action}."
        )
    )
    return story


def _team(record: SessionView) -> list[str]:
    return [name for name in [record.lead, *record.members] if name]


def _attendance(team: list[str], details: MinutesInput) -> str:
    """``có mặt 5/7 đồng chí, vắng 2 đồng chí có lý do`` (16-HD/VPTW asks for the counts)."""
    absent = [person for person in details.absent if person.name in team]
    present = len(team) - len(absent)
    line = f"có mặt {present}/{len(team)} đồng chí"
    with_reason = sum(1 for person in absent if person.reason)
    without = len(absent) - with_reason
    if with_reason:
        line += f", vắng {with_reason} đồng chí có lý do"
    if without:
        line += f", vắng {without} đồng chí không có lý do"
    return line


def _participants(record: Meeting, details: MinutesInput) -> list[Text]:
    story: list[Text] = [heading("I. THÀNH PHẦN THAM DỰ")]
    chair, chair_post = _chair(record, details)
    number = 1
    if isinstance(record, DialogueView):
        story.append(body(f"{number}. Chủ trì: {_person(chair, chair_post)}."))
        number += 1
        story += [bullet(f"Đồng chủ trì: đồng chí {co};") for co in record.co_chairs]
        attendees = record.attendees or 0
        groups = f" ({record.attendee_groups})" if record.attendee_groups else ""
        story.append(body(f"{number}. Nhân dân tham dự: {_count(attendees)} người{groups}."))
        number += 1
    else:
        word = _session_word(record.type)
        team = _team(record)
        story.append(body(f"{number}. Đoàn {word}: {_attendance(team, details)}:"))
        number += 1
        away = {person.name for person in details.absent}
        if record.lead and record.lead not in away:
            story.append(bullet(f"Đồng chí {record.lead}, Trưởng đoàn;"))
        for member in record.members:
            if member not in away:
                story.append(bullet(f"Đồng chí {member}, thành viên;"))
        story.append(body(f"{number}. Đại diện đơn vị được {word}:"))
        number += 1
        story += [bullet(f"{subject};") for subject in record.subjects]
        if details.representative:
            post = f", {details.representative_post}" if details.representative_post else ""
            story.append(bullet(f"Đồng chí {details.representative}{post};"))
    if details.guests:
        story.append(body(f"{number}. Khách mời:"))
        number += 1
        story += [bullet(f"{guest};") for guest in details.guests]
    if details.absent:
        story.append(body(f"{number}. Vắng mặt:"))
        number += 1
        for person in details.absent:
            reason = f" (lý do: {person.reason})" if person.reason else " (không có lý do)"
            story.append(bullet(f"Đồng chí {person.name}{reason};"))
    if not isinstance(record, DialogueView):  # a dialogue's chair is listed first already
        story.append(body(f"Chủ trì: {_person(chair, chair_post)}."))
    note_taker = _person(details.note_taker, details.note_taker_post)
    story.append(body(f"Người ghi biên bản: {note_taker}."))
    return story


def _person(name: str | None, post: str | None) -> str:
    if not name:
        return "...................................."
    return f"đồng chí {name}, {post}" if post else f"đồng chí {name}"


def _sentence(value: str) -> str:
    return value[:1].upper() + value[1:]


def _count(value: int) -> str:
    return format_decimal(value, locale="vi")


def _purpose(record: Meeting, details: MinutesInput) -> list[Text]:
    story: list[Text] = [heading("II. MỤC ĐÍCH, NỘI DUNG")]
    if details.purpose:
        story += paragraphs(details.purpose)
    else:
        story.append(body(f"Nội dung: {record.title}."))
        if record.fields:
            story.append(body(f"Lĩnh vực: {', '.join(record.fields)}."))
    if details.documents:
        event = "buổi đối thoại" if isinstance(record, DialogueView) else "buổi làm việc"
        story.append(body(f"Tài liệu sử dụng tại {event}:"))
        story += [bullet(f"{item.rstrip('.,;')};") for item in details.documents]
    return story


def _proceedings(record: Meeting, details: MinutesInput, kind: MinutesKind) -> list[Text]:
    story: list[Text] = [heading("III. DIỄN BIẾN")]
    chair, chair_post = _chair(record, details)
    if chair:
        opener = (
            "thông qua mục đích, yêu cầu, nội dung buổi đối thoại"
            if kind is MinutesKind.DIALOGUE
            else "thông qua mục đích, yêu cầu, nội dung làm việc"
        )
        story.append(body(f"{_sentence(_person(chair, chair_post))} {opener}."))
    for speech in details.proceedings:
        lines = [line.strip() for line in speech.content.splitlines() if line.strip()]
        story.append(body(f"Ý kiến của {speech.speaker}: {sentence_end(lines[0])}"))
        story += [body(sentence_end(line)) for line in lines[1:]]
    if isinstance(record, DialogueView):
        story += _issues(record)
    elif record.findings:
        word = _session_word(record.type)
        story.append(body(f"Kết quả {word}:"))
        story += paragraphs(record.findings)
    return story


_HONORIFICS = ("ông ", "bà ", "anh ", "chị ", "đồng chí ", "cụ ", "em ")


def _who(issue: IssueView) -> str:
    """Who raised an issue, as written inside a sentence: "ông Trần Văn Tâm"."""
    if issue.protect_identity:
        return "một công dân, danh tính được giữ bí mật"
    raised = (issue.raised_by or "").strip()
    if not raised or raised.lower() in ("một công dân", "công dân"):
        return "một công dân"
    lowered = raised[:1].lower() + raised[1:]
    if lowered.lower().startswith(_HONORIFICS):
        return lowered
    return f"công dân {raised}"


def _issues(record: DialogueView) -> list[Text]:
    story: list[Text] = []
    for index, issue in enumerate(record.issues, start=1):
        kind = wording.ISSUE_KINDS.get(issue.kind, issue.kind)
        content = sentence_end(issue.content)
        # "(khiếu nại): Khiếu nại về …" says the kind twice; the content already says it.
        label = "" if content.lower().startswith(kind) else f" ({kind})"
        story.append(body(f"{index}. Ý kiến của {_who(issue)}{label}: {content}"))
        if issue.answer:
            story.append(body(f"Trả lời tại buổi đối thoại: {sentence_end(issue.answer)}"))
        if issue.assignee:
            deadline = f", hạn ngày {_dmy(issue.deadline)}" if issue.deadline else ""
            story.append(
                body(
                    f"Giao {issue.assignee} xem xét, giải quyết{deadline} và trả lời "
                    "công dân bằng văn bản."
                )
            )
    return story


def _conclusion(record: Meeting) -> list[Text]:
    story: list[Text] = [heading("IV. KẾT LUẬN")]
    story += paragraphs(record.conclusion) or [body("...")]
    if record.recommendations:
        story.append(body("Các kiến nghị:"))
        last = len(record.recommendations) - 1
        for index, item in enumerate(record.recommendations):
            extra = [x for x in (item.addressee,) if x]
            if item.deadline:
                extra.append(f"hạn {_dmy(item.deadline)}")
            suffix = f" ({'; '.join(extra)})" if extra else ""
            end = "." if index == last else ";"  # a list's items end ";", its last "."
            story.append(bullet(f"{item.content.rstrip('.;')}{suffix}{end}"))
    return story


def _closing_lines(details: MinutesInput, kind: MinutesKind) -> list[Text]:
    event = "Buổi đối thoại" if kind is MinutesKind.DIALOGUE else "Buổi làm việc"
    if kind is MinutesKind.CONCLUSION:
        event = "Hội nghị"
    copies = f"{details.copies:02d}"
    return [
        body(f"{event} kết thúc vào hồi {_clock(details.close_time)} cùng ngày."),
        body(
            f"Biên bản được lập thành {copies} bản, đã được đọc lại cho những người tham dự "
            "cùng nghe và nhất trí thông qua."
        ),
    ]


def _signatures(
    record: Meeting, details: MinutesInput, kind: MinutesKind, template: Template
) -> Closing:
    state = template is Template.STATE
    chair, _post = _chair(record, details)
    note_taker = Signer(post="THƯ KÝ" if state else "NGƯỜI GHI BIÊN BẢN", name=details.note_taker)
    if kind is MinutesKind.WORKING_SESSION:
        word = _session_word(record.type).upper()
        lead = compose.signer(
            capacity_text=f"T/M ĐOÀN {word}",
            post="TRƯỞNG ĐOÀN",
            name=(record.lead if isinstance(record, SessionView) else None) or chair,
            template=template,
        )
        representative = Signer(post=f"ĐẠI DIỆN ĐƠN VỊ\nĐƯỢC {word}", name=details.representative)
        return Closing(
            lead=_closing_lines(details, kind),
            left=representative,
            right=lead,
            extra=[note_taker],
        )
    return Closing(
        lead=_closing_lines(details, kind),
        left=note_taker,
        right=Signer(post="CHỦ TỌA" if state else "CHỦ TRÌ", name=chair),
    )


def _missing(record: Meeting, details: MinutesInput, kind: MinutesKind) -> list[str]:
    """What 16-HD/VPTW requires that the minutes do not have yet."""
    missing: list[str] = []
    chair, _post = _chair(record, details)
    need(missing, "thời gian bắt đầu (giờ, phút)", details.start_time)
    # What the record holds is named by its field in the record's form, where it is
    # filled in; the rest is typed in the minutes dialog itself.
    need(missing, "địa điểm (ô “Địa điểm” của hồ sơ)", details.place or record.place)
    need(missing, f"người chủ trì (ô “{_chair_field(record)}” của hồ sơ)", chair)
    need(missing, "người ghi biên bản", details.note_taker)
    need(
        missing,
        "nội dung kết luận (ô “Kết luận” của hồ sơ, mục IV. KẾT LUẬN)",
        record.conclusion,
    )
    need(missing, "thời gian kết thúc (giờ, phút)", details.close_time)
    if kind is MinutesKind.WORKING_SESSION:
        word = _session_word(record.type)
        need(missing, f"họ tên đại diện đơn vị được {word} (ký biên bản)", details.representative)
    missing.extend(_date_problems(record, details))
    return missing


def _date_problems(record: Meeting, details: MinutesInput) -> list[str]:
    """A typed minutes date before the meeting began, or before the decision the minutes
    cite, is a typing slip (trial 3: minutes of 05/03 citing a decision of 16/08)."""
    on = details.document_date
    if on is None:
        return []
    problems = []
    if on < record.start_date:
        problems.append(
            f"ngày của biên bản từ ngày {_dmy(record.start_date)} (ngày bắt đầu ghi trong hồ sơ)"
            f" trở đi, không phải {_dmy(on)}"
        )
    decided = record.decision_date if isinstance(record, SessionView) else None
    if decided is not None and on < decided and decided > record.start_date:
        problems.append(
            f"ngày của biên bản từ ngày {_dmy(decided)} (ngày của quyết định thành lập đoàn)"
            f" trở đi, không phải {_dmy(on)}"
        )
    return problems


def minutes_document(
    record: RecordView,
    details: MinutesInput,
    *,
    settings: DocumentSettings,
    office: OfficeView,
) -> Document:
    """The minutes as a draft :class:`Document` (no database access)."""
    if details.template is not None:
        settings = _with_template(settings, details.template)
    meeting = _meeting(record)
    kind = _kind(meeting, details)
    on = meeting_date(meeting, details, kind)
    profile = office.profile_at(on)
    return Document(
        title=f"Biên bản - {meeting.title}",
        author=profile.name,
        page=compose.page(settings),
        header=compose.header(settings=settings, profile=profile, doc_type=MINUTES, on=on),
        kind=wording.MINUTES_TITLE,
        subject=_subject(meeting, kind).split("\n"),
        blocks=[
            *_opening(meeting, details, on, kind),
            *_participants(meeting, details),
            *_purpose(meeting, details),
            *_proceedings(meeting, details, kind),
            *_conclusion(meeting),
        ],
        closing=_signatures(meeting, details, kind, settings.template),
        missing=_missing(meeting, details, kind),
    )


def _with_template(settings: DocumentSettings, template: Template) -> DocumentSettings:
    return replace(settings, template=template)


def draft_minutes(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
) -> Document:
    """The minutes of a record as they stand now: a draft, for preview, PDF or Word."""
    model = _details(details)
    record = _record(store, record_id)
    return minutes_document(
        record, model, settings=get_document_settings(store), office=get_office(store)
    )


def minutes_subject(
    store: Store, *, record_id: str, details: MinutesInput | Mapping[str, object] | None
) -> str:
    """What the register files the minutes under (one live number per meeting)."""
    record = _record(store, record_id)
    return f"minutes:{record.id}:{_kind(_meeting(record), _details(details)).value}"


def _details(details: MinutesInput | Mapping[str, object] | None) -> MinutesInput:
    if isinstance(details, MinutesInput):
        return details
    return validate(MinutesInput, dict(details or {}))


def _record(store: Store, record_id: str) -> RecordView:
    record = get_record(store, record_id=record_id)
    if record.deleted:
        raise Conflict(
            _("Record {id} was deleted; no minutes can be made for it.").format(id=record_id)
        )
    return record


def build_minutes(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
) -> bytes:
    """The draft minutes as PDF (for the preview)."""
    return render_pdf(draft_minutes(store, record_id=record_id, details=details))


def issue_minutes(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
    replaces: int | None = None,
    expected_number: int | None = None,
    write: Callable[[Issued], None] | None = None,
) -> Issued:
    """Number the minutes and keep them as issued; refused while anything is missing.
    The note-taker and the organisation's representative are offered in the next minutes."""
    model = _details(details)
    issued = register.issue(
        store,
        document=draft_minutes(store, record_id=record_id, details=model),
        subject_key=minutes_subject(store, record_id=record_id, details=model),
        record_id=_record(store, record_id).id,
        replaces=replaces,
        expected_number=expected_number,
        write=write,
    )
    people = MinutesPeople(
        note_taker=model.note_taker,
        note_taker_post=model.note_taker_post,
        representative=model.representative,
        representative_post=model.representative_post,
    )
    with store.session() as session:
        remember_minutes_people(session, people=people, actor=store.actor)
    return issued


def preview_minutes_number(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
    replaces: int | None = None,
) -> NumberPreview:
    """The number the minutes would take now; refused as issuing would be."""
    model = _details(details)
    return register.next_number_for(
        store,
        document=draft_minutes(store, record_id=record_id, details=model),
        subject_key=minutes_subject(store, record_id=record_id, details=model),
        replaces=replaces,
    )
