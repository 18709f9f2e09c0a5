"""Logging to a rotating file in the data directory (tracebacks go there, not to the user)."""

from __future__ import annotations

import logging
from pathlib import Path

from dvdesk.paths import DataPaths

MAX_BYTES = 2_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _RotatingLog(logging.Handler):
    """A RotatingFileHandler made at the first record: importing logging.handlers (with
    socket, pickle and queue) cost the desktop app's start 7 ms, and most starts log
    nothing before the first list is on the screen (bench/gui_open.py)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._file: logging.Handler | None = None

    @property
    def path(self) -> Path:
        return self._path

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            from logging.handlers import RotatingFileHandler  # noqa: PLC0415 - see above

            self._file = RotatingFileHandler(
                self._path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
            )
            self._file.setFormatter(self.formatter)
        self._file.handle(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(paths: DataPaths, *, level: int = logging.INFO) -> logging.Handler | None:
    """Send dvdesk's log to ``paths.log_file``; None if the log folder is unusable."""
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    root = logging.getLogger("dvdesk")
    # The `dvdesk` command sets up the log and then starts the app, which sets it up
    # again: a second handler on the same file would write every line twice.
    for existing in root.handlers:
        if isinstance(existing, _RotatingLog) and existing.path == paths.log_file:
            root.setLevel(level)
            return existing
    handler = _RotatingLog(paths.log_file)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.setLevel(level)
    root.addHandler(handler)
    return handler
