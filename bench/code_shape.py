"""Function length (median, 90th percentile) and `dict[str, Any]` count in dvdesk/.

Run: .venv/bin/python bench/code_shape.py [ROOT]   (ROOT defaults to this checkout)
Function length is the number of source lines from ``def`` to the end of the body,
decorators excluded, for every function and method (nested ones included).
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path


def function_lengths(folder: Path) -> list[int]:
    lengths: list[int] = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lengths.append(node.end_lineno - node.lineno + 1)
    return lengths


def dict_any_count(folder: Path) -> int:
    return sum(
        path.read_text(encoding="utf-8").count("dict[str, Any]")
        for path in sorted(folder.rglob("*.py"))
    )


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    core = root / "dvdesk"
    lengths = sorted(function_lengths(core))
    p90 = statistics.quantiles(lengths, n=10, method="inclusive")[-1]
    print(f"functions in dvdesk/: {len(lengths)}")
    print(f"function length median: {statistics.median(lengths):g} lines")
    print(f"function length 90th percentile: {p90:g} lines")
    print(f"'dict[str, Any]' in dvdesk/: {dict_any_count(core)}")


if __name__ == "__main__":
    main()
