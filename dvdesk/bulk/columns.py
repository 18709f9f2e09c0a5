"""The columns of an import file per record type, with the Vietnamese headers of the template.

Headers are part of the file format (offices fill in the template in Vietnamese), so
they are fixed Vietnamese text, not translated messages. A column is found by its
header or by its record key, ignoring case, accents and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Literal

from dvdesk.domain.enums import (
    DirectiveKind,
    IssuerLevel,
    ModelField,
    RecognitionLevel,
    RecordType,
    SupervisionKind,
)
from dvdesk.text import fold

Kind = Literal["text", "date", "int", "list", "enum"]


@dataclass(frozen=True)
class Column:
    key: str  # the record input key; "recognition.*" for the model's one recognition
    header: str
    kind: Kind = "text"
    required: bool = False
    choices: type[StrEnum] | None = None
    hint: str = ""


ID = Column("id", "Mã dòng", hint="tùy chọn; giữ nguyên khi nhập lại để không bị trùng")


def _common(title: str, start: str) -> list[Column]:
    return [
        ID,
        Column("title", title, required=True),
        Column("start_date", start, "date", required=True, hint="ngày/tháng/năm"),
    ]


_TAIL = [
    Column("place", "Địa điểm"),
    Column("fields", "Lĩnh vực", "list", hint="nhiều lĩnh vực cách nhau bằng dấu ;"),
    Column("legal_basis", "Căn cứ"),
    Column("conclusion", "Ghi chú, kết luận"),
]
_SESSION = [
    Column("end_date", "Ngày kết thúc", "date"),
    Column("decision_number", "Số quyết định"),
    Column("decision_date", "Ngày quyết định", "date"),
    Column("lead", "Trưởng đoàn"),
    Column("members", "Thành viên đoàn", "list", hint="cách nhau bằng dấu ;"),
    Column("findings", "Kết quả"),
]

COLUMNS: dict[RecordType, list[Column]] = {
    RecordType.DIRECTIVE: [
        *_common("Trích yếu nội dung", "Ngày ban hành"),
        Column("number", "Số, ký hiệu", required=True, hint="ví dụ 12-NQ/TU"),
        Column("kind", "Loại văn bản", "enum", required=True, choices=DirectiveKind),
        Column("kind_name", "Tên loại khác", hint="chỉ khi loại văn bản là «khác»"),
        Column("issuer", "Cơ quan ban hành", required=True),
        Column("issuer_level", "Cấp ban hành", "enum", choices=IssuerLevel),
        *_TAIL,
    ],
    RecordType.MODEL: [
        *_common("Tên mô hình", "Ngày đăng ký"),
        Column("field", "Lĩnh vực mô hình", "enum", required=True, choices=ModelField),
        Column("owner", "Tập thể, cá nhân xây dựng", required=True),
        Column("recognition.level", "Cấp công nhận", "enum", choices=RecognitionLevel),
        Column("recognition.date", "Ngày công nhận", "date"),
        Column("recognition.decision", "Quyết định công nhận"),
        *_TAIL,
    ],
    RecordType.INSPECTION: [
        *_common("Nội dung kiểm tra", "Ngày bắt đầu"),
        Column(
            "subjects",
            "Tổ chức, đơn vị được kiểm tra",
            "list",
            required=True,
            hint="cách nhau bằng ;",
        ),
        *_SESSION,
        *_TAIL,
    ],
    RecordType.SUPERVISION: [
        *_common("Nội dung giám sát", "Ngày bắt đầu"),
        Column(
            "subjects",
            "Tổ chức, đơn vị được giám sát",
            "list",
            required=True,
            hint="cách nhau bằng ;",
        ),
        Column("kind", "Hình thức giám sát", "enum", choices=SupervisionKind),
        *_SESSION,
        *_TAIL,
    ],
    RecordType.DIALOGUE: [
        *_common("Nội dung đối thoại", "Ngày đối thoại"),
        Column("end_date", "Ngày kết thúc", "date"),
        Column("chair", "Người chủ trì", required=True),
        Column("chair_post", "Chức vụ người chủ trì"),
        Column("attendees", "Số người dân tham dự", "int"),
        Column("attendee_groups", "Thành phần tham dự"),
        *_TAIL,
    ],
}

# Vietnamese words for the closed sets, as offices write them in a cell.
CHOICE_WORDS: dict[str, str] = {
    "nghi_quyet": "nghị quyết",
    "chi_thi": "chỉ thị",
    "ket_luan": "kết luận",
    "quy_dinh": "quy định",
    "quyet_dinh": "quyết định",
    "chuong_trinh_hanh_dong": "chương trình hành động",
    "ke_hoach": "kế hoạch",
    "huong_dan": "hướng dẫn",
    "cong_van": "công văn",
    "khac": "khác",
    "trung_uong": "trung ương",
    "tinh": "tỉnh",
    "huyen": "huyện",
    "xa": "xã",
    "kinh_te": "kinh tế",
    "van_hoa_xa_hoi": "văn hóa - xã hội",
    "quoc_phong_an_ninh": "quốc phòng - an ninh",
    "xay_dung_he_thong_chinh_tri": "xây dựng hệ thống chính trị",
    "thematic": "chuyên đề",
    "regular": "thường xuyên",
}


@lru_cache(maxsize=4_096)
def squash(value: str) -> str:
    """Case, accents, spaces and punctuation removed: "Văn hóa - xã hội" -> "vanhoaxahoi"."""
    return re.sub(r"[^a-z0-9]", "", fold(value))


@cache
def choice_aliases(choices: type[StrEnum]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for member in choices:
        aliases[squash(member.value)] = member.value
        if member.value in CHOICE_WORDS:
            aliases[squash(CHOICE_WORDS[member.value])] = member.value
    return aliases


def header_index(record_type: RecordType) -> dict[str, Column]:
    """Squashed header or key -> column."""
    index: dict[str, Column] = {}
    for column in COLUMNS[record_type]:
        index[squash(column.header)] = column
        index[squash(column.key)] = column
    return index
