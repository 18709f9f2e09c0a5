"""``request set|write|import|list|status``: the reports the level above expects."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from dvdesk.cli.commands.sync import _passphrase, _passphrase_argument
from dvdesk.cli.io import print_listing
from dvdesk.cli.session import open_for
from dvdesk.errors import UserError
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.requests import (
    ExpectedReport,
    ReportingStatus,
    expected_reports,
    import_request_file,
    reporting_status,
    set_request,
    write_request_file,
)


def register(commands: argparse._SubParsersAction[Any]) -> None:
    request = commands.add_parser(
        "request", help=_("reports the level above expects: period, deadline, note")
    )
    actions = request.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    put = actions.add_parser("set", help=_("ask the offices below for a report"))
    put.add_argument("--period", required=True, help=_("the period, e.g. 2026-Q4 or 2026"))
    put.add_argument("--deadline", required=True, metavar="YYYY-MM-DD", help=_("due date"))
    put.add_argument("--note", default="", help=_("guidance for the offices"))
    put.add_argument(
        "--to", action="append", default=[], metavar=_("CODE"), help=_("only this office")
    )
    put.set_defaults(run=run_set)
    write = actions.add_parser(
        "write", help=_("write a signed request file for an office that sent nothing yet")
    )
    write.add_argument("--to", required=True, metavar=_("CODE"), help=_("the office's code"))
    write.add_argument("--out", required=True, metavar=_("PATH"), help=_("file, or a folder"))
    _passphrase_argument(write)
    write.set_defaults(run=run_write)
    take = actions.add_parser("import", help=_("import a request file from the level above"))
    take.add_argument("file", help=_("the request file"))
    take.set_defaults(run=run_import)
    listing = actions.add_parser("list", help=_("the reports the level above expects from us"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)
    status = actions.add_parser("status", help=_("which offices have not reported yet"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(run=run_status)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(
            _("The deadline {value} is not a date: write it as YYYY-MM-DD.").format(value=value)
        ) from None


def expected_line(item: ExpectedReport) -> str:
    """ "Báo cáo … hạn nộp ngày …" with the days left (or how late it is)."""
    line = _("Report {period} due on {date}").format(
        period=item.period, date=short_date(item.deadline)
    )
    if item.days_left >= 0:
        line += " " + _("({days} days left)").format(days=item.days_left)
    else:
        line += " " + _("({days} days late)").format(days=-item.days_left)
    return line + (f": {item.note}" if item.note else "")


def run_set(args: argparse.Namespace) -> int:
    deadline = _date(args.deadline)
    with open_for(args) as store:
        offices = set_request(
            store, period=args.period, deadline=deadline, note=args.note, offices=args.to
        )
    print(
        _("Requested from {offices}; it travels with the next receipt to each office.").format(
            offices=", ".join(offices)
        )
    )
    return 0


def run_write(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args)
    with open_for(args) as store:
        path = write_request_file(store, to=args.to, out=Path(args.out), passphrase=passphrase)
    print(_("Request written to {file}.").format(file=path))
    return 0


def run_import(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        import_request_file(store, path=Path(args.file))
        items = expected_reports(store)
    for item in items:
        print(expected_line(item))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        items = expected_reports(store)
    return print_listing(
        items,
        as_json=args.json,
        json_of=ExpectedReport.as_json,
        line=expected_line,
        empty=_("The level above has not asked for a report yet."),
    )


def run_status(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        rows = reporting_status(store)
    return print_listing(
        rows, as_json=args.json, json_of=ReportingStatus.as_json, line=_status_line
    )


def _status_line(row: ReportingStatus) -> str:
    if row.reported_at:
        state = _("reported")
    elif row.overdue:
        state = _("NOT REPORTED, {days} days late").format(days=-row.days_left)
    else:
        state = _("not yet, {days} days left").format(days=row.days_left)
    return f"{row.office_code:<6} {row.period:<10} {short_date(row.deadline)}  {state}"
