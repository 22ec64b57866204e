"""Keywords: the salient phrases of a text or of a set of texts.

Vietnamese words are one to four syllables written apart. Candidates are the 1–3-syllable
n-grams inside runs of syllables between stop words and punctuation; two-syllable ones (the
commonest word length) weigh most. Phrases are counted by their folded form, so `gia xang` and
`giá xăng` are one phrase, shown as first written (restore diacritics first for the best form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from duluan.text.fold import fold, fold_word

# A syllable of two letters or more (captured), or one other mark: an emoji token, a digit,
# punctuation or a lone letter, each of which ends a run of syllables.
_TOKEN = re.compile(r":[a-z_]+:|([^\W\d_]{2,})|\S")
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
_WEIGHT = {1: 1.0, 2: 2.2, 3: 1.6}  # by syllables: two-syllable words are the commonest

Phrase = tuple[str, ...]  # folded syllables


def _runs(text: str) -> Iterator[list[str]]:
    """The runs of non-stop syllables of `text`, lower-cased, as written."""
    run: list[str] = []
    for syllable in _TOKEN.findall(text.lower()):
        if syllable and fold_word(syllable) not in _STOP:
            run.append(syllable)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _count(text: str, counts: dict[Phrase, int], spellings: dict[Phrase, list[str]]) -> None:
    """Add the 1–3-syllable phrases inside the runs of `text` to `counts`, and the syllables of
    each new phrase as written to `spellings`."""
    for run in _runs(text):
        folded = [fold_word(s) for s in run]
        for size in _WEIGHT:
            for i in range(len(run) - size + 1):
                key = tuple(folded[i : i + size])
                found = counts.get(key)
                if found is None:
                    counts[key] = 1
                    spellings[key] = run[i : i + size]
                else:
                    counts[key] = found + 1


def keywords(texts: str | Iterable[str], limit: int = 5) -> list[str]:
    """The `limit` best phrases of one text or of several texts together, best first.

    A phrase sharing a syllable with one already chosen is passed over, so the list does not
    repeat itself.
    """
    counts: dict[Phrase, int] = {}
    spellings: dict[Phrase, list[str]] = {}
    for text in [texts] if isinstance(texts, str) else texts:
        _count(text, counts, spellings)
    ranked = sorted(counts, key=lambda k: (-counts[k] * _WEIGHT[len(k)], k))
    chosen: list[Phrase] = []
    used: set[str] = set()
    for key in ranked:
        if used.isdisjoint(key):
            chosen.append(key)
            used.update(key)
            if len(chosen) == limit:
                break
    return [" ".join(spellings[key]) for key in chosen]
