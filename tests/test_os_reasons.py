"""A file that cannot be written or read is explained in Vietnamese, not the system's English
(trial 3: a full USB stick said "No space left on device")."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dvdesk.services.store import Store
from tests.conftest import CliRunner
from tests.gui_support import answer_file_dialogs
from tests.test_gui_print import _pdf
from ui.pdf_preview import PdfPreview


def _refuse(error: int) -> object:
    def write(*_args: object, **_kwargs: object) -> None:
        raise OSError(error, "No space left on device" if error == errno.ENOSPC else "I/O error")

    return write


def test_a_report_on_a_full_stick_says_the_drive_is_full(
    store: Store, cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("dvdesk.documents.layout.write_atomically", _refuse(errno.ENOSPC))
    for name in ("q3.pdf", "q3.docx"):
        result = cli("report", "--period", "2026-Q3", "--out", str(tmp_path / name))
        assert result.code != 0
        assert "ổ đĩa đã đầy" in result.err and "No space" not in result.err
        assert "Hãy chọn thư mục" in result.err  # what to do next
        assert not (tmp_path / name).exists()


def test_a_missing_file_to_check_is_named_as_missing(
    store: Store, cli: CliRunner, tmp_path: Path
) -> None:
    result = cli("document", "verify", str(tmp_path / "khong-co.pdf"))
    assert result.code != 0
    assert "không có tệp này" in result.err and "No such file" not in result.err


def test_saving_the_preview_to_a_pulled_stick_says_so_in_vietnamese(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    preview = PdfPreview(_pdf([(595, 842)]), title="Báo cáo", file_name="bao-cao.pdf")
    qtbot.addWidget(preview)
    answer_file_dialogs(monkeypatch, [tmp_path / "usb" / "bao-cao"])
    monkeypatch.setattr("ui.pdf_preview.write_atomically", _refuse(errno.EIO))
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.pdf_preview.show_error", lambda _parent, error: shown.append(error.message)
    )
    preview.save_dialog()
    assert len(shown) == 1
    assert "USB bị rút ra" in shown[0] and "I/O error" not in shown[0]
    assert preview.saved_to is None
