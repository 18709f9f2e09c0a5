"""The full-text index over records: its DDL, shared by the migration and the tests.

``record_search`` is an FTS5 table with the trigram tokenizer. A query word is a
phrase of trigrams, answered from the index alone: ``detail=full`` keeps the trigram
positions for that (``detail=none`` is a quarter of the size but must re-read every
candidate row, six times slower). ``columnsize=0``: nothing here ranks by length.
It is an external-content table over the view ``record_search_source``, so the
folded text is stored once, in ``record.search_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from dvdesk.text import fold

INDEX_TABLE: Final = "record_search"
SOURCE_VIEW: Final = "record_search_source"

# Shadow tables FTS5 creates for the index; alembic must not treat them as models.
SHADOW_TABLES: Final = frozenset(
    f"{INDEX_TABLE}{suffix}" for suffix in ("", "_data", "_idx", "_docsize", "_config")
)


def _indexed(row: str) -> str:
    """What the index holds for a row: its text with a space in front (so a word start
    is a trigram) and the " | " between fields made a space. A query word never holds
    a space, so it matches the same; the index loses two trigrams a field."""
    return f"' ' || replace({row}search_text, ' | ', ' ')"


CREATE_STATEMENTS: Final = (
    f"CREATE VIEW {SOURCE_VIEW} AS "
    f"SELECT rowid AS record_rowid, {_indexed('')} AS search_text FROM record",
    f"CREATE VIRTUAL TABLE {INDEX_TABLE} USING fts5(search_text, content='{SOURCE_VIEW}', "
    "content_rowid='record_rowid', tokenize='trigram', detail='full', columnsize=0)",
    f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}) VALUES ('rebuild')",
    # AFTER triggers run inside the statement that fired them: a rolled-back write
    # rolls its index change back too.
    f"CREATE TRIGGER record_search_insert AFTER INSERT ON record BEGIN "
    f"INSERT INTO {INDEX_TABLE}(rowid, search_text) VALUES (new.rowid, {_indexed('new.')}); "
    "END",
    f"CREATE TRIGGER record_search_delete AFTER DELETE ON record BEGIN "
    f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.rowid, {_indexed('old.')}); "
    "END",
    f"CREATE TRIGGER record_search_update AFTER UPDATE OF search_text ON record BEGIN "
    f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.rowid, {_indexed('old.')}); "
    f"INSERT INTO {INDEX_TABLE}(rowid, search_text) VALUES (new.rowid, {_indexed('new.')}); "
    "END",
    # The rebuilt index in one segment: smallest, and fastest to read.
    f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}) VALUES ('optimize')",
)

DROP_STATEMENTS: Final = (
    "DROP TRIGGER record_search_update",
    "DROP TRIGGER record_search_delete",
    "DROP TRIGGER record_search_insert",
    f"DROP TABLE {INDEX_TABLE}",
    f"DROP VIEW {SOURCE_VIEW}",
)


# The approval column's sort rank and its index (migration 0012) are kept by triggers,
# not by the models: the record model, and so the package format, leaves them out.
TRIGGER_KEPT: Final = frozenset(
    {("column", "approval_rank"), ("index", "ix_record_type_deleted_approval_rank_start_date")}
)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic filter: the index's FTS5 tables are made by SQL here, not by models."""
    return not (type_ == "table" and name in SHADOW_TABLES) and (type_, name) not in TRIGGER_KEPT


# ---------------------------------------------------------------- queries

# The shortest query word the index can find (with the space before it, a trigram).
SHORTEST_INDEXED: Final = 2
_GLOB_SPECIAL: Final = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


@dataclass(frozen=True)
class SearchCondition:
    """An SQL condition on the ``record`` table (its ``rowid`` and ``search_text``).

    ``match`` is the FTS5 query of the indexed words ("" if none), for callers that
    look the index up themselves.
    """

    sql: str
    params: tuple[str, ...]
    match: str


def _phrase(word: str) -> str:
    # The indexed text starts with a space, so '" ha"' also finds a first word "ha…".
    text = word if len(word) > SHORTEST_INDEXED else f" {word}"
    return '"' + text.replace('"', '""') + '"'


def _glob(word: str) -> str:
    """The same test as the index's, on the row's own text (with a space in front)."""
    escaped = word.translate(_GLOB_SPECIAL)
    return f"*{escaped}*" if len(word) > SHORTEST_INDEXED else f"* {escaped}*"


def search_condition(
    query: str, *, table: str = "record", probe: bool = False
) -> SearchCondition | None:
    """The condition that every folded word of ``query`` occurs; None for an empty query.

    * A word of three or more characters may occur anywhere, even inside a word
      ("guye" finds "Nguyễn"); the index finds it.
    * A word of one or two characters must start a word ("ha" finds "Hà Nội" and
      "Hải", not "Thanh"). Two characters plus the space before them are a trigram,
      so the index finds these too. A one-character word is checked on the rows the
      other words found; a query of one-character words alone is checked on every row.

    With ``probe``, each row's own text is tested instead of asking the index: when a
    word is common, the first screenful of a sorted list is found after a few hundred
    rows, sooner than the index can list all its matches.
    """
    words = fold(query).split()
    if not words:
        return None
    match = " AND ".join(_phrase(word) for word in words if len(word) >= SHORTEST_INDEXED)
    on_row = [word for word in words if probe or len(word) < SHORTEST_INDEXED]
    clauses: list[str] = []
    params: list[str] = []
    if match and not probe:
        clauses.append(
            f"{table}.rowid IN (SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH ?)"
        )
        params.append(match)
    clauses += [f"(' ' || {table}.search_text) GLOB ?"] * len(on_row)
    checked = [_glob(word) for word in on_row]
    return SearchCondition(" AND ".join(clauses), (*params, *checked), match)
