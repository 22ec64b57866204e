"""The model registry: each model a folder with its artifact and a data card; the shipped defaults.

A model folder holds `model.json.gz` and `card.json`. The card says what the model is, what it
was trained on under which licence, when, and how it scored on data it did not see; every
output of the platform records the version from the card.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from duluan.analysis.classifier import LinearModel
from duluan.analysis.diacritics import DiacriticsModel

TASKS = ("sentiment", "topics", "diacritics")
SHIPPED_DIR = Path(__file__).parent / "models"
ARTIFACT = "model.json.gz"
CARD = "card.json"


@dataclass(frozen=True)
class ModelCard:
    task: str
    version: str
    created: str  # ISO date
    training_data: str  # what the model learnt from, and its licence
    licence: str  # licence of the model itself
    metrics: dict[str, Any] = field(default_factory=dict)  # on held-out data, see `evaluated_on`
    evaluated_on: str = ""
    notes: str = ""

    def save(self, directory: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)
        (directory / CARD).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ModelCard:
        path = directory / CARD
        if not path.is_file():
            raise FileNotFoundError(f"no {CARD} in {directory}: not a model folder")
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def shipped(task: str) -> Path:
    """The folder of the default model for `task` that ships with the package."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; one of {', '.join(TASKS)}")
    return SHIPPED_DIR / task


def load_classifier(directory: Path) -> tuple[LinearModel, ModelCard]:
    card = ModelCard.load(directory)  # first: a folder without a card is not a model
    return LinearModel.load(directory / ARTIFACT), card


def load_diacritics(directory: Path) -> tuple[DiacriticsModel, ModelCard]:
    card = ModelCard.load(directory)
    return DiacriticsModel.load(directory / ARTIFACT), card
