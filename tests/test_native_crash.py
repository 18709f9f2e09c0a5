"""A native crash (a segfault in Qt or a driver) leaves a trace that the next start reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

START = """
import sys
from pathlib import Path
from dvdesk.paths import DataPaths
from ui.crash import CrashHandler, crash_files

paths = DataPaths(Path(sys.argv[1]))
CrashHandler(paths, show_dialog=False).install()
if sys.argv[2] == "crash":
    import faulthandler
    faulthandler._sigsegv()  # what a fault inside Qt's C++ looks like to Python
print("\\n".join(str(path) for path in crash_files(paths)))
"""


def _start(root: Path, what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", START, str(root), what],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_native_fault_leaves_a_trace_reported_at_the_next_start(tmp_path: Path) -> None:
    root = tmp_path / "office"
    crashed = _start(root, "crash")
    assert crashed.returncode != 0  # the process really died
    assert crashed.stdout == ""

    restarted = _start(root, "start")
    assert restarted.returncode == 0, restarted.stderr
    [crash_log] = [Path(line) for line in restarted.stdout.splitlines()]
    trace = crash_log.read_text(encoding="utf-8")
    assert "Segmentation fault" in trace
    assert 'File "<string>"' in trace  # the Python stack at the moment of the fault

    again = _start(root, "start")  # a clean run adds no crash log
    assert again.stdout.splitlines() == restarted.stdout.splitlines()
