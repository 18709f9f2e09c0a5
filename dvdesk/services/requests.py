"""Report requests down the hierarchy: the level above says which period it expects a
report for, by when, with a note. They travel in signed receipts, or in a small signed
request file for an office that has not sent anything yet.

A request file is read as an attacker would write it: its size is capped, the signature
over the body's exact bytes is checked with the enrolled key of the level above before
the body is parsed, and every value is bounded and cleaned before it is stored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import ColumnElement, literal_column
from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso, today
from dvdesk.db.schema import OrgUnit, PackageIn, ReportRequest
from dvdesk.documents.periods import parse_period
from dvdesk.domain.people import Role
from dvdesk.errors import NotFound, UserError
from dvdesk.fileio import Access, write_atomically
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check, require
from dvdesk.services.office import get_office
from dvdesk.services.store import Store, storage_errors
from dvdesk.sync import keys
from dvdesk.sync.format import OfficeRef, b64, canonical_json, office_ref, unb64
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.status import unit_statuses
from dvdesk.sync.trust import resolve_signer, verify_signature
from dvdesk.text import clean

REQUEST_FORMAT: Final = "dvdesk-request"
REQUEST_VERSION: Final = 1
REQUEST_SUFFIX: Final = ".dvreq"
MAX_REQUEST_BYTES: Final = 64 * 1024
_PER_RECEIPT = 20


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RequestItem(_Frozen):
    request_id: str = Field(max_length=64)
    period: str = Field(max_length=40)
    deadline: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    note: str = Field(max_length=4_000)


class RequestBody(_Frozen):
    format: str = Field(max_length=40)
    format_version: int
    issuer: OfficeRef
    recipient: str = Field(max_length=20)
    requests: tuple[RequestItem, ...] = Field(max_length=100)
    issued_at: str = Field(max_length=40)


# ---------------------------------------------------------------- the level above


def set_request(
    store: Store,
    *,
    period: str,
    deadline: date,
    note: str = "",
    offices: Sequence[str] = (),
) -> list[str]:
    """Ask ``offices`` (default: every child office) for a report. Returns their codes."""
    key = parse_period(period).key
    text = clean(note)[:4_000]
    with store.session() as session:
        require(session, store, Role.HEAD)
        children = {
            unit.code
            for unit in session.exec(select(OrgUnit).where(OrgUnit.relation == "child")).all()
        }
        children |= {origin for origin in session.exec(select(PackageIn.origin)).all()}
        targets = list(dict.fromkeys(offices)) or sorted(children)
        if not targets:
            raise UserError(
                _(
                    "There are no offices below this one yet: add them ('dvdesk units "
                    "enroll' or the office list), then set the request."
                )
            )
        unknown = [code for code in targets if code not in children]
        if unknown:
            raise NotFound(
                _("{codes} is not an office below this one. Nothing was changed.").format(
                    codes=", ".join(unknown)
                )
            )
        stamp = now_iso()
        for code in targets:
            last = session.exec(
                select(func.max(PackageIn.id)).where(PackageIn.origin == code)
            ).one()
            session.add(
                ReportRequest(
                    id=str(uuid.uuid4()),
                    direction="out",
                    office_code=code,
                    period=key,
                    deadline=deadline,
                    note=text,
                    created_at=stamp,
                    created_by=store.actor,
                    after_package=int(last or 0),
                )
            )
        audit(
            session,
            actor=store.actor,
            action="request",
            entity="report_request",
            entity_id=key,
            changes={"offices": targets, "deadline": deadline.isoformat(), "note": text},
        )
        return targets


def outgoing_requests(store: Store, *, office_code: str) -> tuple[RequestItem, ...]:
    """The latest requests for ``office_code``, as they travel in a receipt."""
    with store.session() as session:
        rows = session.exec(
            select(ReportRequest)
            .where(ReportRequest.direction == "out", ReportRequest.office_code == office_code)
            .order_by(col(ReportRequest.created_at).desc())
            .limit(_PER_RECEIPT)
        ).all()
    return tuple(
        RequestItem(
            request_id=row.id, period=row.period, deadline=row.deadline.isoformat(), note=row.note
        )
        for row in rows
    )


def write_request_file(store: Store, *, to: str, out: Path, passphrase: str) -> Path:
    """A signed request file for ``to`` (an office that has sent nothing yet)."""
    check(store, Role.HEAD)
    items = outgoing_requests(store, office_code=to)
    if not items:
        raise NotFound(
            _("No report is requested from {code} yet: set one with 'dvdesk request set'.").format(
                code=to
            )
        )
    office = get_office(store)
    own = keys.active_key(store)
    signing = keys.load_signing_key(store, key_id=own.key_id, passphrase=passphrase)
    body = RequestBody(
        format=REQUEST_FORMAT,
        format_version=REQUEST_VERSION,
        issuer=office_ref(office),
        recipient=to,
        requests=items,
        issued_at=now_iso(),
    )
    signed = canonical_json(body.model_dump(mode="json"))
    envelope = {
        "format": REQUEST_FORMAT,
        "issuer": office.code,
        "key_id": own.key_id,
        "body": b64(signed),
        "signature": b64(signing.sign(signed)),
    }
    final = out / f"dvdesk-request-{office.code}-{to}{REQUEST_SUFFIX}" if out.is_dir() else out
    if not final.parent.is_dir():
        raise NotFound(
            _("The folder {folder} does not exist. Plug in the USB stick or choose another.")
            .format(folder=final.parent)
        )  # fmt: skip
    with storage_errors(final):
        # Carried to another office on the stick.
        write_atomically(final, json.dumps(envelope).encode("ascii"), access=Access.SHARED)
    return final


# ---------------------------------------------------------------- the office below


def _bad_request() -> Refused:
    return Refused(
        Reason.BAD_RECEIPT,
        _(
            "This file is not a dvdesk report request, or it is damaged. Nothing was changed; "
            "ask the office you report to for it again."
        ),
    )


def _envelope(path: Path) -> tuple[str, str, bytes, bytes]:
    try:
        if path.stat().st_size > MAX_REQUEST_BYTES:
            raise _bad_request()
        document = json.loads(path.read_bytes().decode("ascii"))
    except FileNotFoundError:
        raise NotFound(_("There is no file {file}.").format(file=path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _bad_request() from None
    fields = ("format", "issuer", "key_id", "body", "signature")
    if (
        not isinstance(document, dict)
        or set(document) != set(fields)
        or not all(isinstance(document[name], str) and len(document[name]) < MAX_REQUEST_BYTES
                   for name in fields)
        or document["format"] != REQUEST_FORMAT
    ):  # fmt: skip
        raise _bad_request()
    try:
        return (
            document["issuer"][:20],
            document["key_id"][:64],
            unb64(document["body"]),
            unb64(document["signature"]),
        )
    except ValueError:
        raise _bad_request() from None


def import_request_file(store: Store, *, path: Path) -> list[RequestItem]:
    """Check the signature of the level above, then store the requests it carries."""
    issuer, key_id, signed, signature = _envelope(path)
    with store.session() as session:
        own = keys.get_office_code(session)
        signer = resolve_signer(
            session, key_id=key_id, office_code=issuer, chain=(), relation="parent"
        )
        if not verify_signature(signer.signing_public, signature, signed):
            raise Refused(
                Reason.BAD_SIGNATURE,
                _(
                    "The request's signature does not match its contents: it was changed or "
                    "forged. Nothing was changed; ask the office you report to for it again."
                ),
            )
        # Only now, with the bytes known to come from the level above, is the body parsed.
        try:
            body = RequestBody.model_validate_json(signed)
        except ValidationError:
            raise _bad_request() from None
        if body.issuer.code != issuer or body.recipient != own:
            raise Refused(
                Reason.RECEIPT_NOT_OURS,
                _(
                    "This request is for office {code}, not for this office. Nothing was "
                    "changed; give it to that office."
                ).format(code=body.recipient),
            )
        take_requests(session, issuer=issuer, items=body.requests, actor=store.actor)
        return list(body.requests)


def take_requests(
    session: Session, *, issuer: str, items: Sequence[RequestItem], actor: str
) -> None:
    """Store requests received (in a receipt or a request file); each once."""
    for item in items:
        try:
            deadline = date.fromisoformat(item.deadline)
        except ValueError:
            continue  # a date that does not exist is dropped, not trusted
        if session.get(ReportRequest, item.request_id) is not None:
            continue
        session.add(
            ReportRequest(
                id=item.request_id,
                direction="in",
                office_code=issuer,
                period=clean(item.period)[:40],
                deadline=deadline,
                note=clean(item.note)[:4_000],
                created_at=now_iso(),
                created_by=actor,
            )
        )


@dataclass(frozen=True)
class ExpectedReport:
    """A report the level above expects from this office, with the days left."""

    period: str
    deadline: date
    note: str
    issuer: str
    days_left: int

    def as_json(self) -> dict[str, object]:
        return {
            "period": self.period,
            "deadline": self.deadline.isoformat(),
            "note": self.note,
            "from": self.issuer,
            "days_left": self.days_left,
        }


def expected_reports(store: Store, *, on: date | None = None) -> list[ExpectedReport]:
    """Requests received from the level above, the nearest deadline first."""
    day = on or today()
    with store.session() as session:
        rows = session.exec(
            select(ReportRequest)
            .where(ReportRequest.direction == "in")
            .order_by(col(ReportRequest.deadline))
        ).all()
    return [
        ExpectedReport(
            row.period, row.deadline, row.note, row.office_code, (row.deadline - day).days
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ReportingStatus:
    """At the level above: did the office report for a request, against its deadline."""

    office_code: str
    period: str
    deadline: date
    reported_at: str | None  # when its first package after the request was imported
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.reported_at is None and self.days_left < 0

    def as_json(self) -> dict[str, object]:
        return {
            "office": self.office_code,
            "period": self.period,
            "deadline": self.deadline.isoformat(),
            "reported_at": self.reported_at,
            "days_left": self.days_left,
            "overdue": self.overdue,
        }


def reporting_status(store: Store, *, on: date | None = None) -> list[ReportingStatus]:
    """Who has (not) reported for each request this office set, against its deadline."""
    day = on or today()
    with store.session() as session:
        requests = session.exec(
            select(ReportRequest)
            .where(ReportRequest.direction == "out")
            .order_by(col(ReportRequest.deadline), col(ReportRequest.office_code))
        ).all()
        packages = session.exec(select(PackageIn).order_by(col(PackageIn.id))).all()
    result = []
    for request in requests:
        reported = next(
            (
                p.imported_at
                for p in packages
                if p.origin == request.office_code and (p.id or 0) > request.after_package
            ),
            None,
        )
        result.append(
            ReportingStatus(
                request.office_code,
                request.period,
                request.deadline,
                reported,
                (request.deadline - day).days,
            )
        )
    return result


@dataclass(frozen=True)
class OfficeDeadline:
    """One office below against the open request: its last package and whether it reported."""

    office_code: str
    office_name: str
    last_package_on: date | None
    reported_on: date | None  # the day its first package after the request was imported
    asked: bool  # the request was set for this office
    days_left: int  # to the deadline (negative: days late)

    @property
    def reported(self) -> bool:
        return self.reported_on is not None


@dataclass(frozen=True)
class SentRequest:
    """A request this office set (a period and a deadline), for the head to choose."""

    period: str
    deadline: date
    label: str  # the period's Vietnamese name, "Quý IV năm 2026"
    set_at: str  # when it was set last (it may be set again for more offices)


@dataclass(frozen=True)
class DeadlineStatus:
    """Who has (not) reported for one request, each office below once."""

    period: str
    deadline: date
    note: str
    offices: tuple[OfficeDeadline, ...]
    # Every request set, the most recent first: what the head may look at instead.
    requests: tuple[SentRequest, ...] = ()

    @property
    def missing(self) -> tuple[OfficeDeadline, ...]:
        return tuple(o for o in self.offices if o.asked and not o.reported)


def _period_label(key: str) -> str:
    try:
        return parse_period(key).label
    except UserError:  # a custom period known only by its key here
        return key


def _sent_requests(session: Session) -> tuple[SentRequest, ...]:
    newest = func.max(ReportRequest.created_at)
    # created_at has whole seconds: two requests set in the same second keep the order
    # they were written in.
    last_written: ColumnElement[int] = func.max(literal_column("report_request.rowid"))
    rows = session.exec(
        select(col(ReportRequest.period), col(ReportRequest.deadline), newest)
        .where(ReportRequest.direction == "out")
        .group_by(col(ReportRequest.period), col(ReportRequest.deadline))
        .order_by(newest.desc(), last_written.desc())
    ).all()
    return tuple(
        SentRequest(period, deadline, _period_label(period), set_at)
        for period, deadline, set_at in rows
    )


def deadline_status(
    store: Store,
    *,
    period: str | None = None,
    deadline: date | None = None,
    on: date | None = None,
) -> DeadlineStatus | None:
    """One request (``period`` due ``deadline``; by default the one set last) against
    every office below (enrolled or in the unit list), with the list of every request.

    None when no request was set yet: the app then compares dates instead."""
    day = on or today()
    with store.session() as session:
        requests = _sent_requests(session)
        chosen = next(
            (r for r in requests if (r.period, r.deadline) == (period, deadline)),
            requests[0] if requests else None,
        )
        if chosen is None:
            return None
        rows = session.exec(
            select(ReportRequest)
            .where(
                ReportRequest.direction == "out",
                ReportRequest.period == chosen.period,
                ReportRequest.deadline == chosen.deadline,
            )
            .order_by(col(ReportRequest.created_at))
        ).all()
        asked = {row.office_code: row for row in rows}  # an office's latest row wins
        packages = session.exec(select(PackageIn).order_by(col(PackageIn.id))).all()
    offices = []
    for unit in unit_statuses(store):
        if unit.relation not in ("child", "delegated") or unit.revoked:
            continue
        request = asked.get(unit.office_code)
        reported = None
        if request is not None:
            reported = next(
                (
                    _day(p.imported_at)
                    for p in packages
                    if p.origin == unit.office_code and (p.id or 0) > request.after_package
                ),
                None,
            )
        offices.append(
            OfficeDeadline(
                office_code=unit.office_code,
                office_name=unit.office_name,
                last_package_on=unit.last_imported_on,
                reported_on=reported,
                asked=request is not None,
                days_left=(chosen.deadline - day).days,
            )
        )
    note = rows[-1].note if rows else ""
    return DeadlineStatus(chosen.period, chosen.deadline, note, tuple(offices), requests)


def _day(stamp: str) -> date:
    return date.fromisoformat(stamp[:10])
