"""Teencode and abbreviations in Vietnamese comments, expanded to words (`ko` → `không`).

Teencode here means abbreviations (`mn`, `ntn`, `ubnd`), chat shorthand and deliberate respellings
(`bik`, `wá`, `zui`, `khum`). Words that only lack their diacritics (`oi` for `ơi`, `khong` for
`không`, `gia xang` for `giá xăng`) are not teencode: restoring diacritics is a later, separate
step, so `mn oi hnay` becomes `mọi người oi hôm nay`. English abbreviations expand to English
(`tks` → `thanks`); whole English words are left alone.

The dictionary is `data/teencode.tsv` (`short<TAB>expansion<TAB>note`, first line a header).
Shorthand that is too ambiguous to expand blindly is left out: `t` (tôi/tao/tớ), `a`/`e`/`c`/`b`
(anh/em/chị/bạn, also plain letters), `cs` (cảnh sát/chính sách/cuộc sống), `sn` (sinh nhật/số
nhà), `hn` (hôm nay/Hà Nội), `hem` (không/hẻm), `bit` (biết/English bit), `ck` (chồng/chuyển
khoản), `bn` (bạn/bao nhiêu), `kb` (kết bạn/không biết), `cmt` (comment/chứng minh thư), `z`.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from importlib import resources
from typing import TypeAlias

from duluan.text.memo import Memo
from duluan.text.normalise import map_outside_links

_HEADER = "short\texpansion\tnote"
_Trie: TypeAlias = dict[str, "_Trie"]


def _load_teencode() -> Mapping[str, str]:
    """Read the packaged TSV once; a malformed row is a packaging bug and fails the import."""
    source = resources.files("duluan.text").joinpath("data", "teencode.tsv")
    lines = source.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != _HEADER:
        raise ValueError(f"teencode.tsv must start with the header {_HEADER!r}")
    table: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        columns = line.split("\t")
        if len(columns) != 3 or not columns[0] or not columns[1] or columns[0] in table:
            raise ValueError(f"teencode.tsv line {number} is malformed or repeated: {line!r}")
        table[columns[0]] = columns[1]
    return types.MappingProxyType(table)


TEENCODE: Mapping[str, str] = _load_teencode()


def _compile_pattern(keys: list[str]) -> re.Pattern[str]:
    """Whole tokens only: not inside a word, a hashtag, a mention, `TP.HCM` or `k-pop`.

    Keys longer than one letter match in any case; one-letter keys (`k`, `j`, `r`) match lower
    case only and not after a number (`vitamin K`, `50 k`). The keys are laid out as a trie so
    that a word is rejected after a letter or two instead of being tried against every key.
    """
    longer = _trie_pattern([key for key in keys if len(key) > 1])
    single = "".join(re.escape(key) for key in keys if len(key) == 1)
    alternatives = f"(?i:{longer})" + (rf"|(?<!\d\s)[{single}]" if single else "")
    return re.compile(rf"(?<![\w@#])(?<!\w[.\-'’])(?:{alternatives})(?![\w@])(?![.\-'’]\w)")


def _trie_pattern(keys: list[str]) -> str:
    trie: _Trie = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: _Trie) -> str:
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return f"(?:{'|'.join(branches)})" + ("?" if "" in node else "")


_TOKEN = _compile_pattern(list(TEENCODE))
_NUMBER_THEN_LETTER = re.compile(r"\d\s+[^\W\d_](?![\w@])")
_CACHED_TOKEN_LENGTH = 48


def expand_teencode(text: str) -> str:
    """Replace teencode tokens with their expansion; everything else is kept as it was.

    Matching ignores case; the expansion follows the token's case: `ko` → `không`, `Ko` →
    `Không`, `KO` → `KHÔNG`; an all-caps acronym expands to a capitalised phrase (`CSGT` →
    `Cảnh sát giao thông`), and expansions that hold a proper noun keep their own case (`UBND`,
    `ubnd` → `Ủy ban nhân dân`). URLs and e-mail addresses are left alone. Expects NFC text
    (run `normalise` first).
    """
    if _NUMBER_THEN_LETTER.search(text):  # `50 k`: the rule looks across a space
        return map_outside_links(text, _expand_segment)
    return " ".join(_EXPANDED.many(text.split(" ")))


def _expand_token(token: str) -> str:
    return map_outside_links(token, _expand_segment)


_EXPANDED = Memo(_expand_token, 65536, longest=_CACHED_TOKEN_LENGTH)


def _expand_segment(text: str) -> str:
    return _TOKEN.sub(_expansion, text)


def _expansion(match: re.Match[str]) -> str:
    token = match.group()
    expansion = TEENCODE.get(token.lower())
    if expansion is None:  # matched through Unicode case folding (`ſ`, `K`): leave it
        return token
    text, start, end = match.string, match.start(), match.end()
    if text[start - 1 : start] == "[" and text[end : end + 1] == "]":
        return token  # a placeholder such as `[SĐT]` from PII masking stays as it is
    if token.islower() or any(char.isupper() for char in expansion):
        return expansion
    if token.isupper() and len(token) > 1 and " " not in expansion:
        return expansion.upper()
    if token[0].isupper():
        return expansion[0].upper() + expansion[1:]
    return expansion
