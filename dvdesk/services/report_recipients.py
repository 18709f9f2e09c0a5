"""Where the office's reports go by default ("Nơi nhận"), kept in the office settings.

A report's own recipients (saved with its texts) win; these fill a new report in.
"""

from __future__ import annotations

from pydantic import Field

from dvdesk.domain.fields import Text
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import validate
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store

KEY = "report_recipients"


class RecipientsInput(StrictInput):
    recipients: list[Text] = Field(default_factory=list, max_length=50)


def get_default_recipients(store: Store) -> list[str]:
    stored = get_setting(store, key=KEY, default=[])
    if not isinstance(stored, list):
        return []
    return [item for item in stored if isinstance(item, str)]


def set_default_recipients(store: Store, *, recipients: list[str]) -> list[str]:
    """Validate and store the default recipients (blank lines dropped); returns them."""
    cleaned = [item.strip() for item in recipients if item.strip()]
    model = validate(RecipientsInput, {"recipients": cleaned})
    set_setting(store, key=KEY, value=list(model.recipients))
    return list(model.recipients)
