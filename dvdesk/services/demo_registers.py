"""Demo leadership documents and "Dân vận khéo" models, shaped like the seeds' figures.

A separate generator with its own random stream: the inspection, supervision and
dialogue demo data stay exactly what they were for a given seed.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from dvdesk.clock import now_iso, today
from dvdesk.db.columns import RECORD_COLUMNS, ColumnValues, insert_sql
from dvdesk.services import demo_vocabulary as words
from dvdesk.services.demo import FIRST_YEAR, first_revision, mark_demo
from dvdesk.services.store import Store
from dvdesk.text import fold, vi_sort_key


class RegisterGenerator:
    """Deterministic directive and model rows for a seed."""

    def __init__(self, *, seed: int, office_codes: Sequence[str], first_change_seq: int) -> None:
        # A different stream from the records generator's, even for the same seed.
        self.rng = random.Random(f"registers-{seed}")
        # Ids from their own stream, seeded also by the offices and the change counter, so
        # two demo offices (or two runs) never make the same id (see demo.Generator).
        self.id_rng = random.Random(
            f"dvdesk-demo-register-ids:{seed}:{','.join(office_codes)}:{first_change_seq}"
        )
        self.office_codes = list(office_codes)
        self.change_seq = first_change_seq
        self.span = (today() - date(FIRST_YEAR, 1, 1)).days
        self.stamp = now_iso()

    def _common(self, kind: str, title: str, start: date, searchable: list[str]) -> ColumnValues:
        self.change_seq += 1
        return {
            "id": str(uuid.UUID(int=self.id_rng.getrandbits(128), version=4)),
            "type": kind,
            "office_code": self.rng.choice(self.office_codes),
            "title": title,
            "title_sort": vi_sort_key(title),
            "start_date": start.isoformat(),
            "fields": "[]",
            "members": "[]",
            "co_chairs": "[]",
            "recognitions": "[]",
            "status": "completed",
            "search_text": fold(" | ".join([title, *searchable])),
            **first_revision(change_seq=self.change_seq, stamp=self.stamp),
        }

    def _start(self) -> date:
        return date(FIRST_YEAR, 1, 1) + timedelta(days=self.rng.randrange(max(self.span, 1)))

    def directive(self) -> tuple[Any, ...]:
        rng = self.rng
        kinds = words.DIRECTIVE_KINDS
        kind, symbol, _weight = rng.choices(kinds, weights=[k[2] for k in kinds])[0]
        start = self._start()
        place = rng.choice(words.PLACES)
        issuer, level, issuer_symbol = rng.choice(words.DIRECTIVE_ISSUERS)
        issuer = issuer.format(p=place)
        number = f"{rng.randint(1, 400)}-{symbol}/{issuer_symbol}"
        title = rng.choice(words.DIRECTIVE_SUBJECTS).format(year=start.year)
        values = self._common("directive", title, start, [number, issuer])
        values |= {
            "directive_kind": kind,
            "directive_number": number,
            "issuer": issuer,
            "issuer_level": level,
        }
        return tuple(values.get(column) for column in RECORD_COLUMNS)

    def model(self) -> tuple[Any, ...]:
        rng = self.rng
        field, title = rng.choice(words.MODEL_TITLES)
        place = rng.choice(words.PLACES)
        title = title.format(p=place)
        owner = rng.choice(words.MODEL_OWNERS).format(p=place)
        start = self._start()
        recognitions = []
        if rng.random() < 0.5 and start + timedelta(days=120) < today():
            on = start + timedelta(days=rng.randint(60, 120))
            recognitions.append(
                {"level": "xa", "date": on.isoformat(), "decision": f"{rng.randint(1, 99)}/QĐ-UBND"}
            )
        values = self._common("model", title, start, [owner])
        values |= {
            "place": f"xã {place}",
            "model_field": field,
            "owner": owner,
            "recognitions": json.dumps(recognitions, ensure_ascii=False, separators=(",", ":")),
        }
        return tuple(values.get(column) for column in RECORD_COLUMNS)


def add_demo_registers(store: Store, *, count: int, seed: int, office_codes: Sequence[str]) -> int:
    """Add ``count`` demo documents and models (about four documents to one model)."""
    with store.raw() as connection:
        last = connection.execute("SELECT max(change_seq) FROM record").fetchone()[0]
        generator = RegisterGenerator(
            seed=seed, office_codes=office_codes, first_change_seq=int(last or 0)
        )
        rows = [
            generator.model() if index % 5 == 4 else generator.directive() for index in range(count)
        ]
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(insert_sql("record", RECORD_COLUMNS), rows)
            mark_demo(connection, rows)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return count
