from __future__ import annotations

from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store


def test_settings_round_trip_and_default(store: Store) -> None:
    assert get_setting(store, key="margins_mm", default=[20, 20, 30, 15]) == [20, 20, 30, 15]
    set_setting(store, key="margins_mm", value=[25, 25, 35, 15])
    set_setting(store, key="margins_mm", value=[25, 25, 35, 20])
    assert get_setting(store, key="margins_mm") == [25, 25, 35, 20]
