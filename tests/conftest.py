"""Shared fixtures: a fresh data folder per test, the CLI as a function, Vietnamese by default."""

from __future__ import annotations

import os

# GUI tests run without a screen; set before anything can create a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.cli.main import main
from dvdesk.i18n import set_language
from dvdesk.paths import ENV_DATA_DIR, DataPaths
from dvdesk.services.office import create_office
from dvdesk.services.store import Store, open_store

pytest_plugins = ["tests.gui_support", "tests.signature_fixtures"]

OFFICE = {
    "level": "commune",
    "code": "10105",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
    "header_name": "Ban Xây dựng Đảng",
    "superior": "Đảng ủy xã Bát Tràng",
    "symbol": "BXDĐ",
    "place": "Bát Tràng",
    "parent_code": "01",
    "parent_name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "office")


@pytest.fixture
def store(paths: DataPaths) -> Iterator[Store]:
    opened = open_store(paths, actor="chuyenvien", create=True)
    create_office(opened, data=dict(OFFICE))
    yield opened
    opened.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CliRunner = Callable[..., Result]


@pytest.fixture
def cli(
    paths: DataPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    """Run ``dvdesk --data-dir <paths> ARGS`` in-process; ``stdin`` feeds ``-`` inputs."""

    def run(*args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = main(["--data-dir", str(paths.root), "--user", "chuyenvien", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def database_digest(paths: DataPaths) -> str:
    """Digest of the database file and its WAL, to prove nothing was written."""
    digest = hashlib.sha256()
    for path in (paths.database, paths.database.with_name(paths.database.name + "-wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def inspection(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại Đảng ủy xã Bát Tràng",
        "start_date": "2024-05-14",
        "end_date": "2024-05-15",
        "place": "Hội trường Đảng ủy xã Bát Tràng",
        "fields": ["Quy chế dân chủ ở cơ sở"],
        "legal_basis": "Quyết định 23-QĐ/TW",
        "subjects": ["Đảng ủy xã Bát Tràng", "UBND xã Bát Tràng"],
        "lead": "Nguyễn Doãn Toản",
        "members": ["Trần Thị Mai", "Lê Văn Hùng"],
        "recommendations": [
            {
                "content": "Đề nghị công khai danh sách hộ nghèo",
                "addressee": "UBND xã Bát Tràng",
                "deadline": "2024-07-15",
            }
        ],
        "conclusion": "Thực hiện tốt Quy chế dân chủ ở cơ sở.",
    }
    data.update(overrides)
    return data


def dialogue(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân về giải phóng mặt bằng",
        "start_date": "2025-09-10",
        "place": "Nhà văn hóa thôn Giang Cao",
        "chair": "Bùi Thị Minh Hoài",
        "chair_post": "Bí thư Đảng ủy xã",
        "attendees": 152,
        "issues": [
            {
                "content": "Đề nghị sớm chi trả tiền bồi thường",
                "kind": "kien_nghi",
                "raised_by": "Ông Phạm Văn Nam",
                "answer": "Sẽ chi trả trong tháng 10",
            },
            {
                "content": "Tố cáo cán bộ địa chính sách nhiễu",
                "kind": "to_cao",
                "raised_by": "Một công dân",
                "assignee": "UBND xã",
                "deadline": "2025-09-24",
            },
        ],
    }
    data.update(overrides)
    return data
