"""Sample leadership documents and "Dân vận khéo" models, in the words of the seeds."""

from __future__ import annotations

from typing import Any


def directive(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Về tăng cường sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới",
        "kind": "nghi_quyet",
        "number": "12-NQ/TU",
        "start_date": "2022-03-15",
        "issuer": "Ban Thường vụ Tỉnh ủy",
        "issuer_level": "tinh",
        "fields": ["Dân vận chính quyền"],
    }
    data.update(overrides)
    return data


def model(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Mô hình \u201cDân hỏi - chính quyền trả lời\u201d",
        "field": "xay_dung_he_thong_chinh_tri",
        "owner": "Ủy ban MTTQ Việt Nam xã Bát Tràng",
        "place": "xã Bát Tràng",
        "start_date": "2022-02-10",
        "recognitions": [
            {"level": "tinh", "date": "2023-05-19", "decision": "215/QĐ-UBND"},
            {"level": "xa", "date": "2022-12-01", "decision": "15/QĐ-UBND"},
        ],
    }
    data.update(overrides)
    return data
