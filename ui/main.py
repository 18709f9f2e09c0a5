"""The ``dvdesk`` executable: a command runs headless; no command opens the desktop app."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from dvdesk.cli.main import main as cli_main


def _open_gui(data_dir: str | None) -> int:
    from ui.app import run_app  # noqa: PLC0415 - Qt loads only when the app opens

    return run_app(data_dir=data_dir)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_gui=_open_gui)


if __name__ == "__main__":
    sys.exit(main())
