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
from duluan.text.tokens import per_token

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

Phrase = tuple[str, ...]  # syllables, folded or as written
Syllable = tuple[str, str]  # as written (lower-cased), folded


def _token_syllables(token: str) -> tuple[Syllable | None, ...]:
    """The syllables of one whitespace-separated token that may be in a phrase; None for a stop
    word or any other mark, which ends a run of syllables."""
    found: list[Syllable | None] = []
    for syllable in _TOKEN.findall(token.lower()):
        folded = fold_word(syllable) if syllable else ""
        found.append((syllable, folded) if syllable and folded not in _STOP else None)
    return tuple(found)


_syllables = per_token(_token_syllables)


def _runs(text: str) -> Iterator[list[Syllable]]:
    """The runs of non-stop syllables of `text`."""
    run: list[Syllable] = []
    for syllable in _syllables(text):
        if syllable is not None:
            run.append(syllable)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _count(texts: Iterable[str]) -> tuple[dict[Phrase, int], dict[Phrase, Phrase]]:
    """The 1–3-syllable phrases inside the runs of `texts`, folded, with how often each comes,
    and each phrase as first written."""
    counts: dict[Phrase, int] = {}
    spellings: dict[Phrase, Phrase] = {}
    for text in texts:
        for run in _runs(text):
            written, folded = zip(*run, strict=True)
            for size in _WEIGHT:
                for i in range(len(run) - size + 1):
                    key = folded[i : i + size]
                    if key in counts:
                        counts[key] += 1
                    else:
                        counts[key] = 1
                        spellings[key] = written[i : i + size]
    return counts, spellings


def keywords(texts: str | Iterable[str], limit: int = 5) -> list[str]:
    """The `limit` best phrases of one text or of several texts together, best first.

    A phrase sharing a syllable with one already chosen is passed over, so the list does not
    repeat itself.
    """
    counts, spellings = _count([texts] if isinstance(texts, str) else texts)
    ranked = sorted((-n * _WEIGHT[len(key)], key) for key, n in counts.items())
    chosen: list[Phrase] = []
    used: set[str] = set()
    for _, key in ranked:
        if used.isdisjoint(key):
            chosen.append(key)
            used.update(key)
            if len(chosen) == limit:
                break
    return [" ".join(spellings[key]) for key in chosen]
