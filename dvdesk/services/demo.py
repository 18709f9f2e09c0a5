"""Demo office and realistic demo records, written through a bulk path.

The bulk path builds plain row tuples and hands them to SQLite's
``executemany`` in one transaction: a million records take seconds, not the
hour per-row ORM inserts would. Rows are valid by construction; tests check a
sample against the input models.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dvdesk.clock import now_iso, today
from dvdesk.db.columns import (
    BULK_CACHE_KIB,
    ISSUE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    RECORD_COLUMNS,
    SUBJECT_COLUMNS,
    ColumnValues,
    insert_sql,
)
from dvdesk.domain.people import Role
from dvdesk.ids import uuid7_from
from dvdesk.services import demo_vocabulary as words
from dvdesk.services.audit import audit
from dvdesk.services.auth import check
from dvdesk.services.compact import compact_after_bulk
from dvdesk.services.office import add_profile, create_office, has_office
from dvdesk.services.store import Store
from dvdesk.text import fold, vi_sort_key

BATCH = 20_000
FIRST_YEAR = 2021
DEMO_EPOCH_MS = 1_609_459_200_000  # 2021-01-01T00:00:00Z

DEMO_OFFICE: dict[str, object] = {
    "level": "province",
    "code": "01",
    "name": "Ban Dân vận Thành ủy Hà Nội",
    "header_name": "Ban Dân vận",
    "superior": "Thành ủy Hà Nội",
    "symbol": "BDVTU",
    "place": "Hà Nội",
    "parent_code": "00",  # the centre's fixed code (services.office.CENTRAL_CODE)
    "parent_name": "Ban Tuyên giáo và Dân vận Trung ương",
}
# The 2025 merger of the Ban Tuyên giáo and Ban Dân vận, as a dated profile.
DEMO_MERGER: dict[str, object] = {
    "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
    "header_name": "Ban Tuyên giáo và Dân vận",
    "superior": "Thành ủy Hà Nội",
    "symbol": "BTGDVTU",
    "place": "Hà Nội",
    "valid_from": "2025-03-01",
}


def first_revision(*, change_seq: int, stamp: str) -> ColumnValues:
    """The bookkeeping columns of a demo record as first written (by "demo", not deleted)."""
    return {
        "revision": 1,
        "change_seq": change_seq,
        "created_by": "demo",
        "created_at": stamp,
        "updated_by": "demo",
        "updated_at": stamp,
        "deleted": 0,
    }


@dataclass
class Rows:
    """One batch of demo rows, ready for executemany."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    subjects: list[tuple[Any, ...]] = field(default_factory=list)
    recommendations: list[tuple[Any, ...]] = field(default_factory=list)
    issues: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)


@lru_cache(maxsize=65_536)
def _sort_key(title: str) -> str:
    return vi_sort_key(title)


@lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    return fold(text)


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


class Generator:
    """Deterministic demo rows for a seed, spread over offices and years up to today."""

    def __init__(self, *, seed: int, office_codes: Sequence[str], first_change_seq: int) -> None:
        self.rng = random.Random(seed)
        # Ids come from their own stream, seeded also by the owning offices and where this
        # database's change counter stands: two demo offices (or two runs in one office)
        # never make the same record id, so their packages cannot overwrite each other.
        self.id_rng = random.Random(
            f"dvdesk-demo-ids:{seed}:{','.join(office_codes)}:{first_change_seq}"
        )
        self.office_codes = list(office_codes)
        self.change_seq = first_change_seq
        # Ids of a later batch follow those of an earlier one (a record has < 16 parts).
        self.ids = first_change_seq * 16
        self.end = today()
        self.span = (self.end - date(FIRST_YEAR, 1, 1)).days
        self.stamp = now_iso()

    def _uuid(self) -> str:
        # Time-ordered (version 7) like real ids, unique per office and run (see id_rng).
        self.ids += 1
        return uuid7_from(
            millis=DEMO_EPOCH_MS + self.ids // 4096,
            counter=self.ids % 4096,
            random=self.id_rng.getrandbits(62),
        )

    def _person(self) -> str:
        pick = self.rng.choice
        return f"{pick(words.SURNAMES)} {pick(words.MIDDLE_NAMES)} {pick(words.GIVEN_NAMES)}"

    def batch(self, count: int) -> Rows:
        rows = Rows()
        for _ in range(count):
            self._one(rows)
        return rows

    def _one(self, rows: Rows) -> None:
        rng = self.rng
        record_id = self._uuid()
        kind = rng.choices(("inspection", "supervision", "dialogue"), weights=(4, 4, 2))[0]
        place = rng.choice(words.PLACES)
        start = date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randrange(self.span))
        end = start + timedelta(days=rng.choice((0, 0, 1, 2, 5)))
        past = end <= self.end
        fields = rng.sample(words.FIELDS, rng.choice((1, 1, 2)))
        legal = rng.choice(words.LEGAL_BASES)
        self.change_seq += 1
        searchable = [legal, *fields]
        common: ColumnValues = {
            "id": record_id,
            "type": kind,
            "office_code": rng.choice(self.office_codes),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "place": place,
            "fields": _json_list(fields),
            "legal_basis": legal,
            "status": "completed" if past else "planned",
            "members": "[]",
            "co_chairs": "[]",
            "recognitions": "[]",
            **first_revision(change_seq=self.change_seq, stamp=self.stamp),
        }
        if kind == "dialogue":
            values, search = self._dialogue(rows, record_id, place, start, common)
        else:
            values, search = self._session(
                rows, record_id, kind=kind, place=place, start=start, common=common
            )
        values["search_text"] = _fold(" | ".join([*search, *searchable]))
        values["title_sort"] = _sort_key(str(values["title"]))
        rows.records.append(tuple(values.get(column) for column in RECORD_COLUMNS))

    def _session(
        self,
        rows: Rows,
        record_id: str,
        *,
        kind: str,
        place: str,
        start: date,
        common: ColumnValues,
    ) -> tuple[ColumnValues, list[str]]:
        """The record's columns and the words it is found by."""
        rng = self.rng
        organisations = [
            o.format(p=place) for o in rng.sample(words.ORGANISATIONS, rng.randint(1, 4))
        ]
        titles = words.INSPECTION_TITLES if kind == "inspection" else words.SUPERVISION_TITLES
        title = rng.choice(titles).format(org=organisations[0])
        lead = self._person()
        members = [self._person() for _ in range(rng.randint(1, 4))]
        rows.subjects.extend((record_id, i, name) for i, name in enumerate(organisations))
        self._recommendations(rows, record_id, organisations[0], start)
        number = rng.randint(1, 250)
        symbol = "KT" if kind == "inspection" else "GS"
        values: ColumnValues = {
            "title": title,
            "lead": lead,
            "members": _json_list(members),
            "decision_number": f"{number}-QĐ/{symbol}",
            "decision_date": (start - timedelta(days=7)).isoformat(),
            "supervision_kind": rng.choice(("thematic", "regular"))
            if kind == "supervision"
            else None,
            "conclusion": words.CONCLUSION.format(org=organisations[0]),
        }
        return common | values, [title, place, lead, *organisations, *members]

    def _dialogue(
        self, rows: Rows, record_id: str, place: str, start: date, common: ColumnValues
    ) -> tuple[ColumnValues, list[str]]:
        rng = self.rng
        title = words.DIALOGUE_TITLE.format(topic=rng.choice(words.DIALOGUE_TOPICS))
        chair = self._person()
        for position in range(rng.randint(1, 8)):
            issue_kind, content = rng.choice(words.ISSUES)
            on_spot = rng.random() < 0.6
            resolved = on_spot or rng.random() < 0.5
            deadline = (
                None if on_spot else (start + timedelta(days=rng.choice((10, 15, 30)))).isoformat()
            )
            rows.issues.append(
                (
                    self._uuid(),
                    record_id,
                    position,
                    content,
                    issue_kind,
                    None if issue_kind == "to_cao" else self._person(),
                    int(issue_kind == "to_cao"),
                    None,
                    words.ANSWER if on_spot else None,
                    None if on_spot else f"UBND xã {place}",
                    deadline,
                    "resolved" if resolved else "open",
                    None,
                    None,
                    None,
                )
            )
        self._recommendations(rows, record_id, f"UBND xã {place}", start)
        values: ColumnValues = {
            "title": title,
            "chair": chair,
            "chair_post": rng.choice(words.CHAIR_POSTS),
            "attendees": rng.randint(40, 320),
            "attendee_groups": words.ATTENDEE_GROUPS,
        }
        return common | values, [title, place, chair]

    def _recommendations(self, rows: Rows, record_id: str, addressee: str, start: date) -> None:
        rng = self.rng
        for position in range(rng.choice((0, 1, 1, 2, 3))):
            deadline = start + timedelta(days=rng.choice((30, 60, 90)))
            resolved = deadline < self.end and rng.random() < 0.7
            rows.recommendations.append(
                (
                    self._uuid(),
                    record_id,
                    position,
                    rng.choice(words.RECOMMENDATIONS).format(org=addressee),
                    addressee,
                    deadline.isoformat(),
                    "resolved" if resolved else rng.choice(("open", "in_progress")),
                    "Đã thực hiện xong" if resolved else None,
                    (deadline - timedelta(days=5)).isoformat() if resolved else None,
                )
            )


_ID = RECORD_COLUMNS.index("id")


def mark_demo(connection: sqlite3.Connection, records: Sequence[tuple[Any, ...]]) -> None:
    """Mark record rows as demo data: they stay home and are removed in one step."""
    connection.executemany(
        "INSERT INTO demo_record (record_id) VALUES (?)", ((row[_ID],) for row in records)
    )


def write_rows(connection: sqlite3.Connection, rows: Rows) -> None:
    """Insert one batch with executemany (the caller owns the transaction)."""
    connection.executemany(insert_sql("record", RECORD_COLUMNS), rows.records)
    mark_demo(connection, rows.records)
    connection.executemany(insert_sql("record_subject", SUBJECT_COLUMNS), rows.subjects)
    connection.executemany(
        insert_sql("recommendation", RECOMMENDATION_COLUMNS), rows.recommendations
    )
    connection.executemany(insert_sql("dialogue_issue", ISSUE_COLUMNS), rows.issues)


def ensure_demo_office(store: Store) -> bool:
    """Create the demo office (with its 2025 merger profile) if none exists. True if created."""
    if has_office(store):
        return False
    create_office(store, data=DEMO_OFFICE)
    add_profile(store, data=DEMO_MERGER)
    return True


def batches(generator: Generator, count: int) -> Iterator[Rows]:
    remaining = count
    while remaining > 0:
        size = min(BATCH, remaining)
        remaining -= size
        yield generator.batch(size)


def add_demo_records(store: Store, *, count: int, seed: int, office_codes: Sequence[str]) -> int:
    """Add ``count`` demo records owned by ``office_codes``, one transaction per batch.

    Each is marked as demo data (table ``demo_record``): never exported, shown as
    "mẫu" in the lists, removed by :func:`remove_demo_records`.

    Committing per batch lets SQLite checkpoint its write-ahead log as it goes: one
    transaction of a million records would grow the log to gigabytes. Each batch is an
    explicit BEGIN IMMEDIATE … COMMIT: the connection is in autocommit mode, and rows
    written outside a transaction would each be a transaction of their own.
    """
    with store.raw() as connection:
        connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        last = connection.execute("SELECT max(change_seq) FROM record").fetchone()[0]
        generator = Generator(seed=seed, office_codes=office_codes, first_change_seq=int(last or 0))
        for rows in batches(generator, count):
            connection.execute("BEGIN IMMEDIATE")
            try:
                write_rows(connection, rows)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        connection.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, revision, changes) "
            "VALUES (?, ?, 'demo', 'record', NULL, NULL, ?)",
            (now_iso(), store.actor, json.dumps({"records": count, "seed": seed})),
        )
    compact_after_bulk(store, records=count)
    return count


def demo_count(store: Store) -> int:
    """How many demo records the office holds."""
    with store.raw() as connection:
        (count,) = connection.execute("SELECT count(*) FROM demo_record").fetchone()
    return int(count)


def treat_demo_as_real(store: Store) -> None:
    """Drop the demo mark: for benchmarks and tests that need bulk records that travel."""
    with store.raw() as connection:
        connection.execute("DELETE FROM demo_record")


def remove_demo_records(store: Store) -> int:
    """Delete every demo record, with its parts, notes and approval, in one transaction.

    The rows are deleted outright, not turned into deletion records (tombstones): demo
    data never left the office, so nothing about its removal has to travel upward.
    """
    check(store, Role.HEAD, Role.ADMIN)
    with store.session() as session:
        connection = session.connection()
        (count,) = connection.exec_driver_sql("SELECT count(*) FROM demo_record").one()
        if not count:
            return 0
        # Subjects, recommendations, issues, attachments, approvals and reviews go by
        # their foreign keys' ON DELETE CASCADE; notes have no foreign key.
        for statement in (
            "DELETE FROM record_note WHERE record_id IN (SELECT record_id FROM demo_record)",
            "DELETE FROM record WHERE id IN (SELECT record_id FROM demo_record)",
            "DELETE FROM demo_record",
        ):
            connection.exec_driver_sql(statement)
        audit(
            session,
            actor=store.actor,
            action="demo_remove",
            entity="record",
            entity_id=None,
            changes={"records": int(count)},
        )
    return int(count)
