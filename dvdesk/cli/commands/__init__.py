"""Command groups. Each module adds its sub-commands and sets ``run`` on them."""

from __future__ import annotations

import argparse
from typing import Any

from dvdesk.cli.commands import (
    audit,
    backup,
    counts,
    demo,
    documents,
    office,
    records,
    requests,
    review,
    signatures,
    sync,
    users,
)


def register_all(commands: argparse._SubParsersAction[Any]) -> None:
    office.register(commands)
    demo.register(commands)
    records.register(commands)
    counts.register(commands)
    documents.register(commands)
    sync.register(commands)
    backup.register(commands)
    users.register(commands)
    audit.register(commands)
    review.register(commands)
    requests.register(commands)
    signatures.register(commands)
