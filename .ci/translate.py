"""Fill Vietnamese translations into the catalog from a JSON object {msgid: msgstr}.

Usage: .venv/bin/python .ci/translate.py translations.json
"""

import json
import sys
import unicodedata
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "resources/locale/vi/LC_MESSAGES/dvdesk.po"


def main() -> int:
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="vi", domain="dvdesk")
    unknown = []
    for msgid, text in translations.items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
            continue
        message.string = unicodedata.normalize("NFC", text)
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    with CATALOG.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    left = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    print(f"{len(translations) - len(unknown)} set, {len(unknown)} unknown, {len(left)} left")
    for msgid in unknown:
        print("unknown:", msgid)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
