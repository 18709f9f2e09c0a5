"""Default report recipients: stored validated in the office settings."""

from __future__ import annotations

import pytest

from dvdesk.errors import ValidationFailed
from dvdesk.services.report_recipients import get_default_recipients, set_default_recipients
from dvdesk.services.store import Store


def test_defaults_round_trip_without_blank_lines(store: Store) -> None:
    assert get_default_recipients(store) == []
    saved = set_default_recipients(
        store, recipients=["Thường trực Đảng ủy xã", " ", "Ban Tuyên giáo và Dân vận Thành ủy "]
    )
    assert saved == ["Thường trực Đảng ủy xã", "Ban Tuyên giáo và Dân vận Thành ủy"]
    assert get_default_recipients(store) == saved


def test_too_many_recipients_change_nothing(store: Store) -> None:
    set_default_recipients(store, recipients=["Thường trực Đảng ủy xã"])
    with pytest.raises(ValidationFailed):
        set_default_recipients(store, recipients=[f"Nơi {n}" for n in range(51)])
    assert get_default_recipients(store) == ["Thường trực Đảng ủy xã"]
