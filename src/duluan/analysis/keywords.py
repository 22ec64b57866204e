"""Keywords: the salient phrases of a text or of a set of texts.

Vietnamese words are one to four syllables written apart. Candidates are the 1–3-syllable
n-grams inside runs of syllables between stop words and punctuation; two-syllable ones (the
commonest word length) weigh most. Phrases are counted by their folded form, so `gia xang` and
`giá xăng` are one phrase, shown as first written (restore diacritics first for the best form).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from duluan.text.fold import fold, fold_word

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


def _ngrams(text: str) -> list[tuple[str, str]]:
    """(written, folded) 1–3-syllable n-grams of the runs of non-stop syllables."""
    found: list[tuple[str, str]] = []
    for chunk in _SPLIT.split(text.lower()):
        run: list[tuple[str, str]] = []
        for syllable in [*chunk.split(), ""]:
            folded = fold_word(syllable)
            if len(syllable) > 1 and folded not in _STOP:
                run.append((syllable, folded))
                continue
            for size in _WEIGHT:
                for i in range(len(run) - size + 1):
                    gram = run[i : i + size]
                    found.append((" ".join(w for w, _ in gram), " ".join(f for _, f in gram)))
            run = []
    return found


def keywords(texts: str | Iterable[str], limit: int = 5) -> list[str]:
    """The `limit` best phrases of one text or of several texts together, best first."""
    grams = _ngrams(texts) if isinstance(texts, str) else [g for t in texts for g in _ngrams(t)]
    counts: Counter[str] = Counter(key for _, key in grams)
    spellings: dict[str, str] = {}
    for written, key in grams:
        spellings.setdefault(key, written)
    ranked = sorted(counts, key=lambda k: (-counts[k] * _WEIGHT[k.count(" ") + 1], k))
    chosen: list[str] = []
    for key in ranked:
        if not any(f" {key} " in f" {c} " or f" {c} " in f" {key} " for c in chosen):
            chosen.append(key)
        if len(chosen) == limit:
            break
    return [spellings[key] for key in chosen]
