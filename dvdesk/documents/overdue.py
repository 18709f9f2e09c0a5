"""The appendix of overdue recommendations: a summary per office, then the oldest items.

Listing every overdue item made a province's yearly report hundreds of pages long,
which the level above cannot read. What a head of office sends up instead: one row
per office (how many, how late, the oldest deadline) with a total that equals the
overdue count of the report's body; then the office's own items and, for each office
below, only its oldest few; the full list stays in the workbook's "Kiến nghị quá
hạn" sheet (:mod:`dvdesk.documents.overdue_sheet`) and the app's "Kiến nghị" screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from dvdesk.documents.compose import body, heading
from dvdesk.documents.content import Block, Grid
from dvdesk.documents.figures import OfficeFigures, OverdueItem, ReportFigures, Scope

OWN_ITEMS = 20  # the reporting office's own items listed (a few pages at most)
ITEMS_PER_OFFICE = 5  # an office below: its oldest items
OFFICES_ITEMISED = 20  # offices below itemised: the first ones of the summary table
# Days overdue are counted from the deadline to the as-of date (overdue: deadline < as-of).
MONTH, QUARTER = 30, 90

WHERE_LISTED = (
    "Danh mục đầy đủ {total} kiến nghị quá hạn có tại trang tính “Kiến nghị quá hạn” "
    "của bảng tính số liệu báo cáo (tệp .xlsx xuất từ phần mềm dvdesk) và tại mục "
    "“Kiến nghị” của phần mềm (hiển thị: Quá hạn)."
)


def _n(value: int) -> str:
    return format_decimal(value, locale="vi")


def _dmy(value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale="vi")


def days_overdue(item: OverdueItem, as_of: date) -> int:
    return (as_of - item.deadline).days


@dataclass(frozen=True)
class Bands:
    """Overdue counts by lateness: up to 30 days, 31 to 90 days, over 90 days."""

    month: int = 0
    quarter: int = 0
    longer: int = 0

    @property
    def total(self) -> int:
        return self.month + self.quarter + self.longer


def bands(items: Iterable[OverdueItem], as_of: date) -> Bands:
    month = quarter = longer = 0
    for item in items:
        days = days_overdue(item, as_of)
        if days <= MONTH:
            month += 1
        elif days <= QUARTER:
            quarter += 1
        else:
            longer += 1
    return Bands(month=month, quarter=quarter, longer=longer)


@dataclass(frozen=True)
class OfficeOverdue:
    """One office's overdue recommendations, oldest deadline first."""

    code: str
    name: str
    own: bool
    items: tuple[OverdueItem, ...]
    bands: Bands

    @property
    def oldest(self) -> date:
        return self.items[0].deadline


def by_office(items: Sequence[OverdueItem], *, own_code: str, as_of: date) -> list[OfficeOverdue]:
    """Offices with overdue items: the reporting office first, then the most overdue first.

    ``items`` come oldest deadline first, so each office's items stay in that order."""
    grouped: dict[str, list[OverdueItem]] = {}
    for item in items:
        grouped.setdefault(item.office_code, []).append(item)
    offices = [
        OfficeOverdue(
            code=code,
            name=found[0].office_name,
            own=code == own_code,
            items=tuple(found),
            bands=bands(found, as_of),
        )
        for code, found in grouped.items()
    ]
    return sorted(
        offices, key=lambda o: (not o.own, -o.bands.total, -o.bands.longer, o.oldest, o.name)
    )


def bands_sentence(found: Bands) -> str:
    """``Tổng số 37 kiến nghị quá hạn, trong đó 5 … đến 30 ngày, …`` (zeros left out)."""
    parts = [
        (found.month, "quá hạn đến 30 ngày"),
        (found.quarter, "quá hạn từ 31 đến 90 ngày"),
        (found.longer, "quá hạn trên 90 ngày"),
    ]
    named = [(count, label) for count, label in parts if count]
    text = f"Tổng số {_n(found.total)} kiến nghị quá hạn chưa giải quyết"
    if len(named) == 1:
        text += f", đều {named[0][1]}"
    elif named:
        text += ", trong đó " + "; ".join(f"{_n(c)} kiến nghị {label}" for c, label in named)
    return text + "."


def summary_table(offices: Sequence[OfficeOverdue]) -> Grid:
    """One row per office with overdue items and a total row; the bands add up to the total."""
    rows = [
        ["STT", "Cơ quan", "Số kiến nghị quá hạn", "", "", "", "Hạn giải quyết sớm nhất"],
        ["", "", "Tổng số", "Đến 30 ngày", "Từ 31 đến 90 ngày", "Trên 90 ngày", ""],
    ]
    for index, office in enumerate(offices, start=1):
        found = office.bands
        rows.append(
            [
                str(index),
                office.name,
                _n(found.total),
                _n(found.month),
                _n(found.quarter),
                _n(found.longer),
                _dmy(office.oldest),
            ]
        )
    total = Bands(
        month=sum(o.bands.month for o in offices),
        quarter=sum(o.bands.quarter for o in offices),
        longer=sum(o.bands.longer for o in offices),
    )
    oldest = min(o.oldest for o in offices)
    rows.append(
        [
            "",
            "Tổng cộng",
            _n(total.total),
            _n(total.month),
            _n(total.quarter),
            _n(total.longer),
            _dmy(oldest),
        ]
    )
    return Grid(
        widths=[0.05, 0.43, 0.1, 0.1, 0.11, 0.1, 0.11],
        rows=rows,
        header_rows=2,
        spans=[(0, 0, 0, 1), (1, 0, 1, 1), (2, 0, 5, 0), (6, 0, 6, 1)],
        left_columns=2,
        bold_last_row=True,
        size=11,
    )


_ITEM_HEAD = [
    "STT",
    "Cuộc kiểm tra, giám sát, đối thoại",
    "Nội dung kiến nghị",
    "Nơi thực hiện",
    "Hạn giải quyết",
    "Số ngày quá hạn",
    "Ghi chú",
]


def _item_row(index: int, item: OverdueItem, as_of: date) -> list[str]:
    return [
        str(index),
        f"{item.record_title} ({_dmy(item.session_date)})",
        item.content,
        item.addressee or "",
        _dmy(item.deadline),
        _n(days_overdue(item, as_of)),
        "Kỳ trước" if item.earlier else "",
    ]


def _items_grid(rows: list[list[str]], *, spans: list[tuple[int, int, int, int]]) -> Grid:
    return Grid(
        widths=[0.05, 0.26, 0.31, 0.14, 0.09, 0.08, 0.07],
        rows=[_ITEM_HEAD, *rows],
        spans=spans,
        bold_rows=[row for _c0, row, _c1, _r1 in spans],
        left_columns=4,
        size=11,
    )


def items_table(items: Sequence[OverdueItem], as_of: date) -> Grid:
    """The itemised list, one row per recommendation."""
    return _items_grid(
        [_item_row(index, item, as_of) for index, item in enumerate(items, start=1)], spans=[]
    )


def grouped_items_table(offices: Sequence[OfficeOverdue], as_of: date, *, per_office: int) -> Grid:
    """Each office's oldest items under a row naming the office and how many it has."""
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []
    index = 0
    for office in offices:
        shown = office.items[:per_office]
        count = _n(office.bands.total)
        label = (
            f"{office.name}: {count} kiến nghị quá hạn"
            if len(shown) == office.bands.total
            else f"{office.name}: {_n(len(shown))} kiến nghị quá hạn lâu nhất trong tổng số {count}"
        )
        row = len(rows) + 1  # the header is row 0
        rows.append([label, *([""] * (len(_ITEM_HEAD) - 1))])
        spans.append((0, row, len(_ITEM_HEAD) - 1, row))
        for item in shown:
            index += 1
            rows.append(_item_row(index, item, as_of))
    return _items_grid(rows, spans=spans)


def _own_part(office: OfficeOverdue, as_of: date, *, cap: int) -> list[Block]:
    shown = office.items[:cap]
    blocks: list[Block] = []
    rest = len(office.items) - len(shown)
    if rest:
        blocks.append(
            body(
                f"Dưới đây là {_n(len(shown))} kiến nghị có hạn giải quyết sớm nhất; "
                f"{_n(rest)} kiến nghị quá hạn khác không liệt kê tại phụ lục này."
            )
        )
    blocks.append(items_table(shown, as_of))
    return blocks


def _has_offices_below(figures: ReportFigures, offices: Sequence[OfficeOverdue]) -> bool:
    """Offices below are registered, or reported items (an office below may have overdue
    items from earlier periods only, and so no row in the table by office)."""
    if figures.scope is not Scope.ALL:
        return False
    return len(figures.by_office) > 1 or any(not office.own for office in offices)


def _own_office(figures: ReportFigures) -> OfficeFigures:
    return next(row for row in figures.by_office if row.own)


def appendix_blocks(figures: ReportFigures) -> list[Block]:
    """The appendix's content; nothing when no recommendation is overdue."""
    items, as_of = figures.overdue, figures.as_of
    if not items:
        return []
    offices = by_office(items, own_code=figures.office_code, as_of=as_of)
    total = bands(items, as_of)
    where = body(WHERE_LISTED.format(total=_n(total.total)))
    if not _has_offices_below(figures, offices):
        blocks: list[Block] = [body(bands_sentence(total))]
        blocks += _own_part(offices[0], as_of, cap=OWN_ITEMS)
        return blocks + ([where] if len(items) > OWN_ITEMS else [])
    own = offices[0] if offices[0].own else None
    below = [office for office in offices if not office.own]
    listed_codes = {office.code for office in offices}
    # Offices below with nothing overdue are counted, not listed (the own office is named
    # under 2. either way).
    quiet = sum(1 for row in figures.by_office if not row.own and row.code not in listed_codes)
    blocks = [heading("1. Tổng hợp theo cơ quan"), body(bands_sentence(total))]
    if quiet > 0:
        blocks.append(
            body(f"{_n(quiet)} cơ quan cấp dưới không có kiến nghị quá hạn, không ghi trong bảng.")
        )
    blocks.append(summary_table(offices))
    name = _own_office(figures).name
    blocks.append(heading(f"2. Kiến nghị quá hạn của {name}"))
    if own is None:
        blocks.append(body(f"{name} không có kiến nghị quá hạn chưa giải quyết."))
    else:
        blocks += _own_part(own, as_of, cap=OWN_ITEMS)
    if below:
        blocks += _below_part(below, as_of)
    listed = min(len(own.items), OWN_ITEMS) if own else 0
    listed += sum(min(len(o.items), ITEMS_PER_OFFICE) for o in below[:OFFICES_ITEMISED])
    return blocks + ([where] if listed < len(items) else [])


def _below_part(below: Sequence[OfficeOverdue], as_of: date) -> list[Block]:
    shown = below[:OFFICES_ITEMISED]
    scope = (
        f"của {_n(len(shown))} cơ quan đứng đầu bảng tổng hợp (trong số {_n(len(below))} "
        "cơ quan cấp dưới có kiến nghị quá hạn)"
        if len(shown) < len(below)
        else "của mỗi cơ quan cấp dưới"
    )
    return [
        heading("3. Kiến nghị quá hạn lâu nhất của các cơ quan cấp dưới"),
        body(
            f"Liệt kê tối đa {_n(ITEMS_PER_OFFICE)} kiến nghị có hạn giải quyết sớm nhất {scope}."
        ),
        grouped_items_table(shown, as_of, per_office=ITEMS_PER_OFFICE),
    ]
