"""The office's settings screen as two core calls: read everything, save everything.

Saving checks every part (a dated profile, the document settings, the default recipients)
before writing any, so a refused part leaves all of them as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dvdesk.documents.settings import KEY as DOCUMENTS_KEY
from dvdesk.documents.settings import (
    DocumentSettings,
    check_document_settings,
    get_document_settings,
)
from dvdesk.domain.validation import validate
from dvdesk.errors import Conflict, UserError
from dvdesk.i18n import _
from dvdesk.services.office import ProfileInput, add_profile, parent_can_change
from dvdesk.services.office_view import OfficeView, get_office
from dvdesk.services.people_light import (
    DEFAULT_LOCK_MINUTES,
    LOCK_KEY,
    MAX_LOCK_MINUTES,
    lock_minutes,
)
from dvdesk.services.report_recipients import (
    RecipientsInput,
    get_default_recipients,
    set_default_recipients,
)
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store
from dvdesk.sync.move import move_needed


@dataclass(frozen=True)
class OfficeSettings:
    office: OfficeView
    documents: DocumentSettings
    recipients: tuple[str, ...]
    lock_minutes: int = DEFAULT_LOCK_MINUTES
    # Whether the office above may be set here: none yet, or no package sent yet.
    parent_changeable: bool = False
    # Whether changing it is a move (packages were sent): docs/reparenting.md.
    parent_movable: bool = False


def load_office_settings(store: Store) -> OfficeSettings:
    return OfficeSettings(
        office=get_office(store),
        documents=get_document_settings(store),
        recipients=tuple(get_default_recipients(store)),
        lock_minutes=lock_minutes(store),
        parent_changeable=parent_can_change(store),
        parent_movable=move_needed(store),
    )


def save_office_settings(
    store: Store,
    *,
    profile: dict[str, object] | None,
    documents: Mapping[str, object],
    recipients: list[str],
    lock_minutes: int | None = None,
) -> None:
    """Check the new profile (if any), document settings, recipients and the idle time
    before the lock screen (None: unchanged); then write them."""
    if lock_minutes is not None and not 0 <= lock_minutes <= MAX_LOCK_MINUTES:
        raise UserError(
            _(
                "Lock after {minutes} minutes is not possible: type 0 (never) to {most} minutes, "
                "then save again."
            ).format(minutes=lock_minutes, most=MAX_LOCK_MINUTES)
        )
    if profile is not None:
        new_profile = validate(ProfileInput, profile)
        if any(p.valid_from == new_profile.valid_from for p in get_office(store).profiles):
            raise Conflict(
                _("A name already takes effect on {date}; choose another date.").format(
                    date=new_profile.valid_from.strftime("%d/%m/%Y")
                )
            )
    documents_checked = check_document_settings(store, changes=documents)
    validate(RecipientsInput, {"recipients": [r.strip() for r in recipients if r.strip()]})
    set_setting(store, key=DOCUMENTS_KEY, value=documents_checked)
    set_default_recipients(store, recipients=recipients)
    if lock_minutes is not None and lock_minutes != _saved_lock_minutes(store):
        set_setting(store, key=LOCK_KEY, value=lock_minutes)
    if profile is not None:
        add_profile(store, data=profile)


def _saved_lock_minutes(store: Store) -> int | None:
    value = get_setting(store, key=LOCK_KEY)
    return value if isinstance(value, int) else None
