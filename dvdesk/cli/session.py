"""Who runs a command: once an office has users, every command signs in first.

The password comes from ``--password-file`` or ``DVDESK_PASSWORD`` (or a prompt on a
terminal); it is never taken from the command line, where other users could see it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from dvdesk.errors import StorageError, UserError
from dvdesk.i18n import _
from dvdesk.os_errors import read_reason
from dvdesk.services.auth import office_has_users, sign_in
from dvdesk.services.store import Store, database_exists, open_store

ENV_PASSWORD = "DVDESK_PASSWORD"
ENV_NEW_PASSWORD = "DVDESK_NEW_PASSWORD"
_MAX_PASSWORD_FILE = 4096


def read_secret(*, file: str | None, env: str, prompt: str) -> str:
    if file:
        try:
            raw = Path(file).read_bytes()[:_MAX_PASSWORD_FILE]
        except OSError as error:
            raise UserError(
                _("Cannot read {file}: {reason}.").format(file=file, reason=read_reason(error))
            ) from None
        return raw.decode("utf-8", "replace").rstrip("\r\n")
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise UserError(
        _("No password given: put it in {env} or in a file named with --password-file.").format(
            env=env
        )
    )


def authenticate(args: argparse.Namespace) -> None:
    """Sign in before the command runs, if this office has users."""
    args.signed_in = False
    if not database_exists(args.paths):
        return
    try:
        store = open_store(args.paths, actor=args.actor)
        with store.session() as session:
            needed = office_has_users(session)
    except StorageError:
        # A damaged database cannot say who its users are; the command itself reports the
        # damage, and the backup commands must still be able to restore a good copy.
        return
    try:
        if not needed:
            return
        if not args.user:
            raise UserError(
                _(
                    "This office has users: give your user name with --user NAME and your "
                    "password in {env} (or --password-file)."
                ).format(env=ENV_PASSWORD)
            )
        password = read_secret(file=args.password_file, env=ENV_PASSWORD, prompt=_("Password: "))
        sign_in(store, name=args.user, password=password)
    finally:
        store.close()
    args.actor = args.user
    args.signed_in = True


def open_for(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The office's store acting as the signed-in user (see :func:`authenticate`)."""
    store = open_store(args.paths, actor=args.actor, create=create)
    if getattr(args, "signed_in", False):
        store.signed_in = True
    return store
