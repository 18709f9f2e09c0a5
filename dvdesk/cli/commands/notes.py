"""``record note|notes|note-edit|note-delete``: this office's notes on a record."""

from __future__ import annotations

import argparse
from typing import Any

from dvdesk.cli.io import print_json
from dvdesk.cli.session import open_for
from dvdesk.formatting import local_time, number
from dvdesk.i18n import _
from dvdesk.services.notes import add_note, delete_note, edit_note, list_notes


def register_notes(actions: argparse._SubParsersAction[Any]) -> None:
    """Added to the ``record`` group by records.py."""
    note = actions.add_parser(
        "note",
        help=_("add this office's note to a record (also to another office's record)"),
    )
    note.add_argument("id", help=_("the record's id"))
    note.add_argument("--text", required=True, help=_("what the note says"))
    note.set_defaults(run=run_note)

    notes = actions.add_parser("notes", help=_("list this office's notes on a record"))
    notes.add_argument("id", help=_("the record's id"))
    notes.add_argument("--json", action="store_true", help=_("print JSON"))
    notes.set_defaults(run=run_notes)

    edit = actions.add_parser("note-edit", help=_("change the text of a note you wrote"))
    edit.add_argument("note", metavar="NOTE", help=_("the note's id ('record notes' shows it)"))
    edit.add_argument("--text", required=True, help=_("what the note says"))
    edit.set_defaults(run=run_note_edit)

    remove = actions.add_parser("note-delete", help=_("delete a note you wrote"))
    remove.add_argument("note", metavar="NOTE", help=_("the note's id ('record notes' shows it)"))
    remove.set_defaults(run=run_note_delete)


def run_note(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        note = add_note(store, record_id=args.id, text=args.text)
    print(
        _("Note {id} added. It stays in this office and is not sent in packages.").format(
            id=note.id
        )
    )
    return 0


def run_notes(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        notes = list_notes(store, record_id=args.id)
    if args.json:
        print_json([note.as_json() for note in notes])
        return 0
    for note in notes:
        edited = f" ({_('edited')})" if note.updated_at else ""
        print(f"{local_time(note.created_at)}  {note.author}{edited}  [{note.id}]")
        for line in note.text.splitlines():
            print(f"    {line}")
    print(_("{count} note(s)").format(count=number(len(notes))))
    return 0


def run_note_edit(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        edit_note(store, note_id=args.note, text=args.text)
    print(_("Note {id} changed.").format(id=args.note))
    return 0


def run_note_delete(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        delete_note(store, note_id=args.note)
    print(_("Note {id} deleted.").format(id=args.note))
    return 0
