"""Masking of personal data in stored text: phones, ID-card, tax and bank numbers, e-mails."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from types import MappingProxyType
from typing import NamedTuple

from duluan.text.fold import strip_marks

PHONE = "phone"
ID_NUMBER = "id_number"
TAX_CODE = "tax_code"
EMAIL = "email"
BANK_ACCOUNT = "bank_account"

PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        PHONE: "[SĐT]",
        ID_NUMBER: "[CCCD]",
        TAX_CODE: "[MST]",
        EMAIL: "[EMAIL]",
        BANK_ACCOUNT: "[STK]",
    }
)

# How far before a number (in characters, masked spans counting as their placeholder)
# a context word such as "CCCD" or "STK" may stand and still decide what the number is.
CONTEXT_WIDTH = 32
# The longest window of digit groups tried as one number, and its digit-count bounds:
# 8 (shortest bank account) to 19 (longest bank account).
_MAX_GROUPS = 5
_MIN_DIGITS = 8
_MAX_DIGITS = 19
_CONTEXT_COUNTS = frozenset(range(_MIN_DIGITS, _MAX_DIGITS + 1))
# Digit counts a number can have without a context word: phones with or without +84/0084
# (10 to 14), branch tax codes (13), bare CCCD (12).
_PLAIN_COUNTS = frozenset(range(10, 15))

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9_][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))

_SEP = r"[ .\u00a0-]"
_URL = (
    r"(?:https?://|www\.)[^\s<>\"']++"
    r"|(?<![\w@.-])(?:[A-Za-z0-9-]{1,63}\.){1,6}"
    r"(?:com|net|org|vn|gov|edu|info|io|me|ly|gl|co|tv)/[^\s<>\"']*+"
)
# A maximal run of digit groups joined by single separators, with an optional "+84",
# "(+84)" or "(024)" lead. Possessive quantifiers keep the scan linear on hostile input;
# the lookahead skips runs with fewer than the 8 digits of the shortest number we mask.
_RUN = (
    r"(?<!\d)(?=[(+]{0,2}\d(?:[ .\u00a0()+-]{0,2}\d){7})"
    rf"(?:\((?:\+?84|0\d{{1,3}})\){_SEP}?+|\+84{_SEP}?+)?+"
    rf"\d++(?:{_SEP}\d++)*+"
)
_TOKEN = re.compile(rf"(?P<url>{_URL})|(?P<run>{_RUN})")
_DIGITS = re.compile(r"\d+")
# A group that can open a number needing no context word: a phone ("0912", "84", "024"),
# a branch tax code (10 digits) or a CCCD (starts with 0).
_OPENER = re.compile(r"(?<!\d)(?:0\d\d|84|\d{10}(?!\d))")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")

# National significant numbers: current mobile prefixes, the old 11-digit 01xx mobiles,
# and 11-digit landlines (02x area codes since 2017).
_NATIONAL_NUMBER = r"(?:3[2-9]|5[2-9]|7[06-9]|8[1-9]|9\d)\d{7}|1[2689]\d{8}|2\d{9}"
_NATIONAL = re.compile(_NATIONAL_NUMBER)
# Digits of every number masked without a context word: a phone (0…, 84…, 0084…),
# a bare CCCD or a branch tax code. A C-level filter before the slower shape checks.
_PLAIN_NUMBER = re.compile(rf"(?:0|0084|840?)(?:{_NATIONAL_NUMBER})|0\d{{11}}|\d{{13}}")
_HOTLINE = re.compile(r"1[89]00(?:\d{4}|\d{6})")
_YEAR = re.compile(r"(?:19|20)\d\d")
_ID_GROUPS = frozenset({(12,), (3, 3, 3, 3), (4, 4, 4), (6, 6)})
_CMND_GROUPS = frozenset({(9,), (3, 3, 3)})
# Words after a number that make it an amount or a count, never an identifier.
_UNIT = re.compile(
    r"\s*(?:đồng|dong|vnđ|vnd|đ|d|usd|\$|%|triệu|trieu|tr|tỷ|tỉ|nghìn|ngàn|k|người|nguoi"
    r"|hộ|lượt|luot|lần|m2|km|kg|tấn|kwh)(?!\w)",
    re.IGNORECASE,
)
# Context words, matched on folded text (no marks, "đ" → "d"); the nearest one decides.
_CONTEXT_WORDS = {
    ID_NUMBER: "cmnd|cccd|cmt|can cuoc|chung minh|dinh danh",
    TAX_CODE: "mst|ma so thue|ma thue|tax code|tax id|msdn|ma so doanh nghiep",
    BANK_ACCOUNT: "stk|tai khoan|tk|chuyen khoan|ngan hang|vietcombank|vcb|techcombank|tcb"
    "|bidv|agribank|mb bank|mbbank|mb|vpbank|acb|sacombank|tpbank|vietinbank|vib|shb"
    "|hdbank|ocb|msb|seabank|lpbank|eximbank|bank",
    PHONE: "sdt|so dien thoai|dien thoai|dt|phone|tel|hotline|zalo|lien he|lh|goi",
}
_CONTEXT = re.compile(
    "|".join(rf"\b(?P<{kind}>{words})\b" for kind, words in _CONTEXT_WORDS.items()).replace(
        " ", r"\s+"
    )
)


@dataclass(frozen=True)
class MaskResult:
    """Masked text and how many spans of each kind (`PHONE`, `EMAIL`, …) were replaced."""

    text: str
    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def pii_masked(self) -> bool:
        return any(self.counts.values())


def mask_pii(text: str) -> MaskResult:
    """Replace personal data in `text` with placeholders; idempotent, pure, linear time.

    Placeholders: `[SĐT]` phone number, `[CCCD]` 9- or 12-digit ID-card number (CMND/CCCD,
    số định danh), `[MST]` tax code, `[EMAIL]` e-mail address, `[STK]` bank account.

    Order: e-mails first (also inside URLs); then each digit run outside URLs, left to
    right, longest window of digit groups first, each digit masked at most once. A window
    is an ID, tax code or bank account only when the nearest context word before it
    (within `CONTEXT_WIDTH` characters, no other unmasked number between) names that kind
    and no amount or count unit follows it; otherwise it is a phone, a branch tax code
    (`0101234567-001`), a bare 12-digit CCCD (it starts with a 0xx province code) or
    nothing.

    Left unmasked on purpose:
    - hotlines `1900 xxxx` / `1800 xxxx`: public numbers of organisations, not of persons,
      and complaints about a hotline are themselves opinion data;
    - bare 9- and 10-digit numbers that are not phones: without a context word they are
      as often amounts, counts or companies' public tax codes as ID numbers;
    - IP addresses, URLs (digits in them are page ids), dates, times, amounts, document
      and plate numbers, and digit runs of a length no identifier has.
    """
    masked, emails = _EMAIL.subn(PLACEHOLDERS[EMAIL], text) if "@" in text else (text, 0)
    if _DIGIT.search(masked) is None:  # the common case: no number to look at
        return MaskResult(masked, MappingProxyType({EMAIL: emails} if emails else {}))
    masker = _Masker(masked)
    for token in _TOKEN.finditer(masked):
        if token.lastgroup == "run":
            _mask_run(masker, token)
    counts = masker.counts
    if emails:
        counts[EMAIL] += emails
    return MaskResult(masker.result(), MappingProxyType(dict(counts)))


class _Window(NamedTuple):
    """Consecutive digit groups of one run, as written."""

    digits: str
    sizes: tuple[int, ...]
    seps: frozenset[str]
    lead: str  # "+", "(" or "(+" when the window opens a run written with one
    before_unit: bool  # an amount or count unit follows


class _Masker:
    """Builds the masked text left to right and keeps the context view before each number."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Placeholders already in the text read as neutral filler of the same length, so a
        # second pass sees exactly the context the first pass saw.
        self.neutral = _PLACEHOLDER.sub(lambda m: "#" * len(m[0]), text) if "[" in text else text
        self.out: list[str] = []
        self.done = 0
        self.tail = ""
        self.counts: Counter[str] = Counter()

    def context(self, start: int) -> str | None:
        """The kind named by the nearest context word before `start`, if any."""
        view = (self.tail + self.neutral[max(self.done, start - CONTEXT_WIDTH) : start])[
            -CONTEXT_WIDTH:
        ]
        rest = _DIGIT.split(view)[-1]  # no other number between the context word and this one
        if not _LETTER.search(rest):
            return None
        kind = None
        for match in _CONTEXT.finditer(strip_marks(rest).lower()):
            kind = match.lastgroup
        return kind

    def mask(self, start: int, end: int, kind: str) -> None:
        placeholder = PLACEHOLDERS[kind]
        before = self.neutral[max(self.done, start - CONTEXT_WIDTH) : start]
        self.tail = (self.tail + before + "#" * len(placeholder))[-CONTEXT_WIDTH:]
        self.out += (self.text[self.done : start], placeholder)
        self.done = end
        self.counts[kind] += 1

    def result(self) -> str:
        return "".join(self.out) + self.text[self.done :]


class _Run(NamedTuple):
    """A run of digit groups, split once with C-level calls so that scanning it stays cheap."""

    start: int
    lead: str
    sizes: tuple[int, ...]
    cum: tuple[int, ...]  # digits before group k
    seps: tuple[str, ...]  # seps[k] stands between groups k and k + 1
    offsets: tuple[int, ...]  # text position of group k
    digits: str
    before_unit: bool

    @classmethod
    def parse(cls, text: str, match: re.Match[str]) -> _Run:
        parts = _DIGITS.split(match[0])
        groups = _DIGITS.findall(match[0])
        sizes = tuple(map(len, groups))
        cum = tuple(accumulate(sizes, initial=0))
        widths = list(accumulate(map(len, parts[:-1]), initial=match.start()))
        return cls(
            start=match.start(),
            lead=parts[0],
            sizes=sizes,
            cum=cum,
            seps=tuple(parts[1:-1]),
            offsets=tuple(map(add, widths[1:], cum)),
            digits="".join(groups),
            before_unit=_UNIT.match(text, match.end()) is not None,
        )

    def window(self, i: int, j: int) -> _Window:
        return _Window(
            self.digits[self.cum[i] : self.cum[j]],
            self.sizes[i:j],
            frozenset(self.seps[i : j - 1]),
            self.lead if i == 0 else "",
            self.before_unit and j == len(self.sizes),
        )


def _mask_run(masker: _Masker, match: re.Match[str]) -> None:
    # Without a context word only these groups can open a phone, a branch tax code or a CCCD.
    openers = [match.start() + m.start() for m in _OPENER.finditer(match[0])]
    context = masker.context(match.start())
    if not openers and context in {None, PHONE}:
        return
    run = _Run.parse(masker.text, match)
    opening = [bisect_left(run.offsets, position) for position in openers]
    n, i, after_mask = len(run.sizes), 0, True
    while i < n:
        if not after_mask:
            nxt = bisect_left(opening, i)
            if nxt == len(opening):
                return
            i = opening[nxt]
        start = run.start if i == 0 else run.offsets[i]
        found = None
        if run.cum[min(n, i + _MAX_GROUPS)] - run.cum[i] >= _MIN_DIGITS:
            if after_mask and i > 0:
                context = masker.context(start)
            found = _longest_window(run, i, context if after_mask else None)
        if found is None:
            i, after_mask = i + 1, False
            continue
        j, kind = found
        masker.mask(start, run.offsets[j - 1] + run.sizes[j - 1], kind)
        i, after_mask = j, True


def _longest_window(run: _Run, i: int, context: str | None) -> tuple[int, str] | None:
    """The longest window of digit groups from group `i` that is some kind of PII."""
    plain = context in {None, PHONE}
    counts = _PLAIN_COUNTS if plain else _CONTEXT_COUNTS
    for j in range(min(len(run.sizes), i + _MAX_GROUPS), i, -1):
        if run.cum[j] - run.cum[i] not in counts:
            continue
        if plain and not _PLAIN_NUMBER.fullmatch(run.digits, run.cum[i], run.cum[j]):
            continue
        kind = _classify(run.window(i, j), context)
        if kind is not None:
            return j, kind
    return None


def _classify(window: _Window, context: str | None) -> str | None:
    if context is not None and context != PHONE and not window.before_unit:
        checks = {ID_NUMBER: _is_id, TAX_CODE: _is_tax, BANK_ACCOUNT: _is_bank}
        if checks[context](window):
            return context
    if window.sizes == (10, 3) and window.seps == {"-"}:
        return TAX_CODE  # the branch form 0101234567-001 needs no context
    if _is_phone(window):
        return PHONE
    if window.digits[0] == "0" and _is_id(window) and len(window.digits) == 12:
        return ID_NUMBER  # every CCCD starts with a 0xx province code
    return None


def _is_phone(window: _Window) -> bool:
    digits, sizes = window.digits, window.sizes
    if len(sizes) > 1 and min(sizes) < 2:
        return False
    if "+" in window.lead or digits.startswith("0084"):
        national = digits[4:] if digits.startswith("0084") else digits[2:]
        national = national.removeprefix("0")  # "+84 0912…" is a common miswriting
    elif digits.startswith("84") and (sizes[0] == 2 or len(sizes) == 1):
        national = digits[2:]
    elif digits[0] == "0" and sizes[0] >= 3:  # "09.05.2025" opens with a 2-digit group
        national = digits[1:]
    else:
        return False
    return _NATIONAL.fullmatch(national) is not None


def _is_id(window: _Window) -> bool:
    if len(window.seps) > 1 or _is_thousands(window):
        return False
    return window.sizes in _ID_GROUPS or window.sizes in _CMND_GROUPS


def _is_tax(window: _Window) -> bool:
    if window.sizes in {(10,), (13,)} or (window.sizes == (10, 3) and window.seps == {"-"}):
        return True
    return window.sizes in _ID_GROUPS and len(window.seps) <= 1  # personal code = CCCD


def _is_bank(window: _Window) -> bool:
    sizes = window.sizes
    if len(window.seps) > 1 or _HOTLINE.fullmatch(window.digits) or _is_thousands(window):
        return False
    if sizes == (4, 4) and all(_YEAR.fullmatch(window.digits[k : k + 4]) for k in (0, 4)):
        return False  # a year range such as 2021-2025
    return min(sizes[:-1], default=3) >= 3 and sizes[-1] >= 2


def _is_thousands(window: _Window) -> bool:
    """`150.000.000`: an amount or a count written with thousands separators."""
    sizes = window.sizes
    return (
        window.seps == {"."}
        and window.digits[0] != "0"
        and sizes[0] <= 3
        and all(size == 3 for size in sizes[1:])
    )
