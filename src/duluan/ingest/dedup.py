"""Duplicate detection: exact copies by content hash, near-copies by MinHash with LSH banding.

Exact copies. `content_hash` is the SHA-256 of the text folded (`duluan.text.fold`: no marks, lower
case) and cut into words and symbols, punctuation and spacing dropped: `Đồng ý!` and `dong  Y`
hash alike. Emoji are kept there (`👍` and `👎` answer differently); they are dropped below.

Near-copies (a syndicated article under another headline, byline, credit line or footer, with a
sentence cut or added, paragraphs swapped, marks lost, typos; a post pasted with emoji):

1. words: the folded words of the text (`words`), punctuation and emoji left out;
2. shingles: every run of SHINGLE_WORDS = 5 consecutive words (syllables, in Vietnamese);
3. MinHash: each word hashed once (BLAKE2b, 64 bits, cached), a shingle's word hashes combined
   and mixed (the splitmix64 finaliser) into x; permutation i maps x to (a_i·x + b_i) mod 2**64,
   a_i odd, a_i and b_i fixed numbers derived with BLAKE2b from a label. So a signature is the
   same in every process and on every machine (Python's `hash()` is salted per process). A
   signature holds the minima over PERMUTATIONS = 96 permutations;
4. LSH: BANDS = 32 bands of ROWS = 3 values; a band's values are combined and mixed as a
   shingle's words are, cut to 59 bits and put under a 5-bit band index: one signed 64-bit key
   per band (`near_duplicate_keys.band`; keys of different bands never collide). Texts sharing
   a key are candidates; for Jaccard J the chance is 1 - (1 - J**3)**32: 0.58 at 0.3, 0.88 at
   0.4, 0.986 at 0.5, 0.9996 at 0.6;
5. confirmation: `similarity` is the exact Jaccard of the two shingle sets; `is_near_duplicate`
   says yes at THRESHOLD = 0.3 or more.

Short texts. Below MIN_WORDS = 8 words one changed word is most of the text, and short comments
agree with each other all the time (`Đồng ý` / `Đồng ý ạ`): they are duplicates only when their
content hashes are equal, and `bands` gives them no key.

Measured (`python -m benchmarks dedup`) on tests/ingest/data/near_duplicates.jsonl, 266 copies
and 242 hard different pairs (siblings: another event told alike; the same with one outlet's
credit line and footer; follow-ups; fills of one announcement template; short comments):

- shingle size: the 1st percentile of copies over the 99th of different pairs is 1.30 (k=2),
  1.40 (3), 1.53 (4), 1.66 (5), 1.65 (6); k=5 separates best, the hardest different pairs being
  template fills (template wording is shared in short runs, a copy in long ones);
- threshold 0.3: about the geometric middle (0.31) of the most similar different pair (0.244)
  and the 1st percentile of copies (0.404). Precision 1.000, recall 0.996: the one
  copy missed (0.292) is a three-sentence post cut by a third on one side and given a share
  prefix, credit line and four typos on the other;
- LSH: 0.996 of the 260 copies of 8 words or more share a band; 0.048 of the different pairs do
  too (the exact Jaccard then turns them down);
- speed (x86-64, one core): signature and bands of a 600-word article 0.8-0.9 ms; about 4,000
  signatures a second for the set's texts (91 words on average). Memory is bounded by hashing
  at most 4,096 shingles at once (3 MiB).

Known limit: reports cut from one template that differ only in a few figures (a daily price
table) share long runs of words and are taken for copies; a content check of figures was tried
and dropped, because copies with a changed headline or footer differ in their figures too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from duluan.text.fold import fold, fold_word

SHINGLE_WORDS = 5  # k: a shingle is k consecutive folded words (syllables, in Vietnamese)
PERMUTATIONS = 96  # MinHash values per signature
BANDS = 32  # LSH bands of PERMUTATIONS // BANDS rows each
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.3  # Jaccard of shingle sets at or above which two texts are near-copies
MIN_WORDS = 8  # below this many words a text is only ever an exact duplicate

_INDEX_BITS = (BANDS - 1).bit_length()  # the band index fills the top bits of each band key
_CHUNK = 4096  # shingles hashed at once: bounds memory at CHUNK x PERMUTATIONS x 8 bytes
_WORD = re.compile(r"[\w\u0300-\u036f]+")  # stray combining marks stay in their word
_TOKEN = re.compile(r"\w+|[^\w\s]")
_U64 = np.uint64
_MIX_MULTIPLIER = _U64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Signature:
    """The MinHash of a text's shingle set, and how many words the text has."""

    minhashes: tuple[int, ...]  # PERMUTATIONS unsigned 64-bit values
    words: int


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text with marks, case, spacing and punctuation ignored.

    Words and symbols (emoji included: `👍` and `👎` say different things) are kept.
    """
    tokens = [
        token
        for token in _TOKEN.findall(fold(text))
        if token[0].isalnum() or token[0] == "_" or unicodedata.category(token).startswith("S")
    ]
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    """The folded words of a text: `Giá xăng TĂNG!` → `['gia', 'xang', 'tang']`."""
    return [fold_word(w) for w in _WORD.findall(unicodedata.normalize("NFC", text))]


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """The set of `size`-word runs of the text's folded words (the whole text when shorter)."""
    return _shingle_set(words(text), size)


def similarity(a_text: str, b_text: str) -> float:
    """Exact Jaccard similarity of the two texts' shingle sets (1.0 for two wordless texts)."""
    return _jaccard(shingles(a_text), shingles(b_text))


def is_near_duplicate(a_text: str, b_text: str) -> bool:
    """Same content hash, or both of MIN_WORDS words or more and similarity ≥ THRESHOLD."""
    if content_hash(a_text) == content_hash(b_text):
        return True
    a_words, b_words = words(a_text), words(b_text)
    if min(len(a_words), len(b_words)) < MIN_WORDS:
        return False
    similar = _jaccard(_shingle_set(a_words, SHINGLE_WORDS), _shingle_set(b_words, SHINGLE_WORDS))
    return similar >= THRESHOLD


def signature(text: str) -> Signature:
    """The MinHash signature of the text's shingle set."""
    folded = words(text)
    hashes = _shingle_hashes(np.array([_word_hash(w) for w in folded], dtype=_U64))
    minimum = np.full(PERMUTATIONS, np.iinfo(_U64).max, dtype=_U64)
    for start in range(0, len(hashes), _CHUNK):
        values = np.multiply.outer(_MULTIPLIERS, hashes[start : start + _CHUNK])
        values += _OFFSETS[:, None]  # in place: one array of PERMUTATIONS x CHUNK per chunk
        np.minimum(minimum, values.min(axis=1), out=minimum)
    return Signature(minhashes=tuple(minimum.tolist()), words=len(folded))


def estimated_similarity(a: Signature, b: Signature) -> float:
    """The share of equal MinHash values: an estimate of `similarity`, without the texts."""
    return sum(x == y for x, y in zip(a.minhashes, b.minhashes, strict=True)) / PERMUTATIONS


def bands(sig: Signature) -> list[int]:
    """One signed 64-bit key per LSH band; none for a text shorter than MIN_WORDS words.

    The top bits of a key hold its band's index, so keys of different bands never collide.
    """
    if sig.words < MIN_WORDS:
        return []
    rows = np.array(sig.minhashes, dtype=_U64).reshape(BANDS, ROWS)
    keys = (
        _combined([rows[:, column] for column in range(ROWS)]) >> _U64(_INDEX_BITS)
    ) | _BAND_TOPS
    return [int(key) for key in keys.view(np.int64).tolist()]


def _shingle_set(folded: list[str], size: int) -> set[tuple[str, ...]]:
    if len(folded) <= size:
        return {tuple(folded)} if folded else set()
    return {tuple(folded[i : i + size]) for i in range(len(folded) - size + 1)}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")


def _shingle_hashes(word_hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """One 64-bit hash per shingle (a text shorter than a shingle is one shingle)."""
    size = min(SHINGLE_WORDS, len(word_hashes))
    count = len(word_hashes) - size + 1 if size else 0
    return _combined([word_hashes[offset : offset + count] for offset in range(size)])


def _combined(columns: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
    """Row-wise hash of equal-length columns: a polynomial in the values, then mixed."""
    if not columns:
        return np.empty(0, dtype=_U64)
    combined = columns[0].copy()
    for column in columns[1:]:
        combined = combined * _MIX_MULTIPLIER + column
    return _mixed(combined)


def _mixed(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


def _constants(label: bytes) -> npt.NDArray[np.uint64]:
    """PERMUTATIONS fixed 64-bit numbers derived from `label` (the same in every process)."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(label + i.to_bytes(2, "big"), digest_size=8).digest())
            for i in range(PERMUTATIONS)
        ],
        dtype=_U64,
    )


# The i-th permutation maps a shingle hash x to (a_i * x + b_i) mod 2**64, a_i odd.
_MULTIPLIERS = _constants(b"duluan.minhash.a") | _U64(1)
_OFFSETS = _constants(b"duluan.minhash.b")
_BAND_TOPS = np.arange(BANDS, dtype=_U64) << _U64(64 - _INDEX_BITS)
