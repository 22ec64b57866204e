"""A linear text classifier: a class-balanced linear SVM over binary features, with probabilities.

Training uses scikit-learn; prediction needs only the stored weights and numpy, so a model
loads in a fraction of a second and scores a short comment in tens of microseconds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np

from duluan.analysis import artifact
from duluan.analysis.features import features, pair_names, word_features, words
from duluan.text.memo import Memo

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

    @cached_property
    def _scorer(self) -> Scorer:
        return Scorer((self,))

    def predict(self, text: str) -> Prediction:
        return self._scorer.predict([text])[0][0]

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


class Scorer:
    """Several linear models scoring a batch of texts together, with one sparse product.

    The models' weights sit side by side in one matrix over the union of their features, with
    one extra column per model marking the features that model knows: a text's row of features
    times that matrix gives every model's sums and its own feature count (for the 1/sqrt(count)
    scaling of training) at once.
    """

    def __init__(self, models: Sequence[LinearModel]) -> None:
        self.models = tuple(models)
        names = sorted(set().union(*(m.weights for m in self.models)))
        self._row = {name: i for i, name in enumerate(names)}
        widths = [len(m.labels) for m in self.models]
        self._starts = np.cumsum([0, *widths]).tolist()
        counts_at = self._starts[-1]
        matrix = np.zeros((len(names), counts_at + len(self.models)), dtype=np.float32)
        for k, model in enumerate(self.models):
            rows = [self._row[name] for name in model.weights]
            start, stop = self._starts[k], self._starts[k + 1]
            matrix[rows, start:stop] = np.array(list(model.weights.values()), dtype=np.float32)
            matrix[rows, counts_at + k] = 1.0
        self._matrix = matrix
        # Words and pairs of words repeat from text to text: their rows are remembered.
        self._word_rows = Memo(self._find_word_rows, 200_000)
        self._pair_rows = Memo(self._find_pair_rows, 200_000)

    def _known(self, names: Iterable[str]) -> tuple[int, ...]:
        """The rows of the features among `names` that some model knows."""
        return tuple(i for i in map(self._row.get, names) if i is not None)

    def _find_word_rows(self, word: str) -> tuple[int, ...]:
        return self._known(word_features(word))

    def _find_pair_rows(self, pair: tuple[str, str]) -> tuple[int, ...]:
        return self._known(pair_names(*pair))

    def rows(self, written: list[str]) -> set[int]:
        """The feature rows present in a text, from its words (see `features.words`)."""
        found: set[int] = set()
        found.update(*self._pair_rows.many(list(pairwise(written))), *self._word_rows.many(written))
        return found

    def predict(self, texts: Sequence[str]) -> list[list[Prediction]]:
        """For each text, one prediction per model (in the order the models were given)."""
        return self.predict_rows([self.rows(words(text)) for text in texts])

    def predict_rows(self, texts: Sequence[set[int]]) -> list[list[Prediction]]:
        """`predict` from each text's feature rows (see `rows`)."""
        from scipy.sparse import csr_matrix

        indptr = np.cumsum([0, *map(len, texts)])
        indices = np.fromiter(chain.from_iterable(texts), dtype=np.int64, count=indptr[-1])
        present = csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(texts), len(self._row)),
        )
        totals = np.asarray(present @ self._matrix, dtype=np.float64)
        counts_at = self._starts[-1]
        results: list[list[Prediction]] = [[] for _ in texts]
        for k, model in enumerate(self.models):
            start, stop = self._starts[k], self._starts[k + 1]
            scale = 1 / np.sqrt(np.maximum(totals[:, counts_at + k : counts_at + k + 1], 1.0))
            logits = totals[:, start:stop] * scale + np.array(model.intercept)
            logits -= logits.max(axis=1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            # argmax, like max(), takes the first of equal scores
            bests = probabilities.argmax(axis=1).tolist()
            for result, row, best in zip(results, probabilities.tolist(), bests, strict=True):
                result.append(
                    Prediction(
                        model.labels[best], row[best], dict(zip(model.labels, row, strict=True))
                    )
                )
        return results
