"""The office this installation belongs to, its dated profile, and its place in the hierarchy."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Self

from pydantic import ValidationInfo, field_validator, model_validator
from sqlmodel import Session, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Office, OfficeProfile, OrgUnit, PackageOut
from dvdesk.domain.enums import OfficeLevel
from dvdesk.domain.fields import IsoDate, OptionalText, Text, custom_error
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.people import Role
from dvdesk.domain.validation import validate
from dvdesk.errors import Conflict, UserError, ValidationFailed
from dvdesk.i18n import N_, _
from dvdesk.services.audit import audit
from dvdesk.services.auth import require
from dvdesk.services.office_view import OfficeView, Profile, get_office, has_office
from dvdesk.services.store import Store

__all__ = [
    "CENTRAL_CODE",
    "CENTRAL_NAME",
    "OfficeInput",
    "OfficeView",
    "Profile",
    "ProfileInput",
    "add_profile",
    "check_parent",
    "create_office",
    "get_office",
    "has_exported",
    "has_office",
    "parent_can_change",
    "parent_input",
    "point_at_parent",
    "refuse_known_unit",
    "set_parent",
]

# Administrative unit code lists: the list in force since 1 July 2025 and the older one
# that district offices' codes come from. A code is only meaningful with its list.
CODE_LIST_2025 = "2025-07"
CODE_LIST_2004 = "2004"
EARLIEST = date(2000, 1, 1)

# The centre is on no administrative unit list, yet key cards, package names and the
# hierarchy key offices by a code of plain digits. It gets the fixed two-digit code "00":
# no province has it (the lists start at 01), it fits every check made for a province
# code, and a fixed value lets a province name its parent without asking anybody.
CENTRAL_CODE = "00"
CENTRAL_NAME = "Ban Tuyên giáo và Dân vận Trung ương"

_CODE_DIGITS = {
    OfficeLevel.CENTRAL: 2,
    OfficeLevel.PROVINCE: 2,
    OfficeLevel.DISTRICT: 3,
    OfficeLevel.COMMUNE: 5,
    OfficeLevel.SPECIAL_ZONE: 5,
}
_SYMBOL = re.compile(r"^[A-ZĐ0-9]{2,20}$")


def check_parent_code(*, level: OfficeLevel, parent_code: str, may_be_empty: bool) -> str:
    """The checks set-up and a later :func:`set_parent` make on the office one level up.

    ``may_be_empty``: the set-up wizard may leave the office above empty, so its messages
    offer that; Office settings sets the office above and does not clear it, so they don't.
    """
    if level is OfficeLevel.CENTRAL:
        raise custom_error(
            "parent_code",
            N_("the central office has no office above it; leave the superior office empty")
            if may_be_empty
            else N_("the central office has no office above it, so none can be set"),
        )
    if level is OfficeLevel.PROVINCE and parent_code != CENTRAL_CODE:
        raise custom_error(
            "parent_code",
            N_(
                "a province reports to the centre, whose code is {code}; give {code} "
                "or leave the superior office empty"
            )
            if may_be_empty
            else N_(
                "a province reports to the centre, whose code is {code}; type {code} as "
                "the office above's code"
            ),
            code=CENTRAL_CODE,
        )
    digits = _CODE_DIGITS[OfficeLevel(_parent_level(level))]
    if not (parent_code.isdigit() and len(parent_code) == digits):
        raise custom_error(
            "parent_code",
            N_("a province code has {digits} digits, e.g. 01"),
            digits=digits,
        )
    return parent_code


class ProfileInput(StrictInput):
    """The fields printed on documents, valid from a date on."""

    name: Text
    header_name: OptionalText = None
    superior: OptionalText = None
    symbol: Text
    place: Text
    valid_from: IsoDate = EARLIEST

    @field_validator("symbol")
    @classmethod
    def _symbol_shape(cls, symbol: str) -> str:
        if not _SYMBOL.fullmatch(symbol.upper()):
            raise custom_error(
                "symbol",
                N_(
                    "{symbol} is not a document symbol; use 2 to 20 capital letters or "
                    "digits without spaces, e.g. BDVHU or BTGDVTU"
                ),
                symbol=symbol,
            )
        return symbol.upper()


class OfficeInput(ProfileInput):
    level: OfficeLevel  # before "code": the code's length depends on the level
    code: Text
    code_list: OptionalText = None
    parent_code: OptionalText = None
    parent_name: OptionalText = None

    @field_validator("code")
    @classmethod
    def _code_digits(cls, code: str, info: ValidationInfo) -> str:
        level = info.data.get("level")
        if not isinstance(level, OfficeLevel):
            return code
        if level is OfficeLevel.CENTRAL and code != CENTRAL_CODE:
            raise custom_error(
                "code", N_("the central office's code is always {code}"), code=CENTRAL_CODE
            )
        digits = _CODE_DIGITS[level]
        if not (code.isdigit() and len(code) == digits):
            raise custom_error(
                "code",
                N_("a {level} code has {digits} digits, e.g. {example}"),
                level=level.label,
                digits=digits,
                example="0" * (digits - 1) + "1",
            )
        return code

    @field_validator("parent_code")
    @classmethod
    def _parent_of_level(cls, parent_code: str | None, info: ValidationInfo) -> str | None:
        level = info.data.get("level")
        if parent_code is None or not isinstance(level, OfficeLevel):
            return parent_code
        return check_parent_code(level=level, parent_code=parent_code, may_be_empty=True)

    @model_validator(mode="after")
    def _parent_pair(self) -> Self:
        if (self.parent_code is None) != (self.parent_name is None):
            raise custom_error(
                "parent", N_("give both --parent-code and --parent-name, or neither")
            )
        return self


def _profile_row(data: ProfileInput) -> OfficeProfile:
    return OfficeProfile(
        valid_from=data.valid_from,
        full_name=data.name,
        header_name=data.header_name,
        superior_name=data.superior,
        symbol=data.symbol.upper(),
        place_name=data.place,
        created_at=now_iso(),
    )


def create_office(store: Store, *, data: dict[str, object]) -> OfficeView:
    """Set up this installation's office. Refuses if one exists."""
    office_input = validate(OfficeInput, data)
    code_list = office_input.code_list or (
        CODE_LIST_2004 if office_input.level is OfficeLevel.DISTRICT else CODE_LIST_2025
    )
    with store.session() as session:
        if session.get(Office, 1) is not None:
            raise Conflict(
                _("An office is already set up here ({code}). Use another data folder.").format(
                    code=session.get(Office, 1).code  # type: ignore[union-attr]
                )
            )
        session.add(
            Office(
                code=office_input.code,
                code_list_version=code_list,
                level=office_input.level.value,
                created_at=now_iso(),
            )
        )
        session.add(_profile_row(office_input))
        session.add(
            _unit(
                code=office_input.code,
                code_list=code_list,
                name=office_input.name,
                level=office_input.level.value,
                relation="self",
                parent_code=office_input.parent_code,
            )
        )
        if office_input.parent_code and office_input.parent_name:
            session.add(
                _unit(
                    code=office_input.parent_code,
                    code_list=code_list,
                    name=office_input.parent_name,
                    level=_parent_level(office_input.level),
                    relation="parent",
                    parent_code=None,
                )
            )
        changes = office_input.model_dump(mode="json")
        audit(
            session,
            actor=store.actor,
            action="create",
            entity="office",
            entity_id=office_input.code,
            changes=changes,
        )
    return get_office(store)


def _rename_own_unit(session: Session, *, code: str, code_list: str, name: str) -> None:
    """Lists show the office's ``org_unit`` name: keep it equal to the newest profile's name."""
    unit = session.exec(
        select(OrgUnit).where(
            OrgUnit.relation == "self",
            OrgUnit.code == code,
            OrgUnit.code_list_version == code_list,
        )
    ).first()
    if unit is not None and unit.name != name:
        unit.name = name
        session.add(unit)


def _parent_level(level: OfficeLevel) -> str:
    above = OfficeLevel.CENTRAL if level is OfficeLevel.PROVINCE else OfficeLevel.PROVINCE
    return above.value


def _unit(
    *, code: str, code_list: str, name: str, level: str, relation: str, parent_code: str | None
) -> OrgUnit:
    return OrgUnit(
        id=str(uuid.uuid4()),
        code=code,
        code_list_version=code_list,
        name=name,
        level=level,
        relation=relation,
        parent_code=parent_code,
    )


def add_profile(store: Store, *, data: dict[str, object]) -> OfficeView:
    """Record a new name/symbol/place from ``valid_from`` on (e.g. after a merger)."""
    profile = validate(ProfileInput, data)
    office = get_office(store)
    with store.session() as session:
        if any(p.valid_from == profile.valid_from for p in office.profiles):
            raise Conflict(
                _("A profile valid from {date} exists already; choose another date.").format(
                    date=profile.valid_from.isoformat()
                )
            )
        session.add(_profile_row(profile))
        newest = office.current
        # A back-dated profile leaves the name of the newest one in the lists.
        name = profile.name if profile.valid_from > newest.valid_from else newest.name
        _rename_own_unit(session, code=office.code, code_list=office.code_list, name=name)
        changes = profile.model_dump(mode="json")
        audit(
            session,
            actor=store.actor,
            action="create",
            entity="office_profile",
            entity_id=office.code,
            changes=changes,
        )
    return get_office(store)


class ParentInput(StrictInput):
    """The office one level up, named after set-up (see :func:`set_parent`)."""

    level: OfficeLevel  # before "parent_code": what the code may be depends on the level
    parent_code: Text
    parent_name: Text

    @field_validator("parent_code")
    @classmethod
    def _parent_of_level(cls, parent_code: str, info: ValidationInfo) -> str:
        level = info.data.get("level")
        if not isinstance(level, OfficeLevel):
            return parent_code
        return check_parent_code(level=level, parent_code=parent_code, may_be_empty=False)


def has_exported(session: Session) -> bool:
    return session.exec(select(PackageOut.id).limit(1)).first() is not None


def parent_can_change(store: Store) -> bool:
    """Whether :func:`set_parent` would accept a parent: none set yet, or nothing sent yet."""
    office = get_office(store)
    if office.level is OfficeLevel.CENTRAL:
        return False
    if office.parent_code is None:
        return True
    with store.session() as session:
        return not has_exported(session)


def refuse_central(office: OfficeView) -> None:
    """The centre has no office above it to name or move to."""
    if office.level is OfficeLevel.CENTRAL:
        raise UserError(
            _(
                "The central office is the top of the hierarchy and has no office above it. "
                "Nothing was changed."
            )
        )


def set_parent(store: Store, *, code: str, name: str) -> OfficeView:
    """Name the office one level up when set-up left it empty (e.g. a province before the
    central level existed). Once a package was exported a change is a move, which makes a
    new key card: :func:`dvdesk.sync.move.move_to_parent` (docs/reparenting.md)."""
    office = get_office(store)
    refuse_central(office)
    data = parent_input(level=office.level, code=code, name=name)
    with store.session() as session:
        require(session, store, Role.ADMIN)
        unit = session.exec(select(OrgUnit).where(OrgUnit.relation == "parent")).first()
        if unit is not None:
            _check_replaceable(session, unit, data)
        point_at_parent(session, office=office, data=data)
        audit(
            session,
            actor=store.actor,
            action="update",
            entity="office",
            entity_id=office.code,
            changes={
                "parent_code": {"from": office.parent_code, "to": data.parent_code},
                "parent_name": {"from": office.parent_name, "to": data.parent_name},
            },
        )
    return get_office(store)


def point_at_parent(session: Session, *, office: OfficeView, data: ParentInput) -> None:
    """Make ``data`` the office above in the office table (the caller checked and audits)."""
    unit = session.exec(select(OrgUnit).where(OrgUnit.relation == "parent")).first()
    refuse_known_unit(session, data.parent_code, office.code_list)
    if unit is None:
        unit = _unit(
            code=data.parent_code,
            code_list=office.code_list,
            name=data.parent_name,
            level=_parent_level(office.level),
            relation="parent",
            parent_code=None,
        )
    unit.code, unit.name = data.parent_code, data.parent_name
    session.add(unit)
    _point_self_at(session, data.parent_code)


def check_parent(*, level: OfficeLevel, code: str, name: str) -> None:
    """Refuse a parent :func:`set_parent` would refuse for its shape (no database: a form
    checks as the user types)."""
    parent_input(level=level, code=code, name=name)


def parent_input(*, level: OfficeLevel, code: str, name: str) -> ParentInput:
    """Validate, naming the problem as the user sees it ("the office above"), not the field."""
    try:
        return validate(
            ParentInput, {"level": level.value, "parent_code": code, "parent_name": name}
        )
    except ValidationFailed as error:
        problems = [
            (field, _("The office above: {problem}. Nothing was changed.").format(problem=problem))
            for field, problem in error.problems
        ]
        raise ValidationFailed(" ".join(text for _field, text in problems), problems) from None


def _check_replaceable(session: Session, unit: OrgUnit, data: ParentInput) -> None:
    if (unit.code, unit.name) == (data.parent_code, data.parent_name):
        raise Conflict(
            _("{name} ({code}) is already the office above this one. Nothing was changed.").format(
                name=unit.name, code=unit.code
            )
        )
    if has_exported(session):
        raise Conflict(
            _(
                "This office already reports to {name} ({code}) and has sent it packages, so "
                "changing the office above is a move: it makes a new key card that the new "
                "office above must enrol. Give --move (the key passphrase is needed), or use "
                "Office settings. Nothing was changed."
            ).format(name=unit.name, code=unit.code)
        )


def refuse_known_unit(session: Session, code: str, code_list: str) -> None:
    """An office below (enrolled as a child) cannot also be the office above."""
    known = session.exec(
        select(OrgUnit).where(
            OrgUnit.code == code,
            OrgUnit.code_list_version == code_list,
            OrgUnit.relation != "parent",
        )
    ).first()
    if known is not None:
        raise Conflict(
            _(
                "Office {code} ({name}) is known here as this office or an office below it, so "
                "it cannot be the office above. Check the code and save again. Nothing was "
                "changed."
            ).format(code=code, name=known.name)
        )


def _point_self_at(session: Session, parent_code: str) -> None:
    own = session.exec(select(OrgUnit).where(OrgUnit.relation == "self")).first()
    if own is not None:
        own.parent_code = parent_code
        session.add(own)
