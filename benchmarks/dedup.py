"""Near-duplicate detection (ingest.dedup) on the project's labelled pairs, and its speed.

    .venv/bin/python -m benchmarks dedup      (make bench runs every benchmark)

The pairs are tests/ingest/data/near_duplicates.jsonl (written by the project, rebuilt by
make_near_duplicates.py next to it). Printed: precision and recall of `is_near_duplicate`, the
share of true pairs that the LSH bands make candidates, how well each shingle size separates
copies from different items, and signatures per second.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from duluan.ingest import dedup

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "ingest" / "data" / "near_duplicates.jsonl"
COMMAND = ".venv/bin/python -m benchmarks dedup"

Pair = dict[str, object]


def load_pairs() -> list[Pair]:
    with PAIRS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _texts(pair: Pair) -> tuple[str, str]:
    return str(pair["a"]), str(pair["b"])


def _long(pair: Pair) -> bool:
    """Both texts long enough for shingles to count (shorter ones are exact-hash only)."""
    return all(len(dedup.words(t)) >= dedup.MIN_WORDS for t in _texts(pair))


def decisions() -> None:
    """Precision and recall of `is_near_duplicate`, and the pairs it gets wrong."""
    pairs = load_pairs()
    predicted = [dedup.is_near_duplicate(*_texts(p)) for p in pairs]
    truth = [bool(p["duplicate"]) for p in pairs]
    hits = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = hits / max(sum(predicted), 1)
    recall = hits / sum(truth)
    print(
        f"is_near_duplicate (k={dedup.SHINGLE_WORDS}, threshold {dedup.THRESHOLD}): "
        f"precision {precision:.3f}, recall {recall:.3f} "
        f"({sum(truth)} duplicate pairs, {len(truth) - sum(truth)} different)"
    )
    for pair, guess in zip(pairs, predicted, strict=True):
        if guess != pair["duplicate"]:
            print(f"  wrong ({dedup.similarity(*_texts(pair)):.3f}): {pair['why']}")


def candidates() -> None:
    """Share of pairs whose signatures share at least one LSH band."""
    pairs = [p for p in load_pairs() if _long(p)]
    shared = [bool(_band_set(p["a"]) & _band_set(p["b"])) for p in pairs]
    true = [s for s, p in zip(shared, pairs, strict=True) if p["duplicate"]]
    false = [s for s, p in zip(shared, pairs, strict=True) if not p["duplicate"]]
    print(
        f"LSH ({dedup.BANDS} bands x {dedup.ROWS} rows): candidate recall "
        f"{sum(true) / len(true):.3f} of {len(true)} duplicate pairs; "
        f"{sum(false) / len(false):.3f} of {len(false)} different pairs are candidates too"
    )


def _band_set(text: object) -> set[int]:
    return set(dedup.bands(dedup.signature(str(text))))


def shingle_sizes() -> None:
    """Jaccard of copies and of different items for each shingle size: how far apart they lie."""
    pairs = [p for p in load_pairs() if _long(p)]
    for size in (2, 3, 4, 5, 6):
        copies: list[float] = []
        others: list[float] = []
        for pair in pairs:
            a, b = (dedup.shingles(t, size=size) for t in _texts(pair))
            (copies if pair["duplicate"] else others).append(len(a & b) / len(a | b))
        low = statistics.quantiles(copies, n=100)[0]
        high = statistics.quantiles(others, n=100)[-1]
        print(
            f"  k={size}: copies min {min(copies):.3f}, 1st percentile {low:.3f}; "
            f"different max {max(others):.3f}, 99th percentile {high:.3f}; "
            f"ratio of percentiles {low / high:.2f}"
        )


def speed() -> None:
    """Signature of a 600-word article, and signatures per second over the set's texts."""
    texts = sorted({t for p in load_pairs() for t in _texts(p)})
    article = " ".join(" ".join(texts).split()[:600])
    dedup.signature(article)  # the word-hash cache warm, as in a running pipeline
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        dedup.bands(dedup.signature(article))
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    for text in texts:
        dedup.bands(dedup.signature(text))
    rate = len(texts) / (time.perf_counter() - started)
    words = statistics.mean(len(t.split()) for t in texts)
    median = statistics.median(timings) * 1e3
    print(
        f"signature + bands of a 600-word article: median {median:.2f} ms; "
        f"{rate:,.0f} signatures/s over the set's {len(texts)} texts ({words:.0f} words on average)"
    )


def main() -> None:
    print(f"# {COMMAND}")
    decisions()
    candidates()
    print("shingle sizes (pairs of 8 words or more):")
    shingle_sizes()
    speed()
