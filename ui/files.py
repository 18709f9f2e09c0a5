"""File dialogs for a clerk with a USB stick: Vietnamese, stick first, last folder kept.

Every dialog is Qt's own (not the system's), so its labels are dvdesk's Vietnamese;
removable drives head the sidebar and are the default folder for packages, receipts
and key cards; each purpose remembers the folder last used for it.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QStorageInfo, QUrl
from PySide6.QtWidgets import QFileDialog, QWidget

from dvdesk.i18n import N_, _
from dvdesk.paths import DataPaths
from ui.modal import run_modal
from ui.settings import load_ui_settings, save_ui_setting

# File systems USB sticks come formatted with; a fixed disk is NTFS or ext4/btrfs/xfs.
STICK_FILE_SYSTEMS = {"vfat", "fat", "fat12", "fat16", "fat32", "exfat", "msdos", "fuseblk"}
REMOVABLE_MOUNTS = ("/media/", "/run/media/", "/mnt/", "/Volumes/")


class FileKind(Enum):
    PDF = ("pdf", N_("PDF documents"))
    DOCX = ("docx", N_("Word documents"))
    XLSX = ("xlsx", N_("Excel workbooks"))
    PACKAGE = ("dvpkg", N_("dvdesk data packages"))
    RECEIPT = ("dvrcpt", N_("dvdesk receipts"))
    KEY_CARD = ("dvkey", N_("dvdesk key cards"))
    CERTIFICATE = ("cer", N_("Certificates"))
    REVOCATION_LIST = ("crl", N_("Certificate revocation lists"))
    BACKUP = ("sqlite3", N_("dvdesk backups"))

    @property
    def suffix(self) -> str:
        return f".{self.value[0]}"

    @property
    def name_filter(self) -> str:
        suffixes = _SUFFIXES.get(self, (self.suffix,))
        return f"{_(self.value[1])} ({' '.join(f'*{suffix}' for suffix in suffixes)})"


# Certificate authorities publish roots as .cer, .crt or .pem alike, and lists as .crl or .pem.
_SUFFIXES = {
    FileKind.CERTIFICATE: (".cer", ".crt", ".pem"),
    FileKind.REVOCATION_LIST: (".crl", ".pem"),
}
USB_KINDS = (FileKind.PACKAGE, FileKind.RECEIPT, FileKind.KEY_CARD, FileKind.BACKUP)


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    removable: bool


def _is_removable(volume: QStorageInfo) -> bool:
    if volume.isRoot():
        return False
    root = volume.rootPath()
    system = Path(sys.executable).anchor if sys.platform == "win32" else "/"
    if sys.platform == "win32" and root.upper().startswith(system.upper()[:2]):
        return False
    kind = bytes(volume.fileSystemType().data()).decode(errors="replace").lower()
    return kind in STICK_FILE_SYSTEMS or root.startswith(REMOVABLE_MOUNTS)


def _volumes() -> list[QStorageInfo]:
    return QStorageInfo.mountedVolumes()


def drives() -> list[Drive]:
    """Mounted, ready, writable volumes; removable ones (USB sticks) first."""
    found = [
        Drive(Path(volume.rootPath()), volume.displayName(), _is_removable(volume))
        for volume in _volumes()
        if volume.isValid() and volume.isReady() and not volume.isReadOnly()
    ]
    return sorted(found, key=lambda drive: not drive.removable)


def _documents() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


def start_folder(paths: DataPaths | None, purpose: str, *, usb: bool) -> Path:
    """The folder this purpose used last; else the first USB stick (for USB files); else
    the Documents folder - never the program's own folder."""
    remembered = load_ui_settings(paths).get(f"folder.{purpose}") if paths else None
    if isinstance(remembered, str) and Path(remembered).is_dir():
        return Path(remembered)
    if usb:
        sticks = [drive.path for drive in drives() if drive.removable]
        if sticks:
            return sticks[0]
    return _documents()


def _dialog(
    parent: QWidget | None, title: str, folder: Path, kinds: tuple[FileKind, ...]
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(folder))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    filters = [kind.name_filter for kind in kinds] + [_("All files (*)")]
    dialog.setNameFilters(filters)
    labels = {
        QFileDialog.DialogLabel.LookIn: _("Look in:"),
        QFileDialog.DialogLabel.FileName: _("File name:"),
        QFileDialog.DialogLabel.FileType: _("Files of type:"),
        QFileDialog.DialogLabel.Reject: _("Cancel"),
    }
    for label, text in labels.items():
        dialog.setLabelText(label, text)
    places = [drive.path for drive in drives() if drive.removable]
    places += [Path.home(), _documents()]
    dialog.setSidebarUrls([QUrl.fromLocalFile(str(place)) for place in dict.fromkeys(places)])
    return dialog


def _remember(paths: DataPaths | None, purpose: str, chosen: Path) -> None:
    if paths is None:
        return
    folder = chosen if chosen.is_dir() else chosen.parent
    with suppress(OSError):  # only a convenience: the file was chosen all the same
        save_ui_setting(paths, f"folder.{purpose}", str(folder))


def save_file(
    parent: QWidget | None,
    paths: DataPaths | None,
    *,
    purpose: str,
    title: str,
    name: str,
    kind: FileKind,
) -> Path | None:
    """Ask where to save ``name`` (a file of ``kind``); the answer always has its suffix."""
    dialog = _dialog(parent, title, start_folder(paths, purpose, usb=kind in USB_KINDS), (kind,))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Save"))
    dialog.setDefaultSuffix(kind.suffix.lstrip("."))
    dialog.selectFile(name)
    if run_modal(dialog) != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    chosen = Path(dialog.selectedFiles()[0])
    if chosen.suffix.lower() != kind.suffix:
        chosen = chosen.with_name(chosen.name + kind.suffix)
    _remember(paths, purpose, chosen)
    return chosen


def open_files(
    parent: QWidget | None,
    paths: DataPaths | None,
    *,
    purpose: str,
    title: str,
    kind: FileKind,
    many: bool = False,
) -> list[Path]:
    """Ask for one (or ``many``) existing files of ``kind``."""
    dialog = _dialog(parent, title, start_folder(paths, purpose, usb=kind in USB_KINDS), (kind,))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(
        QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile
    )
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Open"))
    if run_modal(dialog) != QFileDialog.DialogCode.Accepted:
        return []
    chosen = [Path(name) for name in dialog.selectedFiles()]
    if chosen:
        _remember(paths, purpose, chosen[0])
    return chosen


def open_file(
    parent: QWidget | None, paths: DataPaths | None, *, purpose: str, title: str, kind: FileKind
) -> str:
    """One existing file of ``kind``, or "" if the clerk cancelled."""
    chosen = open_files(parent, paths, purpose=purpose, title=title, kind=kind)
    return str(chosen[0]) if chosen else ""


def choose_folder(
    parent: QWidget | None, paths: DataPaths | None, *, purpose: str, title: str, usb: bool
) -> Path | None:
    """Ask for a folder (the USB stick to export to, where to put a key card)."""
    dialog = _dialog(parent, title, start_folder(paths, purpose, usb=usb), ())
    dialog.setNameFilters([])
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Choose"))
    if run_modal(dialog) != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    chosen = Path(dialog.selectedFiles()[0])
    _remember(paths, purpose, chosen)
    return chosen
