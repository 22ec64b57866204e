"""Features of a short text for the linear models: words, word pairs and character n-grams.

Three views, so that text with and without diacritics both carry signal: words as written
(lower-cased), words folded to their unmarked form, and character 2–4-grams of folded words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from duluan.text.fold import fold_word

_WORD = re.compile(r"[^\W_]+|[!?]")  # words, and the punctuation that carries tone


def words(text: str) -> list[str]:
    """The lower-cased words of `text` as written, with `!` and `?` as words."""
    return _WORD.findall(text.lower())


def word_features(word: str) -> frozenset[str]:
    """The features one word brings alone: itself, its folded form, its character n-grams."""
    folded = fold_word(word)
    return frozenset({f"w:{word}", f"f:{folded}"}) | _char_grams(folded)


def pair_names(first: str, second: str) -> tuple[str, str]:
    """The features of two neighbouring words: the pair as written, and folded."""
    return f"b:{first} {second}", f"g:{fold_word(first)} {fold_word(second)}"


def pair_features(written: list[str]) -> set[str]:
    """The features of neighbouring words: written pairs and folded pairs."""
    pairs = [pair_names(a, b) for a, b in pairwise(written)]
    found = {as_written for as_written, _ in pairs}
    found.update(folded for _, folded in pairs)
    return found


# For training, which reads each word many times; scoring keeps the rows of a word instead.
_remembered_word_features = lru_cache(maxsize=100_000)(word_features)


def features(text: str) -> set[str]:
    """The set of feature names present in `text` (binary features)."""
    written = words(text)
    return pair_features(written).union(*map(_remembered_word_features, written))


def _char_grams(word: str) -> frozenset[str]:
    """Character 2–4-grams of a folded word with its boundaries (`<xa`, `ang>`)."""
    padded = f"<{word}>"
    return frozenset(
        f"c:{padded[i : i + size]}" for size in (2, 3, 4) for i in range(len(padded) - size + 1)
    )
