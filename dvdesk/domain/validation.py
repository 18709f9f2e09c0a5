"""Turning pydantic's errors into messages a clerk can act on.

Each message names the field the way the input named it (``recommendations[1].deadline``)
and says what is expected, in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dvdesk.errors import ValidationFailed
from dvdesk.formatting import number
from dvdesk.i18n import N_, _

ModelT = TypeVar("ModelT", bound=BaseModel)

# pydantic error type -> message template (English msgid, formatted with the error's ctx).
_MESSAGES: Mapping[str, str] = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("unknown field; check its spelling in the record format"),
    "string_type": N_("expected text"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {max_length} characters)"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "bool_type": N_("expected true or false"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
    "list_type": N_("expected a list"),
    "too_short": N_("needs at least {min_length} item(s)"),
    "too_long": N_("has too many items (at most {max_length})"),
    "model_type": N_("expected an object with named fields"),
    "model_attributes_type": N_("expected an object with named fields"),
    "dict_type": N_("expected an object with named fields"),
    "enum": N_("expected one of: {expected}"),
    "literal_error": N_("expected one of: {expected}"),
    "uuid_type": N_("expected an identifier like 3f2a…-…"),
    "uuid_parsing": N_("expected an identifier like 3f2a…-…"),
}

# Our own error types (raised with PydanticCustomError) carry an msgid as their message.
CUSTOM_PREFIX = "dvdesk_"


def field_path(loc: Sequence[int | str]) -> str:
    """``("recommendations", 1, "deadline")`` -> ``recommendations[1].deadline``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, object] = dict(error.get("ctx") or {})
    if kind.startswith(CUSTOM_PREFIX):
        template = str(ctx.pop("msgid", error["msg"]))
    else:
        template = _MESSAGES.get(kind, N_("invalid value"))
    # Limits read as the clerk writes numbers: "tối đa 1.000 ký tự", not "1000".
    ctx = {
        key: number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for key, value in ctx.items()
    }
    if "expected" in ctx:
        # pydantic joins the choices with an English "or"; list them plainly instead.
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ")
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError):
        return _(template)


def translate(error: ValidationError) -> ValidationFailed:
    problems = []
    for detail in error.errors(include_url=False):
        # Tagged unions and "after" validators add loc parts that are not keys of the input.
        loc = [part for part in detail["loc"] if not str(part).startswith("function-")]
        problems.append((field_path(loc), _message(detail)))
    return failed(problems)


def failed(problems: list[tuple[str, str]]) -> ValidationFailed:
    lines = [
        _('Field "{field}": {problem}.').format(field=field, problem=problem)
        if field
        else problem.rstrip(".") + "."
        for field, problem in problems
    ]
    return ValidationFailed(" ".join(lines), problems)


def validate(model: type[ModelT], data: object) -> ModelT:
    """Validate ``data`` against ``model``; on failure raise :class:`ValidationFailed`."""
    if not isinstance(data, Mapping):
        message = _('The input must be a JSON object with named fields, like {"title": …}.')
        raise failed([("", message)])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise translate(error) from None


@cache
def required_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields ``model`` cannot do without: forms mark exactly these as required."""
    return frozenset(name for name, info in model.model_fields.items() if info.is_required())
