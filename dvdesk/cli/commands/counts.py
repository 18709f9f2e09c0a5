"""``count set|list|delete|figures``: figures entered as numbers, without items."""

from __future__ import annotations

import argparse
from typing import Any

from dvdesk.cli.io import print_listing
from dvdesk.cli.session import open_for
from dvdesk.domain.counts import FIGURES, figure_label
from dvdesk.domain.validation import failed
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.services.counts import CountRow, delete_count, list_counts, set_counts


def register(commands: argparse._SubParsersAction[Any]) -> None:
    count = commands.add_parser(
        "count", help=_("enter figures of a unit and period without items (aggregate counts)")
    )
    actions = count.add_subparsers(dest="action", required=True, metavar=_("ACTION"))

    setter = actions.add_parser(
        "set", help=_("set figures of a unit for a period: FIGURE=NUMBER …")
    )
    setter.add_argument("--unit", required=True, metavar=_("CODE"), help=_("the unit's code"))
    setter.add_argument("--from", dest="start", required=True, metavar=_("DATE"))
    setter.add_argument("--to", dest="end", required=True, metavar=_("DATE"))
    setter.add_argument(
        "--figures-only",
        action="store_true",
        help=_("the unit reports only figures: they replace its items in the period"),
    )
    setter.add_argument("--note", metavar=_("TEXT"), help=_("where the figures come from"))
    setter.add_argument("values", nargs="+", metavar="FIGURE=NUMBER")
    setter.set_defaults(run=run_set)

    listing = actions.add_parser("list", help=_("list the counts entered"))
    listing.add_argument("--unit", metavar=_("CODE"), help=_("only this unit"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    remove = actions.add_parser("delete", help=_("delete a count (it is kept as a tombstone)"))
    remove.add_argument("id", help=_("the count's id"))
    remove.set_defaults(run=run_delete)

    names = actions.add_parser("figures", help=_("list the figures that can be counted"))
    names.set_defaults(run=run_figures)


def _values(pairs: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    problems = []
    for pair in pairs:
        name, sign, value = pair.partition("=")
        if not sign or not value.strip().isdigit():
            problems.append((pair, _("write FIGURE=NUMBER, e.g. directive.nghi_quyet=440")))
            continue
        values[name.strip()] = int(value.strip())
    if problems:
        raise failed(problems)
    return values


def run_set(args: argparse.Namespace) -> int:
    data = {
        "unit_code": args.unit,
        "period_start": args.start,
        "period_end": args.end,
        "figures": _values(args.values),
        "figures_only": args.figures_only,
        "note": args.note,
    }
    with open_for(args) as store:
        rows = set_counts(store, data=data)
    print(_("Saved {count} figure(s).").format(count=number(len(rows))))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        rows = list_counts(store, unit_code=args.unit)
    return print_listing(
        rows,
        as_json=args.json,
        json_of=CountRow.as_json,
        line=_count_line,
        total=_("{count} count(s)"),
    )


def _count_line(row: CountRow) -> str:
    only = f"  [{_('figures only')}]" if row.figures_only else ""
    return (
        f"{row.unit_code}  {short_date(row.period_start)}–{short_date(row.period_end)}  "
        f"{figure_label(row.figure)}: {number(row.value)}{only}  {row.id}"
    )


def run_delete(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        delete_count(store, count_id=args.id)
    print(_("Deleted."))
    return 0


def run_figures(_args: argparse.Namespace) -> int:
    for figure in FIGURES:
        print(f"{figure:<48} {figure_label(figure)}")
    return 0
