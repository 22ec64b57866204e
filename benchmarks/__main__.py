"""Run the benchmarks: `make bench` (all) or `python -m benchmarks NAME` (one)."""

from __future__ import annotations

import importlib
import sys

# Module names under benchmarks/, each with a main() that prints its figure and how to repeat it.
BENCHMARKS: tuple[str, ...] = (
    "nlp",
    "dedup",
    "pipeline",
    "dashboard",
    "warning",
    "forecast",
    "emerging",
    "xlsform",
    "submissions",
    "raking",
    "survey_export",
    "report_printing",
)


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}; one of: {', '.join(BENCHMARKS)}")
    for name in chosen:
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main()
