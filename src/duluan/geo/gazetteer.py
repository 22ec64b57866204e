"""Find places in Vietnamese text and resolve them to the 2025 map, old names included.

Matching runs on accent-folded syllables (`Lào Cai`, `lao cai`) looked up in a dict keyed by
folded n-grams, with offsets into the original text. Common words are kept out by rules:

- A commune or old district name needs a type word before it (`xã`, `phường`, `P.`, `huyện`,
  `quận`, …), or two or more capitalised syllables outside the stop-list, or its province named
  elsewhere in the text. One-syllable names always need a type word.
- Where the text carries diacritics they must agree with the name (`Huệ` is not `Huế`).
- A name found in several provinces takes the province named elsewhere in the text; with none,
  the mention keeps `province_code=None` rather than a guess.

Alias decisions: `ĐN` is Đà Nẵng (news usage; Đồng Nai is written out), `DN` is not a place
(doanh nghiệp), `SG`, `HN`, `HP`, `ĐN`, `BMT` count only as written in capitals. Regions
(`Tây Nguyên`, `miền Tây`, `ĐBSCL`, …) are consumed and yield nothing.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import pairwise
from typing import Any

from duluan.geo import admin_map, legacy
from duluan.text.tokens import per_token

_MAX_NGRAM = 6
_WORDS = "gazetteer_words.json"
_TOKEN = re.compile(r"[^\W_](?:[\w\u0300-\u036f]|['’](?=[^\W_]))*")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_JOIN_GAP = re.compile(r"\s*[-–]?\s*")
_TYPE_GAP = re.compile(r"\s*|\.\s*")
_COMMUNE_PREFIX = re.compile(r"^(Xã|Phường|Đặc khu)\s+")
_PROVINCE_PREFIX = re.compile(r"^(Tỉnh|Thành phố)\s+", re.IGNORECASE)

ANCHOR_KINDS = ("province", "legacy_province", "alias")
_PRIORITY = {"province": 0, "alias": 0, "legacy_province": 1, "commune": 2, "legacy_district": 3}

# Type words before a name, folded, longest first: (tokens, class, subtype, spellings with
# diacritics; a word written with other diacritics is not the type word: `tình`, `quán`).
_TYPE_WORDS: tuple[tuple[tuple[str, ...], str, str, frozenset[str]], ...] = (
    (("thanh", "pho"), "city", "city", frozenset({"thành phố"})),
    (("dac", "khu"), "commune", "special_zone", frozenset({"đặc khu"})),
    (("thi", "tran"), "commune", "", frozenset({"thị trấn"})),
    (("thi", "xa"), "district", "town", frozenset({"thị xã"})),
    (("tinh",), "province", "", frozenset({"tỉnh"})),
    (("tp",), "city", "city", frozenset()),
    (("xa",), "commune", "commune", frozenset({"xã"})),
    (("phuong",), "commune", "ward", frozenset({"phường"})),
    (("p",), "commune", "ward", frozenset()),
    (("x",), "commune", "commune", frozenset()),
    (("tt",), "commune", "", frozenset()),
    (("huyen",), "district", "district", frozenset({"huyện"})),
    (("quan",), "district", "urban_district", frozenset({"quận"})),
    (("q",), "district", "urban_district", frozenset()),
    (("tx",), "district", "town", frozenset()),
)
_TYPE_LAST = frozenset(words[-1] for words, *_ in _TYPE_WORDS)
# One-letter abbreviations only count when written `P.` / `Q.` (a dot right after).
_DOTTED = frozenset({"p", "x", "q"})
_ALLOWED_BY_TYPE = {
    "province": ("province", "legacy_province", "alias"),
    "city": ("province", "legacy_province", "alias", "legacy_district"),
    "commune": ("commune",),
    "district": ("legacy_district",),
}


@dataclass(frozen=True)
class PlaceMention:
    """A place found in a text: span in the original text and the 2025 units it resolves to."""

    mention: str
    start: int
    end: int
    province_code: str | None
    commune_code: str | None
    kind: str


@dataclass(frozen=True)
class _Entry:
    kind: str
    province_code: str
    commune_code: str | None
    marks: tuple[str, ...]  # diacritic signature per syllable
    city: bool  # a city: `thành phố X` fits it
    subtype: str  # `ward`, `commune`, `town`, `urban_district`, … to match `phường`, `thị xã`, …
    syllables: int
    exact: str | None  # aliases that only count as written (`SG`)


@dataclass(frozen=True)
class _Words:
    aliases: dict[str, tuple[str, bool]]
    regions: frozenset[str]
    risky_provinces: frozenset[str]
    stop_names: frozenset[str]
    blockers_before: frozenset[str]
    ho_chi_minh_blockers: tuple[str, ...]


@cache
def _words() -> _Words:
    text = resources.files("duluan.geo").joinpath("data", _WORDS).read_text(encoding="utf-8")
    raw: dict[str, Any] = json.loads(text)
    return _Words(
        aliases={name: (code, bool(exact)) for name, (code, exact) in raw["aliases"].items()},
        regions=frozenset(raw["regions"]),
        risky_provinces=frozenset(raw["risky_provinces"]),
        stop_names=frozenset(raw["stop_names"]),
        blockers_before=frozenset(raw["blockers_before"]),
        ho_chi_minh_blockers=tuple(raw["ho_chi_minh_blockers"]),
    )


def _signature(syllable: str) -> str:
    """The diacritics of a syllable, order-free (`hoà` and `hòa` agree), `đ` included."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    marks = sorted(ch for ch in decomposed if unicodedata.combining(ch))
    return "".join(marks) + "đ" * decomposed.count("đ")


def _fold_token(raw: str) -> str:
    decomposed = unicodedata.normalize("NFD", raw.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("’", "'")


def _entry(
    kind: str,
    name: str,
    province: str,
    commune: str | None,
    *,
    city: bool = False,
    subtype: str = "",
    exact: str | None = None,
) -> tuple[str, _Entry]:
    syllables = _TOKEN.findall(unicodedata.normalize("NFC", name))
    key = " ".join(_fold_token(s) for s in syllables)
    entry = _Entry(
        kind=kind,
        province_code=province,
        commune_code=commune,
        marks=tuple(_signature(s) for s in syllables),
        city=city,
        subtype=subtype,
        syllables=len(syllables),
        exact=exact,
    )
    return key, entry


def _entries() -> Iterable[tuple[str, _Entry]]:
    for province in admin_map.provinces():
        bare = _PROVINCE_PREFIX.sub("", province.name)
        yield _entry(
            "province",
            bare,
            province.code,
            None,
            city=province.kind == "city",
            subtype=province.kind,
        )
        for commune in province.communes:
            bare = _COMMUNE_PREFIX.sub("", commune.name)
            yield _entry("commune", bare, province.code, commune.code, subtype=commune.kind)
    new_names = {_fold_token(_PROVINCE_PREFIX.sub("", p.name)) for p in admin_map.provinces()}
    for old in legacy.provinces():
        if _fold_token(old.bare_name) not in new_names:
            yield _entry("legacy_province", old.bare_name, old.new_province_code, None)
        for district in old.districts:
            yield _entry(
                "legacy_district",
                district.bare_name,
                district.new_province_code,
                district.commune_candidate,
                city=district.kind == "city",
                subtype=district.kind,
            )
    for alias, (code, exact) in _words().aliases.items():
        yield _entry("alias", alias, code, None, exact=alias if exact else None)


@cache
def _index() -> dict[str, tuple[_Entry, ...]]:
    """Folded n-gram -> entries; built once."""
    index: dict[str, list[_Entry]] = {}
    for key, entry in _entries():
        bucket = index.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
    for region in _words().regions:
        index.setdefault(region, [])
    return {key: tuple(entries) for key, entries in index.items()}


@cache
def _fold_table() -> dict[int, str]:
    """One character to one character: `Ắ` → `a`, `Đ` → `d`; folding keeps every offset."""
    table: dict[int, str] = {}
    for point in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00), 0x2019]:
        folded = _fold_token(chr(point))
        if len(folded) == 1 and folded != chr(point):
            table[point] = folded
    return table


@cache
def _anchor_keys() -> frozenset[str]:
    """Keys naming a province (new or old) or an alias: these match without a type word."""
    return frozenset(
        key for key, entries in _index().items() if any(e.kind in ANCHOR_KINDS for e in entries)
    )


@cache
def _single_needs_type() -> frozenset[str]:
    """One-syllable keys with no province or alias: they only count after a type word."""
    return frozenset(
        key
        for key, entries in _index().items()
        if " " not in key and entries and not any(e.kind in ANCHOR_KINDS for e in entries)
    )


@cache
def _prefixes() -> frozenset[str]:
    """Every leading run of syllables of an index key, so a scan stops early."""
    out: set[str] = set()
    for key in _index():
        parts = key.split(" ")
        out.update(" ".join(parts[:n]) for n in range(1, len(parts) + 1))
    return frozenset(out)


@cache
def _first_pairs() -> frozenset[tuple[str, str]]:
    """The first two syllables of each index key that has two or more."""
    return frozenset((parts[0], parts[1]) for parts in map(str.split, _index()) if len(parts) > 1)


def _inside(offset: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    """Whether an offset falls in one of the sorted, disjoint spans (HTML tags)."""
    at = bisect.bisect_right(starts, offset) - 1
    return at >= 0 and offset < spans[at][1]


def _folded(text: str, matches: Iterable[re.Match[str]]) -> list[str]:
    """The folded form of each token matched in the folded `text`."""
    found: list[str] = []
    for match in matches:
        folded = match.group()
        if not folded.isascii():  # combining marks (NFD) or letters outside the table
            folded = _fold_token(text[match.start() : match.end()])
        found.append(folded)
    return found


def _token_folded(token: str) -> tuple[str, ...]:
    """The folded syllables of one whitespace-separated token."""
    return tuple(_folded(token, _TOKEN.finditer(token.translate(_fold_table()))))


_folded_tokens = per_token(_token_folded)


class _Matcher:
    """Tokens of one text (offsets, folded forms) and the matching passes over them."""

    def __init__(self, text: str) -> None:
        self.text = text
        # No token crosses a space, so the folded tokens are remembered token by token; where
        # tags may hide some (`<a href=…>`), the text is tokenised whole.
        if "<" in text:
            self.folded = _folded(text, self._matches)
        else:
            self.folded = _folded_tokens(text)
        self.marks: dict[int, str] = {}
        self.index = _index()
        self.sensitive = False  # whether named provinces could change any outcome
        self.here_sensitive = False  # … the outcome at the current position
        # Outcomes the first pass found independent of context: start -> (next start, mention).
        self.settled: dict[int, tuple[int, PlaceMention | None]] = {}

    def may_match(self) -> bool:
        """Whether a place may be named here: a token is a name, or two tokens begin one."""
        folded = self.folded
        return not self.index.keys().isdisjoint(folded) or not _first_pairs().isdisjoint(
            pairwise(folded)
        )

    @cached_property
    def _matches(self) -> list[re.Match[str]]:
        """The tokens in the folded text (folding keeps offsets), outside HTML tags."""
        text = self.text
        matches = list(_TOKEN.finditer(text.translate(_fold_table())))
        if "<" in text:
            tags = [m.span() for m in _TAG.finditer(text)]
            starts = [start for start, _ in tags]
            matches = [m for m in matches if not _inside(m.start(), starts, tags)]
        return matches

    # Offsets and written forms are read only around candidate places: computed when asked.
    @cached_property
    def starts(self) -> list[int]:
        return [m.start() for m in self._matches]

    @cached_property
    def ends(self) -> list[int]:
        return [m.end() for m in self._matches]

    @cached_property
    def raws(self) -> list[str]:
        return [self.text[m.start() : m.end()] for m in self._matches]

    @cached_property
    def cased(self) -> bool:
        """Whether the text uses capitals at all (if not, capitals cannot mark names)."""
        return any(raw[0].isupper() for raw in self.raws)

    def gap(self, k: int) -> str:
        """The text between token k and token k+1."""
        return self.text[self._matches[k].end() : self._matches[k + 1].start()]

    def gap_ok(self, k: int) -> bool:
        """Whether tokens k and k+1 are joined: a space or a hyphen between them."""
        gap = self.gap(k)
        return gap == " " or _JOIN_GAP.fullmatch(gap) is not None

    def joined(self, i: int, n: int) -> bool:
        """Whether tokens i..i+n-1 are one run (spaces or a hyphen between them)."""
        return all(self.gap_ok(k) for k in range(i, i + n - 1))

    def mark(self, k: int) -> str:
        """The diacritics written on token k (empty for bare ASCII)."""
        found = self.marks.get(k)
        if found is None:
            raw = self.raws[k]
            found = "" if raw.isascii() else _signature(raw)
            self.marks[k] = found
        return found

    def type_before(self, i: int) -> tuple[str, str, int] | None:
        """The type word right before token i: (class, subtype, start index) or None."""
        if i == 0 or self.folded[i - 1] not in _TYPE_LAST:
            return None
        for words, klass, subtype, exact in _TYPE_WORDS:
            n = len(words)
            j = i - n
            if j < 0 or tuple(self.folded[j:i]) != words:
                continue
            gap = self.gap(i - 1)
            if words[-1] in _DOTTED and not gap.startswith("."):
                continue
            if not _TYPE_GAP.fullmatch(gap) or not self.joined(j, n):
                continue
            written = unicodedata.normalize("NFC", " ".join(self.raws[j:i]).lower())
            if exact and any(self.mark(k) for k in range(j, i)) and written not in exact:
                continue  # `tình`, `quán`, `xa` are not type words
            return klass, subtype, j
        return None

    def agreeing(self, i: int, n: int, entries: tuple[_Entry, ...]) -> list[_Entry]:
        """The entries whose diacritics agree with the text (bare syllables agree with any)."""
        written = tuple(self.mark(k) for k in range(i, i + n))
        bare = not any(written)
        raws = self.raws[i : i + n]
        out = []
        for e in entries:
            if e.exact is not None:
                if " ".join(raws) == e.exact or "".join(raws) == e.exact.replace(" ", ""):
                    out.append(e)
            elif bare or all(not w or w == m for w, m in zip(written, e.marks, strict=True)):
                out.append(e)
        return out

    def capitalised(self, i: int, n: int) -> bool:
        if not self.cased:
            return True
        return all(raw[0].isupper() or raw.isdigit() for raw in self.raws[i : i + n])

    def blocked_before(self, i: int) -> bool:
        if i == 0 or not self.gap_ok(i - 1):
            return False
        blockers = _words().blockers_before
        previous = self.folded[i - 1]
        two = f"{self.folded[i - 2]} {previous}" if i > 1 else ""
        return previous in blockers or two in blockers

    def allowed(
        self, i: int, n: int, key: str, entries: tuple[_Entry, ...], context: set[str]
    ) -> tuple[list[_Entry], int]:
        """Entries this span may stand for, and where the mention starts (type word included)."""
        typed = self.type_before(i)
        if (
            typed is None
            and key not in _anchor_keys()
            and (n < 2 or not self.capitalised(i, n) or self.blocked_before(i))
        ):
            return [], i  # an untyped commune name that cannot count here: skip the details
        entries_ok = self.agreeing(i, n, entries)
        if not entries_ok:
            return [], i
        words = _words()
        if key in words.stop_names or len({e.province_code for e in entries_ok}) > 1:
            self.sensitive = self.here_sensitive = True
        if typed is not None:
            klass, subtype, start = typed
            fit = [e for e in entries_ok if e.kind in _ALLOWED_BY_TYPE[klass]]
            fit = self._prefer_subtype(fit, subtype, context)
            if klass == "city":
                fit = [e for e in fit if e.city or e.kind == "alias"] or fit
            if klass == "district":
                fit = fit or [e for e in entries_ok if e.kind == "commune"]
            if klass == "commune":
                fit = fit or [e for e in entries_ok if e.kind == "legacy_district"]
            return (fit or entries_ok), start
        free = []
        blocked = self.blocked_before(i)
        for e in entries_ok:
            if e.kind in ANCHOR_KINDS:
                if key in words.risky_provinces and (
                    blocked
                    or not self.capitalised(i, n)
                    or (not self.cased and key in words.stop_names)
                ):
                    continue
                free.append(e)
            elif (
                n >= 2
                and not blocked
                and self.capitalised(i, n)
                and (key not in words.stop_names or e.province_code in context)
            ):
                free.append(e)
        return free, i

    @staticmethod
    def _prefer_subtype(fit: list[_Entry], subtype: str, context: set[str]) -> list[_Entry]:
        """`phường X` prefers wards named X, unless only a commune X sits in a named province."""
        same = [e for e in fit if e.subtype == subtype]
        if not same:
            return fit
        if any(e.province_code in context for e in fit) and not any(
            e.province_code in context for e in same
        ):
            return fit
        return same

    def _ho_chi_minh_person(self, i: int) -> bool:
        before = " ".join(self.folded[max(0, i - 2) : i])
        return any(before.endswith(b) for b in _words().ho_chi_minh_blockers)

    def run(self, context: set[str]) -> list[PlaceMention]:
        """Greedy longest matches, left to right."""
        mentions: list[PlaceMention] = []
        folded, prefixes, index, pairs = self.folded, _prefixes(), self.index, _first_pairs()
        count = len(folded)
        i = 0
        while i < count:
            key = folded[i]
            if key not in index and (i + 1 == count or (key, folded[i + 1]) not in pairs):
                i += 1  # no name starts here
                continue
            hits: list[tuple[int, str]] = []
            n = 1
            while True:
                if key in index:
                    hits.append((n, key))
                if n == _MAX_NGRAM or i + n >= count:
                    break
                key = f"{key} {folded[i + n]}"
                if key not in prefixes or not self.gap_ok(i + n - 1):
                    break
                n += 1
            if not hits:
                i += 1
            elif context and i in self.settled:
                i, found = self.settled[i]
                if found is not None:
                    mentions.append(found)
            else:
                i = self.take(i, hits, context, mentions)
        return mentions

    def take(
        self, i: int, hits: list[tuple[int, str]], context: set[str], out: list[PlaceMention]
    ) -> int:
        """Take the longest allowed name starting at token i; return the next token index."""
        self.here_sensitive = False
        after, found = self.choose(i, hits, context)
        if found is not None:
            out.append(found)
        if not self.here_sensitive:
            self.settled[i] = (after, found)
        return after

    def choose(
        self, i: int, hits: list[tuple[int, str]], context: set[str]
    ) -> tuple[int, PlaceMention | None]:
        for n, key in reversed(hits):
            entries = self.index[key]
            if (
                n == 1
                and key in _single_needs_type()
                and (i == 0 or self.folded[i - 1] not in _TYPE_LAST)
            ):
                continue
            if not entries or (key == "ho chi minh" and self._ho_chi_minh_person(i)):
                return i + n, None  # a region or the person: consumed, nothing to report
            fit, start = self.allowed(i, n, key, entries, context)
            if fit:
                return i + n, self.resolve(fit, start, self.ends[i + n - 1], context)
        return i + 1, None

    def resolve(self, fit: list[_Entry], start: int, end: int, context: set[str]) -> PlaceMention:
        in_context = [e for e in fit if e.province_code in context]
        pool = in_context or fit
        best = min(_PRIORITY[e.kind] for e in pool)
        anchors = [e for e in pool if _PRIORITY[e.kind] == best] if best < 2 else pool
        provinces = {e.province_code for e in anchors}
        begin = self.starts[start]
        kind = min(anchors, key=lambda e: _PRIORITY[e.kind]).kind
        if len(provinces) != 1:
            return PlaceMention(self.text[begin:end], begin, end, None, None, kind)
        communes = {e.commune_code for e in anchors if e.commune_code}
        commune = communes.pop() if len(communes) == 1 else None
        return PlaceMention(self.text[begin:end], begin, end, provinces.pop(), commune, kind)


def find_places(text: str) -> list[PlaceMention]:
    """Every place mentioned in `text`, in order, with offsets into `text` as given."""
    matcher = _Matcher(text)
    if not matcher.may_match():
        return []  # most texts: nothing to scan for
    first = matcher.run(set())
    # Provinces the first pass resolved settle the ambiguous rest (a second pass).
    context = {m.province_code for m in first if m.province_code}
    if not context or not matcher.sensitive:
        return first
    return matcher.run(context)


def main_province(mentions: Iterable[PlaceMention]) -> str | None:
    """The province a text is mainly about: the most mentioned, ties to the first mentioned."""
    resolved = [m.province_code for m in mentions if m.province_code]
    if not resolved:
        return None
    counts = Counter(resolved)
    top = max(counts.values())
    return next(code for code in resolved if counts[code] == top)
