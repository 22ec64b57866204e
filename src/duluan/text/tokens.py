"""Per-token steps over a text: results worked out once per whitespace-separated token.

Comments are short and their words repeat from one text to the next, so a step that looks no
further than a token (a pattern that matches no whitespace, lower-casing, folding) costs least
when its result is remembered per token and the text's result is put together from them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from duluan.text.memo import Memo

TOKEN_CACHE = 65536  # distinct tokens each step remembers
LONGEST_CACHED = 64  # longer tokens (long URLs, runs without spaces) are rare: not remembered

T = TypeVar("T")


def per_token(step: Callable[[str], tuple[T, ...]]) -> Callable[[str], list[T]]:
    """A function of a whole text made of `step`, run on each whitespace-separated token.

    The text's result is the tokens' results, in order, joined; it equals `step(text)` whenever
    `step` sees no further than a token: for instance the matches of a pattern that cannot match
    whitespace, in a lower-cased, folded or NFC text (none of these changes across a space).
    The result of each token of ordinary length is remembered.
    """
    memo = Memo(step, TOKEN_CACHE, longest=LONGEST_CACHED)

    def over_text(text: str) -> list[T]:
        found: list[T] = []
        for part in memo.many(text.split()):
            found += part
        return found

    return over_text
