"""Sao lưu / Khôi phục: the database's backups, a backup now, and restoring one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.formatting import local_time, number, sentence
from dvdesk.i18n import _
from dvdesk.paths import DataPaths
from dvdesk.services.backup import (
    BackupInfo,
    RestoreResult,
    list_backups,
    make_backup,
    reason_label,
    restore_backup,
)
from dvdesk.services.stick_backup import StickBackup, backup_to_folder, stick_backup_message
from dvdesk.services.stick_restore import restore_from_file
from ui import ask
from ui.ask import confirm
from ui.crash import show_error
from ui.files import FileKind, choose_folder, open_files
from ui.help import add_help_key
from ui.screen import fit_to_screen
from ui.worker import run_in_background

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class BackupDialog(QDialog):
    """Lists the backups (newest first); restoring asks first and then reloads the app."""

    restored = Signal()

    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.backups: list[BackupInfo] = []
        self.setWindowTitle(_("Backup / Restore"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "dvdesk backs up the database once a day and before every import or upgrade. "
                "Backups are kept in {folder}."
            ).format(folder=paths.backups)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Time"), _("Reason"), _("Size"), _("Records")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.status = QLabel()
        self.status.setWordWrap(True)  # the message after a USB backup is long
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button = QPushButton(_("&Back up now"))
        self.stick_button = QPushButton(_("Back up to &USB…"))
        self.restore_button = QPushButton(_("&Restore selected…"))
        self.file_button = QPushButton(_("Restore from &file…"))
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.stick_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.back_up)
        self.stick_button.clicked.connect(self.back_up_to_stick)
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button.clicked.connect(self.restore_file)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 420)
        add_help_key(self)
        self.reload()

    def _busy(self, message: str) -> None:
        self.status.setText(message)
        self.backup_button.setEnabled(False)
        self.stick_button.setEnabled(False)
        self.file_button.setEnabled(False)
        self.restore_button.setEnabled(False)

    def _idle(self, message: str = "") -> None:
        self.status.setText(message)
        self.backup_button.setEnabled(True)
        self.stick_button.setEnabled(True)
        self.file_button.setEnabled(True)
        self.restore_button.setEnabled(bool(self.backups))

    def _run(self, call: Callable[[], object], done: Callable[[object], None]) -> None:
        def failed(error: object) -> None:
            self._idle()
            show_error(self, error)  # type: ignore[arg-type]

        run_in_background(call, on_done=done, on_failed=failed)

    def reload(self) -> None:
        self._busy(_("Reading the backups…"))
        self._run(lambda: list_backups(self.paths), self._show)

    def _show(self, backups: object) -> None:
        assert isinstance(backups, list)
        self.backups = backups
        self.table.setRowCount(len(backups))
        for row, backup in enumerate(backups):
            records = "?" if backup.records is None else number(backup.records)
            cells = [
                local_time(backup.taken_at.isoformat()),
                sentence(reason_label(backup.reason)),
                f"{number(max(1, backup.size // 1024))} KB",
                records,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if backups:
            self.table.selectRow(0)
        self._idle(
            _("{n} backups.").format(n=number(len(backups))) if backups else _("No backups yet.")
        )

    def back_up(self) -> None:
        self._busy(_("Backing up…"))
        self._run(lambda: make_backup(self.paths), lambda _made: self.reload())

    def back_up_to_stick(self) -> None:
        folder = choose_folder(
            self,
            self.paths,
            purpose="backup-stick",
            title=_("Choose the USB stick for the backup"),
            usb=True,
        )
        if folder is None:
            return
        self._busy(_("Backing up to {folder}…").format(folder=folder))
        self._run(lambda: backup_to_folder(self.paths, folder=folder), self._on_stick)

    def _on_stick(self, made: object) -> None:
        assert isinstance(made, StickBackup)
        message = stick_backup_message(made)
        self._idle(message)
        ask.tell(self, _("Backup / Restore"), message)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None:
            return
        if not confirm(
            self,
            title=_("Restore backup?"),
            text=_(
                "Put back the backup of {time}? Changes made after it are replaced; the "
                "database as it is now is backed up first, so this can be undone."
            ).format(time=local_time(backup.taken_at.isoformat())),
        ):
            return
        self._busy(_("Restoring…"))
        self._run(lambda: restore_backup(self.paths, name=backup.name), self._restored)

    def _restored(self, result: object) -> None:
        assert isinstance(result, RestoreResult)
        self._announce_restore(
            _("Restored the backup of {time}.").format(
                time=local_time(result.restored.taken_at.isoformat())
            )
        )

    def _announce_restore(self, message: str) -> None:
        self.restored.emit()
        self.reload()
        ask.tell(self, _("Backup / Restore"), message)

    def restore_file(self) -> None:
        chosen = open_files(
            self,
            self.paths,
            purpose="backup-stick",
            title=_("Choose the backup file on the USB stick"),
            kind=FileKind.BACKUP,
        )
        if not chosen:
            return
        file = chosen[0]
        if not confirm(
            self,
            title=_("Restore backup?"),
            text=_(
                "Put back the backup {file}? Changes made after it are replaced; the "
                "database as it is now is backed up first, so this can be undone."
            ).format(file=file),
        ):
            return
        self._busy(_("Restoring…"))
        self._run(lambda: restore_from_file(self.paths, file=file), self._restored_file)

    def _restored_file(self, _result: object) -> None:
        self._announce_restore(
            _(
                "Restored the backup from the USB stick. Take the stick out and keep it "
                "away from this computer."
            )
        )
