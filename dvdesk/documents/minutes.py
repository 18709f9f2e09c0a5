"""Minutes (biên bản) of working sessions, conclusion meetings and dialogue sessions.

The content comes from the record; what only the meeting knows (times,
note-taker, who was absent and why, guests, extra speeches) is given at issue
time as a :class:`MinutesInput`, validated like every other input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from babel.dates import format_date
from babel.numbers import format_decimal
from pydantic import Field, field_validator

from dvdesk.documents import layout, wording
from dvdesk.documents.layout import Signature, bullet, heading, para, paragraphs
from dvdesk.documents.register import MINUTES, IssuedNumber, issue_number
from dvdesk.documents.settings import DocumentSettings, Template, get_document_settings
from dvdesk.domain.fields import (
    OptionalIsoDate,
    OptionalLongText,
    OptionalText,
    Text,
    custom_error,
)
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import failed, validate
from dvdesk.errors import Conflict
from dvdesk.i18n import N_, _
from dvdesk.services.office import Profile, get_office
from dvdesk.services.records import get_record
from dvdesk.services.store import Store

_TIME = re.compile(r"^([01]?\d|2[0-3])\s*[:hg.]\s*([0-5]\d)$")


class MinutesKind(StrEnum):
    WORKING_SESSION = "working_session"  # the team works with the organisation
    CONCLUSION = "conclusion"  # the meeting announcing the conclusion
    DIALOGUE = "dialogue"


class AbsentInput(StrictInput):
    name: Text
    reason: OptionalText = None


class SpeechInput(StrictInput):
    speaker: Text
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
    return f"{int(match.group(1)):02d}:{match.group(2)}"


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
    guests: list[Text] = Field(default_factory=list, max_length=500)
    proceedings: list[SpeechInput] = Field(default_factory=list, max_length=500)

    @field_validator("start_time", "close_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        return _check_time(value)


@dataclass(frozen=True)
class IssuedMinutes:
    number: IssuedNumber
    pdf: bytes


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


def _session_word(record_type: str) -> str:
    return "kiểm tra" if record_type == "inspection" else "giám sát"


def _kind(record: Mapping[str, Any], details: MinutesInput) -> MinutesKind:
    if record["type"] == "dialogue":
        if details.kind not in (None, MinutesKind.DIALOGUE):
            raise failed([("kind", _("a dialogue session only has dialogue minutes"))])
        return MinutesKind.DIALOGUE
    if details.kind is MinutesKind.DIALOGUE:
        raise failed([("kind", _("only a dialogue session has dialogue minutes"))])
    return details.kind or MinutesKind.WORKING_SESSION


def meeting_date(record: Mapping[str, Any], details: MinutesInput, kind: MinutesKind) -> date:
    """The minutes are dated the day of the meeting they record."""
    if details.document_date is not None:
        return details.document_date
    if kind is MinutesKind.CONCLUSION:
        for key in ("conclusion_date", "end_date"):
            if record.get(key):
                return date.fromisoformat(record[key])
    return date.fromisoformat(record["start_date"])


def _subject(record: Mapping[str, Any], kind: MinutesKind) -> str:
    if kind is MinutesKind.DIALOGUE:
        return f"Buổi đối thoại với Nhân dân\n{record['title']}"
    word = _session_word(record["type"])
    if kind is MinutesKind.CONCLUSION:
        return f"Hội nghị thông báo kết luận {word}\n{record['title']}"
    return f"Buổi làm việc của Đoàn {word}\n{record['title']}"


def _chair(record: Mapping[str, Any], details: MinutesInput) -> tuple[str | None, str | None]:
    if details.chair:
        return details.chair, details.chair_post
    if record["type"] == "dialogue":
        return record.get("chair"), details.chair_post or record.get("chair_post")
    return record.get("lead"), details.chair_post or "Trưởng đoàn"


def _opening(record: Mapping[str, Any], details: MinutesInput, on: date) -> list[Any]:
    story: list[Any] = []
    basis = []
    if record.get("legal_basis"):
        basis.append(f"Căn cứ {record['legal_basis']};")
    if record.get("decision_number"):
        decided = (
            f" ngày {_dmy(record.get('decision_date'))}" if record.get("decision_date") else ""
        )
        word = _session_word(record["type"])
        basis.append(
            f"Căn cứ Quyết định số {record['decision_number']}{decided} "
            f"về việc thành lập Đoàn {word};"
        )
    story += [para(line) for line in basis]
    place = details.place or record.get("place") or "..."
    when = f"vào hồi {_clock(details.start_time)}, " if details.start_time else ""
    if record["type"] == "dialogue":
        action = "tổ chức buổi đối thoại với Nhân dân"
    else:
        subjects = ", ".join(record.get("subjects") or [])
        action = f"Đoàn {_session_word(record['type'])} làm việc với {subjects}"
    story.append(para(f"Hôm nay, {when}{wording.spoken_date(on)}, tại {place}, {action}."))
    return story


def _participants(record: Mapping[str, Any], details: MinutesInput) -> list[Any]:
    story: list[Any] = [heading("I. THÀNH PHẦN THAM DỰ")]
    chair, chair_post = _chair(record, details)
    number = 1
    if record["type"] == "dialogue":
        story.append(para(f"{number}. Chủ trì: {_person(chair, chair_post)}."))
        number += 1
        for co_chair in record.get("co_chairs") or []:
            story.append(bullet(f"Đồng chủ trì: đồng chí {co_chair};"))
        attendees = record.get("attendees") or 0
        groups = f" ({record['attendee_groups']})" if record.get("attendee_groups") else ""
        story.append(para(f"{number}. Nhân dân tham dự: {_count(attendees)} người{groups}."))
        number += 1
    else:
        word = _session_word(record["type"])
        story.append(para(f"{number}. Đoàn {word}:"))
        number += 1
        if record.get("lead"):
            story.append(bullet(f"Đồng chí {record['lead']}, Trưởng đoàn;"))
        for member in record.get("members") or []:
            story.append(bullet(f"Đồng chí {member}, thành viên;"))
        story.append(para(f"{number}. Đại diện đơn vị được {word}:"))
        number += 1
        story += [bullet(f"{subject};") for subject in record.get("subjects") or []]
    if details.guests:
        story.append(para(f"{number}. Khách mời:"))
        number += 1
        story += [bullet(f"{guest};") for guest in details.guests]
    if details.absent:
        story.append(para(f"{number}. Vắng mặt:"))
        number += 1
        for person in details.absent:
            reason = f" (lý do: {person.reason})" if person.reason else " (không có lý do)"
            story.append(bullet(f"{person.name}{reason};"))
    if record["type"] != "dialogue":  # a dialogue's chair is listed first already
        story.append(para(f"Chủ trì: {_person(chair, chair_post)}."))
    note_taker = _person(details.note_taker, details.note_taker_post)
    story.append(para(f"Người ghi biên bản: {note_taker}."))
    return story


def _person(name: str | None, post: str | None) -> str:
    if not name:
        return "...................................."
    return f"đồng chí {name}, {post}" if post else f"đồng chí {name}"


def _sentence(value: str) -> str:
    return value[:1].upper() + value[1:]


def _count(value: int) -> str:
    return format_decimal(value, locale="vi")


def _purpose(record: Mapping[str, Any], details: MinutesInput) -> list[Any]:
    story: list[Any] = [heading("II. MỤC ĐÍCH, NỘI DUNG")]
    if details.purpose:
        return story + paragraphs(details.purpose)
    story.append(para(f"Nội dung: {record['title']}."))
    if record.get("fields"):
        story.append(para(f"Lĩnh vực: {', '.join(record['fields'])}."))
    return story


def _proceedings(record: Mapping[str, Any], details: MinutesInput, kind: MinutesKind) -> list[Any]:
    story: list[Any] = [heading("III. DIỄN BIẾN")]
    chair, chair_post = _chair(record, details)
    if chair:
        opener = (
            "thông qua mục đích, yêu cầu, nội dung buổi đối thoại"
            if kind is MinutesKind.DIALOGUE
            else "thông qua mục đích, yêu cầu, nội dung làm việc"
        )
        story.append(para(f"{_sentence(_person(chair, chair_post))} {opener}."))
    for speech in details.proceedings:
        lines = [line.strip() for line in speech.content.splitlines() if line.strip()]
        story.append(para(f"Ý kiến của {speech.speaker}: {lines[0]}"))
        story += [para(line) for line in lines[1:]]
    if record["type"] == "dialogue":
        story += _issues(record)
    elif record.get("findings"):
        word = _session_word(record["type"])
        story.append(para(f"Kết quả {word}:"))
        story += paragraphs(record["findings"])
    return story


def _issues(record: Mapping[str, Any]) -> list[Any]:
    story: list[Any] = []
    for index, issue in enumerate(record.get("issues") or [], start=1):
        kind = wording.ISSUE_KINDS.get(issue["kind"], issue["kind"])
        if issue.get("protect_identity") or not issue.get("raised_by"):
            who = (
                "một công dân (danh tính được giữ bí mật)"
                if issue.get("protect_identity")
                else "một công dân"
            )
        else:
            who = issue["raised_by"]
        story.append(para(f"{index}. Ý kiến của {who} ({kind}): {issue['content']}"))
        if issue.get("answer"):
            story.append(para(f"Trả lời tại buổi đối thoại: {issue['answer']}"))
        if issue.get("assignee"):
            deadline = f", hạn ngày {_dmy(issue['deadline'])}" if issue.get("deadline") else ""
            story.append(
                para(
                    f"Giao {issue['assignee']} xem xét, giải quyết{deadline} và trả lời "
                    "công dân bằng văn bản."
                )
            )
    return story


def _conclusion(record: Mapping[str, Any]) -> list[Any]:
    story: list[Any] = [heading("IV. KẾT LUẬN")]
    story += paragraphs(record.get("conclusion")) or [para("...")]
    recommendations = record.get("recommendations") or []
    if recommendations:
        story.append(para("Các kiến nghị:"))
        for item in recommendations:
            extra = [x for x in (item.get("addressee"),) if x]
            if item.get("deadline"):
                extra.append(f"hạn {_dmy(item['deadline'])}")
            suffix = f" ({'; '.join(extra)})" if extra else ""
            story.append(bullet(f"{item['content']}{suffix};"))
    return story


def _closing(details: MinutesInput, kind: MinutesKind) -> list[Any]:
    event = "Buổi đối thoại" if kind is MinutesKind.DIALOGUE else "Buổi làm việc"
    if kind is MinutesKind.CONCLUSION:
        event = "Hội nghị"
    return [
        para(f"{event} kết thúc vào hồi {_clock(details.close_time)} cùng ngày."),
        para("Biên bản đã được đọc lại cho những người tham dự cùng nghe và nhất trí thông qua."),
    ]


def build_minutes(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
    number: int | None = None,
    settings: DocumentSettings | None = None,
) -> bytes:
    """The minutes as PDF; without ``number`` a draft with a blank number (for preview)."""
    model = _details(details)
    record = _record(store, record_id)
    settings = settings or get_document_settings(store)
    on = meeting_date(record, model, _kind(record, model))
    profile = get_office(store).profile_at(on)
    return _render(record, model, number=number, settings=settings, profile=profile)


def _details(details: MinutesInput | Mapping[str, object] | None) -> MinutesInput:
    if isinstance(details, MinutesInput):
        return details
    return validate(MinutesInput, dict(details or {}))


def _record(store: Store, record_id: str) -> dict[str, Any]:
    record = get_record(store, record_id=record_id)
    if record["deleted"]:
        raise Conflict(
            _("Record {id} was deleted; no minutes can be made for it.").format(id=record_id)
        )
    return record


def _render(
    record: Mapping[str, Any],
    details: MinutesInput,
    *,
    number: int | None,
    settings: DocumentSettings,
    profile: Profile,
) -> bytes:
    """Lay the minutes out (no database access: this runs inside the issuing transaction)."""
    if details.template is not None:
        settings = _with_template(settings, details.template)
    kind = _kind(record, details)
    on = meeting_date(record, details, kind)
    width = layout.text_width(settings)
    chair, _post = _chair(record, details)
    story: list[Any] = [
        layout.header(
            settings=settings,
            profile=profile,
            number=number,
            doc_type=MINUTES,
            on=on,
            width=width,
        ),
        *layout.title(wording.MINUTES_TITLE, _subject(record, kind)),
        *_opening(record, details, on),
        *_participants(record, details),
        *_purpose(record, details),
        *_proceedings(record, details, kind),
        *_conclusion(record),
        layout.signatures(
            Signature(capacity=None, post="NGƯỜI GHI BIÊN BẢN", name=details.note_taker),
            Signature(capacity=None, post="CHỦ TRÌ", name=chair),
            template=settings.template,
            width=width,
            lead=_closing(details, kind),
        ),
    ]
    return layout.render(story, settings=settings, title_text=f"Biên bản - {record['title']}")


def _with_template(settings: DocumentSettings, template: Template) -> DocumentSettings:
    return replace(settings, template=template)


def issue_minutes(
    store: Store,
    *,
    record_id: str,
    details: MinutesInput | Mapping[str, object] | None = None,
    target: Path | None = None,
) -> IssuedMinutes:
    """Give the minutes their number (the same one if issued before), render, and write.

    If ``target`` cannot be written nothing is issued and nothing is written.
    """
    model = _details(details)
    record = _record(store, record_id)
    if target is not None:
        layout.check_writable(target)
    settings = get_document_settings(store)
    kind = _kind(record, model)
    on = meeting_date(record, model, kind)
    profile = get_office(store).profile_at(on)

    def produce(issued: IssuedNumber) -> bytes:
        pdf = _render(record, model, number=issued.number, settings=settings, profile=profile)
        if target is not None:
            layout.write_file(pdf, target)
        return pdf

    issued, pdf = issue_number(
        store,
        settings=settings,
        doc_type=MINUTES,
        subject_key=f"minutes:{record['id']}:{kind.value}",
        symbol=profile.symbol,
        document_date=on,
        record_id=record["id"],
        produce=produce,
    )
    return IssuedMinutes(number=issued, pdf=pdf)
