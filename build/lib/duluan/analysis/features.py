"""Features of a short text for the linear models: words, word pairs and character n-grams.

Three views, so that text with and without diacritics both carry signal: words as written
(lower-cased), words folded to their unmarked form, and character 2–4-grams of folded words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from duluan.text.fold import fold

_WORD = re.compile(r"[^\W_]+|[!?]")  # words, and the punctuation that carries tone


def features(text: str) -> set[str]:
    """The set of feature names present in `text` (binary features)."""
    written = _WORD.findall(text.lower())
    folded = [_fold_word(w) for w in written]
    found = {f"w:{w}" for w in written}
    found.update(f"b:{a} {b}" for a, b in pairwise(written))
    found.update(f"f:{w}" for w in folded)
    found.update(f"g:{a} {b}" for a, b in pairwise(folded))
    for word in folded:
        found.update(_char_grams(word))
    return found


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=100_000)
def _char_grams(word: str) -> frozenset[str]:
    """Character 2–4-grams of a folded word with its boundaries (`<xa`, `ang>`)."""
    padded = f"<{word}>"
    return frozenset(
        f"c:{padded[i : i + size]}" for size in (2, 3, 4) for i in range(len(padded) - size + 1)
    )
