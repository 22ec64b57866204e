"""Diacritics restoration: `gia xang tang qua` → `giá xăng tăng quá` with a syllable bigram model.

Each syllable typed without marks (its *key*, the folded form) has a few written forms
(`gia` → `giá`, `gia`, `già`, `giã` …). A bigram language model over written forms, learnt from
text that carries diacritics, picks the most likely sequence of forms for a sentence (Viterbi).
Syllables typed with marks are kept as typed; unknown syllables are left alone.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from duluan.analysis import artifact
from duluan.text.fold import fold, strip_marks
from duluan.text.tokens import per_token

FORMAT = "duluan-diacritics/1"
_SEGMENT_BREAK = re.compile(r"[.!?;:\n()\[\]\"“”…]")
_SYLLABLE = re.compile(r"[^\W\d_]+")
_LAMBDA = 0.85  # weight of the bigram estimate against the unigram one


def _has_marks(token: str) -> bool:
    return strip_marks(token) != token


def _token_marks(token: str) -> tuple[bool, ...]:
    """For each syllable of one whitespace-separated token, whether it has a non-ASCII letter."""
    return tuple(not syllable.isascii() for syllable in _SYLLABLE.findall(token))


_marks = per_token(_token_marks)


def needs_restoring(text: str) -> bool:
    """Whether `text` was typed without diacritics: fewer than one syllable in five has marks.

    Vietnamese written with diacritics has marks on most syllables; such text is left as typed.
    """
    marked = _marks(text)
    return bool(marked) and sum(marked) * 5 < len(marked)


def _segments(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of syllables not separated by sentence punctuation: the units the model reads."""
    start = 0
    for brk in _SEGMENT_BREAK.finditer(text):
        yield list(_SYLLABLE.finditer(text, start, brk.start()))
        start = brk.end()
    yield list(_SYLLABLE.finditer(text, start))


def _with_case(form: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    if typed[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


@dataclass
class DiacriticsModel:
    """Counts of written forms and of form bigrams; `candidates` maps a key to its forms."""

    version: str
    forms: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)
    candidates: dict[str, list[str]] = field(default_factory=dict)
    total: int = 0
    _unigram: dict[str, float] = field(default_factory=dict, repr=False)
    _backoff: dict[str, float] = field(default_factory=dict, repr=False)
    _unknown: float = field(default=0.0, repr=False)
    _option_cache: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def learn(self, sentences: Iterable[str]) -> None:
        """Count forms and bigrams in text that carries diacritics."""
        for sentence in sentences:
            for segment in _segments(unicodedata.normalize("NFC", sentence)):
                words = [m.group().lower() for m in segment]
                self.forms.update(words)
                self.bigrams.update(pairwise(words))
        self._index()

    def _index(self) -> None:
        """Derive the total and, for each key, its forms from the most to the least frequent."""
        self.total = sum(self.forms.values())
        by_key: defaultdict[str, list[str]] = defaultdict(list)
        for form, _ in self.forms.most_common():
            by_key[fold(form)].append(form)
        self.candidates = dict(by_key)
        self._unigram = {f: math.log((n + 0.1) / (self.total + 1)) for f, n in self.forms.items()}
        self._backoff = {f: math.log(1 - _LAMBDA) + p for f, p in self._unigram.items()}
        self._unknown = math.log(0.1 / (self.total + 1))
        self._option_cache.clear()

    def _log_p(self, previous: str | None, form: str) -> float:
        if previous is None:
            return self._unigram.get(form, self._unknown)
        together = self.bigrams.get((previous, form), 0)
        if not together:
            table = self._backoff if previous in self.forms else self._unigram
            return table.get(form, self._unknown)
        unigram = (self.forms[form] + 0.1) / (self.total + 1)
        bigram = together / self.forms[previous]
        return math.log(_LAMBDA * bigram + (1 - _LAMBDA) * unigram)

    def _best_previous(self, scores: dict[str, float], form: str) -> tuple[str, float]:
        """The previous form that leads best to `form`, and that path's score (the first of the
        best, as `max` gives). The decoder's innermost loop: `_log_p` without a bigram is looked
        up once per form."""
        forms, bigrams = self.forms, self.bigrams
        backoff = self._backoff.get(form, self._unknown)
        unigram = self._unigram.get(form, self._unknown)
        best, best_score = "", -math.inf  # every path's score is finite
        for previous, score in scores.items():
            if bigrams.get((previous, form), 0):
                score += self._log_p(previous, form)
            else:
                score += backoff if previous in forms else unigram
            if score > best_score:
                best, best_score = previous, score
        return best, best_score

    def _options(self, typed: str) -> list[str]:
        """The forms a typed syllable may stand for (itself if typed with marks), cached."""
        found = self._option_cache.get(typed)
        if found is None:
            lower = typed.lower()
            found = [lower] if _has_marks(typed) else self.candidates.get(lower, [lower])[:12]
            if len(self._option_cache) > 200_000:
                self._option_cache.clear()
            self._option_cache[typed] = found
        return found

    def _decode(self, options: list[list[str]]) -> list[str]:
        """Viterbi over the candidate forms of each typed syllable, with back-pointers."""
        if all(len(choices) == 1 for choices in options):
            return [choices[0] for choices in options]  # nothing to decide
        scores = {form: self._log_p(None, form) for form in options[0]}
        back: list[dict[str, str]] = []
        for choices in options[1:]:
            step: dict[str, float] = {}
            pointers: dict[str, str] = {}
            for form in choices:
                pointers[form], step[form] = self._best_previous(scores, form)
            scores = step
            back.append(pointers)
        form = max(scores, key=scores.__getitem__)
        path = [form]
        for pointers in reversed(back):
            form = pointers[form]
            path.append(form)
        return path[::-1]

    def restore(self, text: str) -> str:
        """`text` with diacritics restored where they are missing; everything else unchanged."""
        text = unicodedata.normalize("NFC", text)
        pieces, cursor = [], 0
        for segment in _segments(text):
            if not segment:
                continue
            forms = self._decode([self._options(m.group()) for m in segment])
            for match, form in zip(segment, forms, strict=True):
                pieces += [text[cursor : match.start()], _with_case(form, match.group())]
                cursor = match.end()
        pieces.append(text[cursor:])
        return "".join(pieces)

    def save(self, path: Path) -> None:
        payload = {
            "version": self.version,
            "forms": dict(self.forms),
            "bigrams": [[a, b, n] for (a, b), n in self.bigrams.items()],
        }
        artifact.write(path, FORMAT, payload)

    @classmethod
    def load(cls, path: Path) -> DiacriticsModel:
        payload = artifact.read(path, FORMAT)
        model = cls(version=payload["version"])
        model.forms = Counter(payload["forms"])
        model.bigrams = Counter({(a, b): n for a, b, n in payload["bigrams"]})
        model._index()
        return model


def evaluate(model: DiacriticsModel, sentences: Iterable[str]) -> dict[str, float]:
    """Strip each sentence, restore it, and compare syllable by syllable with the original."""
    syllables = right = lines = whole = 0
    for sentence in sentences:
        truth = [m.group() for m in _SYLLABLE.finditer(unicodedata.normalize("NFC", sentence))]
        guess = [m.group() for m in _SYLLABLE.finditer(model.restore(strip_marks(sentence)))]
        hits = sum(t.lower() == g.lower() for t, g in zip(truth, guess, strict=False))
        syllables, right = syllables + len(truth), right + hits
        lines, whole = lines + 1, whole + (hits == len(truth))
    return {
        "syllables": syllables,
        "syllable_accuracy": right / syllables if syllables else 0.0,
        "sentences": lines,
        "sentence_accuracy": whole / lines if lines else 0.0,
    }
