"""Keywords: the salient phrases of a text or of a set of texts.

Vietnamese words are one to four syllables written apart. Candidates are the 1–3-syllable
n-grams inside runs of syllables between stop words and punctuation; two-syllable ones (the
commonest word length) weigh most. Phrases are counted by their folded form, so `gia xang` and
`giá xăng` are one phrase, shown in its most frequent spelling.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from duluan.text.fold import fold

MAX_PHRASE = 4
_SPLIT = re.compile(r":[a-z_]+:|[^\w\s]|\d|_")  # emoji tokens (`:angry:`) are not words
_STOP = frozenset(
    fold(word)
    for word in """
    à ạ ai anh à bà bác bạn bao bây bị bởi các cái cả cần càng chỉ chị chiếc cho chứ chúng chưa
    có còn của cùng cũng đã đang đây để đến đều đi đó đâu điều được gì giờ hay hả họ hơn khi
    không là lại làm lắm lên luôn mà mấy mình mỗi một mới nào này nên nếu nhé nhỉ như nhưng
    những nó nữa ở ơi phải qua quá ra rằng rất rồi sao sẽ tại thì theo thế thôi tôi trên trong
    từ vào vậy về vì với vừa xuống em ông cô chú ta tao mày ừ ok à vâng dạ thật nhiều ít
    """.split()
)
_WEIGHT = {1: 1.0, 2: 2.2, 3: 1.6}


def _ngrams(text: str) -> list[tuple[str, ...]]:
    """1–3-syllable n-grams of the runs of non-stop syllables, lower-cased as written."""
    found: list[tuple[str, ...]] = []
    for chunk in _SPLIT.split(text.lower()):
        run: list[str] = []
        for syllable in [*chunk.split(), ""]:
            if syllable and len(syllable) > 1 and fold(syllable) not in _STOP:
                run.append(syllable)
                continue
            for size in _WEIGHT:
                found.extend(tuple(run[i : i + size]) for i in range(len(run) - size + 1))
            run = []
    return found


def keywords(texts: str | Iterable[str], limit: int = 5) -> list[str]:
    """The `limit` best phrases of one text or of several texts together, best first."""
    grams = _ngrams(texts) if isinstance(texts, str) else [g for t in texts for g in _ngrams(t)]
    counts: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for gram in grams:
        written = " ".join(gram)
        key = fold(written)
        counts[key] += 1
        spellings[key][written] += 1
    ranked = sorted(counts, key=lambda k: (-counts[k] * _WEIGHT[k.count(" ") + 1], k))
    chosen: list[str] = []
    for key in ranked:
        if not any(f" {key} " in f" {c} " or f" {c} " in f" {key} " for c in chosen):
            chosen.append(key)
        if len(chosen) == limit:
            break
    return [spellings[key].most_common(1)[0][0] for key in chosen]
