"""The trigram search index: what a query finds, and that every write keeps it in step."""

from __future__ import annotations

import uuid

import pytest

from dvdesk.db.connect import PAGE_SIZE
from dvdesk.db.search_index import INDEX_TABLE, search_condition
from dvdesk.domain.enums import RecordType
from dvdesk.ids import new_id, uuid7_from
from dvdesk.services import browse
from dvdesk.services.browse import RecordQuery, record_keys, record_keys_sql, record_rows
from dvdesk.services.compact import compact_after_bulk
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.records import add_record, delete_record, list_records, update_record
from dvdesk.services.store import Store
from tests.samples import inspection
from tests.sync_fixtures import Exchange, exchange, exchange_template  # noqa: F401


def _titles(store: Store, search: str, **options: object) -> list[str]:
    query = RecordQuery(search=search, order="title", descending=False, **options)  # type: ignore[arg-type]
    return [row.title for row in record_rows(store, keys=record_keys(store, query=query))]


def _index_is_consistent(store: Store) -> None:
    """FTS5's own check that the index holds exactly the content's trigrams."""
    with store.raw() as connection:
        connection.execute(
            f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}, rank) VALUES ('integrity-check', 1)"
        )


@pytest.fixture
def people(store: Store) -> Store:
    for title, lead in [
        ("Kiểm tra tại xã Nguyễn Trãi", "Lê Văn An"),
        ("Kiểm tra tại Hà Nội", "Trần Thị Hải"),
        ("Kiểm tra 100% chi bộ", "Phạm Thanh Bình"),
    ]:
        add_record(
            store, record_type=RecordType.INSPECTION, data=inspection(title=title, lead=lead)
        )
    return store


def test_folded_words_and_parts_of_words_match(people: Store) -> None:
    assert _titles(people, "nguyen trai") == ["Kiểm tra tại xã Nguyễn Trãi"]
    assert _titles(people, "Nguyễn Trãi") == ["Kiểm tra tại xã Nguyễn Trãi"]
    assert _titles(people, "NGUYỄN") == ["Kiểm tra tại xã Nguyễn Trãi"]
    assert _titles(people, "guye") == ["Kiểm tra tại xã Nguyễn Trãi"]  # inside a word
    assert _titles(people, "trai nguyen") == ["Kiểm tra tại xã Nguyễn Trãi"]  # any order
    assert _titles(people, "nguyen hai") == []  # every word must occur


def test_short_words_match_the_start_of_a_word(people: Store) -> None:
    # "ha" starts "Hà" and "Hải", and occurs inside "Thanh" which it must not match.
    assert _titles(people, "ha") == ["Kiểm tra tại Hà Nội"]
    assert _titles(people, "Hà n") == ["Kiểm tra tại Hà Nội"]
    assert _titles(people, "p") == ["Kiểm tra 100% chi bộ"]  # one character: "Phạm"
    assert _titles(people, "x nguyen") == ["Kiểm tra tại xã Nguyễn Trãi"]
    assert _titles(people, "z") == []


def test_pattern_characters_are_literal(people: Store) -> None:
    assert _titles(people, "100%") == ["Kiểm tra 100% chi bộ"]
    assert _titles(people, "10*") == []
    assert _titles(people, "[k]") == []
    assert search_condition("   ") is None


def test_long_words_are_found_through_the_index(store: Store) -> None:
    condition = search_condition("nguyen trai")
    assert condition is not None
    sql, params = record_keys_sql(RecordQuery(search="nguyen trai"))
    with store.raw() as connection:
        plan = " ".join(
            str(step[-1]) for step in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        )
    assert "VIRTUAL TABLE INDEX" in plan, plan
    assert "SCAN record" not in plan.replace("SCAN record_search", ""), plan


def test_every_kind_of_write_keeps_the_index_in_step(store: Store) -> None:
    record_id = add_record(
        store, record_type=RecordType.INSPECTION, data=inspection(title="Gốm Kiêu Kỵ")
    )
    assert _titles(store, "kieu ky") == ["Gốm Kiêu Kỵ"]
    update_record(store, record_id=record_id, changes={"title": "Đông Anh"})
    assert _titles(store, "kieu ky") == []
    assert _titles(store, "dong anh") == ["Đông Anh"]
    delete_record(store, record_id=record_id)
    assert _titles(store, "dong anh") == []  # a tombstone leaves the list …
    assert _titles(store, "dong anh", include_deleted=True) == ["Đông Anh"]  # … not the index
    with store.raw() as connection:  # a writer that bypasses the services, and rolls back
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("DELETE FROM record WHERE id = ?", (record_id,))
        assert not connection.execute(
            f"SELECT rowid FROM {INDEX_TABLE} WHERE search_text GLOB '*dong anh*'"
        ).fetchall()
        connection.execute("ROLLBACK")
    assert _titles(store, "dong anh", include_deleted=True) == ["Đông Anh"]
    _index_is_consistent(store)


def test_imported_records_are_found(exchange: Exchange) -> None:  # noqa: F811
    exchange.add(title="Kiểm tra tại làng gốm Bát Tràng")
    exchange.import_(exchange.export().path)
    assert [r.title for r in list_records(exchange.parent, search="gom bat")] == [
        "Kiểm tra tại làng gốm Bát Tràng"
    ]
    _index_is_consistent(exchange.parent)


@pytest.mark.parametrize("order", ["title", "date"])
@pytest.mark.parametrize("descending", [False, True])
def test_lists_of_one_type_are_sorted_by_an_index(
    store: Store, order: str, descending: bool
) -> None:
    query = RecordQuery(record_type=RecordType.INSPECTION, order=order, descending=descending)
    sql, params = record_keys_sql(query)
    with store.raw() as connection:
        plan = " ".join(
            str(step[-1]) for step in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        )
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "USING COVERING INDEX" in plan, plan  # the keys come without reading rows


def test_bulk_load_is_compacted_and_searchable(store: Store) -> None:
    ensure_demo_office(store)
    add_demo_records(store, count=300, seed=5, office_codes=["01"])
    with store.raw() as connection:
        freelist_before = connection.execute("PRAGMA freelist_count").fetchone()[0]
        connection.execute("DELETE FROM record WHERE rowid % 2 = 0")
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] > freelist_before
    assert not compact_after_bulk(store, records=10)  # a small write is not worth a rewrite
    assert compact_after_bulk(store, records=50_000)
    with store.raw() as connection:
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
    _index_is_consistent(store)
    assert len(record_keys(store, query=RecordQuery(search="nguyen"))) > 0


def test_record_ids_are_time_ordered_version_7(store: Store) -> None:
    ids = [new_id() for _ in range(5_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(value).version for value in ids} == {7}
    made = uuid.UUID(uuid7_from(millis=1_700_000_000_123, counter=5, random=(1 << 62) - 1))
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert made.int >> 80 == 1_700_000_000_123
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    assert uuid.UUID(record_id).version == 7


@pytest.mark.parametrize("search", ["nguyen", "bat trang", "ha n", "p"])
def test_first_screen_is_the_start_of_the_full_list(
    store: Store, monkeypatch: pytest.MonkeyPatch, search: str
) -> None:
    ensure_demo_office(store)
    add_demo_records(store, count=400, seed=11, office_codes=["01"])
    for common in (1, 1_000_000):  # walked in list order / listed by the index first
        monkeypatch.setattr(browse, "COMMON_MATCHES", common)
        for order in ("date", "title"):
            query = RecordQuery(record_type=RecordType.INSPECTION, search=search, order=order)
            full = record_keys(store, query=query)
            assert len(full) > 0, search
            assert list(record_keys(store, query=query, limit=25)) == list(full[:25])


def test_databases_use_large_pages(store: Store) -> None:
    with store.raw() as connection:
        assert connection.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
