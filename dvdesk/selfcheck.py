"""``dvdesk --self-check``: prove that an installed (frozen) build has every part it needs.

Each check does real work in a temporary folder — a database migrated to head, a PDF,
a workbook, a signed package — because a frozen build fails on a missing data file or
hidden import only when that code path runs. The GUI adds its Qt check (the core may
not import Qt) with :func:`register_check` before the command line runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dvdesk.i18n import _

if TYPE_CHECKING:
    from dvdesk.services.store import Store

REPORT_FILE = "dvdesk-self-check.txt"
CheckFunction = Callable[[Path], str]  # gets a private folder, returns a detail line


@dataclass(frozen=True)
class Check:
    name: str
    run: CheckFunction


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    detail: str
    seconds: float


def check_sqlite(work: Path) -> str:
    import sqlite3  # noqa: PLC0415

    from dvdesk.db.connect import connect  # noqa: PLC0415

    connection = connect(work / "probe.sqlite3")
    try:
        connection.execute("CREATE TABLE t (name TEXT COLLATE vi)")
        connection.executemany("INSERT INTO t VALUES (?)", [("Ánh",), ("Anh",), ("Bảo",)])
        names = [row[0] for row in connection.execute("SELECT name FROM t ORDER BY name")]
        folded = connection.execute("SELECT vi_fold('Đảng ủy')").fetchone()[0]
        json_ok = connection.execute("SELECT json_extract('{\"a\": 1}', '$.a')").fetchone()[0]
    finally:
        connection.close()
    if names != ["Anh", "Ánh", "Bảo"] or folded != "dang uy" or json_ok != 1:
        raise RuntimeError(f"unexpected results: {names} {folded!r} {json_ok}")
    return f"SQLite {sqlite3.sqlite_version}"


def _demo_office(work: Path) -> Store:
    from dvdesk.paths import DataPaths  # noqa: PLC0415
    from dvdesk.services.demo import add_demo_records, ensure_demo_office  # noqa: PLC0415
    from dvdesk.services.store import open_store  # noqa: PLC0415

    store = open_store(DataPaths(work / "office"), actor="self-check", create=True)
    ensure_demo_office(store)
    add_demo_records(store, count=12, seed=3, office_codes=["01"])
    return store


def check_migrations(work: Path) -> str:
    from dvdesk.db.migrate import SCHEMA_HEAD, current_revision, head_revision  # noqa: PLC0415
    from dvdesk.paths import DataPaths  # noqa: PLC0415
    from dvdesk.services.store import open_store  # noqa: PLC0415

    paths = DataPaths(work / "migrated")
    open_store(paths, actor="self-check", create=True).close()
    stamped, head = current_revision(paths.database), head_revision()
    if not stamped == head == SCHEMA_HEAD:
        raise RuntimeError(f"database at {stamped}, scripts at {head}, expected {SCHEMA_HEAD}")
    return f"schema {head}"


def check_catalogs(_work: Path) -> str:
    from dvdesk.i18n import _translations  # noqa: PLC0415

    catalog = _translations("vi")
    if catalog.gettext("Stopped.") == "Stopped.":
        raise RuntimeError("the Vietnamese catalog has no translations")
    return "vi"


def check_fonts(_work: Path) -> str:
    from dvdesk.documents.fonts import ensure_fonts  # noqa: PLC0415

    files = ensure_fonts()
    return f"{files.family} ({files.regular.parent})"


def check_pdf(work: Path) -> str:
    from dvdesk.documents.minutes import build_minutes  # noqa: PLC0415
    from dvdesk.services.records import list_records  # noqa: PLC0415

    with _demo_office(work) as store:
        record = list_records(store)[0]
        data = build_minutes(store, record_id=record.id)
    target = work / "bien-ban.pdf"
    target.write_bytes(data)
    if not data.startswith(b"%PDF") or b"/FontFile2" not in data:
        raise RuntimeError("the minutes are not a PDF with an embedded TrueType font")
    return f"{target.name}, {len(data):,} bytes"


def check_word(work: Path) -> str:
    """python-docx and its template are there: a draft's Word copy is written and read back."""
    import docx  # noqa: PLC0415

    from dvdesk.documents.minutes import draft_minutes  # noqa: PLC0415
    from dvdesk.documents.word import render_docx  # noqa: PLC0415
    from dvdesk.services.records import list_records  # noqa: PLC0415

    with _demo_office(work) as store:
        data = render_docx(draft_minutes(store, record_id=list_records(store)[0].id))
    target = work / "bien-ban.docx"
    target.write_bytes(data)
    if "BIÊN BẢN" not in [p.text for p in docx.Document(str(target)).paragraphs]:
        raise RuntimeError("the Word copy of the minutes has no title")
    return f"{target.name}, {len(data):,} bytes"


def check_workbook(work: Path) -> str:
    from openpyxl import load_workbook  # noqa: PLC0415

    from dvdesk.documents.figures import compute_figures  # noqa: PLC0415
    from dvdesk.documents.periods import range_period  # noqa: PLC0415
    from dvdesk.documents.workbook import build_workbook  # noqa: PLC0415
    from dvdesk.services.office_view import get_office  # noqa: PLC0415

    with _demo_office(work) as store:
        figures = compute_figures(store, period=range_period(date(2020, 1, 1), date.today()))
        data = build_workbook(figures, office_name=get_office(store).current.name)
    target = work / "bao-cao.xlsx"
    target.write_bytes(data)
    sheets = load_workbook(target, read_only=True).sheetnames
    return f"{target.name}, {len(sheets)} sheets"


def check_cryptography(_work: Path) -> str:
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PrivateKey,
    )

    key = Ed25519PrivateKey.generate()
    signature = key.sign(b"dvdesk")
    key.public_key().verify(signature, b"dvdesk")
    try:
        key.public_key().verify(signature, b"dvdesk!")
    except InvalidSignature:
        return "Ed25519"
    raise RuntimeError("a wrong signature was accepted")


def check_package(work: Path) -> str:
    """A commune exports a signed package of a record; its province verifies and imports it."""
    from dvdesk.domain.enums import RecordType  # noqa: PLC0415
    from dvdesk.paths import DataPaths  # noqa: PLC0415
    from dvdesk.services.approval import approve_records  # noqa: PLC0415
    from dvdesk.services.office import create_office  # noqa: PLC0415
    from dvdesk.services.records import add_record, list_records  # noqa: PLC0415
    from dvdesk.services.store import open_store  # noqa: PLC0415
    from dvdesk.sync import keys  # noqa: PLC0415
    from dvdesk.sync.apply import import_package  # noqa: PLC0415
    from dvdesk.sync.export import export_package  # noqa: PLC0415
    from dvdesk.sync.keycard import parse_card  # noqa: PLC0415
    from dvdesk.sync.trust import enroll_card  # noqa: PLC0415

    offices: dict[str, dict[str, object]] = {
        "child": {"level": "commune", "code": "10105", "parent_code": "01"},
        "parent": {"level": "province", "code": "01", "parent_code": "00"},
    }
    stores = {}
    for name, data in offices.items():
        store = open_store(DataPaths(work / name), actor="self-check", create=True)
        create_office(
            store,
            data=data
            | {
                "name": f"Self-check {name}",
                "symbol": "SC",
                "place": "Hà Nội",
                "parent_name": "Self-check",
            },
        )
        keys.create_keys(store, passphrase=SELF_CHECK_PASSPHRASE)
        stores[name] = store
    child, parent = stores["child"], stores["parent"]
    try:
        enroll_card(parent, card=parse_card(keys.active_key(child).card))
        enroll_card(child, card=parse_card(keys.active_key(parent).card))
        record_id = add_record(child, record_type=RecordType.INSPECTION, data=SELF_CHECK_RECORD)
        approve_records(child, record_ids=[record_id])  # only approved records leave
        stick = work / "usb"
        stick.mkdir()
        exported = export_package(child, out=stick, passphrase=SELF_CHECK_PASSPHRASE)
        summary = import_package(parent, path=exported.path, passphrase=SELF_CHECK_PASSPHRASE)
        received = len(list_records(parent))
    finally:
        for store in stores.values():
            store.close()
    if received != 1:
        raise RuntimeError(f"the province received {received} records, expected 1 ({summary})")
    return f"{exported.path.name}, signed, verified and imported"


SELF_CHECK_PASSPHRASE = "self-check passphrase"
SELF_CHECK_RECORD: dict[str, object] = {
    "title": "Kiểm tra tự động của bản cài đặt",
    "start_date": "2025-01-02",
    "place": "Hà Nội",
    "fields": ["Quy chế dân chủ ở cơ sở"],
    "subjects": ["Đảng ủy xã"],
    "lead": "Nguyễn Văn A",
}


def _check_signatures(work: Path) -> str:
    from dvdesk.signatures.selfcheck import check_signatures  # noqa: PLC0415 - loads pyHanko

    return check_signatures(work)


CHECKS: list[Check] = [
    Check("sqlite", check_sqlite),
    Check("migrations", check_migrations),
    Check("catalogs", check_catalogs),
    Check("fonts", check_fonts),
    Check("reportlab", check_pdf),
    Check("python-docx", check_word),
    Check("openpyxl", check_workbook),
    Check("cryptography", check_cryptography),
    Check("package", check_package),
    Check("signatures", _check_signatures),
]


def register_check(check: Check) -> None:
    """Add a check (the GUI adds Qt's); a check of the same name is replaced."""
    CHECKS[:] = [c for c in CHECKS if c.name != check.name]
    CHECKS.append(check)


def run_check(check: Check, work: Path) -> Outcome:
    folder = work / check.name
    folder.mkdir()
    started = time.perf_counter()
    try:
        detail, passed = check.run(folder), True
    except Exception as error:
        detail, passed = f"{type(error).__name__}: {error}", False
    return Outcome(check.name, passed, detail, time.perf_counter() - started)


def run_self_check(*, out: TextIO | None = None) -> int:
    """Run every registered check in a temporary folder; 0 only if all passed.

    Each line is printed as soon as its check ends: if a library crashes the process
    (Qt aborts when it has no platform plugin), the lines before it still tell.
    """
    if out is None and sys.stdout is None:
        # dvdesk.exe has no console on Windows: keep the report where it can be read.
        report = Path(tempfile.gettempdir()) / REPORT_FILE
        with report.open("w", encoding="utf-8") as handle:
            return run_self_check(out=handle)
    out = out or sys.stdout
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="dvdesk-selfcheck-") as folder:
        for check in list(CHECKS):
            outcome = run_check(check, Path(folder))
            outcomes.append(outcome)
            status = _("ok") if outcome.passed else _("FAILED")
            out.write(f"{status:8} {outcome.name:13} {outcome.seconds:5.2f}s  {outcome.detail}\n")
            out.flush()
    failed = [o for o in outcomes if not o.passed]
    if failed:
        out.write(
            _("Self-check failed: {failed} of {total} checks.").format(
                failed=len(failed), total=len(outcomes)
            )
            + "\n"
        )
        return 1
    out.write(_("Self-check passed: all {total} checks.").format(total=len(outcomes)) + "\n")
    return 0
