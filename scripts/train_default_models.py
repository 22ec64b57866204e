"""Train the models that ship with duluan from the project's own corpus (`corpus/`, MIT).

    .venv/bin/python scripts/train_default_models.py      (or: make models)

Writes src/duluan/analysis/models/{sentiment,topics,diacritics}/ with their data cards. The
sentiment and topic models learn from the labelled JSONL files; the diacritics model from every
text and lexicon line. `corpus/diacritics_eval.txt` is never trained on: it is the held-out test
of the diacritics card. Each card also records the scores on a held-out tenth of its data.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from duluan.analysis import registry, training
from duluan.analysis.diacritics import evaluate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LICENCE = "MIT, as the rest of duluan"
SOURCE = "duluan's own corpus (corpus/, written by the project, MIT)"


def _labelled(field: str = "sentiment") -> training.Dataset:
    data = training.Dataset([], [], [])
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            data.texts.append(record["text"])
            data.labels.append(record[field])
    return data


def _plain_texts() -> training.Dataset:
    texts = list(_labelled().texts)
    for path in sorted(CORPUS.glob("lexicon_*.txt")):
        texts += [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    return training.Dataset(texts, [""] * len(texts), [])


def main() -> None:
    sentiment_dir, diacritics_dir = registry.shipped("sentiment"), registry.shipped("diacritics")
    training.train("sentiment", _labelled(), sentiment_dir, source=SOURCE, licence=LICENCE)
    training.train(
        "topics", _labelled("topic"), registry.shipped("topics"), source=SOURCE, licence=LICENCE
    )
    card = training.train(
        "diacritics", _plain_texts(), diacritics_dir, source=SOURCE, licence=LICENCE
    )
    model, _ = registry.load_diacritics(diacritics_dir)
    lines = (CORPUS / "diacritics_eval.txt").read_text(encoding="utf-8").splitlines()
    scores = evaluate(model, [line for line in lines if line.strip()])
    replace(
        card,
        metrics={"held_out_tenth": card.metrics, "diacritics_eval": scores},
        evaluated_on=f"{card.evaluated_on}; and corpus/diacritics_eval.txt (never trained on)",
    ).save(diacritics_dir)
    json.dump({"diacritics_eval": scores}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
