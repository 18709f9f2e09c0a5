"""``user add|list|passwd|disable``: the people who sign in to this office."""

from __future__ import annotations

import argparse
from typing import Any

from dvdesk.cli.io import print_listing
from dvdesk.cli.session import ENV_NEW_PASSWORD, open_for, read_secret
from dvdesk.i18n import _
from dvdesk.services.users import (
    UserView,
    add_user,
    disable_user,
    list_users,
    parse_roles,
    set_password,
)

ROLES = ("clerk", "head", "admin")


def register(commands: argparse._SubParsersAction[Any]) -> None:
    user = commands.add_parser("user", help=_("add, list, change or disable the office's users"))
    actions = user.add_subparsers(dest="action", required=True, metavar=_("ACTION"))

    add = actions.add_parser("add", help=_("add a user (the first one must be an administrator)"))
    add.add_argument("name", help=_("user name, e.g. nguyenvana"))
    add.add_argument(
        "--role",
        action="append",
        required=True,
        metavar="clerk|head|admin",
        help=_("a role (repeat, or separate with commas, for several)"),
    )
    add.add_argument("--full-name", default="", help=_("the person's full name"))
    new_password_argument(add)
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help=_("list the users and their roles"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    passwd = actions.add_parser(
        "passwd", help=_("set a new password (an administrator may reset anyone's)")
    )
    passwd.add_argument("name", help=_("user name"))
    new_password_argument(passwd)
    passwd.set_defaults(run=run_passwd)

    disable = actions.add_parser("disable", help=_("stop a user from signing in"))
    disable.add_argument("name", help=_("user name"))
    disable.set_defaults(run=run_disable)


def new_password_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--new-password-file",
        metavar=_("FILE"),
        help=_("file holding the new password (instead of DVDESK_NEW_PASSWORD)"),
    )


def _new_password(args: argparse.Namespace) -> str:
    return read_secret(
        file=args.new_password_file, env=ENV_NEW_PASSWORD, prompt=_("New password: ")
    )


def run_add(args: argparse.Namespace) -> int:
    roles = parse_roles([part.strip() for value in args.role for part in value.split(",")])
    password = _new_password(args)
    with open_for(args) as store:
        user = add_user(
            store, name=args.name, roles=roles, password=password, full_name=args.full_name
        )
    print(
        _("User {name} added ({roles}).").format(
            name=user.name, roles=", ".join(role.label for role in user.roles)
        )
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        users = list_users(store)
    return print_listing(
        users,
        as_json=args.json,
        json_of=UserView.as_json,
        line=_user_line,
        empty=_("No users: this is a one-person office, nobody signs in."),
    )


def _user_line(user: UserView) -> str:
    disabled = f" [{_('disabled')}]" if user.disabled else ""
    roles = ", ".join(role.label for role in user.roles)
    return f"{user.name:<20} {user.full_name:<30} {roles}{disabled}"


def run_passwd(args: argparse.Namespace) -> int:
    password = _new_password(args)
    with open_for(args) as store:
        set_password(store, name=args.name, password=password)
    print(_("The password of {name} was changed.").format(name=args.name))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with open_for(args) as store:
        disable_user(store, name=args.name)
    print(_("{name} can no longer sign in.").format(name=args.name))
    return 0
