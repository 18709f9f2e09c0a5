"""File dialogs: the USB stick first, each dialog's own last folder, dvdesk's file types."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QApplication

from dvdesk.services.store import Store
from tests.gui_support import answer_file_dialogs
from ui import files
from ui.files import FileKind, choose_folder, open_files


class FakeVolume:
    """The part of QStorageInfo that dvdesk reads."""

    def __init__(self, root: Path, file_system: str, *, is_root: bool = False) -> None:
        self.root, self.file_system, self.is_root = root, file_system, is_root

    def rootPath(self) -> str:  # noqa: N802 - QStorageInfo's name
        return str(self.root)

    def displayName(self) -> str:  # noqa: N802
        return self.root.name

    def fileSystemType(self) -> QByteArray:  # noqa: N802
        return QByteArray(self.file_system.encode())

    def isRoot(self) -> bool:  # noqa: N802
        return self.is_root

    def isValid(self) -> bool:  # noqa: N802
        return True

    def isReady(self) -> bool:  # noqa: N802
        return True

    def isReadOnly(self) -> bool:  # noqa: N802
        return False


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    usb = tmp_path / "USB-BATTRANG"
    usb.mkdir()
    disk = tmp_path / "data-disk"
    disk.mkdir()
    volumes = [
        FakeVolume(Path("/"), "ext4", is_root=True),
        FakeVolume(disk, "ext4"),
        FakeVolume(usb, "vfat"),
    ]
    monkeypatch.setattr(files, "_volumes", lambda: volumes)
    return usb


def test_usb_sticks_come_first(stick: Path) -> None:
    found = files.drives()
    assert found[0].path == stick and found[0].removable
    assert [d.removable for d in found] == [True, False, False]


def test_package_dialog_opens_on_the_stick_in_vietnamese(
    app: QApplication, store: Store, stick: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = stick / "dvdesk-10105-01-000001.dvpkg"
    shown = answer_file_dialogs(monkeypatch, [package])
    chosen = open_files(None, store.paths, purpose="import", title="Gói", kind=FileKind.PACKAGE)
    assert chosen == [package]
    dialog = shown[0]
    assert dialog.folder == str(stick)
    assert dialog.sidebar[0] == str(stick), "the stick heads the sidebar"
    assert dialog.filters == ["Gói dữ liệu dvdesk (*.dvpkg)", "Mọi tệp (*)"]
    assert dialog.labels["LookIn"] == "Tìm trong:" and dialog.labels["Accept"] == "Mở"


@pytest.mark.parametrize(
    ("kind", "shown_filter"),
    [
        (FileKind.RECEIPT, "Biên nhận dvdesk (*.dvrcpt)"),
        (FileKind.KEY_CARD, "Thẻ khóa dvdesk (*.dvkey)"),
        (FileKind.PDF, "Tài liệu PDF (*.pdf)"),
        (FileKind.DOCX, "Văn bản Word (*.docx)"),
        (FileKind.XLSX, "Bảng tính Excel (*.xlsx)"),
    ],
)
def test_filters_for_every_kind(app: QApplication, kind: FileKind, shown_filter: str) -> None:
    assert kind.name_filter == shown_filter


def test_each_dialog_remembers_its_own_folder(
    app: QApplication, store: Store, stick: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "received"
    elsewhere.mkdir()
    answer_file_dialogs(monkeypatch, [elsewhere / "a.dvpkg"])
    open_files(None, store.paths, purpose="import", title="Gói", kind=FileKind.PACKAGE)
    shown = answer_file_dialogs(monkeypatch, None, None)
    open_files(None, store.paths, purpose="import", title="Gói", kind=FileKind.PACKAGE)
    choose_folder(None, store.paths, purpose="export", title="USB", usb=True)
    assert shown[0].folder == str(elsewhere), "the import dialog opens where it was last"
    assert shown[1].folder == str(stick), "the export dialog has its own memory"
