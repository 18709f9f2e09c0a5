"""First run: set up the office (and offer demo data) before the main window opens."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
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
from dvdesk.domain.validation import validate
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.formatting import sentence
from dvdesk.i18n import N_, _
from dvdesk.services.demo import add_demo_records
from dvdesk.services.office import OfficeInput, create_office
from dvdesk.services.office_view import OfficeView, get_office
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.worker import run_in_background

DEMO_RECORDS = 200


class OfficePage(QWizardPage):
    """Who the office is; Next stays disabled until every field is valid."""

    FIELDS = (
        ("name", N_("Full name of the office *"), "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
        ("header_name", N_("Issuing body as printed in document headers"), "Ban Xây dựng Đảng"),
        ("superior", N_("Superior body"), "Đảng ủy xã Bát Tràng"),
        ("code", N_("Administrative unit code *"), "10105"),
        ("symbol", N_("Document symbol *"), "BXDĐ"),
        ("place", N_("Place name on the date line *"), "Bát Tràng"),
        ("parent_code", N_("Code of the office one level up"), "01"),
        (
            "parent_name",
            N_("Name of the office one level up"),
            "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        ),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Your office"))
        self.setSubTitle(
            _("These details appear on minutes and reports. You can change them later.")
        )
        form = QFormLayout(self)
        self.level = QComboBox()
        for level in OfficeLevel:
            self.level.addItem(sentence(level.label), level.value)
        self.level.setCurrentIndex(self.level.findData(OfficeLevel.COMMUNE.value))
        self.level.currentIndexChanged.connect(lambda _i: self._revalidate())
        form.addRow(_("Level *"), self.level)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, example in self.FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(_("e.g. {example}").format(example=example))
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
            self.edits[key] = edit
            self.errors[key] = error
        self.touched: set[str] = set()
        self.problems: list[tuple[str, str]] = []
        self._revalidate()

    def data(self) -> dict[str, Any]:
        values: dict[str, Any] = {"level": self.level.currentData()}
        values |= {key: edit.text() for key, edit in self.edits.items() if edit.text().strip()}
        return values

    def _touched(self, key: str) -> None:
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


class DemoPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Try it out"))
        layout = QVBoxLayout(self)
        self.demo = QCheckBox(
            _("Add {count} demo records to try dvdesk (you can delete them later)").format(
                count=DEMO_RECORDS
            )
        )
        layout.addWidget(self.demo)
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
        for page in (intro, self.office_page, self.demo_page):
            self.addPage(page)
        self.resize(720, 560)

    def accept(self) -> None:
        data = self.office_page.data()
        demo = self.demo_page.demo.isChecked()
        finish = self.button(QWizard.WizardButton.FinishButton)
        finish.setEnabled(False)
        self.demo_page.setSubTitle(_("Setting up the office…"))

        def failed(error: UserError) -> None:
            finish.setEnabled(True)
            self.demo_page.setSubTitle("")
            show_error(self, error)

        run_in_background(
            lambda: set_up_office(self.store, data=data, demo=demo),
            on_done=self._created,
            on_failed=failed,
        )

    def _created(self, office: OfficeView) -> None:
        self.office_created.emit(office)
        super().accept()


def set_up_office(store: Store, *, data: dict[str, Any], demo: bool) -> OfficeView:
    """The office, and the demo records if asked for (runs on the database worker)."""
    create_office(store, data=data)
    if demo:
        add_demo_records(store, count=DEMO_RECORDS, seed=1, office_codes=[data["code"]])
    return get_office(store)
