"""``record add|list|show|update|delete|attach`` (notes: see notes.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dvdesk.cli.commands.notes import register_notes
from dvdesk.cli.commands.review import register_withdraw
from dvdesk.cli.io import print_json, read_json
from dvdesk.cli.session import open_for
from dvdesk.domain.enums import RecordStatus, RecordType
from dvdesk.domain.people import ApprovalStatus
from dvdesk.errors import UserError
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason
from dvdesk.services.approval import Approval, approvals, approve_records, submit_record
from dvdesk.services.attachments import add_attachment
from dvdesk.services.records import (
    add_record,
    delete_record,
    get_record,
    list_records,
    parse_record_type,
    update_record,
)
from dvdesk.services.store import Store

TYPES = [t.value for t in RecordType]


def register(commands: argparse._SubParsersAction[Any]) -> None:
    record = commands.add_parser("record", help=_("add, list, show, change or delete records"))
    actions = record.add_subparsers(dest="action", required=True, metavar=_("ACTION"))

    add = actions.add_parser("add", help=_("add a record from a JSON file (see docs/records.md)"))
    add.add_argument("type", choices=TYPES, help=_("kind of record"))
    add.add_argument(
        "--json", required=True, metavar=_("FILE"), help=_("JSON file, or - for standard input")
    )
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help=_("list records, newest first"))
    listing.add_argument("--type", choices=TYPES, help=_("only this kind of record"))
    listing.add_argument(
        "--search", metavar=_("TEXT"), help=_("words to look for (accents and case ignored)")
    )
    listing.add_argument(
        "--sort", choices=("date", "title"), default="date", help=_("order of the list")
    )
    listing.add_argument("--deleted", action="store_true", help=_("include deleted records"))
    listing.add_argument("--limit", type=int, help=_("at most this many records"))
    listing.add_argument(
        "--status",
        choices=[status.value for status in ApprovalStatus],
        help=_("only records at this stage of approval"),
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    submit = actions.add_parser("submit", help=_("hand a record to the head for approval"))
    submit.add_argument("id", help=_("the record's id"))
    submit.set_defaults(run=run_submit)

    approve = actions.add_parser(
        "approve", help=_("approve records (head): only approved records are sent up")
    )
    approve.add_argument("ids", nargs="+", metavar="ID", help=_("the records' ids"))
    approve.set_defaults(run=run_approve)
    register_withdraw(actions)
    register_notes(actions)

    show = actions.add_parser("show", help=_("show every field of a record"))
    show.add_argument("id", help=_("the record's id"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)

    update = actions.add_parser(
        "update", help=_("change a record: the keys given replace the stored ones")
    )
    update.add_argument("id", help=_("the record's id"))
    update.add_argument(
        "--json", required=True, metavar=_("FILE"), help=_("JSON file, or - for standard input")
    )
    update.set_defaults(run=run_update)

    remove = actions.add_parser("delete", help=_("delete a record (it is kept as a tombstone)"))
    remove.add_argument("id", help=_("the record's id"))
    remove.set_defaults(run=run_delete)

    bulk = actions.add_parser(
        "import", help=_("add many records from an .xlsx, .csv or .jsonl file (all or nothing)")
    )
    bulk.add_argument("file", help=_("the file to import"))
    bulk.add_argument("--type", required=True, choices=TYPES, help=_("kind of record"))
    bulk.add_argument(
        "--dry-run", action="store_true", help=_("check the file and show what would be added")
    )
    bulk.add_argument("--json", action="store_true", help=_("print JSON"))
    bulk.set_defaults(run=run_import)

    template = actions.add_parser(
        "template", help=_("write an .xlsx template with Vietnamese headers for importing")
    )
    template.add_argument("type", choices=TYPES, help=_("kind of record"))
    template.add_argument("--out", required=True, metavar=_("FILE"), help=_("the .xlsx to write"))
    template.set_defaults(run=run_template)

    attach = actions.add_parser("attach", help=_("attach a scan or photo to a record"))
    attach.add_argument("id", help=_("the record's id"))
    attach.add_argument("file", help=_("the file to attach"))
    attach.set_defaults(run=run_attach)


def run_submit(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        submit_record(store, record_id=args.id)
    print(_("Record {id} was submitted for approval.").format(id=args.id))
    return 0


def run_approve(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        approved = approve_records(store, record_ids=args.ids)
    print(_("{count} record(s) approved.").format(count=number(len(approved))))
    return 0


def _with_store(args: argparse.Namespace) -> Store:
    return open_for(args)


def run_add(args: argparse.Namespace) -> int:
    record_type = parse_record_type(args.type)
    data = read_json(args.json)  # read before opening: a bad file touches nothing
    with _with_store(args) as store:
        record_id = add_record(store, record_type=record_type, data=data)
    print(record_id)
    return 0


def run_update(args: argparse.Namespace) -> int:
    data = read_json(args.json)
    with _with_store(args) as store:
        revision = update_record(store, record_id=args.id, changes=data)
    print(_("Saved; revision {revision}.").format(revision=revision))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        delete_record(store, record_id=args.id)
    print(_("Deleted. The record is kept as a tombstone so the deletion reaches the level above."))
    return 0


def run_attach(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        attachment = add_attachment(store, record_id=args.id, source=Path(args.file))
    print(attachment.id)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from dvdesk.bulk.importer import import_file  # noqa: PLC0415 - loads openpyxl

    with _with_store(args) as store:
        report = import_file(
            store,
            path=Path(args.file),
            record_type=parse_record_type(args.type),
            dry_run=args.dry_run,
        )
    if args.json:
        print_json(report.as_json())
        return 0
    for line in report.summary():
        print(line)
    return 0


def run_template(args: argparse.Namespace) -> int:
    from dvdesk.bulk.template import write_template  # noqa: PLC0415 - loads openpyxl

    target = Path(args.out)
    try:
        write_template(parse_record_type(args.type), target=target)
    except OSError as error:
        raise UserError(
            _("Cannot write {file}: {reason}. Choose another folder.").format(
                file=target, reason=os_reason(error)
            )
        ) from None
    print(_("Template written to {file}.").format(file=target))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        record = get_record(store, record_id=args.id).as_json()
    if args.json:
        print_json(record)
        return 0
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            print(f"{key}:")
            for item in value:
                print(
                    "  - " + "; ".join(f"{k}: {v}" for k, v in item.items() if v not in (None, ""))
                )
        elif value not in (None, "", []):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            print(f"{key}: {shown}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _with_store(args) as store:
        records = list_records(
            store,
            record_type=RecordType(args.type) if args.type else None,
            search=args.search,
            include_deleted=args.deleted,
            order=args.sort,
            limit=args.limit,
        )
        stages = approvals(store)
    default = Approval("", ApprovalStatus.APPROVED, None, None, None)
    if args.status:
        records = [r for r in records if stages.get(r.id, default).status.value == args.status]
    if args.json:
        print_json(
            [
                record.as_json() | {"approval": stages.get(record.id, default).as_json()}
                for record in records
            ]
        )
        return 0
    for record in records:
        stage = stages.get(record.id, default).status
        status = RecordStatus(record.status).label + ", " + stage.label
        deleted = f" [{_('deleted')}]" if record.deleted else ""
        print(
            f"{short_date(record.start_date)}  {record.type.label:<14} {record.title}"
            f"  ({status}){deleted}  {record.id}"
        )
    print(_("{count} record(s)").format(count=number(len(records))))
    return 0
