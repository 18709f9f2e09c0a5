"""Report sentences and table rows for leadership documents, models and counted figures.

The wording follows the offices' own reports ("ban hành 440 nghị quyết, 485 chỉ thị,
2.508 chương trình hành động, 3.065 kế hoạch và 14.162 công văn"): kinds in the
order offices list them, kinds with nothing left out, the last joined with "và".
Documents are issued in Vietnamese whatever the program's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from babel.numbers import format_decimal
from openpyxl.workbook.workbook import Workbook

from dvdesk.documents import wording
from dvdesk.documents.figures import Figures, ReportFigures
from dvdesk.documents.sheet_writer import SheetSetup, start_sheet
from dvdesk.domain.enums import DirectiveKind, ModelField

DOCUMENT_WORDS = {
    DirectiveKind.NGHI_QUYET: "nghị quyết",
    DirectiveKind.CHI_THI: "chỉ thị",
    DirectiveKind.KET_LUAN: "kết luận",
    DirectiveKind.QUY_DINH: "quy định",
    DirectiveKind.QUYET_DINH: "quyết định",
    DirectiveKind.CHUONG_TRINH_HANH_DONG: "chương trình hành động",
    DirectiveKind.KE_HOACH: "kế hoạch",
    DirectiveKind.HUONG_DAN: "hướng dẫn",
    DirectiveKind.CONG_VAN: "công văn",
    DirectiveKind.KHAC: "văn bản khác",
}
FIELD_WORDS = {
    ModelField.KINH_TE: "kinh tế",
    ModelField.VAN_HOA_XA_HOI: "văn hóa - xã hội",
    ModelField.QUOC_PHONG_AN_NINH: "quốc phòng - an ninh",
    ModelField.XAY_DUNG_HE_THONG_CHINH_TRI: "xây dựng hệ thống chính trị",
}
FIGURE_WORDS = {
    "inspection.sessions": "số cuộc kiểm tra",
    "inspection.subjects": "số tổ chức, đơn vị được kiểm tra",
    "supervision.sessions": "số cuộc giám sát",
    "supervision.subjects": "số tổ chức, đơn vị được giám sát",
    "dialogue.sessions": "số buổi đối thoại",
    "dialogue.attendees": "số lượt người dân tham dự đối thoại",
}
MODEL = "mô hình \u201cDân vận khéo\u201d"


def n(value: int) -> str:
    return format_decimal(value, locale="vi")


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def _documents_total(figures: Figures) -> int:
    return sum(figures.registers.documents().values())


def _registered_total(figures: Figures) -> int:
    return sum(figures.registers.registered().values())


def _recognised_total(figures: Figures) -> int:
    return sum(figures.registers.recognised().values())


def _compared(now: int, before: int, unit: str) -> str:
    if now > before:
        change = f"tăng {n(now - before)}"
    elif now < before:
        change = f"giảm {n(before - now)}"
    else:
        change = "không thay đổi"
    return f"cùng kỳ năm trước {n(before)} {unit}, {change}"


def documents_sentence(figures: ReportFigures, who: str) -> str:
    """``Trong …, X đã ban hành 440 nghị quyết, … và 14.162 công văn …``."""
    totals, previous = figures.totals, figures.previous
    kinds = [
        f"{n(count)} {DOCUMENT_WORDS[kind]}"
        for kind, count in totals.registers.documents().items()
        if count
    ]
    if not kinds:
        listed = "chưa ban hành văn bản lãnh đạo, chỉ đạo nào về công tác dân vận"
    else:
        listed = f"đã ban hành {_join(kinds)} để lãnh đạo, chỉ đạo công tác dân vận"
    compared = _compared(_documents_total(totals), _documents_total(previous), "văn bản")
    return f"{wording.during(figures.period.label)}, {who} {listed} ({compared})."


def models_sentence(figures: ReportFigures) -> str:
    """Models registered and recognised, by field, with the year-earlier comparison."""
    totals, previous = figures.totals, figures.previous

    def details(values: dict[ModelField, int], compared: str) -> str:
        parts = [f"{FIELD_WORDS[field]} {n(count)}" for field, count in values.items() if count]
        fields = f"lĩnh vực {'; '.join(parts)}; " if parts else ""
        return f" ({fields}{compared})"

    registered = _registered_total(totals)
    recognised = _recognised_total(totals)
    registered_before = _compared(registered, _registered_total(previous), "mô hình")
    recognised_before = _compared(recognised, _recognised_total(previous), "mô hình")
    return (
        f"Đăng ký xây dựng {n(registered)} {MODEL}"
        f"{details(totals.registers.registered(), registered_before)}; "
        f"{n(recognised)} mô hình được công nhận"
        f"{details(totals.registers.recognised(), recognised_before)}."
    )


def counted_sentence(figures: ReportFigures) -> str | None:
    """Which figures include counts reported without a list of items, if any."""
    if not figures.counted:
        return None
    names: list[str] = []
    for figure in sorted(figures.counted):
        group, _dot, rest = figure.partition(".")
        if group == "directive":
            word = f"số {DOCUMENT_WORDS[DirectiveKind(rest)]}"
        elif group == "model":
            stage, _dot, field = rest.partition(".")
            verb = "đăng ký" if stage == "registered" else "được công nhận"
            word = f"số mô hình {verb} lĩnh vực {FIELD_WORDS[ModelField(field)]}"
        else:
            word = FIGURE_WORDS[figure]
        if word not in names:
            names.append(word)
    return (
        "Ghi chú: "
        + "; ".join(names)
        + " có phần tổng hợp từ số liệu các đơn vị báo cáo (không kèm danh sách chi tiết)."
    )


def register_sentences(figures: ReportFigures, who: str) -> list[str]:
    """The sentences the report opens its results with."""
    sentences = [documents_sentence(figures, who), models_sentence(figures)]
    note = counted_sentence(figures)
    return sentences + ([note] if note else [])


def _getter(kind: DirectiveKind) -> Callable[[Figures], int]:
    return lambda f: f.registers.documents()[kind]


def _field_getter(field: ModelField, *, recognised: bool) -> Callable[[Figures], int]:
    if recognised:
        return lambda f: f.registers.recognised()[field]
    return lambda f: f.registers.registered()[field]


# Rows for the comparison table and the workbook's summary, in the offices' order.
INDICATORS: tuple[tuple[str, Any], ...] = (
    ("Số văn bản lãnh đạo, chỉ đạo đã ban hành", _documents_total),
    *((f"- {DOCUMENT_WORDS[kind].capitalize()}", _getter(kind)) for kind in DirectiveKind),
    (f"Số {MODEL} đăng ký", _registered_total),
    *(
        (f"- Lĩnh vực {FIELD_WORDS[field]}", _field_getter(field, recognised=False))
        for field in ModelField
    ),
    (f"Số {MODEL} được công nhận", _recognised_total),
    *(
        (f"- Lĩnh vực {FIELD_WORDS[field]}", _field_getter(field, recognised=True))
        for field in ModelField
    ),
)


def add_register_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
    """A sheet of documents by kind and models by field, one row per office."""
    from dvdesk.documents import workbook  # noqa: PLC0415 - it imports us

    columns = [(label.removeprefix("- "), getter) for label, getter in INDICATORS]
    head = ["STT", "Mã", "Cơ quan", *(label for label, _getter in columns)]
    lines = workbook.heading_lines(figures, office_name, "Văn bản lãnh đạo, chỉ đạo và mô hình")
    row = workbook.header_row(lines)
    setup = SheetSetup(
        title="Văn bản, mô hình",
        widths=[6, 9, 40, *([12] * len(columns))],
        freeze=f"D{row + 1}",
        header_rows=f"{row}:{row}",
        landscape=True,
        heights={row: 60},
    )
    sheet = start_sheet(book, setup)
    sheet.titles(lines, len(head))
    sheet.header(head)
    for index, office in enumerate(figures.by_office, start=1):
        values = [getter(office.figures) for _label, getter in columns]
        sheet.table_row([index, office.code, office.name, *values])
    totals = [getter(figures.totals) for _label, getter in columns]
    sheet.table_row([None, None, "Tổng cộng", *totals], bold=True)
    if note := counted_sentence(figures):
        sheet.append([])
        sheet.append([note])
