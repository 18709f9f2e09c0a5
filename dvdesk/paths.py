"""The one place that knows where dvdesk keeps its files.

Everything else asks a :class:`DataPaths` instead of building OS paths, so a
test (or a portable install on a USB stick) only has to point it somewhere else.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "dvdesk"
ENV_DATA_DIR = "DVDESK_DATA_DIR"


def _resources_dir() -> Path:
    # A PyInstaller build unpacks data next to the executable, not beside the sources.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


RESOURCES_DIR = _resources_dir()


@dataclass(frozen=True)
class DataPaths:
    """Paths inside one office's data directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "dvdesk.sqlite3"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def keys(self) -> Path:
        """The office's signing key (private half encrypted with a passphrase)."""
        return self.root / "keys"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "dvdesk.log"

    def ensure(self) -> None:
        """Create the directories (not the database) if they are missing."""
        for folder in (self.root, self.attachments, self.backups, self.logs, self.keys):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_data_dir(override: str | os.PathLike[str] | None = None) -> DataPaths:
    """Pick the data directory: explicit override, then the environment, then the OS default."""
    if override:
        return DataPaths(Path(override).expanduser().resolve())
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return DataPaths(Path(from_env).expanduser().resolve())
    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False)))


def locale_dir() -> Path:
    return RESOURCES_DIR / "locale"
