"""``audit list|verify``: who did what, and whether the history was edited by hand."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dvdesk.cli.io import print_listing
from dvdesk.cli.session import open_for
from dvdesk.errors import UserError
from dvdesk.formatting import number
from dvdesk.i18n import _
from dvdesk.services.audit_chain import AuditLine, audit_lines, verify_chain
from dvdesk.sync.history import history_findings


class HistoryBroken(UserError):
    exit_code = 4


def register(commands: argparse._SubParsersAction[Any]) -> None:
    audit = commands.add_parser("audit", help=_("show or check the history of changes"))
    actions = audit.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("who did what, newest first"))
    listing.add_argument("--record", metavar="ID", help=_("only the history of this record"))
    listing.add_argument("--limit", type=int, default=200, help=_("at most this many entries"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)
    verify = actions.add_parser(
        "verify", help=_("check that no entry of the history was changed or removed")
    )
    verify.set_defaults(run=run_verify)


def run_list(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        lines = audit_lines(store, record_id=args.record, limit=args.limit)
    return print_listing(lines, as_json=args.json, json_of=AuditLine.as_json, line=_line)


def _line(line: AuditLine) -> str:
    target = f"{line.entity} {line.entity_id or ''}".strip()
    return f"{line.at}  {line.actor:<16} {line.action:<10} {target}"


def run_verify(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        result = verify_chain(store)
        received = history_findings(store)
    for found in received:
        sys.stderr.write(
            _("Package {sequence} of {office}: {problem}").format(
                sequence=found.sequence, office=found.origin, problem=found.message
            )
            + "\n"
        )
    if not result.intact:
        raise HistoryBroken(
            _(
                "The history was changed by hand from entry {id} on (an entry was edited, "
                "removed or inserted outside dvdesk). Keep this computer as it is and tell "
                "the level above and your administrator."
            ).format(id=result.broken_at)
        )
    print(
        _("The history is intact: {count} entries, last fingerprint {head}.").format(
            count=number(result.head.count), head=result.head.head[:16]
        )
    )
    return HistoryBroken.exit_code if received else 0
