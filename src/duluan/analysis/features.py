"""Features of a short text for the linear models: words, word pairs and character n-grams.

Three views, so that text with and without diacritics both carry signal: words as written
(lower-cased), words folded to their unmarked form, and character 2–4-grams of folded words.
"""

from __future__ import annotations

import re
from itertools import pairwise

from duluan.text.fold import fold

_WORD = re.compile(r"[^\W_]+|[!?]")  # words, and the punctuation that carries tone


def features(text: str) -> set[str]:
    """The set of feature names present in `text` (binary features)."""
    written = _WORD.findall(text.lower())
    folded = [fold(w) for w in written]
    found = {f"w:{w}" for w in written}
    found.update(f"b:{a} {b}" for a, b in pairwise(written))
    found.update(f"f:{w}" for w in folded)
    found.update(f"g:{a} {b}" for a, b in pairwise(folded))
    for word in folded:
        padded = f"<{word}>"
        for size in (2, 3, 4):
            found.update(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    return found
