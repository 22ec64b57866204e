"""The enrichment of one text, and of a JSONL file of texts: what `duluan analyze` does.

Order: normalise → mask personal numbers → identify the language → (Vietnamese) expand teencode
and restore diacritics → sentiment, topics, places, keywords. Place offsets refer to
`text_normalized`, which is the masked, normalised text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TextIO

from duluan.analysis import registry
from duluan.analysis.classifier import LinearModel, Prediction, Scorer
from duluan.analysis.diacritics import DiacriticsModel, needs_restoring
from duluan.analysis.features import words
from duluan.analysis.keywords import keywords
from duluan.analysis.taxonomy import DEFAULT_TOPICS, Topic, TopicMatcher
from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.geo.gazetteer import find_places, main_province
from duluan.text.langid import identify
from duluan.text.normalise import normalise
from duluan.text.pii import MaskResult, mask_pii
from duluan.text.teencode import expand_teencode

MAX_TEXT = 100_000  # characters analysed per text; longer texts are cut, and say so
# The trained topic model adds its topic when at least this sure; on its held-out data that
# threshold gave precision 0.83 on 69 % of texts, far above the keyword queries alone.
TOPIC_THRESHOLD = 0.5
DEFAULT_QUERIES = "default-queries-1"  # the version of `taxonomy.DEFAULT_TOPICS`


@dataclass(frozen=True)
class Analyzer:
    sentiment: LinearModel
    diacritics: DiacriticsModel
    topic_model: LinearModel
    versions: dict[str, str]
    topics: tuple[Topic, ...] = DEFAULT_TOPICS

    @classmethod
    def default(cls) -> Analyzer:
        """The models that ship with the package."""
        sentiment, sentiment_card = registry.load_classifier(registry.shipped("sentiment"))
        diacritics, diacritics_card = registry.load_diacritics(registry.shipped("diacritics"))
        topic_model, topics_card = registry.load_classifier(registry.shipped("topics"))
        versions = {
            "sentiment": sentiment_card.version,
            "diacritics": diacritics_card.version,
            "topics": f"{DEFAULT_QUERIES} + {topics_card.version}",
            "places": f"vietnam-provinces {admin_map.data_version()} + legacy 2024",
        }
        return cls(sentiment, diacritics, topic_model, versions)

    def with_topics(self, topics: Sequence[Topic], queries_version: str) -> Analyzer:
        """This analyzer classifying with other topic queries (a deployment's own): the models
        are shared, and the recorded topic version names the queries used."""
        model = self.versions["topics"].split(" + ", 1)[-1]
        versions = {**self.versions, "topics": f"{queries_version} + {model}"}
        return replace(self, topics=tuple(topics), versions=versions)

    @cached_property
    def _topic_matcher(self) -> TopicMatcher:
        return TopicMatcher(self.topics)

    @cached_property
    def _topic_codes(self) -> frozenset[str]:
        return frozenset(topic.code for topic in self.topics)

    def _topics(self, text: str, guess: Prediction) -> list[str]:
        """Topics whose query matches, plus the trained model's `guess` when it is sure enough."""
        found = [code for code in self._topic_matcher.classify(text) if code != "other"]
        known = self._topic_codes
        if guess.score >= TOPIC_THRESHOLD and guess.label in known and guess.label not in found:
            found.append(guess.label)
        return found or ["other"]

    @cached_property
    def _scorer(self) -> Scorer:
        return Scorer((self.sentiment, self.topic_model))

    def topics_of(self, restored_texts: Sequence[str]) -> list[list[str]]:
        """The topics of texts as the analyzer read them (`text_restored` of an enrichment):
        what `analyze_many` would give them, for re-tagging stored documents."""
        rows = [self._scorer.rows(words(text)) for text in restored_texts]
        predictions = self._scorer.predict_rows(rows)
        return [
            self._topics(text, guesses[1])
            for text, guesses in zip(restored_texts, predictions, strict=True)
        ]

    def analyze(self, text: str) -> dict[str, Any]:
        """The enrichment fields for one text (see `duluan analyze --help`)."""
        return self.analyze_many([text])[0]

    def analyze_many(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """`analyze` for a batch of texts: both linear models score the batch in one product."""
        read = [self._read(text) for text in texts]
        rows = [self._scorer.rows(words(restored)) for _, _, restored in read]
        predictions = self._scorer.predict_rows(rows)
        return [
            self._fields(text, *parts, *guesses)
            for text, parts, guesses in zip(texts, read, predictions, strict=True)
        ]

    def _read(self, text: str) -> tuple[MaskResult, str, str]:
        """Masked normalised text, its language, and (Vietnamese) teencode expanded and
        diacritics restored."""
        masked = mask_pii(normalise(text[:MAX_TEXT]))
        language = identify(masked.text).lang
        restored = masked.text
        if language == "vi":
            restored = expand_teencode(masked.text)
            if needs_restoring(masked.text):  # judged before teencode adds marked words
                restored = self.diacritics.restore(restored)
        return masked, language, restored

    def _fields(
        self,
        text: str,
        masked: MaskResult,
        language: str,
        restored: str,
        tone: Prediction,
        topic_guess: Prediction,
    ) -> dict[str, Any]:
        places = find_places(masked.text)
        return {
            "lang": language,
            "text_normalized": masked.text,
            "text_restored": restored,
            "sentiment": {"label": tone.label, "score": round(tone.score, 4)},
            "topics": self._topics(restored, topic_guess),
            "places": [
                {
                    "mention": p.mention,
                    "start": p.start,
                    "end": p.end,
                    "province_code": p.province_code,
                    "commune_code": p.commune_code,
                }
                for p in places
            ],
            "province_code": main_province(places),
            "keywords": keywords(restored),
            "pii_masked": bool(sum(masked.counts.values())),
            "truncated": len(text) > MAX_TEXT,
            "models": self.versions,
        }


@cache
def default_analyzer() -> Analyzer:
    return Analyzer.default()


@dataclass
class FileSummary:
    written: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _parse(line: str) -> tuple[dict[str, Any] | None, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    if not isinstance(record.get("text"), str):
        return None, "no `text` string"
    return record, ""


# Records scored together. Small enough that a progress bar moves smoothly and that a batch's
# records, alive until written, rarely outlast a garbage collection (which then walks them
# again and again); 64 costs the sparse product little over larger batches.
BATCH = 64


def _records(raw: Iterator[bytes], summary: FileSummary) -> Iterator[tuple[int, dict[str, Any]]]:
    """The (line number, record) of each good line; bad lines are noted in `summary`."""
    for number, line_bytes in enumerate(raw, start=1):
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            summary.skipped.append((number, "not UTF-8"))
            continue
        if not line.strip():
            continue
        record, reason = _parse(line)
        if record is None:
            summary.skipped.append((number, reason))
        else:
            yield number, record


def _analyze_batch(
    analyzer: Analyzer, batch: list[tuple[int, dict[str, Any]]], summary: FileSummary
) -> list[dict[str, Any]]:
    """The batch's records enriched; when the batch fails, each record alone, so that one bad
    text is skipped and reported without losing the others."""
    try:
        fields = analyzer.analyze_many([record["text"] for _, record in batch])
    except Exception:  # a boundary: find the bad record(s) one by one
        done = []
        for number, record in batch:
            try:
                record.update(analyzer.analyze(record["text"]))
            except Exception as exc:
                summary.skipped.append((number, f"analysis failed: {type(exc).__name__}: {exc}"))
                continue
            done.append(record)
        return done
    for (_, record), found in zip(batch, fields, strict=True):
        record.update(found)
    return [record for _, record in batch]


def analyze_file(source: Path, target: Path, *, progress: bool = False) -> FileSummary:
    """Enrich every JSONL record of `source` into `target`; bad lines are reported and skipped."""
    if not source.is_file():
        raise BadInput("errors.file_not_found", path=str(source))
    analyzer, summary = default_analyzer(), FileSummary()
    from rich.progress import Progress

    with (
        source.open("rb") as raw,
        target.open("w", encoding="utf-8") as out,
        Progress(disable=not progress, transient=True) as bar,
    ):
        task = bar.add_task("analyze", total=source.stat().st_size)
        batch: list[tuple[int, dict[str, Any]]] = []
        for item in _records(raw, summary):
            batch.append(item)
            if len(batch) == BATCH:
                _write(out, _analyze_batch(analyzer, batch, summary), summary)
                bar.update(task, completed=raw.tell())
                batch = []
        _write(out, _analyze_batch(analyzer, batch, summary), summary)
    summary.skipped.sort()
    return summary


# Made once (`json.dumps` makes one a call); records hold no cycles to check for.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _write(out: TextIO, records: list[dict[str, Any]], summary: FileSummary) -> None:
    out.write("".join(_ENCODER.encode(record) + "\n" for record in records))
    summary.written += len(records)
