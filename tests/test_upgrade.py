"""Installing a newer build over an older one: the data folder of every released schema
opens, is upgraded after a backup, and keeps every record, setting and key."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from dvdesk.db.connect import PAGE_SIZE
from dvdesk.db.migrate import SCHEMA_HEAD, current_revision
from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, ReviewState
from dvdesk.paths import DataPaths
from dvdesk.services.backup import list_backups
from dvdesk.services.browse import RecordQuery, record_keys, record_rows
from dvdesk.services.store import open_store
from dvdesk.text import vi_sort_key
from tests.conftest import CliRunner
from tests.test_backup import table_rows

# Columns derived from others, recomputed by an upgrade when their rules change.
# (The office's own org_unit name takes the newest profile's name: checked below.)
DERIVED = frozenset({("record", "title_sort"), ("org_unit", "name")})
SAVED = sorted((Path(__file__).parent / "data" / "schemas").glob("*.sqlite3"))
OLDER = [path for path in SAVED if path.stem != SCHEMA_HEAD]


def rows_by_column(database: Path) -> dict[str, list[dict[str, object]]]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'alembic_version'"
            )
        ]
        return {
            table: [dict(row) for row in connection.execute(f'SELECT * FROM "{table}"')]
            for table in tables
        }
    finally:
        connection.close()


def assert_every_record_is_found(database: Path) -> None:
    """The upgrade built the search index: each record is found by words of its text."""
    store = open_store(DataPaths(database.parent), actor="test")
    try:
        connection = sqlite3.connect(database)
        rows = connection.execute("SELECT rowid, search_text, deleted FROM record").fetchall()
        connection.close()
        for rowid, text, deleted in rows:
            words = " ".join(word for word in str(text).split() if word != "|")
            found = record_keys(store, query=RecordQuery(search=words, include_deleted=True))
            assert rowid in found, (words, deleted)
            # Part of a word, typed in capitals, finds it too.
            part = max(words.split(), key=len)[1:]
            assert rowid in record_keys(
                store, query=RecordQuery(search=part.upper(), include_deleted=True)
            )
    finally:
        store.close()


@pytest.fixture
def old_install(paths: DataPaths, request: pytest.FixtureRequest) -> Path:
    saved: Path = request.param
    paths.ensure()
    shutil.copy(saved, paths.database)
    (paths.keys / "office.key").write_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n")
    (paths.keys / "office.pub").write_bytes(b"ssh-ed25519 AAAA test\n")
    return saved


def test_every_older_schema_is_tested() -> None:
    assert OLDER, "no saved database of an earlier schema"


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgrade_keeps_every_record_and_the_keys(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    before = rows_by_column(paths.database)
    exact_before = table_rows(paths.database)
    keys_before = {p.name: p.read_bytes() for p in paths.keys.iterdir()}

    listed = cli("record", "list", "--json", "--deleted")
    assert listed.code == 0, listed.err
    assert current_revision(paths.database) == SCHEMA_HEAD
    assert len(listed.json()) == len(before["record"])

    after = rows_by_column(paths.database)
    for table, rows in before.items():
        # Every old row is still there with every old column's value (new columns may be
        # added; derived columns may be recomputed, and are checked below).
        columns = [key for key in rows[0] if (table, key) not in DERIVED] if rows else []
        kept = [{key: row[key] for key in columns} for row in after[table]]
        old = [{key: row[key] for key in columns} for row in rows]
        assert sorted(map(repr, kept)) == sorted(map(repr, old)), table
    assert all(row["title_sort"] == vi_sort_key(str(row["title"])) for row in after["record"])
    assert_every_record_is_found(paths.database)
    connection = sqlite3.connect(paths.database)
    assert connection.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE  # compacted
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()
    assert {p.name: p.read_bytes() for p in paths.keys.iterdir()} == keys_before

    [backup] = [b for b in list_backups(paths) if b.reason.startswith("before-upgrade-")]
    assert backup.reason == f"before-upgrade-{old_install.stem}"
    assert table_rows(backup.path) == exact_before, "the pre-upgrade backup is not exact"

    again = cli("record", "list")
    assert again.code == 0
    assert len([b for b in list_backups(paths) if b.reason.startswith("before-")]) == 1


def test_a_register_from_0003_keeps_its_numbers(
    paths: DataPaths, cli: CliRunner, tmp_path: Path
) -> None:
    """Numbers given before the register kept files stay listed, in force and taken."""
    paths.ensure()
    shutil.copy(Path(__file__).parent / "data" / "schemas" / "0003.sqlite3", paths.database)
    connection = sqlite3.connect(paths.database)
    with connection:
        symbol = connection.execute(
            "SELECT symbol FROM office_profile ORDER BY valid_from DESC"
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO issued_document (doc_type, period_key, number, symbol, subject_key, "
            "record_id, document_date, issued_by, issued_at, voided, void_reason) VALUES "
            "('BB', 'year:2099', 1, ?, 'minutes:old:working_session', NULL, '2099-01-05', "
            "'cu', '2099-01-05T08:00:00', 0, NULL)",
            (symbol,),
        )
    connection.close()
    assert cli("document", "settings", "--numbering", "year").code == 0
    listed = cli("document", "list", "--json")
    assert listed.code == 0, listed.err
    [old] = listed.json()
    assert old["reference"] == f"01-BB/{symbol}" and old["in_force"]
    reprint = cli("document", "show", "#1", "--out", str(tmp_path / "old.pdf"))
    assert reprint.code != 0 and "không có gì để in lại" in reprint.err


PEOPLE = "0009_people"


@pytest.mark.parametrize(
    "old_install",
    [p for p in OLDER if p.stem < PEOPLE],
    ids=[p.stem for p in OLDER if p.stem < PEOPLE],
    indirect=True,
)
def test_upgrade_to_people_approves_old_records_and_seals_the_audit_log(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """Records made before approval existed were already kept as final (or sent): they are
    approved by the migration user; the old audit entries become the start of the chain."""
    before = rows_by_column(paths.database)
    listed = cli("record", "list", "--json", "--deleted")
    assert listed.code == 0, listed.err
    assert len(listed.json()) == len(before["record"]) > 0
    for record in listed.json():
        assert record["approval"]["status"] == "approved"
        assert record["approval"]["approved_by"] == "migration"
    assert cli("user", "list").code == 0  # still a one-person office: no sign-in
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.err


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgraded_records_take_this_offices_notes(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """Notes came with 0010: any older database gains the table and its records take notes,
    without a change to the record itself."""
    listed = cli("record", "list", "--json")
    assert listed.code == 0, listed.err
    record = listed.json()[0]
    added = cli("record", "note", record["id"], "--text", "Đã chuyển Ban Dân vận xem xét")
    assert added.code == 0, added.err
    notes = cli("record", "notes", record["id"], "--json").json()
    assert [note["text"] for note in notes] == ["Đã chuyển Ban Dân vận xem xét"]
    shown = cli("record", "show", record["id"], "--json").json()
    assert shown["revision"] == record["revision"]
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.err


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgraded_demo_records_are_marked_and_stay_home(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """0012 finds the demo records an older version wrote (by the demo writer's name and its
    audit entry): they are marked, so they are never exported and can be removed."""
    connection = sqlite3.connect(paths.database)
    own = connection.execute("SELECT code FROM office").fetchone()[0]
    made_here = connection.execute(
        "SELECT count(*) FROM record WHERE created_by = 'demo' AND NOT deleted AND office_code = ?",
        (own,),
    ).fetchone()[0]
    total = connection.execute("SELECT count(*) FROM record").fetchone()[0]
    connection.close()
    assert made_here > 0, "the saved database has no demo records to test with"
    assert cli("record", "list").code == 0  # upgrades
    connection = sqlite3.connect(paths.database)
    marked = {
        row[0]
        for row in connection.execute(
            "SELECT r.office_code FROM demo_record d JOIN record r ON r.id = d.record_id"
        )
    }
    (own_marked,) = connection.execute(
        "SELECT count(*) FROM demo_record d JOIN record r ON r.id = d.record_id "
        "WHERE r.office_code = ?",
        (own,),
    ).fetchone()
    (unmarked_real,) = connection.execute(
        "SELECT count(*) FROM demo_record d JOIN record r ON r.id = d.record_id "
        "WHERE r.created_by != 'demo'"
    ).fetchone()
    (all_marked,) = connection.execute("SELECT count(*) FROM demo_record").fetchone()
    connection.close()
    assert own_marked == made_here
    assert own in marked and unmarked_real == 0
    removed = cli("demo", "--remove")
    assert removed.code == 0, removed.err
    connection = sqlite3.connect(paths.database)
    left = connection.execute("SELECT count(*) FROM record").fetchone()[0]
    connection.close()
    assert left == total - all_marked  # deleted outright: no deletion records to send


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgraded_offices_take_revocation_lists(
    old_install: Path, paths: DataPaths, cli: CliRunner, tmp_path: Path
) -> None:
    """Revocation lists came with 0011: any older database gains the table and takes a list
    signed by a root it trusts."""
    from tests.crl_fixtures import make_crl
    from tests.signature_fixtures import make_ca

    ca = make_ca("CA Ban Cơ yếu")
    root = tmp_path / "root.pem"
    root.write_bytes(ca.pem)
    crl = tmp_path / "ca.crl"
    crl.write_bytes(make_crl(ca))
    assert cli("trust", "add-root", str(root)).code == 0
    added = cli("trust", "add-crl", str(crl))
    assert added.code == 0, added.err
    assert [entry["issuer"] for entry in cli("trust", "list-crl", "--json").json()] == [
        "CA Ban Cơ yếu"
    ]


# The approval column's order, written out here, not taken from the migration.
APPROVAL_ORDER = [
    ApprovalStatus.DRAFT, ApprovalStatus.SUBMITTED, ApprovalStatus.CHANGED,
    ApprovalStatus.RETURNED, ApprovalStatus.APPROVED, ReviewState.TO_REVIEW,
    ReviewState.RESUBMITTED, ReviewState.RETURNED, ReviewState.ACCEPTED, ReviewState.WITHDRAWN,
]  # fmt: skip


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgraded_records_sort_by_their_approval(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """0012 computes every record's place in the approval column's order once."""
    assert cli("record", "list").code == 0  # upgrades
    store = open_store(paths, actor="test")
    try:
        for record_type in RecordType:
            query = RecordQuery(record_type=record_type, order="approval", descending=False,
                                include_deleted=True)  # fmt: skip
            rows = record_rows(store, keys=list(record_keys(store, query=query)))
            # By kind too: an own "returned" and a received "returned" share their text.
            order: list[tuple[type, object]] = [(type(state), state) for state in APPROVAL_ORDER]
            places = [order.index((type(row.approval), row.approval)) for row in rows]
            assert places == sorted(places), record_type
    finally:
        store.close()


def _unit_names(database: Path) -> dict[tuple[str, str], str]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT relation, code, name FROM org_unit").fetchall()
    finally:
        connection.close()
    return {(str(relation), str(code)): str(name) for relation, code, name in rows}


# Saved before 0014_own_unit_name fixed the name: the ones that can have it stale.
BEFORE_0014 = [path for path in OLDER if path.stem < "0014"]


@pytest.mark.parametrize(
    "old_install", BEFORE_0014, ids=[p.stem for p in BEFORE_0014], indirect=True
)
def test_an_office_renamed_before_the_upgrade_shows_its_new_name(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """Renames made before a rename renamed the office's org_unit row left the old name in
    the lists: the upgrade gives the row the newest profile's name; other units keep theirs."""
    before = _unit_names(paths.database)
    connection = sqlite3.connect(paths.database)
    (newest,) = connection.execute(
        "SELECT full_name FROM office_profile ORDER BY valid_from DESC LIMIT 1"
    ).fetchone()
    connection.close()
    [own] = [key for key in before if key[0] == "self"]
    assert before[own] != newest, "the saved database has no stale name to test with"
    assert cli("record", "list").code == 0  # upgrades
    after = _unit_names(paths.database)
    assert after == {**before, own: newest}


def _has_table(database: Path, table: str) -> bool:
    connection = sqlite3.connect(database)
    try:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return found is not None
    finally:
        connection.close()


WITH_PACKAGES = [path for path in OLDER if _has_table(path, "package_out")]


@pytest.mark.parametrize(
    "old_install", WITH_PACKAGES, ids=[p.stem for p in WITH_PACKAGES], indirect=True
)
def test_packages_sent_before_the_upgrade_keep_their_rows_without_a_digest(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """A package written by an older build has no digest of its documents and counts:
    the upgrade keeps the row and leaves it unknown (NULL), so the old rule holds for it."""
    connection = sqlite3.connect(paths.database)
    with connection:
        connection.execute(
            "INSERT INTO package_out (destination, sequence, covers_from, package_hash, "
            "after_change_seq, upto_change_seq, records, encrypted, file_name, created_at, "
            "created_by) VALUES ('01', 1, 1, 'ab', 0, 3, 3, 0, 'p.dvpkg', "
            "'2026-01-05T08:00:00', 'chuyenvien')"
        )
    connection.close()
    assert cli("record", "list").code == 0  # upgrades
    connection = sqlite3.connect(paths.database)
    rows = connection.execute(
        "SELECT destination, sequence, records, sent_digest FROM package_out"
    ).fetchall()
    connection.close()
    assert ("01", 1, 3, None) in rows
