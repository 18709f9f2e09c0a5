"""The form marks a field required exactly when its input model requires it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.domain.inputs import INPUT_MODELS, DialogueIssueInput, RecommendationInput
from dvdesk.domain.validation import required_fields
from dvdesk.services.store import Store
from ui.forms.record_form import RecordForm
from ui.forms.widgets import PartsTable


def _label_of(form: RecordForm, key: str) -> str | None:
    container = form.fields[key].container
    parent = container.parentWidget()
    layout = parent.layout() if parent is not None else None
    if not isinstance(layout, QFormLayout):
        return None  # a parts table, with a heading of its own
    label = layout.labelForField(container)
    return label.text() if isinstance(label, QLabel) else None


@pytest.mark.parametrize("record_type", list(RecordType))
def test_required_marks_follow_the_input_models(
    app: QApplication, store: Store, qtbot: QtBot, record_type: RecordType
) -> None:
    form = RecordForm(store, record_type, None)
    qtbot.addWidget(form)
    required = required_fields(INPUT_MODELS[record_type])
    labelled = {key: _label_of(form, key) for key in form.fields}
    marked = {key for key, text in labelled.items() if text and text.endswith(" *")}
    assert marked == {key for key, text in labelled.items() if text} & required
    assert {"title", "start_date"} <= marked
    for key, model in (("issues", DialogueIssueInput), ("recommendations", RecommendationInput)):
        if key in form.fields:
            table = form.fields[key].widget
            assert isinstance(table, PartsTable)
            columns = {c.key for c in table.columns if c.title.endswith(" *")}
            assert columns == {c.key for c in table.columns} & required_fields(model)
