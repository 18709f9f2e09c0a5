"""Per-user preferences of the desktop app (language …), kept in the data folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dvdesk.fileio import write_atomically
from dvdesk.paths import DataPaths


def _file(paths: DataPaths) -> Path:
    return paths.root / "ui-settings.json"


def load_ui_settings(paths: DataPaths) -> dict[str, Any]:
    try:
        data = json.loads(_file(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_ui_setting(paths: DataPaths, key: str, value: Any) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half."""
    data = load_ui_settings(paths) | {key: value}
    paths.root.mkdir(parents=True, exist_ok=True)
    write_atomically(_file(paths), json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
