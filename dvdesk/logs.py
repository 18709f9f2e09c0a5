"""Logging to a rotating file in the data directory (tracebacks go there, not to the user)."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from dvdesk.paths import DataPaths

MAX_BYTES = 2_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(paths: DataPaths, *, level: int = logging.INFO) -> logging.Handler | None:
    """Send dvdesk's log to ``paths.log_file``; None if the log folder is unusable."""
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger("dvdesk")
    root.setLevel(level)
    root.addHandler(handler)
    return handler
