"""One measured case of a bench, run in a fresh Python process so its peak memory is its own."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def case_in_child(module: str, case: str, base: Path) -> dict[str, Any]:
    """Run ``python -m module --case case --base base``; its last stdout line is JSON."""
    output = subprocess.run(
        [sys.executable, "-m", module, "--case", case, "--base", str(base)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    row: dict[str, Any] = json.loads(output.splitlines()[-1])
    return row


def print_cases(module: str, cases: Iterable[str], base: Path) -> None:
    """Each case in its own child process, one line each: time, peak RSS, outcome."""
    print(f"{'case':<22} {'time':>9} {'peak RSS':>10}  outcome")
    for case in cases:
        row = case_in_child(module, case, base)
        print(
            f"{case:<22} {row['seconds']:>8.2f}s {row['peak'] / 2**20:>7.0f} MiB  {row['outcome']}"
        )
