"""Train and evaluate models from files: labelled CSV/JSONL for classifiers, text for diacritics.

Every trained model is scored on a held-out tenth of its data (chosen by a hash of each text, so
the split is the same on every run) before it is written, and the scores go on its data card.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from duluan.analysis import classifier, registry
from duluan.analysis.diacritics import DiacriticsModel, evaluate
from duluan.analysis.metrics import classification_report
from duluan.errors import BadInput

SENTIMENT_LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass
class Dataset:
    texts: list[str]
    labels: list[str]
    skipped: list[Skipped]


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None, reason) for each line of a JSONL or CSV file."""
    if not path.is_file():
        raise BadInput("errors.file_not_found", path=str(path))
    with path.open(encoding="utf-8", errors="strict", newline="") as handle:
        try:
            if path.suffix.lower() == ".csv":
                for number, row in enumerate(csv.DictReader(handle), start=2):
                    yield number, dict(row), ""
                return
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, None, f"not JSON ({exc.msg})"
                    continue
                yield number, value if isinstance(value, dict) else None, "not a JSON object"
        except UnicodeDecodeError as exc:
            raise BadInput("errors.file_not_utf8", path=str(path), position=exc.start) from None


def read_dataset(path: Path, *, task: str, label_field: str = "label") -> Dataset:
    """Texts and labels (diacritics: texts only) from JSONL/CSV, or lines of a .txt file."""
    data = Dataset([], [], [])
    if task == "diacritics" and path.suffix.lower() == ".txt":
        if not path.is_file():
            raise BadInput("errors.file_not_found", path=str(path))
        data.texts = [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        return data
    for number, record, reason in _records(path):
        text = record.get("text") if record else None
        label = record.get(label_field) if record else None
        if record is None or not isinstance(text, str) or not text.strip():
            data.skipped.append(Skipped(number, reason or "no `text` field"))
        elif task != "diacritics" and (not isinstance(label, str) or not label):
            data.skipped.append(Skipped(number, f"no `{label_field}` field"))
        elif task == "sentiment" and label not in SENTIMENT_LABELS:
            data.skipped.append(
                Skipped(number, f"label {label!r} is not one of {SENTIMENT_LABELS}")
            )
        else:
            data.texts.append(text)
            data.labels.append(str(label) if task != "diacritics" else "")
    if not data.texts:
        raise BadInput("errors.dataset_empty", path=str(path))
    return data


def _held_out(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] < 26  # about one in ten


def train(
    task: str, data: Dataset, out: Path, *, source: str, licence: str = "that of its training data"
) -> registry.ModelCard:
    """Fit a model for `task`, score it on the held-out tenth, write it and its card to `out`."""
    if task not in registry.TASKS:
        raise BadInput("errors.task_invalid", task=task, tasks=", ".join(registry.TASKS))
    if task != "diacritics" and len(set(data.labels)) < 2:
        raise BadInput("errors.dataset_one_label", labels=", ".join(sorted(set(data.labels))))
    fit = [i for i, t in enumerate(data.texts) if not _held_out(t)]
    test = [i for i, t in enumerate(data.texts) if _held_out(t)]
    out.mkdir(parents=True, exist_ok=True)
    version = f"{task}-{datetime.now(UTC):%Y%m%d%H%M}"
    if task == "diacritics":
        model = DiacriticsModel(version=version)
        model.learn(data.texts[i] for i in fit)
        metrics: dict[str, Any] = evaluate(model, [data.texts[i] for i in test])
        model.save(out / registry.ARTIFACT)
    else:
        linear = classifier.train([data.texts[i] for i in fit], [data.labels[i] for i in fit])
        predicted = [linear.predict(data.texts[i]).label for i in test]
        metrics = classification_report([data.labels[i] for i in test], predicted)
        linear.save(out / registry.ARTIFACT)
    card = registry.ModelCard(
        task=task,
        version=version,
        created=datetime.now(UTC).date().isoformat(),
        training_data=f"{source}: {len(fit)} texts",
        licence=licence,
        metrics=metrics,
        evaluated_on=f"held-out tenth of {source} ({len(test)} texts, never trained on)",
    )
    card.save(out)
    return card


def score(task: str, data: Dataset, directory: Path) -> dict[str, Any]:
    """Evaluate the model in `directory` on all of `data`."""
    if task == "diacritics":
        model, card = registry.load_diacritics(directory)
        return {"model": card.version, **evaluate(model, data.texts)}
    linear, card = registry.load_classifier(directory)
    predicted = [linear.predict(t).label for t in data.texts]
    return {"model": card.version, **classification_report(data.labels, predicted)}
