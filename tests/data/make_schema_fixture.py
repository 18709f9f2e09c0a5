"""Save a database of the current schema as tests/data/schemas/<revision>.sqlite3.

Run once for every schema that is released (every new migration), then commit
the file: tests/test_migrations.py upgrades each saved database to head.

    .venv/bin/python tests/data/make_schema_fixture.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dvdesk.db.migrate import head_revision  # noqa: E402
from dvdesk.documents.minutes import issue_minutes  # noqa: E402
from dvdesk.domain.enums import RecordType  # noqa: E402
from dvdesk.paths import DataPaths  # noqa: E402
from dvdesk.services.counts import set_counts  # noqa: E402
from dvdesk.services.demo import add_demo_records, ensure_demo_office  # noqa: E402
from dvdesk.services.demo_registers import add_demo_registers  # noqa: E402
from dvdesk.services.notes import add_note  # noqa: E402
from dvdesk.services.records import add_record, delete_record  # noqa: E402
from dvdesk.services.settings import set_setting  # noqa: E402
from dvdesk.services.store import open_store  # noqa: E402
from tests.register_fixtures import directive, model  # noqa: E402
from tests.samples import dialogue, inspection  # noqa: E402


def main() -> None:
    target = ROOT / "tests" / "data" / "schemas" / f"{head_revision()}.sqlite3"
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder))
        store = open_store(paths, actor="fixture", create=True)
        ensure_demo_office(store)
        add_demo_records(store, count=40, seed=7, office_codes=["01"])
        add_record(store, record_type=RecordType.INSPECTION, data=inspection())
        gone = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
        delete_record(store, record_id=gone)
        # Since 0004: leadership documents, models and aggregate counts.
        add_demo_registers(store, count=10, seed=7, office_codes=["01"])
        add_record(store, record_type=RecordType.DIRECTIVE, data=directive())
        add_record(store, record_type=RecordType.MODEL, data=model())
        set_counts(
            store,
            data={
                "unit_code": "00001",
                "period_start": "2022-01-01",
                "period_end": "2022-06-30",
                "figures": {"directive.nghi_quyet": 440, "inspection.sessions": 12},
                "figures_only": True,
            },
        )
        set_setting(store, key="fixture", value={"made_by": "make_schema_fixture"})
        # Since 0010: this office's own note on a record (never sent, kept on upgrades).
        add_note(store, record_id=gone, text="Ghi chú của cơ quan: đã xem, lưu hồ sơ")
        # An issued document: the register's content and files must survive later upgrades.
        issued = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
        issue_minutes(
            store,
            record_id=issued,
            details={
                "note_taker": "Trần Thị Mai",
                "start_time": "08:00",
                "close_time": "11:30",
                "representative": "Phạm Văn Long",
            },
        )
        store.close()
        source = sqlite3.connect(paths.database)
        target.unlink(missing_ok=True)
        destination = sqlite3.connect(target)
        source.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")
        destination.execute("VACUUM")
        destination.close()
        source.close()
    print(target)


if __name__ == "__main__":
    main()
