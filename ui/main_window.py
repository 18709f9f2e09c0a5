"""The main window: navigation on the left, one screen per kind of work."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError
from dvdesk.formatting import local_time
from dvdesk.i18n import _, current_language, set_language
from dvdesk.services.office_view import OfficeView, get_office
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.forms.drafts import Draft, draft_key, list_drafts, load_draft
from ui.list_page import ListPage
from ui.record_list import RecordListPage
from ui.settings import save_ui_setting
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.documents import ReportsPage
    from ui.exchange import ExchangePage
    from ui.follow_ups import FollowUpPage
    from ui.forms.record_form import RecordForm
    from ui.register import RegisterPage

# Forms and record writes load SQLAlchemy and pydantic; they are imported when first
# used so that the first list appears as fast as a bare window (see bench/gui_open.py).

SECTIONS = (RecordType.INSPECTION, RecordType.SUPERVISION, RecordType.DIALOGUE)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.office: OfficeView = get_office(store)
        self.setWindowTitle(_("dvdesk — {office}").format(office=self.office.current.name))
        self.lists: dict[RecordType, RecordListPage] = {}
        self.forms: list[RecordForm] = []
        self.dialogs: list[QDialog] = []
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.pages = QStackedWidget()
        labels = {
            RecordType.INSPECTION: _("Inspections"),
            RecordType.SUPERVISION: _("Supervisions"),
            RecordType.DIALOGUE: _("Dialogue sessions"),
        }
        # Only the first list is built at start; the other pages are built when first opened
        # (their modules - QtPdf, the documents, the exchange - stay out of start-up).
        self._factories: dict[int, Callable[[], QWidget]] = {}
        self._add_page(labels[SECTIONS[0]], self._make_list(SECTIONS[0]))
        for record_type in SECTIONS[1:]:
            self._add_lazy_page(labels[record_type], partial(self._make_list, record_type))
        self._follow_ups_index = self._add_lazy_page(_("Recommendations"), self._make_follow_ups)
        self._reports_index = self._add_lazy_page(_("Reports"), self._make_reports)
        self._register_index = self._add_lazy_page(_("Issued documents"), self._make_register)
        self._exchange_index = self._add_lazy_page(_("USB exchange"), self._make_exchange)
        self._verify_index = self._add_lazy_page(_("Check digital signatures"), self._make_verify)
        self.nav.currentRowChanged.connect(self._show_page)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1000])
        self.setCentralWidget(splitter)
        self._menus()
        self.statusBar().showMessage(
            _("Office {code} · data folder {folder}").format(
                code=self.office.code, folder=store.paths.root
            )
        )
        self.nav.setCurrentRow(0)
        self.resize(1200, 760)

    def _add_page(self, label: str, page: QWidget) -> None:
        self.nav.addItem(QListWidgetItem(label))
        self.pages.addWidget(page)

    def _add_lazy_page(self, label: str, factory: Callable[[], QWidget]) -> int:
        index = self.pages.count()
        self._factories[index] = factory
        self._add_page(label, QWidget())
        return index

    def _page_at(self, index: int) -> QWidget:
        factory = self._factories.pop(index, None)
        placeholder = self.pages.widget(index)
        assert placeholder is not None, "every navigation entry has a page"
        if factory is None:
            return placeholder
        page = factory()
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        return page

    def _make_list(self, record_type: RecordType) -> RecordListPage:
        page = RecordListPage(self.store, record_type)
        page.open_record.connect(self.open_record)
        page.new_record.connect(self.new_record)
        self.lists[record_type] = page
        return page

    def _make_follow_ups(self) -> QWidget:
        from ui.follow_ups import FollowUpPage  # noqa: PLC0415 - see _factories

        page = FollowUpPage(self.store)
        page.open_record.connect(self.open_record)
        return page

    @property
    def follow_ups(self) -> FollowUpPage:
        return cast("FollowUpPage", self._page_at(self._follow_ups_index))

    def built_follow_ups(self) -> FollowUpPage | None:
        """The follow-up page if it was opened already (nothing to refresh otherwise)."""
        return None if self._follow_ups_index in self._factories else self.follow_ups

    def _make_reports(self) -> QWidget:
        from ui.documents import ReportsPage  # noqa: PLC0415 - see _factories

        return ReportsPage(self.store)

    def _make_verify(self) -> QWidget:
        from ui.signatures import VerifyPage  # noqa: PLC0415 - see _factories

        return VerifyPage(self.store)

    def _make_register(self) -> QWidget:
        from ui.register import RegisterPage  # noqa: PLC0415 - see _factories

        return RegisterPage(self.store)

    def _make_exchange(self) -> QWidget:
        from ui.exchange import ExchangePage  # noqa: PLC0415 - see _factories

        page = ExchangePage(self.store)
        page.imported.connect(self.refresh)
        return page

    @property
    def reports(self) -> ReportsPage:
        return cast("ReportsPage", self._page_at(self._reports_index))

    @property
    def register(self) -> RegisterPage:
        return cast("RegisterPage", self._page_at(self._register_index))

    @property
    def exchange(self) -> ExchangePage:
        return cast("ExchangePage", self._page_at(self._exchange_index))

    def _menus(self) -> None:
        record_menu = self.menuBar().addMenu(_("&Record"))
        self.new_action = self._action(
            record_menu, _("&New record"), QKeySequence.StandardKey.New, self.new_record
        )
        self._action(record_menu, _("&Open selected"), None, self.open_selected)
        self.minutes_action = self._action(
            record_menu,
            _("&Minutes of the selected record…"),
            QKeySequence.StandardKey.Print,
            self.minutes_for_selected,
        )
        self.delete_action = self._action(
            record_menu, _("&Delete selected…"), None, self.delete_selected
        )
        record_menu.addSeparator()
        self._action(record_menu, _("&Backup / Restore…"), None, self.open_backups)
        record_menu.addSeparator()
        self._action(record_menu, _("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        view_menu = self.menuBar().addMenu(_("&View"))
        self._action(view_menu, _("&Search"), QKeySequence.StandardKey.Find, self.focus_search)
        self._action(view_menu, _("Re&fresh"), QKeySequence.StandardKey.Refresh, self.refresh)
        language = view_menu.addMenu(_("&Language"))
        for code, label in (("vi", "Tiếng Việt"), ("en", "English")):
            action = language.addAction(label)
            action.setCheckable(True)
            action.setChecked(current_language() == code)
            action.triggered.connect(lambda _checked=False, c=code: self.change_language(c))
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(help_menu, _("&About dvdesk"), None, self.about)

    def _action(
        self, menu: Any, text: str, key: QKeySequence.StandardKey | None, slot: Any
    ) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # --------------------------------------------------------------- pages

    def _show_page(self, index: int) -> None:
        page = self._page_at(index)
        self.pages.setCurrentIndex(index)
        is_records = isinstance(page, RecordListPage)
        self.new_action.setEnabled(is_records)
        self.delete_action.setEnabled(is_records)
        self.minutes_action.setEnabled(is_records)
        if isinstance(page, ListPage) and page.model.rowCount() == 0:
            page.reload()
        if index == self._exchange_index:
            exchange = self.exchange
            run_in_background(
                exchange.load_status,
                on_done=exchange.show_status,
                on_failed=lambda error: show_error(self, error),
            )

    def current_list(self) -> RecordListPage | None:
        page = self.pages.currentWidget()
        return page if isinstance(page, RecordListPage) else None

    def focus_search(self) -> None:
        page = self.pages.currentWidget()
        if isinstance(page, ListPage):
            page.focus_search()

    def refresh(self) -> None:
        pages: list[RecordListPage | FollowUpPage | None] = [
            *self.lists.values(),
            self.built_follow_ups(),
        ]
        for page in pages:
            if page is not None:
                page.reload()

    # -------------------------------------------------------------- records

    def new_record(self) -> None:
        page = self.current_list()
        if page is None:
            return
        key = draft_key(page.record_type.value, None)
        self._open_form(page.record_type, None, load_draft(self.store.paths, key))

    def open_selected(self) -> None:
        page = self.pages.currentWidget()
        if isinstance(page, RecordListPage) and (record_id := page.current_record_id()):
            self.open_record(record_id)
        elif isinstance(page, ListPage) and (row := page.current_row()) is not None:
            self.open_record(row.record_id)  # the follow-up list: open the row's record

    def open_record(self, record_id: str) -> None:
        from dvdesk.services.records import get_record  # noqa: PLC0415 - see the top

        def done(record: dict[str, Any]) -> None:
            draft = load_draft(self.store.paths, draft_key(record["type"], record_id))
            self._open_form(RecordType(record["type"]), record, draft)

        run_in_background(
            lambda: get_record(self.store, record_id=record_id),
            on_done=done,
            on_failed=lambda error: show_error(self, error),
        )

    def _open_form(
        self, record_type: RecordType, record: dict[str, Any] | None, draft: Draft | None
    ) -> RecordForm:
        from ui.forms.record_form import RecordForm  # noqa: PLC0415 - see the top

        if draft is not None and not self._restore_draft(draft):
            draft = None
        form = RecordForm(self.store, record_type, record, draft=draft, parent=self)
        form.saved.connect(lambda _id: self._after_save(record_type))
        form.finished.connect(
            lambda _result, f=form: self.forms.remove(f) if f in self.forms else None
        )
        self.forms.append(form)
        form.open()
        return form

    def _restore_draft(self, draft: Draft) -> bool:
        answer = QMessageBox.question(
            self,
            _("Unsaved draft"),
            _(
                "There is a draft of this form that was not saved (last typed {when}). Restore it?"
            ).format(when=local_time(draft.saved_at)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def offer_drafts(self) -> None:
        """At start-up: reopen forms whose drafts survived a crash."""
        from dvdesk.services.records import get_record  # noqa: PLC0415 - see the top

        for draft in list_drafts(self.store.paths):
            record: dict[str, Any] | None = None
            if draft.record_id is not None:
                try:
                    record = get_record(self.store, record_id=draft.record_id)
                except UserError:
                    continue
            self._open_form(RecordType(draft.record_type), record, draft)

    def _after_save(self, record_type: RecordType) -> None:
        for page in (self.lists.get(record_type), self.built_follow_ups()):
            if page is not None:
                page.reload()

    def minutes_for_selected(self) -> None:
        from dvdesk.services.records import get_record  # noqa: PLC0415 - see the top

        page = self.current_list()
        record_id = page.current_record_id() if page else None
        if record_id is None:
            return

        def done(record: dict[str, Any]) -> None:
            from ui.documents import MinutesDialog  # noqa: PLC0415 - see _factories

            dialog = MinutesDialog(self.store, record, parent=self)
            self.dialogs.append(dialog)
            dialog.open()

        run_in_background(
            lambda: get_record(self.store, record_id=record_id),
            on_done=done,
            on_failed=lambda error: show_error(self, error),
        )

    def delete_selected(self) -> None:
        from dvdesk.services.records import delete_record  # noqa: PLC0415 - see the top

        page = self.current_list()
        record_id = page.current_record_id() if page else None
        if page is None or record_id is None:
            return
        answer = QMessageBox.question(
            self,
            _("Delete record?"),
            _(
                "Delete the selected record? It disappears from lists and reports; it is kept "
                "as deleted so the deletion also reaches the level above."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        run_in_background(
            lambda: delete_record(self.store, record_id=record_id),
            on_done=lambda _rev: self._after_save(page.record_type),
            on_failed=lambda error: show_error(self, error),
        )

    def open_backups(self) -> None:
        from ui.backup_dialog import BackupDialog  # noqa: PLC0415 - rarely opened

        dialog = BackupDialog(self.store.paths, self)
        dialog.restored.connect(self.refresh)
        dialog.exec()

    # ------------------------------------------------------------- settings

    def change_language(self, language: str) -> None:
        save_ui_setting(self.store.paths, "language", language)
        set_language(current_language())  # keep this session's language until restart
        QMessageBox.information(
            self, _("Language"), _("The new language applies the next time dvdesk starts.")
        )

    def about(self) -> None:
        from dvdesk import __version__  # noqa: PLC0415

        QMessageBox.about(
            self,
            _("About dvdesk"),
            _(
                "dvdesk {version}: records, minutes, reports and signed USB packages for dân vận "
                "offices."
            ).format(version=__version__),
        )

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        for form in list(self.forms):
            form.snapshot()  # make sure the last keystrokes are in the draft
        super().closeEvent(event)
