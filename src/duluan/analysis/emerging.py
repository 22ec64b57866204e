"""Emerging topics: groups of recent documents that no topic query covers, each with a label.

This is the database-free part (`emerging_store` runs it over stored documents; the benchmark
over synthetic sets). No pretrained model is needed and the result is the same on every run:

1. Each text gives its *phrases*: the 2–3-syllable n-grams inside runs of syllables between stop
   words and punctuation (as in `keywords`), keyed by their folded form so that `gia xe` and
   `giá xe` are one phrase. Single syllables are too ambiguous in Vietnamese to carry an issue.
2. The vocabulary is the phrases found in at least `MIN_SIZE` texts but in at most
   `MAX_SHARE` of them (more is background talk, not an issue), the `MAX_TERMS` commonest,
   leaving out words of how opinion is reported (`REPORTING_WORDS`: `phản ánh`, `băn khoăn`).
3. Phrases are grouped by average-linkage agglomerative clustering on the Jaccard distance of the
   sets of texts naming them: phrases of one issue are named together. Average linkage (not
   single) keeps a phrase that two issues share (`tăng giá`) from chaining them into one.
4. Each group's phrases are grown to the whole expressions they are part of (`thu phí`, `phí
   đỗ`, `đỗ xe` → `thu phí đỗ xe`: the syllable found beside a phrase in `GROW_SHARE` of its
   occurrences joins it); this is the word segmentation the label and the membership need.
5. A text joins the group whose phrases it names most, if it names at least two distinct
   expressions of it; a group with fewer than `MIN_SIZE` texts or a single expression (a fixed
   collocation such as `thịt trâu gác bếp` is not an issue) is dropped.
6. The label is the group's most distinctive expressions (named by many of its texts, few
   others), without repeating a syllable, each in its most frequent written form.

Everything is ordered explicitly (texts by id, phrases by count then spelling), never by the
iteration order of a set or dict, and counts are integers, so equal input gives equal output.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from duluan.text.fold import fold, fold_word
from duluan.text.tokens import per_token

METHOD = "phrase-cooccurrence-1"  # stored with each cluster; change it when results change
MIN_SIZE = 5  # distinct texts for a group to be shown, and for a phrase to be counted
MIN_SHARED = 2  # distinct expressions of its group a text names to be a member
MAX_SHARE = 0.3  # phrases named by more texts than this share are background …
BACKGROUND_FLOOR = 30  # … once there are that many: an issue may be most of a small pool
MAX_TERMS = 2_000  # vocabulary cap: the pairwise distances grow with its square
MIN_SIMILARITY = 0.2  # average Jaccard similarity at which two phrase groups merge
LABEL_PHRASES = 4
LABEL_SEPARATOR = " · "
SIZES = (2, 3)  # syllables per phrase
GROW_SHARE = 0.8  # a label phrase takes in a neighbour syllable found beside it this often
LONGEST = 5  # syllables of a label phrase

_TOKEN = re.compile(r":[a-z_]+:|([^\W\d_]{2,})|\S")  # a syllable (captured), or a mark
# Function words, compared as written: folded, `chợ`, `chó` and `đỗ` would be `cho` and `do`.
# A syllable typed without marks is compared by its folded form (`khong` is `không`).
STOP_WORDS = frozenset(
    """
    à ạ ai anh bà bác bạn bao bây bị bởi các cái cả cần càng chỉ chị chiếc cho chứ chúng chưa
    có còn của cùng cũng đã đang đây để đến đều đi đó đâu điều được gì giờ hay hả họ hơn khi
    không là lại làm lắm lên luôn mà mấy mình mỗi một mới nào này nên nếu nhé nhỉ như nhưng
    những nó nữa ở ơi phải qua quá ra rằng rất rồi sao sẽ tại thì theo thế thôi tôi trên trong
    từ vào vậy về vì với vừa xuống em ông cô chú ta tao mày ừ ok vâng dạ thật nhiều ít và hoặc
    sau trước nhé nha luôn đấy kìa ấy hết
    """.split()
)
_FOLDED_STOP_WORDS = frozenset(fold(word) for word in STOP_WORDS)
# Words of how opinion is reported, not of what it is about: in every issue, so they would tie
# unrelated posts together (`một bộ phận người dân băn khoăn`). A phrase containing one is left
# out of the vocabulary (folded forms).
REPORTING_WORDS = frozenset(
    fold(phrase)
    for phrase in """
    người dân|bà con|nhân dân|mọi người|cộng tác viên|ghi nhận|phản ánh|ý kiến|kiến nghị|đề nghị|
    mong muốn|băn khoăn|quan tâm|bức xúc|lo lắng|bộ phận|tổng hợp|cho thấy|cho biết|tiếp tục|
    thông tin|hiện nay|hôm nay|tuy nhiên|chia sẻ|bài viết|đề xuất|nhiều người|tình hình|vấn đề
    """.split("|")
)


@dataclass(frozen=True)
class Entry:
    """One text to cluster, under the id of the document it comes from."""

    id: int
    text: str


@dataclass(frozen=True)
class Group:
    """An emerging issue: its phrases (folded, most named first), label and member ids."""

    terms: tuple[str, ...]
    label: str
    members: tuple[int, ...]


Syllable = tuple[str, str]  # as written, folded


def _token_syllables(token: str) -> tuple[Syllable | None, ...]:
    """The syllables of one token, as written and folded; None for a stop word or a mark."""
    found: list[Syllable | None] = []
    for syllable in _TOKEN.findall(token):
        folded = fold_word(syllable) if syllable else ""
        found.append((syllable, folded) if syllable and not _is_stop(syllable, folded) else None)
    return tuple(found)


def _is_stop(syllable: str, folded: str) -> bool:
    lowered = syllable.lower()
    if lowered == folded:  # typed without marks: `cho` may be `cho`, `chợ` or `chó`
        return folded in _FOLDED_STOP_WORDS
    return lowered in STOP_WORDS


_syllables = per_token(_token_syllables)


def phrase_spellings(text: str) -> Iterable[tuple[str, str]]:
    """(folded, as written) for each 2–3-syllable phrase of `text`, in order, repeats included."""
    run: list[Syllable] = []
    for syllable in [*_syllables(text), None]:
        if syllable is not None:
            run.append(syllable)
            continue
        for size in SIZES:
            for i in range(len(run) - size + 1):
                part = run[i : i + size]
                yield " ".join(f for _, f in part), " ".join(w for w, _ in part)
        run = []


def phrases(text: str) -> frozenset[str]:
    """The folded phrases of `text`."""
    return frozenset(folded for folded, _ in phrase_spellings(text))


def cluster(entries: Sequence[Entry]) -> list[Group]:
    """The emerging issues among `entries`, largest first (see the module docstring)."""
    ordered = sorted(entries, key=lambda e: e.id)
    found = [phrases(e.text) for e in ordered]
    vocabulary = _vocabulary(found)
    if len(vocabulary) < MIN_SHARED:
        return []
    index = {term: k for k, term in enumerate(vocabulary)}
    matrix = _incidence(found, index)
    term_groups = _group_terms(matrix, vocabulary)
    candidates = _assign(matrix, term_groups, index)
    document_frequency = Counter(t for terms in found for t in terms)
    groups = []
    for terms, rows in zip(term_groups, candidates, strict=True):
        if len(rows) < MIN_SIZE:
            continue
        runs = [run for r in rows for run in _runs(ordered[r].text)]
        scored = _ranked_terms(terms, [found[r] for r in rows], document_frequency, len(ordered))
        expressions = _expressions(scored, runs)
        # A member names two expressions: `thu phí đỗ xe` alone is one, however many n-grams.
        named = [sum(not e.terms.isdisjoint(found[r]) for e in expressions) for r in rows]
        kept = [r for r, n in zip(rows, named, strict=True) if n >= MIN_SHARED]
        label = _distinct(expressions)
        if len(kept) < MIN_SIZE or len(label) < MIN_SHARED:
            continue  # e.g. one fixed expression (`thịt trâu gác bếp`) is not an issue
        chosen = tuple(e.folded for e in label)
        groups.append(
            Group(
                terms=chosen + tuple(t for t in terms if t not in chosen),
                label=LABEL_SEPARATOR.join(e.written for e in label),
                members=tuple(ordered[r].id for r in kept),
            )
        )
    return sorted(groups, key=lambda g: (-len(g.members), g.terms))


def _vocabulary(found: Sequence[frozenset[str]]) -> list[str]:
    """Phrases named by enough texts and not too many, the commonest first. In a pool of fewer
    than 100 texts (a quiet unit's) the share is not applied below BACKGROUND_FLOOR texts: the
    issue of the hour may be most of it, and its phrases must stay."""
    counts = Counter(t for terms in found for t in terms)
    most = max(BACKGROUND_FLOOR, int(MAX_SHARE * len(found)))
    kept = [
        (-n, term)
        for term, n in counts.items()
        if MIN_SIZE <= n <= most and not _about_reporting(term)
    ]
    return [term for _, term in sorted(kept)[:MAX_TERMS]]


def _about_reporting(term: str) -> bool:
    """Whether the phrase contains a reporting word (`dân quan tâm` contains `quan tâm`)."""
    syllables = term.split()
    return any(
        " ".join(syllables[i : i + size]) in REPORTING_WORDS
        for size in (2, 3)
        for i in range(len(syllables) - size + 1)
    )


def _incidence(found: Sequence[frozenset[str]], index: dict[str, int]) -> csr_matrix:
    """Texts × vocabulary, 1 where the text names the phrase."""
    rows: list[int] = []
    columns: list[int] = []
    for r, terms in enumerate(found):
        known = sorted(index[t] for t in terms if t in index)
        rows += [r] * len(known)
        columns += known
    data = np.ones(len(rows), dtype=np.int32)
    return csr_matrix((data, (rows, columns)), shape=(len(found), len(index)), dtype=np.int32)


def _group_terms(matrix: csr_matrix, vocabulary: list[str]) -> list[tuple[str, ...]]:
    """Groups of two or more phrases named together, ordered by their commonest phrase."""
    together = (matrix.T @ matrix).toarray().astype(np.float64)
    counts = np.diag(together)
    union = counts[:, None] + counts[None, :] - together
    distance = 1.0 - together / np.maximum(union, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - MIN_SIMILARITY, criterion="distance")
    grouped: dict[int, list[int]] = {}
    for k, label in enumerate(labels.tolist()):  # vocabulary order: commonest phrase first
        grouped.setdefault(int(label), []).append(k)
    kept = sorted(ks for ks in grouped.values() if len(ks) >= MIN_SHARED)
    return [tuple(vocabulary[k] for k in ks) for ks in kept]


def _assign(
    matrix: csr_matrix, term_groups: list[tuple[str, ...]], index: dict[str, int]
) -> list[list[int]]:
    """For each group, the rows of the texts naming most of its phrases (ties: earlier group)."""
    if not term_groups:
        return []
    pairs = [(index[t], g) for g, terms in enumerate(term_groups) for t in terms]
    rows, columns = zip(*pairs, strict=True)
    data = np.ones(len(pairs), dtype=np.int32)
    indicator = csr_matrix((data, (rows, columns)), shape=(matrix.shape[1], len(term_groups)))
    named = np.asarray((matrix @ indicator).todense())
    best = named.argmax(axis=1)
    strong = named[np.arange(named.shape[0]), best] >= MIN_SHARED
    members: list[list[int]] = [[] for _ in term_groups]
    for r in np.flatnonzero(strong).tolist():
        members[int(best[r])].append(int(r))
    return members


def _runs(text: str) -> list[list[Syllable]]:
    """The runs of non-stop syllables of `text`."""
    runs: list[list[Syllable]] = [[]]
    for syllable in _syllables(text):
        if syllable is not None:
            runs[-1].append(syllable)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


@dataclass
class Expression:
    """A phrase grown to the whole expression it is part of, with the group's n-grams inside."""

    folded: str
    written: str
    terms: set[str]


def _ranked_terms(
    terms: tuple[str, ...],
    member_terms: list[frozenset[str]],
    document_frequency: Counter[str],
    total: int,
) -> list[str]:
    """The group's phrases, most distinctive first: named by many of its texts, few others."""
    inside = Counter(t for found in member_terms for t in found if t in terms)
    scored = sorted(
        (-inside[t] * math.log(1 + total / document_frequency[t]), t) for t in terms if inside[t]
    )
    return [t for _, t in scored]


def _expressions(ranked: list[str], runs: list[list[Syllable]]) -> list[Expression]:
    """The expressions the ranked phrases are part of, in rank order; a phrase inside an
    expression already found joins it (`phí đỗ` is part of `thu phí đỗ xe`)."""
    found: list[Expression] = []
    for term in ranked:
        home = next((e for e in found if f" {term} " in f" {e.folded} "), None)
        if home is None:
            folded, written = _expression(term.split(), runs)
            joined = " ".join(folded)
            home = next((e for e in found if e.folded == joined), None)
            if home is None:
                home = Expression(joined, written, set())
                found.append(home)
        home.terms.add(term)
    return found


def _distinct(expressions: list[Expression]) -> list[Expression]:
    """The first `LABEL_PHRASES` expressions that repeat no syllable of an earlier one."""
    chosen: list[Expression] = []
    used: set[str] = set()
    for expression in expressions:
        syllables = expression.folded.split()
        if used.isdisjoint(syllables):
            chosen.append(expression)
            used.update(syllables)
            if len(chosen) == LABEL_PHRASES:
                break
    return chosen


def _expression(target: list[str], runs: list[list[Syllable]]) -> tuple[list[str], str]:
    """`target` (folded syllables) grown by the syllable that stands beside it in at least
    `GROW_SHARE` of its occurrences, on either side, up to `LONGEST` syllables; with its most
    frequent written form (ties: first in code-point order)."""
    while True:
        spans, left, right = _occurrences(target, runs)
        grown = False
        for side, seen in (("left", left), ("right", right)):
            if len(target) >= LONGEST or not seen:
                continue
            syllable, n = min(seen.items(), key=lambda item: (-item[1], item[0]))
            if syllable and n >= GROW_SHARE * len(spans):
                target = [syllable, *target] if side == "left" else [*target, syllable]
                grown = True
        if not grown:
            written = Counter(spans)
            return target, min(written.items(), key=lambda item: (-item[1], item[0]))[0]


def _occurrences(
    target: list[str], runs: list[list[Syllable]]
) -> tuple[list[str], Counter[str], Counter[str]]:
    """Where `target` occurs in `runs`: each occurrence as written, and the folded syllables
    just left and right of it ("" at the edge of a run)."""
    size = len(target)
    spans: list[str] = []
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for run in runs:
        folded = [f for _, f in run]
        for i in range(len(run) - size + 1):
            if folded[i : i + size] == target:
                spans.append(" ".join(w for w, _ in run[i : i + size]))
                left[folded[i - 1] if i else ""] += 1
                right[folded[i + size] if i + size < len(run) else ""] += 1
    return spans, left, right
