"""Run every benchmark listed in BENCHMARKS (`make bench` or `python -m benchmarks`)."""

from __future__ import annotations

import importlib

# Module names under benchmarks/, each with a main() that prints its figure and how to repeat it.
BENCHMARKS: tuple[str, ...] = ()


def main() -> None:
    if not BENCHMARKS:
        print("no benchmarks yet: they arrive with the features that have speed targets")
        return
    for name in BENCHMARKS:
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main()
