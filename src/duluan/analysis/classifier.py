"""A linear text classifier: a class-balanced linear SVM over binary features, with probabilities.

Training uses scikit-learn; prediction needs only the stored weights and numpy, so a model
loads in a fraction of a second and scores a short comment in tens of microseconds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from duluan.analysis import artifact
from duluan.analysis.features import features, pair_features, word_features, words

FORMAT = "duluan-linear/1"


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float  # probability of `label`
    probabilities: dict[str, float]


@dataclass
class LinearModel:
    labels: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def __post_init__(self) -> None:
        # One row per feature: a prediction sums the rows of the features it finds.
        self._row = {name: i for i, name in enumerate(self.weights)}
        self._matrix = np.array(list(self.weights.values()), dtype=np.float64).reshape(
            len(self.weights), len(self.labels)
        )
        self._rows_cache: dict[str, frozenset[int]] = {}

    def _word_rows(self, word: str) -> frozenset[int]:
        """Rows of the features a word brings alone, cached: words repeat across texts."""
        found = self._rows_cache.get(word)
        if found is None:
            found = frozenset(i for i in map(self._row.get, word_features(word)) if i is not None)
            if len(self._rows_cache) > 200_000:
                self._rows_cache.clear()
            self._rows_cache[word] = found
        return found

    def predict(self, text: str) -> Prediction:
        written = words(text)
        return self.predict_parts(written, pair_features(written))

    def predict_parts(self, written: list[str], pairs: set[str]) -> Prediction:
        """`predict` from a text's words and pair features, when several models read one text."""
        found = set().union(*map(self._word_rows, written))
        found.update(i for i in map(self._row.get, pairs) if i is not None)
        rows = sorted(found)
        logits = list(self.intercept)
        if rows:  # features are scaled by 1/sqrt(count), as in training
            sums = (self._matrix[rows].sum(axis=0) / math.sqrt(len(rows))).tolist()
            logits = [b + v for b, v in zip(logits, sums, strict=True)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        probabilities = {label: e / total for label, e in zip(self.labels, exps, strict=True)}
        label = max(probabilities, key=probabilities.__getitem__)
        return Prediction(label, probabilities[label], probabilities)

    def save(self, path: Path) -> None:
        payload = {
            "labels": list(self.labels),
            "intercept": list(self.intercept),
            "weights": {f: [round(x, 5) for x in w] for f, w in self.weights.items()},
        }
        artifact.write(path, FORMAT, payload)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        payload = artifact.read(path, FORMAT)
        weights = {f: tuple(w) for f, w in payload["weights"].items()}
        return cls(tuple(payload["labels"]), tuple(payload["intercept"]), weights)


def _matrix_of(rows: list[set[str]], vocabulary: dict[str, int]) -> Any:
    """Rows of binary features, each scaled by 1/sqrt(its count), as a sparse matrix."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for row in rows:
        kept = [vocabulary[f] for f in row if f in vocabulary]
        indices.extend(kept)
        values.extend([1 / math.sqrt(len(kept))] * len(kept) if kept else [])
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(rows), len(vocabulary)))


def _fit(matrix: Any, labels: list[str], c: float) -> tuple[list[str], Any, Any]:
    """A linear SVM with classes weighted by their rarity: classes, coefficients, intercepts."""
    from sklearn.svm import LinearSVC

    fitted = LinearSVC(C=c, class_weight="balanced").fit(matrix, labels)
    classes = [str(x) for x in fitted.classes_]
    coef, intercept = fitted.coef_, fitted.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: its score against zero
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    return classes, coef, intercept


def _temperature(scores: Any, truth: list[int]) -> float:
    """The divisor of the SVM scores whose softmax gives the least log-loss on held-back data."""
    best, best_loss = 1.0, math.inf
    for temperature in np.geomspace(0.02, 5.0, 60):
        scaled = scores / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = -float(log_p[np.arange(len(truth)), truth].mean())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def train(
    texts: Sequence[str], labels: Sequence[str], *, min_count: int = 2, c: float = 3.0
) -> LinearModel:
    """Fit a class-balanced linear SVM on the binary features of `texts`, with probabilities.

    The SVM's scores become probabilities through a softmax whose temperature is fitted on a
    fifth of the data held back from a first fit; the final fit then uses all the data.
    """
    rows = [features(t) for t in texts]
    counts = Counter(f for row in rows for f in row)
    vocabulary = {
        f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))
    }
    matrix, labels = _matrix_of(rows, vocabulary), list(labels)
    temperature = 1.0
    calibrate = [i for i in range(len(rows)) if i % 5 == 4]
    fit = [i for i in range(len(rows)) if i % 5 != 4]
    if len(set(labels[i] for i in fit)) == len(set(labels)) and calibrate:
        classes, coef, intercept = _fit(matrix[fit], [labels[i] for i in fit], c)
        scores = matrix[calibrate] @ coef.T + intercept
        temperature = _temperature(scores, [classes.index(labels[i]) for i in calibrate])
    classes, coef, intercept = _fit(matrix, labels, c)
    coef, intercept = coef / temperature, intercept / temperature
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weights = {
        name: tuple(float(x) for x in coef[:, j])
        for j, name in enumerate(names)
        if float(np.abs(coef[:, j]).max()) >= 1e-4
    }
    return LinearModel(tuple(classes), tuple(float(x) for x in intercept), weights)
