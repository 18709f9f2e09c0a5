"""Start time of the frozen app: launch, show the first list, quit (DVDESK_SMOKE_TEST).

    .venv/bin/pyinstaller --noconfirm build.spec
    .venv/bin/python -m bench.frozen_start [dist/dvdesk] [--runs 5]

Prints the median wall time of the frozen app and, as the baseline measured in the same
run, of the same start from the sources (.venv/bin/dvdesk); plus the folder's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    # PyInstaller links some libraries into _internal/ by symlink: count each file once.
    files = (path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    return sum(path.stat().st_size for path in files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dist", nargs="?", type=Path, default=ROOT / "dist" / "dvdesk")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    suffix = ".exe" if sys.platform == "win32" else ""
    frozen, frozen_cli = args.dist / f"dvdesk{suffix}", args.dist / f"dvdesk-cli{suffix}"
    source = Path(sys.executable).parent / f"dvdesk{suffix}"
    with tempfile.TemporaryDirectory() as folder:
        data = str(Path(folder) / "office")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DVDESK_")}
        env |= {"QT_QPA_PLATFORM": "offscreen", "DVDESK_SMOKE_TEST": "1"}
        demo = [str(frozen_cli), "--data-dir", data, "demo", "--records", str(args.records)]
        subprocess.run(demo, env=env, check=True, capture_output=True)
        results = {}
        for label, program in (("frozen", frozen), ("source", source)):
            command = [str(program), "--data-dir", data]
            timed(command, env)  # warm the disk cache: offices start the app more than once
            results[label] = statistics.median(timed(command, env) for _ in range(args.runs))
        version = [str(frozen_cli), "--version"]
        cli = statistics.median(timed(version, env) for _ in range(args.runs))
    size = folder_size(args.dist) / 1e6
    print(f"build folder {args.dist}: {size:.0f} MB")
    runs = f"median of {args.runs}"
    print(f"start to first list and quit, frozen: {results['frozen']:.2f} s ({runs})")
    print(f"same from the sources (baseline):    {results['source']:.2f} s")
    print(f"ratio frozen/source: {results['frozen'] / results['source']:.2f}")
    print(f"dvdesk-cli --version, frozen:        {cli:.2f} s")


if __name__ == "__main__":
    main()
