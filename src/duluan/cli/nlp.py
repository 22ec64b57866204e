"""Text-model commands: `duluan nlp train|evaluate` and `duluan analyze` (no database needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from duluan.analysis import registry, training
from duluan.cli.common import fail, fail_with, group
from duluan.errors import DuluanError

nlp_app = group("Text models: train on labelled data, evaluate, see what ships.")

Task = Annotated[str, typer.Option(help=f"One of: {', '.join(registry.TASKS)}.")]
Data = Annotated[
    Path,
    typer.Option(
        help="JSONL or CSV with `text` and `label` fields; for diacritics, text with diacritics "
        "(.txt, one sentence a line, or JSONL/CSV with `text`)."
    ),
]


def _read(task: str, data: Path, label_field: str) -> training.Dataset:
    if task not in registry.TASKS:
        raise fail(f"unknown task {task!r}; one of {', '.join(registry.TASKS)}")
    try:
        dataset = training.read_dataset(data, task=task, label_field=label_field)
    except DuluanError as exc:
        raise fail_with(exc) from None
    for skipped in dataset.skipped[:20]:
        typer.echo(f"{data}:{skipped.line}: skipped: {skipped.reason}", err=True)
    if len(dataset.skipped) > 20:
        typer.echo(f"… and {len(dataset.skipped) - 20} more skipped lines", err=True)
    return dataset


@nlp_app.command("train")
def nlp_train(
    task: Task,
    data: Data,
    out: Annotated[Path, typer.Option(help="Folder to write the model and its data card to.")],
    label_field: Annotated[str, typer.Option(help="Name of the label field.")] = "label",
) -> None:
    """Train a model, score it on a held-out tenth of the data, write it with its data card."""
    dataset = _read(task, data, label_field)
    try:
        card = training.train(task, dataset, out, source=data.name)
    except DuluanError as exc:
        raise fail_with(exc) from None
    typer.echo(json.dumps({"version": card.version, "metrics": card.metrics}, ensure_ascii=False))


@nlp_app.command("evaluate")
def nlp_evaluate(
    task: Task,
    data: Data,
    model: Annotated[
        Path | None, typer.Option(help="Model folder; the shipped default if not given.")
    ] = None,
    label_field: Annotated[str, typer.Option(help="Name of the label field.")] = "label",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score a model on labelled data: accuracy, macro-F1, per class, confusion matrix."""
    dataset = _read(task, data, label_field)
    try:
        report = training.score(task, dataset, model or registry.shipped(task))
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for key in (
        "model",
        "n",
        "syllables",
        "accuracy",
        "macro_f1",
        "syllable_accuracy",
        "sentence_accuracy",
    ):
        if key in report:
            typer.echo(f"{key:>18}: {report[key]}")


def analyze(
    file: Annotated[Path, typer.Argument(help='JSONL file of {"id", "text"} objects.')],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the enriched JSONL.")],
) -> None:
    """Enrich each text offline: language, normalised and restored text, sentiment, topics,
    places, keywords, masked personal numbers. Needs no database."""
    from duluan.analysis.pipeline import analyze_file

    try:
        summary = analyze_file(file, out, progress=True)
    except DuluanError as exc:
        raise fail_with(exc) from None
    for line, reason in summary.skipped[:20]:
        typer.echo(f"{file}:{line}: skipped: {reason}", err=True)
    typer.echo(json.dumps({"written": summary.written, "skipped": len(summary.skipped)}))
