"""``demo``: a demo office and realistic records, for trying dvdesk and for benchmarks."""

from __future__ import annotations

import argparse
from typing import Any

from dvdesk.cli.session import open_for
from dvdesk.formatting import number
from dvdesk.i18n import _
from dvdesk.services.demo import add_demo_records, ensure_demo_office, remove_demo_records
from dvdesk.services.demo_registers import add_demo_registers
from dvdesk.services.office import get_office
from dvdesk.services.units import add_children, list_units


def _count(value: str) -> int:
    count = int(value)
    if count < 0:
        raise argparse.ArgumentTypeError(_("must be 0 or more"))
    return count


def register(commands: argparse._SubParsersAction[Any]) -> None:
    demo = commands.add_parser(
        "demo", help=_("create a demo office (if none) and add demo records")
    )
    demo.add_argument(
        "--records", type=_count, default=200, help=_("how many records to add (default 200)")
    )
    demo.add_argument(
        "--registers",
        type=_count,
        help=_(
            "how many leadership documents and models to add besides (default: one for every "
            "ten records)"
        ),
    )
    demo.add_argument("--seed", type=int, default=1, help=_("random seed, for the same data again"))
    demo.add_argument(
        "--children",
        type=_count,
        default=0,
        help=_("also make this many subordinate communes and spread the records over them"),
    )
    demo.add_argument(
        "--if-empty", action="store_true", help=_("add records only if the office has none yet")
    )
    demo.add_argument(
        "--remove",
        action="store_true",
        help=_("remove every demo record instead (nothing about it is sent to the level above)"),
    )
    demo.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if args.remove:
        return _remove(args)
    with open_for(args, create=True) as store:
        created = ensure_demo_office(store)
        office = get_office(store)
        codes = [office.code]
        if args.children:
            existing = {unit.code for unit in list_units(store, relation="child")}
            wanted = [(f"{index:05d}", f"Xã Demo {index}") for index in range(1, args.children + 1)]
            add_children(store, units=[u for u in wanted if u[0] not in existing], level="commune")
            codes = [code for code, _name in wanted]
        from dvdesk.services.records import list_records  # noqa: PLC0415

        if args.if_empty and list_records(store, limit=1):
            print(_("The office already has records; nothing added."))
            return 0
        added = add_demo_records(store, count=args.records, seed=args.seed, office_codes=codes)
        registers = args.records // 10 if args.registers is None else args.registers
        add_demo_registers(store, count=registers, seed=args.seed, office_codes=codes)
    if created:
        print(_("Demo office set up: {name}.").format(name=office.current.name))
    print(_("{count} demo record(s) added.").format(count=number(added)))
    return 0


def _remove(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        removed = remove_demo_records(store)
    if removed:
        print(
            _(
                "{count} demo record(s) removed. They had never been sent, so nothing about "
                "the removal is sent to the level above."
            ).format(count=number(removed))
        )
    else:
        print(_("This office has no demo records; nothing was removed."))
    return 0
