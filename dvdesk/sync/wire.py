"""Records on the wire: how a record aggregate is written into a package and read back.

A records member is a JSON array of record aggregates (the record row, its
subjects, recommendations, dialogue issues and attachment rows). Reading validates
every value's type and size with pydantic before anything reaches the database.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from dvdesk.db.columns import (
    ATTACHMENT_COLUMNS,
    ISSUE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    RECORD_COLUMNS,
)
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.sync.bounded_json import MAX_INT, UnsafeJson, refuse_duplicate_keys
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import fold, shown, vi_sort_key

Short = Annotated[str, StringConstraints(max_length=1_000)]
Long = Annotated[str, StringConstraints(max_length=200_000)]
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")]
Stamp = Annotated[str, StringConstraints(max_length=40)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
ItemStatus = Literal["open", "in_progress", "resolved"]

# Record columns travelling as JSON lists (stored as JSON text).
_LIST_COLUMNS = ("fields", "members", "co_chairs")
_DATE_COLUMNS = frozenset(
    {"start_date", "end_date", "decision_date", "conclusion_date", "deadline", "result_date"}
)
_DATE_COLUMNS |= {"notified_date"}


_STRICT = ConfigDict(extra="forbid", strict=True)
Date = date | None
Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]*$", max_length=16_000)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]


# TypedDicts rather than models: validation builds plain dicts, half the cost per record.
@with_config(_STRICT)
class WireRecommendation(TypedDict):
    id: Uuid
    content: Long
    addressee: Short | None
    deadline: Date
    status: ItemStatus
    result: Long | None
    result_date: Date


@with_config(_STRICT)
class WireIssue(TypedDict):
    id: Uuid
    content: Long
    kind: Literal["khieu_nai", "to_cao", "kien_nghi", "phan_anh"]
    raised_by: Short | None
    protect_identity: bool
    field: Short | None
    answer: Long | None
    assignee: Short | None
    deadline: Date
    status: ItemStatus
    result: Long | None
    result_date: Date
    notified_date: Date


@with_config(_STRICT)
class WireAttachment(TypedDict):
    id: Uuid
    sha256: Sha256
    filename: Short
    size: Count
    media_type: Short
    added_by: Short
    added_at: Stamp
    deleted: bool


@with_config(_STRICT)
class WireApproval(TypedDict):
    """Who approved the record and when, as the sending office recorded it."""

    status: Literal["draft", "submitted", "approved", "changed", "returned"]
    by: Short | None
    at: Stamp | None
    withdrawn: NotRequired[Short | None]  # the reason, when the office withdrew the record
    resubmission: NotRequired[bool]  # corrected after the level above returned it


@with_config(_STRICT)
class WireRecognition(TypedDict):
    level: Literal["xa", "tinh", "trung_uong"]
    date: date
    decision: Short | None


@with_config(_STRICT)
class WireRecord(TypedDict):
    id: Uuid
    type: Literal["inspection", "supervision", "dialogue", "directive", "model"]
    office_code: Code
    title: Short
    # The sort key holds private-use and combining code points; as hex it survives NFC.
    title_sort: Hex
    start_date: date
    end_date: Date
    place: Short | None
    fields: Annotated[list[Short], Field(max_length=100)]
    legal_basis: Short | None
    status: Literal["planned", "in_progress", "completed"]
    conclusion: Long | None
    decision_number: Short | None
    decision_date: Date
    lead: Short | None
    members: Annotated[list[Short], Field(max_length=500)]
    supervision_kind: Literal["thematic", "regular"] | None
    findings: Long | None
    conclusion_number: Short | None
    conclusion_date: Date
    chair: Short | None
    chair_post: Short | None
    co_chairs: Annotated[list[Short], Field(max_length=500)]
    attendees: Count | None
    attendee_groups: Long | None
    # Leadership documents and models: absent from packages written before they existed.
    directive_kind: NotRequired[
        Literal[
            "nghi_quyet",
            "chi_thi",
            "ket_luan",
            "quy_dinh",
            "quyet_dinh",
            "chuong_trinh_hanh_dong",
            "ke_hoach",
            "huong_dan",
            "cong_van",
            "khac",
        ]
        | None
    ]
    directive_kind_name: NotRequired[Short | None]
    directive_number: NotRequired[Short | None]
    issuer: NotRequired[Short | None]
    issuer_level: NotRequired[Literal["trung_uong", "tinh", "huyen", "xa"] | None]
    model_field: NotRequired[
        Literal["kinh_te", "van_hoa_xa_hoi", "quoc_phong_an_ninh", "xay_dung_he_thong_chinh_tri"]
        | None
    ]
    owner: NotRequired[Short | None]
    recognitions: NotRequired[Annotated[list[WireRecognition], Field(max_length=20)]]
    search_text: Annotated[str, StringConstraints(max_length=2_000_000)]
    revision: Annotated[int, Field(ge=1, le=MAX_INT)]
    created_by: Short
    created_at: Stamp
    updated_by: Short
    updated_at: Stamp
    deleted: bool
    subjects: Annotated[list[Short], Field(max_length=500)]
    recommendations: Annotated[list[WireRecommendation], Field(max_length=500)]
    issues: Annotated[list[WireIssue], Field(max_length=500)]
    attachments: Annotated[list[WireAttachment], Field(max_length=1_000)]
    # Packages written before approval existed have no approval.
    approval: NotRequired[WireApproval | None]


_CHUNK = TypeAdapter(list[WireRecord])


# ---------------------------------------------------------------- export side
# SQLite's JSON functions build each aggregate in C: no Python object per row or part.

_RECOMMENDATION_ITEM = tuple(
    c for c in RECOMMENDATION_COLUMNS if c not in ("record_id", "position")
)
_ISSUE_ITEM = tuple(c for c in ISSUE_COLUMNS if c not in ("record_id", "position"))
_ATTACHMENT_ITEM = tuple(c for c in ATTACHMENT_COLUMNS if c != "record_id")
_CHANGE_SEQ = RECORD_COLUMNS.index("change_seq")
_TITLE_SORT = RECORD_COLUMNS.index("title_sort")
_SEARCH_TEXT = RECORD_COLUMNS.index("search_text")


def _bool(column: str) -> str:
    return f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"


def _object(pairs: Sequence[tuple[str, str]]) -> str:
    return "json_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"


def _array(table: str, value: str, order: str) -> str:
    # json() keeps the result JSON when it crosses the subquery boundary.
    return (
        f"json((SELECT json_group_array({value}) FROM "
        f"(SELECT * FROM {table} WHERE record_id = r.id ORDER BY {order})))"
    )


_RECOMMENDATION_JSON = _object([(c, c) for c in _RECOMMENDATION_ITEM])
_ISSUE_JSON = _object(
    [
        (
            c,
            _bool(c)
            if c == "protect_identity"
            # A denouncer's identity never leaves the office when it is marked as protected.
            else "CASE WHEN protect_identity THEN NULL ELSE raised_by END"
            if c == "raised_by"
            else c,
        )
        for c in _ISSUE_ITEM
    ]
)
_ATTACHMENT_JSON = _object([(c, _bool(c) if c == "deleted" else c) for c in _ATTACHMENT_ITEM])


def _record_value(column: str) -> str:
    if column in _LIST_COLUMNS or column == "recognitions":
        return f"json(r.{column})"
    if column == "deleted":
        return _bool("r.deleted")
    if column == "title_sort":
        return "lower(hex(r.title_sort))"
    return f"r.{column}"


_RECORD_JSON = _object(
    [(c, _record_value(c)) for c in RECORD_COLUMNS if c != "change_seq"]
    + [
        ("subjects", _array("record_subject", "name", "position")),
        ("recommendations", _array("recommendation", _RECOMMENDATION_JSON, "position")),
        ("issues", _array("dialogue_issue", _ISSUE_JSON, "position")),
        ("attachments", _array("attachment", _ATTACHMENT_JSON, "added_at, id")),
        (
            "approval",
            "json((SELECT json_object('status', a.status, 'by', a.approved_by, "
            "'at', a.approved_at, 'withdrawn', a.withdrawn_reason, 'resubmission', "
            "json(CASE WHEN EXISTS (SELECT 1 FROM correction c WHERE c.direction = 'in' "
            "AND c.record_id = r.id AND c.revision < r.revision) THEN 'true' ELSE 'false' END)) "
            "FROM record_approval a WHERE a.record_id = r.id))",
        ),
    ]
)
# Only approved records leave the office, unless the office's setting allows the others
# (they then travel with their status, and the parent shows them as not approved).
# Tombstones always travel; a record without an approval row predates approval.
APPROVED_ONLY = (
    "(r.deleted OR NOT EXISTS (SELECT 1 FROM record_approval a WHERE a.record_id = r.id "
    "AND a.status != 'approved') OR EXISTS (SELECT 1 FROM setting "
    "WHERE key = 'export.include_unapproved' AND value = 'true'))"
)
# Demo records (made up for trying dvdesk) never leave the office.
NOT_DEMO = "NOT EXISTS (SELECT 1 FROM demo_record d WHERE d.record_id = r.id)"
# Only the exporting office's own records: others' travel in their owners' signed packages.
_RANGE = (
    f"r.change_seq > ? AND r.change_seq <= ? AND r.office_code = ? AND {APPROVED_ONLY} "
    f"AND {NOT_DEMO}"
)
_SELECT_JSON = (
    f"SELECT r.change_seq, r.office_code, r.deleted, {_RECORD_JSON} FROM record r "
    f"WHERE {_RANGE} ORDER BY r.change_seq LIMIT ?"
)


@dataclass(frozen=True)
class Batch:
    """One records member: its JSON bytes and what the manifest counts about it."""

    data: bytes
    records: int
    tombstones: int
    offices: Counter[str]


def read_batches(
    connection: sqlite3.Connection,
    *,
    after: int,
    upto: int,
    owner: str,
    batch: int,
    max_bytes: int,
) -> Iterator[Batch]:
    """Record aggregates with ``after < change_seq <= upto``, in change order, as JSON
    members of at most ``batch`` records and ``max_bytes`` bytes each.

    Rows are stepped one at a time, so SQLite builds the JSON of no row past the one that
    fills the member; the next member's query starts after the last row taken.
    """
    cursor = connection.cursor()
    position = after
    while True:
        parts: list[bytes] = []
        size = 1  # the closing bracket; each part adds itself and its "[" or ","
        tombstones = 0
        offices: Counter[str] = Counter()
        for change_seq, office_code, deleted, text in cursor.execute(
            _SELECT_JSON, (position, upto, owner, batch)
        ):
            data = text.encode("utf-8")
            if len(data) + 2 > max_bytes:
                raise _record_too_large(connection, change_seq, len(data), max_bytes)
            if size + len(data) + 1 > max_bytes:
                break
            parts.append(data)
            size += len(data) + 1
            tombstones += bool(deleted)
            offices[office_code] += 1
            position = change_seq
        if not parts:
            return
        yield Batch(
            data=b"[" + b",".join(parts) + b"]",
            records=len(parts),
            tombstones=tombstones,
            offices=offices,
        )


def _record_too_large(
    connection: sqlite3.Connection, change_seq: int, size: int, limit: int
) -> UserError:
    (title,) = connection.execute(
        "SELECT title FROM record WHERE change_seq = ?", (change_seq,)
    ).fetchone()
    return UserError(
        _(
            'The record "{title}" is too large to send: its contents take {size} MB, more '
            "than the {limit} MB one part of a package may hold. No package was written; "
            "shorten the record's long texts (or split it into several records), then "
            "export again."
        ).format(title=shown(title), size=-(-size // 1024**2), limit=limit // 1024**2)
    )


def sendable_records(connection: sqlite3.Connection, *, after: int, upto: int, owner: str) -> int:
    """How many records (deletions included) a package of this range would carry."""
    (count,) = connection.execute(
        f"SELECT count(*) FROM record r WHERE {_RANGE}", (after, upto, owner)
    ).fetchone()
    return int(count)


def part_counts(
    connection: sqlite3.Connection, *, after: int, upto: int, owner: str
) -> dict[str, int]:
    counts = {}
    for table in ("record_subject", "recommendation", "dialogue_issue", "attachment"):
        (counts[table],) = connection.execute(
            f"SELECT count(*) FROM {table} t JOIN record r ON r.id = t.record_id WHERE {_RANGE}",
            (after, upto, owner),
        ).fetchone()
    return counts


def attachment_blobs(
    connection: sqlite3.Connection, *, after: int, upto: int, owner: str
) -> list[str]:
    """Content hashes of the live attachments of the records in range."""
    rows = connection.execute(
        "SELECT DISTINCT a.sha256 FROM attachment a JOIN record r ON r.id = a.record_id "
        f"WHERE {_RANGE} AND NOT a.deleted ORDER BY a.sha256",
        (after, upto, owner),
    ).fetchall()
    return [sha256 for (sha256,) in rows]


# ---------------------------------------------------------------- import side


def decode_chunk(raw: bytes, *, name: str) -> list[WireRecord]:
    """Parse and validate one records member (every string NFC, every type checked)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_payload(name) from None
    # Normalising the JSON text normalises every string in it (the syntax is ASCII),
    # except strings written with \\u escapes, which the slow path below catches.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    try:
        records = _CHUNK.validate_json(text)
        refuse_duplicate_keys(text)
    except (ValidationError, UnsafeJson):
        raise _bad_payload(name) from None
    if "\\u" in text:
        records = [_nfc_deep(record) for record in records]
    return records


def _nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc_deep(item) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key == "title_sort" else _nfc_deep(item) for key, item in value.items()
        }
    return value


def _bad_payload(name: str) -> Refused:
    return Refused(
        Reason.BAD_PAYLOAD,
        _(
            "The records in the package ({file}) are not in the expected form, although the "
            "signature is valid. Nothing was imported; tell the sending office, which may "
            "need to update dvdesk."
        ).format(file=shown(name)),
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")) if values else "[]"


def search_text_of(record: WireRecord) -> str:
    parts: list[str | None] = [record["title"], record["place"], record["legal_basis"]]
    parts += record["fields"]
    if record["type"] in ("inspection", "supervision"):
        parts += [record["lead"], record["decision_number"], *record["subjects"]]
        parts += record["members"]
    elif record["type"] == "dialogue":
        parts += [record["chair"], *record["co_chairs"]]
    elif record["type"] == "directive":
        parts += [record.get("directive_number"), record.get("issuer")]
        parts += [record.get("directive_kind_name")]
    else:
        parts += [record.get("owner")]
    return fold(" | ".join(part for part in parts if part))


def _recognitions(record: WireRecord) -> str:
    items = [
        {"level": item["level"], "date": item["date"].isoformat(), "decision": item["decision"]}
        for item in record.get("recognitions", [])
    ]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


# Columns a package written before their record types existed does not carry.
_OPTIONAL_COLUMNS = frozenset(
    {
        "directive_kind",
        "directive_kind_name",
        "directive_number",
        "issuer",
        "issuer_level",
        "model_field",
        "owner",
    }
)


def _converter(column: str) -> Any:
    if column == "recognitions":
        return _recognitions
    if column in _OPTIONAL_COLUMNS:
        return lambda record: record.get(column)
    if column == "change_seq":
        return lambda _record: None  # this database's own counter, set by the caller
    if column in _LIST_COLUMNS:
        return lambda record: _json_list(record[column])
    if column in _DATE_COLUMNS:
        return lambda record: _iso(record[column])
    if column == "title_sort":
        return lambda record: bytes.fromhex(record["title_sort"]).decode("utf-8", "replace")
    return operator.itemgetter(column)


_CONVERTERS = [(column, _converter(column)) for column in RECORD_COLUMNS]


def record_row(record: WireRecord, *, change_seq: int, recompute: bool) -> tuple[Any, ...]:
    """The ``record`` row in RECORD_COLUMNS order, with this database's change_seq."""
    row = [convert(record) for _column, convert in _CONVERTERS]
    row[_CHANGE_SEQ] = change_seq
    if recompute:
        row[_TITLE_SORT] = vi_sort_key(record["title"])
        row[_SEARCH_TEXT] = search_text_of(record)
    return tuple(row)


ApprovalRow = tuple[str, str, str | None, str | None, str | None, bool]


def approval_rows(records: Sequence[WireRecord]) -> list[ApprovalRow]:
    """The approval each record carries (none for packages older than approval)."""
    rows: list[ApprovalRow] = []
    for record in records:
        approval = record.get("approval")
        if approval is not None:
            rows.append(
                (
                    record["id"],
                    approval["status"],
                    approval["by"],
                    approval["at"],
                    approval.get("withdrawn"),
                    approval.get("resubmission", False),
                )
            )
    return rows


def part_rows(
    record: WireRecord,
) -> tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]
]:
    """Rows for record_subject, recommendation, dialogue_issue and attachment."""
    rid = record["id"]
    subjects = [(rid, index, name) for index, name in enumerate(record["subjects"])]
    recommendations = [
        (
            item["id"],
            rid,
            index,
            item["content"],
            item["addressee"],
            _iso(item["deadline"]),
            item["status"],
            item["result"],
            _iso(item["result_date"]),
        )
        for index, item in enumerate(record["recommendations"])
    ]
    issues = [
        (
            item["id"],
            rid,
            index,
            item["content"],
            item["kind"],
            item["raised_by"],
            item["protect_identity"],
            item["field"],
            item["answer"],
            item["assignee"],
            _iso(item["deadline"]),
            item["status"],
            item["result"],
            _iso(item["result_date"]),
            _iso(item["notified_date"]),
        )
        for index, item in enumerate(record["issues"])
    ]
    attachments = [
        (
            a["id"],
            rid,
            a["sha256"],
            a["filename"],
            a["size"],
            a["media_type"],
            a["added_by"],
            a["added_at"],
            a["deleted"],
        )
        for a in record["attachments"]
    ]
    return subjects, recommendations, issues, attachments
