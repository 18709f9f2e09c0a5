"""The fixed Vietnamese wording of official documents.

Documents are issued in Vietnamese whatever language the program speaks, so
this wording is not translated through the message catalog; messages *about*
documents (errors, command output) are.
"""

from __future__ import annotations

from datetime import date

from dvdesk.documents.settings import Template

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS = "Nơi nhận:"
ARCHIVE = "Lưu VP"  # Party style (Hướng dẫn 36): the office's archive
STATE_ARCHIVE = "Lưu: VT"  # Nghị định 30: "- Lưu: VT, <drafting unit>."

MINUTES_TITLE = "BIÊN BẢN"
REPORT_TITLE = "BÁO CÁO"

PERIOD_YEAR = "năm {year}"
PERIOD_H1 = "6 tháng đầu năm {year}"
PERIOD_H2 = "6 tháng cuối năm {year}"
PERIOD_9M = "9 tháng năm {year}"
PERIOD_QUARTER = "quý {quarter} năm {year}"
PERIOD_MONTH = "tháng {month} năm {year}"
PERIOD_RANGE = "từ ngày {start} đến ngày {end}"
PREVIOUS_YEAR = "cùng kỳ năm trước"


def during(label: str) -> str:
    """ "Trong năm 2026", but "Trong kỳ từ ngày …": a date range is not said "Trong từ ngày"."""
    return f"Trong kỳ {label}" if label.startswith("từ ngày") else f"Trong {label}"


def with_dates(label: str, start: str, end: str) -> str:
    """A period's name with its dates, unless the name is its dates already."""
    dates = PERIOD_RANGE.format(start=start, end=end)
    return label if label == dates else f"{label} ({dates})"


ISSUE_KINDS = {
    "khieu_nai": "khiếu nại",
    "to_cao": "tố cáo",
    "kien_nghi": "kiến nghị",
    "phan_anh": "phản ánh",
}


def date_line(place: str, on: date) -> str:
    """``Gia Lâm, ngày 05 tháng 7 năm 2022``: day below 10 and months 1-2 zero-padded."""
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def spoken_date(on: date) -> str:
    """A date inside running text: ``ngày 14 tháng 5 năm 2024`` (same padding rule)."""
    return date_line("", on).removeprefix(", ")


def state_capacity(capacity: str) -> str:
    """Party signing capacities use slashes (K/T), state ones dots (KT.)."""
    for party, state in (("T/M", "TM."), ("K/T", "KT."), ("T/L", "TL."), ("T/U", "TUQ.")):
        if capacity.upper().startswith(party):
            return state + capacity[len(party) :]
    return capacity


def archive(template: Template, drafting_unit: str | None = None) -> str:
    """The last "Nơi nhận" line: "Lưu VP" (Party) or "Lưu: VT, …" (state)."""
    if template is Template.STATE:
        return f"{STATE_ARCHIVE}, {drafting_unit}" if drafting_unit else STATE_ARCHIVE
    return ARCHIVE


# What a document misses when the office settings have no signer: issuing names these,
# and the app offers to open the office settings.
SIGNER_NAME_MISSING = "họ tên người ký"
SIGNER_POST_MISSING = "chức vụ người ký"
