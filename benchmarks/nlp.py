"""Text models against published benchmarks, and the speed of `duluan analyze`.

    .venv/bin/python -m benchmarks nlp        (make bench runs every benchmark)

UIT-VSFC and ViHSD are benchmark-only data (../shared/data/README.md): models trained on them
here are measured and thrown away, never shipped.
"""

from __future__ import annotations

import csv
import json
import resource
import tempfile
import time
from pathlib import Path

from duluan.analysis import classifier, registry
from duluan.analysis.diacritics import evaluate
from duluan.analysis.metrics import classification_report
from duluan.analysis.pipeline import analyze_file

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "benchmarks"
COMMAND = ".venv/bin/python -m benchmarks nlp"
SENTIMENT = {"0": "negative", "1": "neutral", "2": "positive"}


def _vsfc(split: str) -> tuple[list[str], list[str]]:
    folder = DATA / "uit-vsfc" / split
    texts = (folder / "sents.txt").read_text(encoding="utf-8").splitlines()
    labels = [SENTIMENT[x] for x in (folder / "sentiments.txt").read_text().split()]
    return texts, labels


def _vihsd(split: str) -> tuple[list[str], list[str]]:
    with (DATA / "vihsd" / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["free_text"] for r in rows], [r["label_id"] for r in rows]


def _report(name: str, truth: list[str], predicted: list[str]) -> None:
    scores = classification_report(truth, predicted)
    print(
        f"{name}: accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f} "
        f"(n={scores['n']})"
    )


def benchmark_mode() -> None:
    """Train on each data set's train split, score on its test split (targets in issue 3)."""
    for name, load in (("UIT-VSFC", _vsfc), ("ViHSD", _vihsd)):
        texts, labels = load("train")
        started = time.perf_counter()
        model = classifier.train(texts, labels)
        trained = time.perf_counter() - started
        test_texts, test_labels = load("test")
        started = time.perf_counter()
        predicted = [model.predict(t).label for t in test_texts]
        rate = len(test_texts) / (time.perf_counter() - started)
        _report(
            f"{name} test, trained on its train split ({trained:.0f} s, {rate:,.0f} docs/s)",
            test_labels,
            predicted,
        )


def shipped_models() -> None:
    """The models that ship, never trained on the benchmarks: what they score there."""
    model, card = registry.load_classifier(registry.shipped("sentiment"))
    texts, labels = _vsfc("test")
    _report(
        f"UIT-VSFC test, shipped {card.version}", labels, [model.predict(t).label for t in texts]
    )
    print(
        "ViHSD: its labels (clean/offensive/hate) are not sentiment; the shipped model has no "
        "hate-speech head to score"
    )
    restorer, card = registry.load_diacritics(registry.shipped("diacritics"))
    scores = evaluate(restorer, texts)
    print(
        f"diacritics restoration, UIT-VSFC test stripped of marks, shipped {card.version}: "
        f"syllable accuracy {scores['syllable_accuracy']:.4f}, "
        f"sentence accuracy {scores['sentence_accuracy']:.4f} ({scores['syllables']:,} syllables)"
    )


def analyze_speed(count: int = 100_000) -> None:
    """`duluan analyze` on short comments in one process: documents per second, peak memory."""
    texts, _ = _vihsd("train")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for i in range(count):
                handle.write(
                    json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False)
                )
                handle.write("\n")
        started = time.perf_counter()
        summary = analyze_file(source, target)
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"duluan analyze: {summary.written:,} short comments in {elapsed:.1f} s = "
        f"{summary.written / elapsed:,.0f} docs/s, peak memory {peak:,.0f} MiB (one process)"
    )


def main() -> None:
    print(f"# {COMMAND}")
    analyze_speed()  # first, so that its peak memory is not the training's below
    shipped_models()
    benchmark_mode()
