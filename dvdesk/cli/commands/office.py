"""``init`` and ``office``: set up the office and keep its profile."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dvdesk.cli.commands.sync import passphrase_argument, read_passphrase
from dvdesk.cli.io import print_json
from dvdesk.cli.session import ENV_PASSWORD, open_for, read_secret
from dvdesk.domain.enums import OfficeLevel
from dvdesk.domain.people import Role
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.office import (
    OfficeView,
    add_profile,
    create_office,
    get_office,
    set_parent,
)
from dvdesk.services.users import add_user, check_new_user
from dvdesk.sync import keys
from dvdesk.sync.card_advice import move_advice, parent_advice
from dvdesk.sync.move import move_to_parent


def register(commands: argparse._SubParsersAction[Any]) -> None:
    init = commands.add_parser("init", help=_("set up this installation's office"))
    init.add_argument(
        "--level",
        required=True,
        choices=[level.value for level in OfficeLevel],
        help=_("level of the office"),
    )
    init.add_argument(
        "--code",
        required=True,
        help=_(
            "administrative unit code (2 digits for a province, 5 for a commune, 00 for the centre)"
        ),
    )
    init.add_argument(
        "--code-list", help=_("version of the official unit list the code comes from")
    )
    _profile_arguments(init)
    init.add_argument("--parent-code", help=_("code of the office one level up"))
    init.add_argument("--parent-name", help=_("name of the office one level up"))
    init.add_argument(
        "--admin",
        metavar=_("NAME"),
        help=_(
            "create the first administrator (password in DVDESK_PASSWORD); sign-in is "
            "required from then on"
        ),
    )
    init.set_defaults(run=run_init)

    office = commands.add_parser("office", help=_("show or change the office profile"))
    actions = office.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    show = actions.add_parser("show", help=_("show the office and its profile history"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)
    profile = actions.add_parser(
        "rename", help=_("record a new name, symbol or place from a date on (e.g. after a merger)")
    )
    _profile_arguments(profile)
    profile.add_argument(
        "--valid-from",
        required=True,
        metavar="YYYY-MM-DD",
        help=_("first day the new profile applies"),
    )
    profile.set_defaults(run=run_rename)
    parent = actions.add_parser(
        "set-parent",
        help=_(
            "name the office one level up, which receives this office's packages; after "
            "packages were sent, --move moves the office to a new office above"
        ),
    )
    parent.add_argument(
        "--code", required=True, help=_("code of the office one level up (00 for the centre)")
    )
    parent.add_argument("--name", required=True, help=_("name of the office one level up"))
    parent.add_argument(
        "--move",
        action="store_true",
        help=_(
            "the office already sent packages and now reports to another office: make a new "
            "key card naming it (the key passphrase is needed)"
        ),
    )
    parent.add_argument(
        "--card-out",
        metavar=_("PATH"),
        type=Path,
        help=_("with --move: write the new key card to this file or folder"),
    )
    passphrase_argument(parent)
    parent.set_defaults(run=run_set_parent)


def _profile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help=_("full name of the office"))
    parser.add_argument(
        "--header-name",
        help=_("the issuing-body line of document headers (default: the full name)"),
    )
    parser.add_argument(
        "--symbol", required=True, help=_("symbol for document numbers, e.g. BDVHU")
    )
    parser.add_argument(
        "--place", required=True, help=_("place name for the date line, e.g. Gia Lâm")
    )
    parser.add_argument("--superior", help=_("name of the superior body on document headers"))


def _profile_data(args: argparse.Namespace) -> dict[str, object]:
    data: dict[str, object] = {"name": args.name, "symbol": args.symbol, "place": args.place}
    for key in ("header_name", "superior"):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    return data


def run_init(args: argparse.Namespace) -> int:
    data = _profile_data(args) | {"level": args.level, "code": args.code}
    for key in ("code_list", "parent_code", "parent_name"):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    password = (
        read_secret(file=args.password_file, env=ENV_PASSWORD, prompt=_("Password: "))
        if args.admin
        else None
    )
    if args.admin and password is not None:
        check_new_user(name=args.admin, password=password)
    with open_for(args, create=True) as store:
        office = create_office(store, data=data)
        if args.admin and password is not None:
            add_user(store, name=args.admin, roles=[Role.ADMIN], password=password)
    print(
        _("Office set up: {name} ({code}). Data folder: {folder}").format(
            name=office.current.name, code=office.code, folder=args.paths.root
        )
    )
    return 0


def run_rename(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        office = add_profile(store, data=_profile_data(args) | {"valid_from": args.valid_from})
    print(
        _("From {date} documents are issued as: {name}.").format(
            date=short_date(office.profiles[-1].valid_from), name=office.profiles[-1].name
        )
    )
    return 0


def run_set_parent(args: argparse.Namespace) -> int:
    if args.move:
        return _run_move(args)
    with open_for(args) as store:
        office = set_parent(store, code=args.code, name=args.name)
    print(parent_advice(office))
    return 0


def _run_move(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        moved = move_to_parent(
            store, code=args.code, name=args.name, passphrase=read_passphrase(args)
        )
        if args.card_out is not None:
            path, _fingerprint = keys.write_card(store, out=args.card_out)
            print(_("New key card written: {path}").format(path=path))
    print(
        move_advice(
            old_name=moved.old_name,
            new_name=moved.office.parent_name or "",
            new_code=moved.office.parent_code or "",
            fingerprint=moved.fingerprint,
        )
    )
    return 0


def office_json(office: OfficeView) -> dict[str, object]:
    return {
        "code": office.code,
        "code_list": office.code_list,
        "level": office.level.value,
        "parent_code": office.parent_code,
        "parent_name": office.parent_name,
        "profiles": [
            {
                "valid_from": p.valid_from.isoformat(),
                "name": p.name,
                "header_name": p.header_name,
                "superior": p.superior,
                "symbol": p.symbol,
                "place": p.place,
            }
            for p in office.profiles
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        office = get_office(store)
    if args.json:
        print_json(office_json(office))
        return 0
    print(
        _("{name} — {level} — code {code}").format(
            name=office.current.name, level=office.level.label, code=office.code
        )
    )
    if office.parent_code:
        print(
            _("Reports to: {name} ({code})").format(
                name=office.parent_name, code=office.parent_code
            )
        )
    for profile in office.profiles:
        print(
            _("From {date}: {name}; symbol {symbol}; place {place}").format(
                date=short_date(profile.valid_from),
                name=profile.name,
                symbol=profile.symbol,
                place=profile.place,
            )
        )
    return 0
