"""First run: set up the office (and offer demo data) before the main window opens."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from dvdesk.domain.enums import OfficeLevel
from dvdesk.domain.people import Role
from dvdesk.domain.validation import validate
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.i18n import N_, _
from dvdesk.services.demo import add_demo_records
from dvdesk.services.office import CENTRAL_CODE, CENTRAL_NAME, OfficeInput, create_office
from dvdesk.services.office_view import OfficeView, get_office
from dvdesk.services.store import Store
from dvdesk.services.users import add_user, check_new_user
from ui import ask
from ui.admin_page import AdminPage, FirstAdmin
from ui.crash import show_error
from ui.screen import fit_to_screen
from ui.worker import run_in_background

DEMO_RECORDS = 200
# The 2025 structure (provinces; communes, wards and special zones) and the old districts,
# whose records from before 1 July 2025 are still kept.
LEVELS = (
    (OfficeLevel.CENTRAL, N_("Central (Central Propaganda and Mass Mobilisation Commission)")),
    (OfficeLevel.PROVINCE, N_("Province / centrally-run city")),
    (OfficeLevel.COMMUNE, N_("Commune / ward")),
    (OfficeLevel.SPECIAL_ZONE, N_("Special zone")),
    (OfficeLevel.DISTRICT, N_("District (old level, records before 1/7/2025)")),
)


# Examples shown in the empty fields, in the shape of the level chosen (the commune's are
# the fields' own): a province clerk should not be shown a commune's name and code.
LEVEL_EXAMPLES: dict[OfficeLevel, dict[str, str]] = {
    OfficeLevel.CENTRAL: {
        "name": "Ban Tuyên giáo và Dân vận Trung ương",
        "header_name": "Ban Tuyên giáo và Dân vận Trung ương",
        "superior": "Ban Chấp hành Trung ương",
        "code": "00",
        "symbol": "BTGDVTW",
        "place": "Hà Nội",
    },
    OfficeLevel.PROVINCE: {
        "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        "header_name": "Ban Tuyên giáo và Dân vận",
        "superior": "Thành ủy Hà Nội",
        "code": "01",
        "symbol": "BTGDVTU",
        "place": "Hà Nội",
    },
    OfficeLevel.DISTRICT: {
        "name": "Ban Dân vận Huyện ủy Đông Anh",
        "header_name": "Ban Dân vận",
        "superior": "Huyện ủy Đông Anh",
        "code": "017",
        "symbol": "BDVHU",
        "place": "Đông Anh",
    },
}


class OfficePage(QWizardPage):
    """Who the office is; Next stays disabled until every field is valid."""

    FIELDS = (
        ("name", N_("Full name of the office *"), "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
        ("header_name", N_("Issuing body as printed in document headers"), "Ban Xây dựng Đảng"),
        (
            "superior",
            N_("Party committee above, printed over the issuing body"),
            "Đảng ủy xã Bát Tràng",
        ),
        ("code", N_("Administrative unit code *"), "10105"),
        ("symbol", N_("Document symbol *"), "BXDĐ"),
        ("place", N_("Place name on the date line *"), "Bát Tràng"),
        (
            "parent_name",
            N_("Direct superior office (receives your packages)"),
            "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        ),
        ("parent_code", N_("Its code"), "01"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Your office"))
        self.setSubTitle(
            _("These details appear on minutes and reports. You can change them later.")
        )
        form = QFormLayout(self)
        self.form = form
        self.level = QComboBox()
        for level, label in LEVELS:
            self.level.addItem(_(label), level.value)
        self.level.setCurrentIndex(self.level.findData(OfficeLevel.COMMUNE.value))
        self.level.currentIndexChanged.connect(lambda _i: self._level_changed())
        form.addRow(_("Level *"), self.level)
        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, _example in self.FIELDS:
            edit = QLineEdit()  # its example is set with the level (_level_changed)
            edit.textChanged.connect(lambda _t, k=key: self._touched(k))
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(_(label), box)
            self.boxes[key] = box
            self.edits[key] = edit
            self.errors[key] = error
        self.parent_note = QLabel(
            _(
                "A province reports to the centre, filled in above. If the centre does not "
                "receive your packages through dvdesk, clear both fields."
            )
        )
        self.parent_note.setWordWrap(True)
        form.addRow("", self.parent_note)
        self.touched: set[str] = set()
        self.filling = False  # text put in by the wizard is not the clerk's: no error yet
        self.problems: list[tuple[str, str]] = []
        self._level_changed()

    def _chosen(self) -> OfficeLevel:
        return OfficeLevel(self.level.currentData())

    def has_parent(self) -> bool:
        """The centre is the top: every other office may name the office one level up."""
        return self._chosen() is not OfficeLevel.CENTRAL

    def _level_changed(self) -> None:
        level = self._chosen()
        examples = LEVEL_EXAMPLES.get(level, {})
        for key, _label, example in self.FIELDS:
            shown = examples.get(key, example)
            self.edits[key].setPlaceholderText(_("e.g. {example}").format(example=shown))
        for key in ("parent_name", "parent_code"):
            self.form.setRowVisible(self.boxes[key], self.has_parent())
        self.form.setRowVisible(self.parent_note, level is OfficeLevel.PROVINCE)
        self.filling = True
        try:
            self._prefill(level)
        finally:
            self.filling = False
        self._revalidate()

    def _prefill(self, level: OfficeLevel) -> None:
        """A province's parent is the centre (optional); the centre's code is fixed."""
        centre = {"parent_name": CENTRAL_NAME, "parent_code": CENTRAL_CODE}
        for key, value in centre.items():
            edit = self.edits[key]
            if level is OfficeLevel.PROVINCE and not edit.text().strip():
                edit.setText(value)
            elif level is not OfficeLevel.PROVINCE and edit.text() == value:
                edit.clear()  # the centre is no commune's parent: take back what was filled in
        code = self.edits["code"]
        if level is OfficeLevel.CENTRAL and not code.text().strip():
            code.setText(CENTRAL_CODE)
        elif level is not OfficeLevel.CENTRAL and code.text() == CENTRAL_CODE:
            code.clear()

    def data(self) -> dict[str, Any]:
        values: dict[str, Any] = {"level": self.level.currentData()}
        values |= {key: edit.text() for key, edit in self.edits.items() if edit.text().strip()}
        if not self.has_parent():
            values.pop("parent_name", None)
            values.pop("parent_code", None)
        return values

    def _touched(self, key: str) -> None:
        if not self.filling:
            self.touched.add(key)
        self._revalidate()

    def _revalidate(self) -> None:
        try:
            validate(OfficeInput, self.data())
            self.problems = []
        except ValidationFailed as failure:
            self.problems = failure.problems
        messages: dict[str, str] = {}
        for path, message in self.problems:
            key = path or ("parent_code" if "parent" in message else "")
            messages.setdefault(key, message[:1].upper() + message[1:])
        for key, label in self.errors.items():
            text = messages.get(key) if key in self.touched else None
            label.setText(text or "")
            label.setVisible(bool(text))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return not self.problems


class SummaryPage(QWizardPage):
    """Everything the clerk typed, once more, before the office is created."""

    def __init__(self, office: OfficePage, demo: DemoPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office, self.demo = office, demo
        self.setTitle(_("Check before finishing"))
        self.setSubTitle(_("Go back to correct anything; Finish creates the office."))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        QVBoxLayout(self).addWidget(self.text)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        data = self.office.data()
        lines = [f"{_('Level *').rstrip(' *')}: {self.office.level.currentText()}"]
        for key, label, _example in OfficePage.FIELDS:
            if key in data:
                lines.append(f"{_(label).rstrip(' *')}: {data[key]}")
        if self.demo.demo.isChecked():
            lines.append(self.demo.demo.text())
        wizard = self.wizard()
        admin = wizard.admin_page.admin() if isinstance(wizard, SetupWizard) else None
        if admin is not None:
            lines.append(_("Administrator: {name}").format(name=admin.name))
        self.text.setText("\n".join(lines))


class DemoPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Try it out"))
        layout = QVBoxLayout(self)
        self.demo = QCheckBox(
            _("Add {count} demo records to try dvdesk").format(count=DEMO_RECORDS)
        )
        note = QLabel(
            _(
                "Demo records are marked “demo” in the lists and are never sent to the level "
                "above. Remove them all at once with Record → Remove demo data…"
            )
        )
        note.setWordWrap(True)
        layout.addWidget(self.demo)
        layout.addWidget(note)
        layout.addStretch(1)


class SetupWizard(QWizard):
    """Sets the office up on the database worker; ``office_created`` carries the result."""

    office_created = Signal(object)  # the OfficeView

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(_("Set up dvdesk"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        intro = QWizardPage()
        intro.setTitle(_("Welcome to dvdesk"))
        text = QLabel(
            _(
                "dvdesk keeps your office's inspections, supervisions and dialogue sessions, "
                "follows up recommendations, prints minutes and reports, and sends your data "
                "to the level above on a USB stick. Everything stays on this computer."
            )
        )
        text.setWordWrap(True)
        QVBoxLayout(intro).addWidget(text)
        self.office_page = OfficePage()
        self.demo_page = DemoPage()
        self.admin_page = AdminPage()
        self.summary_page = SummaryPage(self.office_page, self.demo_page)
        pages = (intro, self.office_page, self.demo_page, self.admin_page, self.summary_page)
        for page in pages:
            self.addPage(page)
        fit_to_screen(self, 720, 560)

    def reject(self) -> None:
        """Esc or Hủy closes dvdesk: what was typed about the office is not thrown away
        without asking (No is the default, so a stray Enter keeps it)."""
        typed = bool(self.office_page.touched) or self.admin_page.admin() is not None
        if typed and not ask.confirm(
            self,
            title=_("Quit the set-up?"),
            text=_(
                "The details you typed about your office are not saved yet. Quit the set-up "
                "and close dvdesk? Choose No to go on filling them in."
            ),
        ):
            return
        super().reject()

    def accept(self) -> None:
        data = self.office_page.data()
        demo = self.demo_page.demo.isChecked()
        admin = self.admin_page.admin()
        finish = self.button(QWizard.WizardButton.FinishButton)
        finish.setEnabled(False)
        self.demo_page.setSubTitle(_("Setting up the office…"))

        def failed(error: UserError) -> None:
            finish.setEnabled(True)
            self.demo_page.setSubTitle("")
            show_error(self, error)

        run_in_background(
            lambda: set_up_office(self.store, data=data, demo=demo, admin=admin),
            on_done=self._created,
            on_failed=failed,
        )

    def _created(self, office: OfficeView) -> None:
        self.office_created.emit(office)
        super().accept()


def set_up_office(
    store: Store, *, data: dict[str, Any], demo: bool, admin: FirstAdmin | None = None
) -> OfficeView:
    """The office, the demo records if asked for, and the first administrator, who is
    signed in from then on (runs on the database worker)."""
    if admin is not None:
        check_new_user(name=admin.name, password=admin.password)  # before anything is made
    create_office(store, data=data)
    if demo:
        add_demo_records(store, count=DEMO_RECORDS, seed=1, office_codes=[data["code"]])
    if admin is not None:
        add_user(
            store,
            name=admin.name,
            roles=[Role.ADMIN, Role.HEAD, Role.CLERK],
            password=admin.password,
            full_name=admin.full_name,
        )
    return get_office(store)
