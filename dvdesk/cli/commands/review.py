"""``review list|accept|return`` at the level above, and ``record withdraw`` below."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from dvdesk.cli.io import print_listing
from dvdesk.cli.session import open_for
from dvdesk.errors import UserError
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.services.approval import withdraw_record
from dvdesk.services.review import ReviewItem, accept_records, return_record, review_items


def register(commands: argparse._SubParsersAction[Any]) -> None:
    review = commands.add_parser(
        "review", help=_("review the records the offices below sent: accept or return")
    )
    actions = review.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("received records and where each stands"))
    listing.add_argument("--office", metavar=_("CODE"), help=_("only this office's records"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)
    accept = actions.add_parser("accept", help=_("accept received records as they are"))
    accept.add_argument("ids", nargs="+", metavar="ID", help=_("the records' ids"))
    accept.set_defaults(run=run_accept)
    back = actions.add_parser(
        "return", help=_("send a record back for correction, with the next receipt")
    )
    back.add_argument("id", help=_("the record's id"))
    back.add_argument("--reason", required=True, help=_("what the office must correct"))
    back.add_argument(
        "--deadline", required=True, metavar="YYYY-MM-DD", help=_("when it is due back")
    )
    back.set_defaults(run=run_return)


def register_withdraw(actions: argparse._SubParsersAction[Any]) -> None:
    """``record withdraw``: added to the ``record`` group by records.py."""
    withdraw = actions.add_parser(
        "withdraw", help=_("withdraw a record already sent (it leaves the totals above)")
    )
    withdraw.add_argument("id", help=_("the record's id"))
    withdraw.add_argument("--reason", required=True, help=_("why it is withdrawn"))
    withdraw.set_defaults(run=run_withdraw)


def run_list(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        items = review_items(store, office=args.office)
    return print_listing(
        items,
        as_json=args.json,
        json_of=ReviewItem.as_json,
        line=_item_line,
        total=_("{count} record(s)"),
    )


def _item_line(item: ReviewItem) -> str:
    extra = ""
    if item.reason:
        extra = f": {item.reason}"
    if item.deadline:
        extra += " " + _("(due {date})").format(date=short_date(item.deadline))
    unapproved = f" [{_('not approved by the office')}]" if not item.approved else ""
    return (
        f"{item.office_code:<6} [{item.state.label}]{unapproved} {item.title} "
        f"({item.record_id}){extra}"
    )


def run_accept(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        count = accept_records(store, record_ids=args.ids)
    print(_("{count} record(s) accepted.").format(count=number(count)))
    return 0


def run_return(args: argparse.Namespace) -> int:
    try:
        deadline = date.fromisoformat(args.deadline)
    except ValueError:
        raise UserError(
            _("The deadline {value} is not a date: write it as YYYY-MM-DD.").format(
                value=args.deadline
            )
        ) from None
    with open_for(args) as store:
        return_record(store, record_id=args.id, reason=args.reason, deadline=deadline)
    print(_("The record will be sent back with the next receipt to its office."))
    return 0


def run_withdraw(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        withdraw_record(store, record_id=args.id, reason=args.reason)
    print(
        _("Record {id} was withdrawn; the next package tells the level above.").format(id=args.id)
    )
    return 0
