"""Classification scores as the CLI prints them: accuracy, macro-F1, per class, confusion matrix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any


def classification_report(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Scores of `predicted` against `truth`; labels are those seen in either, sorted."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    labels = sorted(set(truth) | set(predicted))
    pairs = Counter(zip(truth, predicted, strict=True))
    per_class: dict[str, dict[str, float]] = {}
    for label in labels:
        hit = pairs[(label, label)]
        guessed = sum(n for (_, p), n in pairs.items() if p == label)
        actual = sum(n for (t, _), n in pairs.items() if t == label)
        precision = hit / guessed if guessed else 0.0
        recall = hit / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    correct = sum(n for (t, p), n in pairs.items() if t == p)
    return {
        "n": len(truth),
        "accuracy": correct / len(truth) if truth else 0.0,
        "macro_f1": sum(c["f1"] for c in per_class.values()) / len(labels) if labels else 0.0,
        "per_class": per_class,
        "labels": labels,
        "confusion": [[pairs[(t, p)] for p in labels] for t in labels],
    }
