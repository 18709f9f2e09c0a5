"""Crash-safe drafts: what is typed in a form is written to disk within a second.

A draft is a small JSON file in the data folder's ``drafts`` directory, written
atomically (temporary file, fsync, rename) so a power cut leaves either the old
draft or the new one, never half of one. It is removed when the record is
saved or the user discards the changes, and offered back otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dvdesk.clock import now_iso
from dvdesk.fileio import write_atomically
from dvdesk.paths import DataPaths


@dataclass(frozen=True)
class Draft:
    key: str
    record_type: str
    record_id: str | None
    revision: int | None
    state: dict[str, Any]
    saved_at: str
    # Text typed in the notes panel but not yet added (or the new wording of the note
    # being edited, whose id is ``note_editing``): a note is part of what the clerk typed.
    note: str = ""
    note_editing: str | None = None


def draft_dir(paths: DataPaths) -> Path:
    return paths.root / "drafts"


def draft_key(record_type: str, record_id: str | None) -> str:
    return record_id or f"new-{record_type}"


def save_draft(paths: DataPaths, draft: Draft) -> None:
    folder = draft_dir(paths)
    folder.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {
            "key": draft.key,
            "record_type": draft.record_type,
            "record_id": draft.record_id,
            "revision": draft.revision,
            "state": draft.state,
            "saved_at": now_iso(),
            "note": draft.note,
            "note_editing": draft.note_editing,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    write_atomically(folder / f"{draft.key}.json", payload)


def load_draft(paths: DataPaths, key: str) -> Draft | None:
    path = draft_dir(paths) / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Draft(
            key=data["key"],
            record_type=data["record_type"],
            record_id=data["record_id"],
            revision=data["revision"],
            state=data["state"],
            saved_at=data["saved_at"],
            note=str(data.get("note") or ""),  # drafts written before notes were kept
            note_editing=_text_or_none(data.get("note_editing")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def list_drafts(paths: DataPaths) -> list[Draft]:
    folder = draft_dir(paths)
    if not folder.is_dir():
        return []
    found = (load_draft(paths, path.stem) for path in sorted(folder.glob("*.json")))
    return [draft for draft in found if draft is not None]


def delete_draft(paths: DataPaths, key: str) -> None:
    (draft_dir(paths) / f"{key}.json").unlink(missing_ok=True)
