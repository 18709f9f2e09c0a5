"""``backup list|create|restore|check``: the database's rotating backups."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dvdesk.cli.io import print_listing
from dvdesk.errors import StorageError
from dvdesk.formatting import local_time, number
from dvdesk.i18n import _
from dvdesk.services.backup import (
    BackupInfo,
    damaged_message,
    integrity_problems,
    list_backups,
    make_backup,
    reason_label,
    restore_backup,
)
from dvdesk.services.stick_backup import backup_to_folder, stick_backup_message
from dvdesk.services.stick_restore import restore_from_file


def register(commands: argparse._SubParsersAction[Any]) -> None:
    backup = commands.add_parser("backup", help=_("list, make or restore database backups"))
    actions = backup.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("list the backups, newest first"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)
    create = actions.add_parser("create", help=_("back up the database now"))
    create.add_argument(
        "--to",
        metavar=_("FOLDER"),
        type=Path,
        help=_("write the backup into this folder (a USB stick) instead of the data folder"),
    )
    create.set_defaults(run=run_create)
    restore = actions.add_parser(
        "restore", help=_("put a backup back (the current database is backed up first)")
    )
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "name",
        nargs="?",
        metavar=_("NAME"),
        help=_("the backup's file name, as 'backup list' shows it"),
    )
    which.add_argument(
        "--from",
        dest="file",
        metavar=_("FILE"),
        type=Path,
        help=_("a backup file on a USB stick (made by 'backup create --to')"),
    )
    restore.set_defaults(run=run_restore)
    check = actions.add_parser("check", help=_("check the database file for damage"))
    check.add_argument(
        "--full", action="store_true", help=_("the slower, complete check (indexes too)")
    )
    check.set_defaults(run=run_check)


def _as_json(backup: BackupInfo) -> dict[str, object]:
    return {
        "name": backup.name,
        "taken_at": backup.taken_at.isoformat(),
        "reason": backup.reason,
        "size": backup.size,
        "records": backup.records,
    }


def _line(backup: BackupInfo) -> str:
    records = "?" if backup.records is None else number(backup.records)
    return _("{name}  {time}  {reason}  {size} KB  {records} records").format(
        name=backup.name,
        time=local_time(backup.taken_at.isoformat()),
        reason=reason_label(backup.reason),
        size=number(max(1, backup.size // 1024)),
        records=records,
    )


def run_list(args: argparse.Namespace) -> int:
    backups = list_backups(args.paths)
    return print_listing(
        backups,
        as_json=args.json,
        json_of=_as_json,
        line=_line,
        empty=_("No backups yet in {folder}.").format(folder=args.paths.backups),
    )


def run_create(args: argparse.Namespace) -> int:
    if args.to is not None:
        made = backup_to_folder(args.paths, folder=args.to)
        print(stick_backup_message(made))
        return 0
    backup = make_backup(args.paths)
    print(_("Backup made: {line}").format(line=_line(backup)))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    if args.file is not None:
        result = restore_from_file(args.paths, file=args.file)
    else:
        result = restore_backup(args.paths, name=args.name)
    print(_("Restored {name}.").format(name=result.restored.name))
    if result.saved_current is not None:
        print(
            _("The database as it was before is kept as {file}.").format(
                file=result.saved_current.name
            )
        )
    return 0


def run_check(args: argparse.Namespace) -> int:
    if not args.paths.database.is_file():
        raise StorageError(_("No office is set up in {folder}.").format(folder=args.paths.root))
    problems = integrity_problems(args.paths.database, full=args.full)
    if problems:
        raise StorageError(damaged_message(args.paths.database))
    print(_("The database is sound."))
    return 0
