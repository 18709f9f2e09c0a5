"""docs/make_screenshots.py keeps working: a few shots are taken at full 1366×768 size,
and the navigation column shows its longest entry whole (seen in the screenshots)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.store import Store
from ui.forms.record_form import RecordForm
from ui.main_window import MainWindow

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "make_screenshots.py"
# One of each kind: a wizard page alone, a main-window page, a form over the window,
# a modal question caught while open.
SHOTS = ("01-wizard-welcome", "10-main-inspections", "30-form-inspection-new", "63-enrol")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    env["HOME"] = str(cwd / "home")  # the app's settings of this run stay in tmp
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_shot_table_names_each_shot_once_with_a_caption(tmp_path: Path) -> None:
    listed = _run("--list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    names = [name for name, _caption in rows]
    assert len(names) == len(set(names)) > 40
    assert all(caption.endswith(".") for _name, caption in rows)


@pytest.mark.slow
def test_screenshots_are_whole_office_screens(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    gallery = tmp_path / "screens.md"
    result = _run(str(out), "--only", ",".join(SHOTS), "--gallery", str(gallery), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.png"))
    assert [f.name.split("-")[0] for f in files] == ["01", "10", "30", "63"]
    for file in files:
        image = QImage(str(file))
        assert (image.width(), image.height()) == (1366, 768), file.name
    text = gallery.read_text(encoding="utf-8")
    assert all(f"shots/{f.name}" in text for f in files)


def test_an_unknown_shot_name_is_refused(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "none"), "--only", "no-such-shot", cwd=tmp_path)
    assert result.returncode == 2
    assert "no-such-shot" in result.stderr


def test_the_navigation_shows_every_entry_whole(window: MainWindow) -> None:
    nav = window.nav
    widest = nav.sizeHintForColumn(0)
    assert nav.viewport().width() >= widest
    assert not nav.horizontalScrollBar().isVisible()
    texts = [item.text() for row in range(nav.count()) if (item := nav.item(row)) is not None]
    assert any("Dân vận khéo" in text for text in texts)


@pytest.mark.parametrize("record_type", [RecordType.DIRECTIVE, RecordType.MODEL])
def test_a_required_field_is_marked_once(
    app: QApplication, store: Store, qtbot: QtBot, record_type: RecordType
) -> None:
    # Seen in the screenshots: "Số, ký hiệu * *" (the label had its mark, the form added one).
    form = RecordForm(store, record_type)
    qtbot.addWidget(form)
    labels = [label.text() for label in form.findChildren(QLabel)]
    assert any(text.endswith(" *") for text in labels)
    assert not [text for text in labels if text.endswith("* *")]
