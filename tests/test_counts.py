"""Aggregate counts: entry, the no-double-counting rule, and a three-level hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.periods import parse_period
from dvdesk.documents.registers_report import register_sentences
from dvdesk.documents.report_pdf import build_report_pdf
from dvdesk.documents.workbook import build_workbook
from dvdesk.domain.enums import RecordType
from dvdesk.errors import ValidationFailed
from dvdesk.services.approval import approve_records
from dvdesk.services.counts import delete_count, list_counts, set_counts
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from dvdesk.sync.export import export_package
from tests import sync_fixtures
from tests.conftest import CliRunner
from tests.document_fixtures import flat_text
from tests.register_fixtures import directive, model
from tests.samples import inspection
from tests.sync_fixtures import CENTRAL, PASSPHRASE, Exchange, introduce, make_office
from tests.test_cli import INIT

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange
H1 = {"period_start": "2021-12-15", "period_end": "2022-06-14"}


def _counts(store: Store, unit: str, figures: dict[str, int], **options: object) -> None:
    set_counts(store, data={"unit_code": unit, **H1, "figures": figures, **options})


def test_overlapping_counts_are_refused_and_a_same_key_replaces(store: Store) -> None:
    _counts(store, "00001", {"directive.nghi_quyet": 4})
    _counts(store, "00001", {"directive.nghi_quyet": 5})
    assert [(c.figure, c.value, c.revision) for c in list_counts(store)] == [
        ("directive.nghi_quyet", 5, 2)
    ]
    with pytest.raises(ValidationFailed) as refused:
        set_counts(
            store,
            data={
                "unit_code": "00001",
                "period_start": "2022-01-01",
                "period_end": "2022-01-31",
                "figures": {"directive.nghi_quyet": 1, "directive.khac": 2},
            },
        )
    assert [field for field, _m in refused.value.problems] == ["figures.directive.nghi_quyet"]
    assert len(list_counts(store)) == 1  # nothing of the refused entry was written
    with pytest.raises(ValidationFailed):
        _counts(store, "00001", {"directive.unknown": 1})
    delete_count(store, count_id=list_counts(store)[0].id)
    assert list_counts(store) == []
    _counts(store, "00001", {"directive.nghi_quyet": 7})  # a deleted count's key is free again
    assert [c.value for c in list_counts(store)] == [7]


def test_count_cli(cli: CliRunner) -> None:
    assert cli(*INIT).code == 0
    result = cli(
        "count", "set", "--unit", "00001", "--from", "2022-01-01", "--to", "2022-06-30",
        "--figures-only", "directive.nghi_quyet=440", "inspection.sessions=1554",
    )  # fmt: skip
    assert result.code == 0, result.err
    listed = cli("count", "list", "--json").json()
    assert {(c["figure"], c["value"], c["figures_only"]) for c in listed} == {
        ("directive.nghi_quyet", 440, True),
        ("inspection.sessions", 1554, True),
    }
    assert "1.554" in cli("count", "list").out
    bad = cli("count", "set", "--unit", "1", "--from", "2022-01-01", "--to", "2022-06-30", "x=y")
    assert bad.code != 0 and "directive.nghi_quyet=440" in bad.err
    assert "directive.nghi_quyet" in cli("count", "figures").out


def test_three_levels_items_at_the_bottom_counts_in_the_middle(
    exchange: Exchange, tmp_path: Path
) -> None:
    commune, province = exchange.child, exchange.parent

    def add(store: Store, record_type: RecordType, data: dict[str, object]) -> None:
        record_id = add_record(store, record_type=record_type, data=data)
        approve_records(store, record_ids=[record_id])  # only approved records are sent

    # The bottom: items.
    add(commune, RecordType.DIRECTIVE, directive(start_date="2022-03-01"))
    add(commune, RecordType.DIRECTIVE, directive(start_date="2022-03-02", number="13-NQ/ĐU"))
    add(commune, RecordType.DIRECTIVE, directive(kind="cong_van", start_date="2022-04-01"))
    add(commune, RecordType.DIRECTIVE, directive(kind="cong_van", start_date="2021-03-01"))
    add(commune, RecordType.INSPECTION, inspection(start_date="2022-03-10", end_date=None))
    add(
        commune,
        RecordType.MODEL,
        model(
            field="kinh_te",
            recognitions=[{"level": "xa", "date": "2022-05-01", "decision": "7/QĐ-UBND"}],
        ),
    )
    exchange.import_(exchange.export().path)

    # The middle: its own item, and counts for a sibling that reports figures only,
    # for a month of the commune's (replacing its item), and for itself (added).
    add(province, RecordType.DIRECTIVE, directive(kind="ke_hoach", start_date="2022-05-05"))
    _counts(
        province,
        "10106",
        {
            "directive.nghi_quyet": 440,
            "directive.cong_van": 14_162,
            "inspection.sessions": 1_554,
            "inspection.subjects": 2_612,
            "model.registered.kinh_te": 5,
        },
        figures_only=True,
    )
    set_counts(
        province,
        data={
            "unit_code": "10105",
            "period_start": "2022-04-01",
            "period_end": "2022-04-30",
            "figures": {"directive.cong_van": 3},
            "figures_only": True,
        },
    )
    set_counts(
        province,
        data={
            "unit_code": "01",
            "period_start": "2022-01-01",
            "period_end": "2022-03-31",
            "figures": {"directive.chi_thi": 485},
        },
    )
    set_counts(  # outside the period: not used
        province,
        data={
            "unit_code": "01",
            "period_start": "2022-07-01",
            "period_end": "2022-07-31",
            "figures": {"directive.chi_thi": 9},
        },
    )

    # The top.
    central = make_office(tmp_path / "central", CENTRAL)
    introduce(province, central)
    upward = export_package(province, out=exchange.stick, passphrase=PASSPHRASE)
    exchange.import_(upward.path, store=central)
    assert len(list_counts(central)) == 5 + 1 + 1 + 1

    period = parse_period("2022-H1")
    for store in (central, province):
        figures = compute_figures(store, period=period, scope=Scope.ALL)
        documents = figures.totals.registers.documents()
        assert {kind.value: count for kind, count in documents.items() if count} == {
            "nghi_quyet": 2 + 440,
            "chi_thi": 485,
            "ke_hoach": 1,
            "cong_van": 1 - 1 + 3 + 14_162,
        }
        assert figures.totals.inspection.sessions == 1 + 1_554
        assert figures.totals.inspection.subjects == 2 + 2_612
        assert figures.totals.registers.registered_kinh_te == 1 + 5
        assert figures.totals.registers.recognised_kinh_te == 1
        assert figures.previous.registers.cong_van == 1
        by_office = {row.code: row.figures for row in figures.by_office}
        assert by_office["10106"].registers.nghi_quyet == 440
        assert by_office["10105"].registers.cong_van == 3
        assert figures.counted >= {"directive.nghi_quyet", "inspection.sessions"}

    figures = compute_figures(central, period=period, scope=Scope.ALL)
    sentences = register_sentences(figures, "các cấp ủy, tổ chức đảng")
    assert sentences[0] == (
        "Trong 6 tháng đầu năm 2022, các cấp ủy, tổ chức đảng đã ban hành 442 nghị quyết, "
        "485 chỉ thị, 1 kế hoạch và 14.165 công văn để lãnh đạo, chỉ đạo công tác dân vận "
        "(cùng kỳ năm trước 1 văn bản, tăng 15.092)."
    )
    assert (
        "Đăng ký xây dựng 6 mô hình \u201cDân vận khéo\u201d (lĩnh vực kinh tế 6; cùng kỳ"
        in sentences[1]
    )
    assert sentences[2].startswith("Ghi chú: ") and "số cuộc kiểm tra" in sentences[2]

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(build_report_pdf(central, figures=figures))
    text = flat_text(pdf)
    assert "442 nghị quyết, 485 chỉ thị, 1 kế hoạch và 14.165 công văn" in text
    assert "1.555 cuộc kiểm tra đối với 2.614 tổ chức" in text

    book = tmp_path / "book.xlsx"
    book.write_bytes(build_workbook(figures, office_name="Ban Dân vận Trung ương"))
    sheet = load_workbook(book)["Văn bản, mô hình"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    total = next(row for row in rows if row[2] == "Tổng cộng")
    assert total[3] == 442 + 485 + 1 + 14_165

    # Own office only: the top has no items and no counts of its own.
    own = compute_figures(central, period=period, scope=Scope.OWN)
    assert own.totals.registers.nghi_quyet == 0
    assert own.counted == frozenset()
    central.close()
