"""JSON from outside, parsed only after cheap checks bound what parsing can cost.

``json.loads`` on a crafted file can nest deeper than Python's recursion limit, hold
a 5,000-digit number, or build millions of tiny objects from a few megabytes. Before
parsing, the text's skeleton (the text with every string taken out) is checked in C
speed for the number of values, the nesting depth and the length of every number;
then the parser refuses floats, NaN, numbers outside ±2^53 and duplicate keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

# Every integer in every dvdesk format is below 2^53: it survives JSON tools that use
# doubles, and SQLite's 64-bit integers with room to spare.
MAX_INT: Final = 2**53 - 1
_MAX_DIGITS: Final = len(str(MAX_INT))
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_LONG_NUMBER = re.compile(f"[0-9]{{{_MAX_DIGITS + 1},}}")
_INNERMOST = re.compile(r"\{\}|\[\]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# dvdesk writes text as UTF-8, never as \u escapes of surrogates: a lone one cannot be
# written back as UTF-8 (the canonical form), a pair is simply not how dvdesk writes.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class Problem(StrEnum):
    MALFORMED = "malformed"
    TOO_DEEP = "too_deep"
    TOO_MANY_VALUES = "too_many_values"
    NUMBER_TOO_LARGE = "number_too_large"


class UnsafeJson(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class JsonBounds:
    max_depth: int
    max_values: int


def _refuse_float(_text: str) -> Any:
    raise UnsafeJson(Problem.MALFORMED)


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_INT:
        raise UnsafeJson(Problem.NUMBER_TOO_LARGE)
    return value


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise UnsafeJson(Problem.MALFORMED)  # which copy counts would be unclear
    return result


def check_skeleton(text: str, bounds: JsonBounds) -> None:
    """Refuse text whose parse would be too deep, too big or hold a too-long number."""
    skeleton = _STRING.sub("", text)
    if _LONG_NUMBER.search(skeleton):
        raise UnsafeJson(Problem.NUMBER_TOO_LARGE)
    containers = skeleton.count("{") + skeleton.count("[")
    if containers + skeleton.count(",") + skeleton.count(":") > bounds.max_values:
        raise UnsafeJson(Problem.TOO_MANY_VALUES)
    brackets = _NOT_BRACKET.sub("", skeleton)
    for _level in range(bounds.max_depth):
        if not brackets:
            return
        reduced = _INNERMOST.sub("", brackets)
        if len(reduced) == len(brackets):
            raise UnsafeJson(Problem.MALFORMED)  # brackets that do not pair up
        brackets = reduced
    if brackets:
        raise UnsafeJson(Problem.TOO_DEEP)


def loads(raw: bytes, bounds: JsonBounds) -> Any:
    """Parse ``raw`` (UTF-8 JSON) within ``bounds``; raises :class:`UnsafeJson`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafeJson(Problem.MALFORMED) from None
    check_skeleton(text, bounds)
    if _SURROGATE_ESCAPE.search(text):
        raise UnsafeJson(Problem.MALFORMED)
    try:
        return json.loads(
            text,
            parse_float=_refuse_float,
            parse_int=_bounded_int,
            parse_constant=_refuse_float,
            object_pairs_hook=_unique_keys,
        )
    except UnsafeJson:
        raise
    except (ValueError, RecursionError):
        raise UnsafeJson(Problem.MALFORMED) from None


def _pairs_once(pairs: list[tuple[str, object]]) -> None:
    if len({key for key, _value in pairs}) != len(pairs):
        raise UnsafeJson(Problem.MALFORMED)  # which copy counts would be unclear


def refuse_duplicate_keys(text: str | bytes) -> None:
    """Raise :class:`UnsafeJson` if an object in ``text`` repeats a key.

    pydantic's fast JSON parser keeps the last copy without a word, so a signed member
    could say one thing to a person reading it and another to the importer. Every
    object is dropped as soon as it is checked, so this holds little memory.
    """
    try:
        json.loads(text, object_pairs_hook=_pairs_once)
    except UnsafeJson:
        raise
    except (ValueError, RecursionError):
        raise UnsafeJson(Problem.MALFORMED) from None
