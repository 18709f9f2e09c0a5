"""Every package import first backs up the receiving database (after verification)."""

from __future__ import annotations

from dvdesk.services.backup import BEFORE_IMPORT, list_backups
from tests import sync_fixtures
from tests.sync_fixtures import Exchange
from tests.test_backup import table_rows

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def test_import_backs_up_the_database_first(exchange: Exchange) -> None:
    exchange.add()
    package = exchange.export().path
    before = table_rows(exchange.parent.paths.database)

    exchange.import_(package, dry_run=True)
    assert list_backups(exchange.parent.paths) == [], "a dry run changes nothing"

    exchange.import_(package)
    [backup] = list_backups(exchange.parent.paths)
    assert backup.reason == BEFORE_IMPORT
    assert table_rows(backup.path) == before

    exchange.import_(package)  # already imported: nothing to apply, no new backup
    assert len(list_backups(exchange.parent.paths)) == 1
