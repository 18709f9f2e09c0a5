"""The sample office and its inspection and dialogue records, in the words of the seeds.

Plain data without pytest, so the screenshot script builds its demo from the same samples.
"""

from __future__ import annotations

from typing import Any

OFFICE = {
    "level": "commune",
    "code": "10105",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
    "header_name": "Ban Xây dựng Đảng",
    "superior": "Đảng ủy xã Bát Tràng",
    "symbol": "BXDĐ",
    "place": "Bát Tràng",
    "parent_code": "01",
    "parent_name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
}


def inspection(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại Đảng ủy xã Bát Tràng",
        "start_date": "2024-05-14",
        "end_date": "2024-05-15",
        "place": "Hội trường Đảng ủy xã Bát Tràng",
        "fields": ["Quy chế dân chủ ở cơ sở"],
        "legal_basis": "Quyết định 23-QĐ/TW",
        "subjects": ["Đảng ủy xã Bát Tràng", "UBND xã Bát Tràng"],
        "lead": "Nguyễn Doãn Toản",
        "members": ["Trần Thị Mai", "Lê Văn Hùng"],
        "recommendations": [
            {
                "content": "Đề nghị công khai danh sách hộ nghèo",
                "addressee": "UBND xã Bát Tràng",
                "deadline": "2024-07-15",
            }
        ],
        "conclusion": "Thực hiện tốt Quy chế dân chủ ở cơ sở.",
    }
    data.update(overrides)
    return data


def dialogue(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân về giải phóng mặt bằng",
        "start_date": "2025-09-10",
        "place": "Nhà văn hóa thôn Giang Cao",
        "chair": "Bùi Thị Minh Hoài",
        "chair_post": "Bí thư Đảng ủy xã",
        "attendees": 152,
        "issues": [
            {
                "content": "Đề nghị sớm chi trả tiền bồi thường",
                "kind": "kien_nghi",
                "raised_by": "Ông Phạm Văn Nam",
                "answer": "Sẽ chi trả trong tháng 10",
            },
            {
                "content": "Tố cáo cán bộ địa chính sách nhiễu",
                "kind": "to_cao",
                "raised_by": "Một công dân",
                "assignee": "UBND xã",
                "deadline": "2025-09-24",
            },
        ],
    }
    data.update(overrides)
    return data
