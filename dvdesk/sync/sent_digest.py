"""Has anything changed in the issued documents and counts since the destination
acknowledged a package?

Every package carries every live issued document and every count of the office (the
receiver keeps what it has and takes newer revisions), so their presence alone says
nothing about whether they are new. Each package's row keeps a digest of exactly the
members it carried; the export has something new to send when the digest of what it
would carry now differs from that of the acknowledged package or of any package sent
after it (the destination may hold any of them). The package format does not change.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

from sqlmodel import Session, col, select

from dvdesk.db.schema import PackageOut
from dvdesk.sync.counts_wire import counts_member


def counts_carried(connection: sqlite3.Connection, *, office: str) -> bytes:
    """The counts member a package carries now (empty: the package has none)."""
    data, rows = counts_member(connection, office=office)
    return data if rows else b""


def sent_digest(*, documents: Sequence[bytes], counts: bytes) -> str:
    """SHA-256 over the members, each framed by its length: no two lists share one."""
    digest = hashlib.sha256(b"dvdesk sent documents and counts v1\n")
    for part in (*documents, b"--counts--", counts):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def carries_news(
    session: Session,
    *,
    destination: str,
    acknowledged: int | None,
    documents: Sequence[bytes],
    counts: bytes,
) -> bool:
    """Whether the documents and counts are worth a package of their own.

    ``acknowledged``: the sequence the destination acknowledged, or None when nothing was
    acknowledged or a full package is asked for (then: whenever there are any). A package
    written before digests were kept counts as unknown, so the old rule holds for it.
    """
    present = bool(documents or counts)
    if acknowledged is None:
        return present
    kept = session.exec(
        select(PackageOut.sent_digest).where(
            PackageOut.destination == destination, col(PackageOut.sequence) >= acknowledged
        )
    ).all()
    if not kept or any(digest is None for digest in kept):
        return present
    now = sent_digest(documents=documents, counts=counts)
    return any(digest != now for digest in kept)
