"""Whether packages must be encrypted: set by a parent, carried to its children in receipts.

A parent that requires encryption refuses plain packages at import; every receipt it
writes says so, and a child that imported such a receipt encrypts every package it
sends to that parent, whether or not ``--encrypt`` was given.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from dvdesk.db.schema import Receipt, Setting
from dvdesk.i18n import _
from dvdesk.services.settings import set_setting
from dvdesk.services.store import Store
from dvdesk.sync.format import Manifest
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

SETTING = "sync.require_encryption"


def encryption_required(session: Session) -> bool:
    """This office's own rule for the packages its children send."""
    row = session.get(Setting, SETTING)
    return row is not None and row.value is True


def set_encryption_required(store: Store, *, required: bool) -> None:
    set_setting(store, key=SETTING, value=required)


def destination_requires_encryption(session: Session, destination: str) -> bool:
    """What the latest receipt from ``destination`` says about encrypting packages to it."""
    latest = session.exec(
        select(Receipt)
        .where(Receipt.direction == "in", Receipt.office_code == destination)
        .order_by(col(Receipt.acknowledged_sequence).desc(), col(Receipt.at).desc())
    ).first()
    return latest is not None and latest.body.get("require_encryption") is True


def check_encryption(session: Session, manifest: Manifest) -> None:
    if manifest.encryption is None and encryption_required(session):
        raise Refused(
            Reason.ENCRYPTION_REQUIRED,
            _(
                "The package must be encrypted: this office accepts only encrypted packages, "
                "and this one from {office} is not. Nothing was imported. Send {office} a "
                "receipt from this office (it carries the rule), then ask it to export again."
            ).format(office=shown(manifest.origin.name)),
        )
