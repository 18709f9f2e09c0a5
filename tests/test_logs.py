"""The log file: one handler however many times the log is set up."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdesk.logs import setup_logging
from dvdesk.paths import DataPaths


@pytest.fixture
def dvdesk_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("dvdesk")
    before = list(logger.handlers)
    yield logger
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def test_setting_up_twice_writes_each_line_once(
    tmp_path: Path, dvdesk_logger: logging.Logger
) -> None:
    # The `dvdesk` command sets the log up, then the app it starts does it again.
    paths = DataPaths(tmp_path)
    first = setup_logging(paths)
    second = setup_logging(paths)
    assert first is not None and second is first
    logging.getLogger("dvdesk.test").warning("một dòng")
    first.flush()
    assert paths.log_file.read_text(encoding="utf-8").count("một dòng") == 1
