"""The one place that knows where dvdesk keeps its files.

Everything else asks a :class:`DataPaths` instead of building OS paths, so a
test (or a portable install on a USB stick) only has to point it somewhere else.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from dvdesk.fileio import make_private

APP_NAME = "dvdesk"
ENV_DATA_DIR = "DVDESK_DATA_DIR"
# A file of this name next to the executable makes the install portable: its data lives in
# PORTABLE_DATA beside the executable (an office's USB stick), not in the user's profile.
PORTABLE_MARKER = "dvdesk-portable"
PORTABLE_DATA = "data"


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
            make_private(folder)  # records, keys and backups: this user only


def is_frozen() -> bool:
    """True inside a PyInstaller build."""
    return bool(getattr(sys, "frozen", False))


def executable_dir() -> Path:
    """The folder of the installed program (the frozen executable, or the launcher script)."""
    if is_frozen():
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def portable_marker_present() -> bool:
    # Only a frozen build looks for the marker: a source checkout is never "installed".
    return is_frozen() and (executable_dir() / PORTABLE_MARKER).is_file()


def default_data_dir() -> Path:
    """Per-user data folder: %LOCALAPPDATA%\\dvdesk on Windows, ~/.local/share/dvdesk on Linux."""
    import platformdirs  # noqa: PLC0415 - only here; the app's start skips its 5 ms import

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resolve_data_dir(
    override: str | os.PathLike[str] | None = None, *, portable: bool = False
) -> DataPaths:
    """Pick the data directory, first match wins: ``--data-dir``, ``--portable``, the
    ``DVDESK_DATA_DIR`` environment variable, the portable marker file, the OS default."""
    if override:
        return DataPaths(Path(override).expanduser().resolve())
    if portable:
        return DataPaths(executable_dir() / PORTABLE_DATA)
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return DataPaths(Path(from_env).expanduser().resolve())
    if portable_marker_present():
        return DataPaths(executable_dir() / PORTABLE_DATA)
    return DataPaths(default_data_dir())


def locale_dir() -> Path:
    return RESOURCES_DIR / "locale"
