"""The main window: navigation on the left, one screen per kind of work."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from PySide6.QtCore import Qt, QTimer
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
from dvdesk.domain.people import ApprovalStatus
from dvdesk.errors import UserError
from dvdesk.formatting import local_time, short_date
from dvdesk.i18n import _, current_language, set_language
from dvdesk.services.office_view import OfficeView
from dvdesk.services.people_light import lock_minutes
from dvdesk.services.store import Store
from dvdesk.text import shown
from ui import ask, people_menu
from ui.ask import confirm
from ui.crash import show_error
from ui.forms.drafts import Draft, draft_key, list_drafts, load_draft
from ui.list_page import ListPage
from ui.lock import IdleLock
from ui.modal import run_modal
from ui.record_list import RecordListPage
from ui.screen import open_like_last_time
from ui.settings import save_ui_setting
from ui.worker import database_worker, run_in_background

if TYPE_CHECKING:
    from dvdesk.domain.record_view import RecordView
    from ui.documents import MinutesDialog, ReportsPage
    from ui.exchange import ExchangePage
    from ui.follow_ups import FollowUpPage
    from ui.forms.record_form import RecordForm
    from ui.register import RegisterPage
    from ui.signatures import VerifyPage

# Forms and record writes load SQLAlchemy and pydantic; they are imported when first
# used so that the first list appears as fast as a bare window (see bench/gui_open.py).

REGISTERS = (RecordType.DIRECTIVE, RecordType.MODEL)
SECTIONS = (
    RecordType.INSPECTION,
    RecordType.SUPERVISION,
    RecordType.DIALOGUE,
    RecordType.DIRECTIVE,
    RecordType.MODEL,
)
STATUS_TIMEOUT_MS = 15_000
BUSY_NOTICE_MS = 400


class MainWindow(QMainWindow):
    def __init__(self, store: Store, office: OfficeView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.office = office
        self.setWindowTitle(_("dvdesk — {office}").format(office=self.office.current.name))
        self.lists: dict[RecordType, RecordListPage] = {}
        self.forms: list[RecordForm] = []
        self.dialogs: list[QDialog] = []
        self.idle_lock = IdleLock(self)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.pages = QStackedWidget()
        labels = {
            RecordType.INSPECTION: _("Inspections"),
            RecordType.SUPERVISION: _("Supervisions"),
            RecordType.DIALOGUE: _("Dialogue sessions"),
            RecordType.DIRECTIVE: _("Leadership documents"),
            RecordType.MODEL: _('"Dân vận khéo" models'),
        }
        # Only the first list is built at start; the other pages are built when first opened
        # (their modules - QtPdf, the documents, the exchange - stay out of start-up).
        self._factories: dict[int, Callable[[], QWidget]] = {}
        self._add_page(labels[SECTIONS[0]], self._make_list(SECTIONS[0]))
        for record_type in SECTIONS[1:]:
            self._add_lazy_page(labels[record_type], partial(self._make_list, record_type))
        self._follow_ups_index = self._add_lazy_page(_("Recommendations"), self._make_follow_ups)
        self._reports_index = self._add_lazy_page(_("Reports"), self._make_reports)
        self._exchange_index = self._add_lazy_page(_("USB exchange"), self._make_exchange)
        # Last, so the sections keep their keys (Ctrl+1 … Ctrl+8); the register is Ctrl+9.
        self._register_index = self._add_lazy_page(_("Issued documents"), self._make_register)
        # After the register: Ctrl+0 (the tenth entry).
        self._verify_index = self._add_lazy_page(_("Check digital signatures"), self._make_verify)
        self.nav.currentRowChanged.connect(self._show_page)
        # The first list asks the worker for its rows now, while the menus are built.
        self.nav.setCurrentRow(0)
        nav_width = self._fit_navigation()
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([nav_width, 1000])
        self.setCentralWidget(splitter)
        self._menus()
        people_menu.install(self)
        self._idle_message = _("Office {code} · data folder {folder}").format(
            code=self.office.code, folder=store.paths.root
        )
        self.statusBar().showMessage(self._idle_message)
        # A confirmation times out and the start-up check clears its progress: the office
        # line comes back instead of an empty bar.
        self.statusBar().messageChanged.connect(self._idle_when_empty)
        open_like_last_time(self, store.paths)
        self._busy = False
        self._before_busy = ""  # what the busy notice covered, shown again after it
        # Short waits (a page of rows behind a list query) are not worth a message.
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_NOTICE_MS)
        self._busy_timer.timeout.connect(self._say_busy)
        database_worker().busy_changed.connect(self._show_busy)

    def _fit_navigation(self) -> int:
        """Wide enough for its longest entry (Mô hình “Dân vận khéo”), never a sideways
        scroll bar: a truncated section name is a section the clerk cannot find."""
        self.nav.ensurePolished()  # the style sheet's font and padding count
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        width = self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 8
        self.nav.setMinimumWidth(width)
        return width

    def _show_busy(self, busy: bool) -> None:
        """A job waits behind a long one (an import, a backup): say so, it is not stuck."""
        if busy:
            if not self._busy_timer.isActive():
                self._busy_timer.start()
            return
        self._busy_timer.stop()
        # Only the busy notice is taken back: a confirmation said while the job ended
        # ("password changed") stays for the clerk to read, and one said just before the
        # notice covered it ("Saved: …", then the lists reloading behind a long job)
        # comes back.
        if self._busy and self.statusBar().currentMessage() == self._busy_message():
            if self._before_busy in ("", self._idle_message):
                self.statusBar().showMessage(self._idle_message)
            else:
                self.statusBar().showMessage(self._before_busy, STATUS_TIMEOUT_MS)
        self._busy = False

    def _idle_when_empty(self, message: str) -> None:
        if not message:
            self.statusBar().showMessage(self._idle_message)

    def _say_busy(self) -> None:
        if database_worker().is_busy():
            if not self._busy:
                self._before_busy = self.statusBar().currentMessage()
            self._busy = True
            self.statusBar().showMessage(self._busy_message())

    @staticmethod
    def _busy_message() -> str:
        return _("Busy… your request runs as soon as the current job finishes.")

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
        page.said.connect(self.say)
        return page

    @property
    def follow_ups(self) -> FollowUpPage:
        return cast("FollowUpPage", self._page_at(self._follow_ups_index))

    def built_follow_ups(self) -> FollowUpPage | None:
        """The follow-up page if it was opened already (nothing to refresh otherwise)."""
        return None if self._follow_ups_index in self._factories else self.follow_ups

    def _make_reports(self) -> QWidget:
        from ui.documents import ReportsPage  # noqa: PLC0415 - see _factories

        page = ReportsPage(self.store)
        page.workbook_saved.connect(lambda path: self.say(_("Saved to {file}.").format(file=path)))
        page.said.connect(self.say)
        return page

    def _make_verify(self) -> QWidget:
        from ui.signatures import VerifyPage  # noqa: PLC0415 - see _factories

        return VerifyPage(self.store)

    def _make_register(self) -> QWidget:
        from ui.register import RegisterPage  # noqa: PLC0415 - see _factories

        return RegisterPage(self.store)

    def _make_exchange(self) -> QWidget:
        from ui.exchange import ExchangePage  # noqa: PLC0415 - see _factories

        page = ExchangePage(self.store, self.office)
        page.imported.connect(self.refresh)
        page.done.connect(self.say)
        page.drafts_wanted.connect(self.show_drafts)
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

    @property
    def verify(self) -> VerifyPage:
        return cast("VerifyPage", self._page_at(self._verify_index))

    def _menus(self) -> None:
        record_menu = self.menuBar().addMenu(_("&Record"))
        self.new_action = self._action(
            record_menu, _("&New record"), QKeySequence.StandardKey.New, self.new_record
        )
        self.open_action = self._action(
            record_menu, _("&Open selected"), QKeySequence("Ctrl+O"), self.open_selected
        )
        self._action(record_menu, _("&Import from a file…"), None, self.open_import)
        self.minutes_action = self._action(
            record_menu,
            _("&Minutes of the selected record…"),
            QKeySequence.StandardKey.Print,
            self.minutes_for_selected,
        )
        self.delete_action = self._action(
            record_menu, _("&Delete selected…"), QKeySequence("Ctrl+Delete"), self.delete_selected
        )
        record_menu.addSeparator()
        self._action(
            record_menu, _("Office &settings…"), QKeySequence("Ctrl+,"), self.open_settings
        )
        self._action(
            record_menu, _("&Backup / Restore…"), QKeySequence("Ctrl+B"), self.open_backups
        )
        self._action(record_menu, _("Remove &demo data…"), None, self.remove_demo_data)
        record_menu.addSeparator()
        self._action(record_menu, _("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        view_menu = self.menuBar().addMenu(_("&View"))
        for index in range(self.nav.count()):
            item = self.nav.item(index)
            assert item is not None, "every navigation entry has an item"
            # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth, as the digit row reads.
            digit = (index + 1) % 10 if index < 10 else None
            self._action(
                view_menu,
                item.text(),
                QKeySequence(f"Ctrl+{digit}") if digit is not None else None,
                partial(self.go_to, index),
            )
        view_menu.addSeparator()
        self._action(view_menu, _("&Search"), QKeySequence.StandardKey.Find, self.focus_search)
        self._action(view_menu, _("Re&fresh"), QKeySequence.StandardKey.Refresh, self.refresh)
        language = view_menu.addMenu(_("&Language"))
        for code, label in (("vi", "Tiếng Việt"), ("en", "English")):
            action = language.addAction(label)
            action.setCheckable(True)
            action.setChecked(current_language() == code)
            action.triggered.connect(lambda _checked=False, c=code: self.change_language(c))
        self._page_menus()
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(
            help_menu, _("&Help for this screen"), QKeySequence.StandardKey.HelpContents, self.help
        )
        self._action(help_menu, _("&About dvdesk"), None, self.about)

    def _page_menus(self) -> None:
        """The buttons of the Reports and USB exchange screens, also as menu entries."""
        reports = self.menuBar().addMenu(_("Re&ports"))
        for text, key, name in (
            (_("Show the figures"), None, "show_figures"),
            (_("Preview draft"), QKeySequence("Ctrl+Shift+P"), "preview"),
            (_("Issue…"), None, "issue"),
            (_("Export workbook…"), None, "export_workbook"),
        ):
            self._action(reports, text, key, partial(self.on_reports, name))
        reports.addSeparator()
        self.counts_action = self._action(
            reports,
            _("Counts without the items…"),
            QKeySequence("Ctrl+Shift+L"),
            self.open_counts,
        )
        exchange = self.menuBar().addMenu(_("&USB exchange"))
        for text, key, name in (
            (_("Export the package to a USB stick…"), QKeySequence("Ctrl+E"), "export"),
            (_("Import a receipt from the level above…"), None, "import_receipt"),
            (_("Import packages…"), QKeySequence("Ctrl+I"), "import_packages"),
            (_("Who has not reported?"), None, "show_missing"),
            (_("Request a report from the offices below…"), None, "ask_report"),
            (_("Save the key card…"), None, "save_card"),
            (_("Enrol the key card of the office above or below…"), None, "enroll"),
        ):
            self._action(exchange, text, key, partial(self.on_exchange, name))

    def on_reports(self, name: str) -> None:
        self.go_to(self._reports_index)
        getattr(self.reports, name)()

    def on_exchange(self, name: str) -> None:
        """Run an exchange step from the menu; say why when this office has no such step."""
        self.go_to(self._exchange_index)
        page = self.exchange
        needs_parent = {"export", "import_receipt"}
        needs_children = {"import_packages", "show_missing", "ask_report"}
        if name in needs_parent and not hasattr(page, "export_button"):
            self.say(_("This office has no level above set up, so there is nothing to send."))
            return
        if name in needs_children and not hasattr(page, "import_button"):
            self.say(_("Communes and special zones have no offices below them since July 2025."))
            return
        getattr(page, name)()

    def _action(
        self,
        menu: Any,
        text: str,
        key: QKeySequence | QKeySequence.StandardKey | None,
        slot: Any,
    ) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # --------------------------------------------------------------- pages

    def go_to(self, index: int) -> None:
        """Open a section (Ctrl+1 … Ctrl+9) with the cursor in its list or first field."""
        self.nav.setCurrentRow(index)
        page = self.pages.currentWidget()
        if isinstance(page, ListPage):
            page.focus_list()
        elif page is not None:
            page.setFocus()
            page.focusNextChild()

    def step_handlers(self) -> dict[str, Callable[[], None]]:
        """What the buttons of messages that lead somewhere do here (ui.next_steps)."""
        from ui.step_actions import window_steps  # noqa: PLC0415 - only when a message shows

        return window_steps(self, exchange=self._exchange_index, register=self._register_index)

    def say(self, message: str) -> None:
        """Confirm a finished action, or say why a command did nothing, in the status bar."""
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    def _show_page(self, index: int) -> None:
        page = self._page_at(index)
        self.pages.setCurrentIndex(index)
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

    def _need_selection(self) -> str | None:
        """The selected record's id, or None after saying in the status bar what to do."""
        page = self.current_list()
        if page is None:
            self.say(
                _(
                    "This command works on a record list: open Inspections, Supervisions or "
                    "Dialogue sessions (Ctrl+1 … Ctrl+3) and select a record."
                )
            )
            return None
        record_id = page.current_record_id()
        if record_id is None:
            self.say(
                _("No record is selected: select one in the list (arrow keys), then try again.")
            )
        return record_id

    def new_record(self) -> None:
        page = self.current_list()
        if page is None:
            self.say(
                _(
                    "New records are added on the Inspections, Supervisions or Dialogue "
                    "sessions screen (Ctrl+1 … Ctrl+3)."
                )
            )
            return
        record_type = page.record_type
        key = draft_key(record_type.value, None)
        run_in_background(
            lambda: load_draft(self.store.paths, key),
            on_done=lambda draft: self._open_draft(record_type, draft),
            on_failed=lambda error: show_error(self, error),
        )

    def open_selected(self) -> None:
        page = self.pages.currentWidget()
        if isinstance(page, RecordListPage):
            if record_id := self._need_selection():
                self.open_record(record_id)
        elif isinstance(page, ListPage) and (row := page.current_row()) is not None:
            self.open_record(row.record_id)  # the follow-up list: open the row's record
        else:
            self._need_selection()

    def open_record(self, record_id: str) -> None:
        from dvdesk.services.records import (  # noqa: PLC0415 - see the top
            RecordWriter,
            get_record,
            record_writer,
        )

        def load() -> tuple[RecordView, RecordWriter, Draft | None]:
            record = get_record(self.store, record_id=record_id)
            writer = record_writer(self.store, record_id=record_id)
            # Another office's record is read only: its draft holds only a typed note.
            draft = load_draft(self.store.paths, draft_key(record.type, record_id))
            return record, writer, draft

        def done(loaded: tuple[RecordView, RecordWriter, Draft | None]) -> None:
            record, writer, draft = loaded
            owner_name = None if writer.own else writer.name
            self._open_form(record.type, record, draft, owner_name=owner_name)

        run_in_background(load, on_done=done, on_failed=lambda error: show_error(self, error))

    def _open_draft(self, record_type: RecordType, draft: Draft | None) -> None:
        self._open_form(record_type, None, draft)

    def _open_form(
        self,
        record_type: RecordType,
        record: RecordView | None,
        draft: Draft | None,
        *,
        owner_name: str | None = None,
    ) -> RecordForm:
        from ui.forms.record_form import RecordForm  # noqa: PLC0415 - see the top

        if draft is not None and not self._restore_draft(draft):
            draft = None
        form = RecordForm(
            self.store, record_type, record, draft=draft, owner_name=owner_name, parent=self
        )
        form.saved.connect(
            lambda record_id, f=form: self._after_save(
                record_type, record_id, title=str(f.fields["title"].get())
            )
        )
        form.finished.connect(
            lambda _result, f=form: self.forms.remove(f) if f in self.forms else None
        )
        self.forms.append(form)
        form.open()
        return form

    def _restore_draft(self, draft: Draft) -> bool:
        answer = ask.question(
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
        """At start-up: reopen forms whose drafts survived a crash (read on the worker)."""

        def reopen(found: list[SurvivingDraft]) -> None:
            for draft, record, owner_name in found:
                self._open_form(RecordType(draft.record_type), record, draft, owner_name=owner_name)

        run_in_background(
            lambda: _surviving_drafts(self.store),
            on_done=reopen,
            on_failed=lambda error: show_error(self, error),
        )

    def _after_save(
        self, record_type: RecordType, record_id: str | None = None, *, title: str = ""
    ) -> None:
        """Reload the lists; the saved record is selected and its list has the focus."""
        self.activateWindow()  # back from the form, typing goes to this window
        listing = self.lists.get(record_type)
        follow_ups = self.built_follow_ups()
        if follow_ups is not None:
            follow_ups.reload()
        if listing is not None and record_id is not None and listing is self.current_list():
            listing.select_record(record_id)
        elif listing is not None:
            listing.reload()
        if title:
            self.say(_("Saved: {title}.").format(title=title))

    def minutes_for_selected(self) -> None:
        from dvdesk.services.records import get_record  # noqa: PLC0415 - see the top

        page = self.current_list()
        if page is not None and page.record_type in REGISTERS:
            # Documents and models are not meetings: they have no minutes.
            self.say(
                _(
                    "Minutes are made for inspections, supervisions and dialogue sessions; "
                    "this record is a document or a model. Choose one of those records."
                )
            )
            return
        record_id = self._need_selection()
        if record_id is None:
            return

        def done(record: RecordView) -> None:
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
        record_id = self._need_selection()
        row = page.current_row() if page is not None else None
        if page is None or record_id is None or row is None:
            return
        # Named, with its date: the row the cursor is on may not be the one the clerk meant.
        if not confirm(
            self,
            title=_("Delete record?"),
            text=_(
                "Delete “{title}” ({date})? It disappears from lists and reports; it is kept "
                "as deleted so the deletion also reaches the level above. A deleted record "
                "cannot be brought back."
            ).format(title=shown(row.title, limit=120), date=short_date(row.start_date)),
        ):
            return
        run_in_background(
            lambda: delete_record(self.store, record_id=record_id),
            on_done=lambda _rev: self._deleted(page.record_type),
            on_failed=lambda error: show_error(self, error),
        )

    def remove_demo_data(self) -> None:
        from ui.demo_data import remove_demo_data  # noqa: PLC0415 - rarely used

        remove_demo_data(self)

    def show_drafts(self, record_type: str) -> None:
        """Open the list of ``record_type`` filtered to drafts (a step the export offers)."""
        kind = RecordType(record_type)
        self.go_to(SECTIONS.index(kind))
        listing = self.lists.get(kind)
        if listing is not None:
            listing.show_approval(ApprovalStatus.DRAFT)

    def open_import(self) -> None:
        from ui.import_dialog import ImportDialog  # noqa: PLC0415 - rarely opened

        page = self.current_list()
        dialog = ImportDialog(
            self.store, page.record_type if page else RecordType.DIRECTIVE, parent=self
        )
        dialog.imported.connect(self.refresh)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d))
        dialog.open()

    def _deleted(self, record_type: RecordType) -> None:
        self._after_save(record_type)
        self.say(_("The record was deleted."))

    def help(self) -> None:
        from ui.help import HelpDialog, topic_of  # noqa: PLC0415 - rarely opened

        dialog = HelpDialog(topic_of(self.pages.currentWidget()), parent=self)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self.dialogs.remove(dialog))
        dialog.open()

    def open_settings(self) -> None:
        from dvdesk.services.office_settings import (  # noqa: PLC0415 - rarely opened
            OfficeSettings,
            load_office_settings,
        )

        def show(current: OfficeSettings) -> None:
            from ui.office_settings import OfficeSettingsDialog  # noqa: PLC0415

            dialog = OfficeSettingsDialog(self.store, current, self)
            dialog.saved.connect(self._settings_saved)
            dialog.parent_box.parent_set.connect(self._settings_saved)
            self.dialogs.append(dialog)
            dialog.finished.connect(lambda _result: self.dialogs.remove(dialog))
            dialog.open()

        run_in_background(
            lambda: load_office_settings(self.store),
            on_done=show,
            on_failed=lambda error: show_error(self, error),
        )

    def _settings_saved(self, message: str) -> None:
        from dvdesk.services.office_view import get_office  # noqa: PLC0415 - see the top

        def reread(found: tuple[OfficeView, int]) -> None:
            office, minutes = found
            self.office = office
            self.setWindowTitle(_("dvdesk — {office}").format(office=office.current.name))
            self.idle_lock.set_minutes(minutes)
            if self._exchange_index not in self._factories:  # the USB exchange screen is open
                self.exchange.set_office(office)
            self.say(message)

        if self._reports_index not in self._factories:  # the Reports screen is open
            self.reports.load_defaults()

        run_in_background(
            lambda: (get_office(self.store), lock_minutes(self.store)),
            on_done=reread,
            on_failed=lambda error: show_error(self, error),
        )

    def open_counts(self) -> None:
        from ui.counts import CountsDialog  # noqa: PLC0415 - rarely opened

        dialog = CountsDialog(self.store, self)
        dialog.changed.connect(self.say)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self.dialogs.remove(dialog))
        dialog.open()

    def open_backups(self) -> None:
        from ui.backup_dialog import BackupDialog  # noqa: PLC0415 - rarely opened

        dialog = BackupDialog(self.store.paths, self)
        dialog.restored.connect(self.refresh)
        dialog.restored.connect(
            lambda: self.say(_("The backup was restored; the lists show the restored data."))
        )
        run_modal(dialog)

    # ------------------------------------------------------------- settings

    def change_language(self, language: str) -> None:
        save_ui_setting(self.store.paths, "language", language)
        set_language(current_language())  # keep this session's language until restart
        ask.tell(self, _("Language"), _("The new language applies the next time dvdesk starts."))

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

    def unlocked(self, name: str) -> None:
        """Back from the lock screen; another user who signed in now owns every change."""
        people_menu.refresh_user(self)
        self.say(_("Unlocked: changes are recorded under the name {name}.").format(name=name))
        self.activateWindow()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.idle_lock.follow_resize()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        minutes = self._open_minutes()
        if any(dialog.has_typed_details() for dialog in minutes) and not self._drop_minutes():
            event.ignore()  # the clerk goes back to the minutes
            return
        # Log-off, shutdown or Alt+F4: every open form keeps its draft and closes with the
        # window, so no form is left behind asking a question that could throw the draft away.
        for form in list(self.forms):
            form.close_keeping_draft()
        for dialog in minutes:
            dialog.done(QDialog.DialogCode.Rejected)  # asked above, not once more
        super().closeEvent(event)

    def _open_minutes(self) -> list[MinutesDialog]:
        if not any(dialog.isVisible() for dialog in self.dialogs):
            return []
        from ui.documents import MinutesDialog  # noqa: PLC0415 - loaded once one was opened

        return [d for d in self.dialogs if isinstance(d, MinutesDialog) and d.isVisible()]

    def _drop_minutes(self) -> bool:
        answer = ask.question(
            self,
            _("Close dvdesk?"),
            _(
                "Details typed in the minutes are not issued yet. Close dvdesk and discard "
                "them? Cancel goes back to the minutes."
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


class SurvivingDraft(NamedTuple):
    draft: Draft
    record: RecordView | None
    owner_name: str | None  # another office's record: opened read only, with its typed note


def _surviving_drafts(store: Store) -> list[SurvivingDraft]:
    """Drafts left by a crash, each with its record (drafts of deleted records are skipped)."""
    found: list[SurvivingDraft] = []
    for draft in list_drafts(store.paths):
        record: RecordView | None = None
        owner_name: str | None = None
        if draft.record_id is not None:
            # Only here: the records service loads SQLAlchemy and pydantic (seconds on a
            # busy PC), which a start without drafts must not wait for.
            from dvdesk.services.records import get_record, record_writer  # noqa: PLC0415

            try:
                record = get_record(store, record_id=draft.record_id)
                writer = record_writer(store, record_id=draft.record_id)
            except UserError:
                continue
            owner_name = None if writer.own else writer.name
        found.append(SurvivingDraft(draft, record, owner_name))
    return found
