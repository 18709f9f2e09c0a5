"""Following up recommendations and petitions: changing their status through their record."""

from __future__ import annotations

from datetime import date

from dvdesk.clock import today
from dvdesk.domain.enums import FollowUpStatus
from dvdesk.domain.record_view import DialogueView, IssueView, RecommendationView, item_input
from dvdesk.errors import NotFound, ValidationFailed
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.records import get_record, update_record
from dvdesk.services.store import Store


def set_follow_up_status(
    store: Store,
    *,
    source: str,
    item_id: str,
    status: FollowUpStatus,
    result: str | None = None,
    result_date: date | None = None,
) -> int:
    """Change one follow-up's status through the owning record (revision, audit log)."""
    key = "recommendations" if source == "recommendation" else "issues"
    table = "recommendation" if source == "recommendation" else "dialogue_issue"
    with store.raw() as connection:
        row = connection.execute(
            f"SELECT record_id FROM {table} WHERE id = ?", (item_id,)
        ).fetchone()
    if row is None:
        raise NotFound(_("This recommendation no longer exists; refresh the list."))
    record = get_record(store, record_id=row[0])
    stored: tuple[RecommendationView | IssueView, ...] = record.recommendations
    if key == "issues":
        stored = record.issues if isinstance(record, DialogueView) else ()
    items = []
    for item in stored:
        values = item_input(item)
        if item.id == item_id:
            values["status"] = status.value
            if result is not None:
                values["result"] = result
            if result_date is not None:
                values["result_date"] = result_date.isoformat()
        items.append(values)
    return update_record(store, record_id=row[0], changes={key: items})


def check_resolution(*, result: str, result_date: date) -> str:
    """The result (kết quả giải quyết) is required to mark a recommendation resolved, and
    its date cannot be in the future; returns the result as it is kept (no database: the
    dialog checks before it closes, :func:`resolve_follow_up` again before writing)."""
    text = " ".join(result.split())
    if not text:
        message = _(
            "Type the result: what was done about the recommendation (e.g. the reply sent "
            "or the work finished). Nothing was changed."
        )
        raise ValidationFailed(message, [("result", message)])
    if result_date > today():
        message = _(
            "The result date {date} is in the future: type the day it was resolved, today "
            "at the latest. Nothing was changed."
        ).format(date=short_date(result_date))
        raise ValidationFailed(message, [("result_date", message)])
    return text


def resolve_follow_up(
    store: Store, *, source: str, item_id: str, result: str, result_date: date
) -> int:
    """Mark one recommendation or petition resolved, with what was done and when."""
    text = check_resolution(result=result, result_date=result_date)
    return set_follow_up_status(
        store,
        source=source,
        item_id=item_id,
        status=FollowUpStatus.RESOLVED,
        result=text,
        result_date=result_date,
    )
