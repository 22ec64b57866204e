"""Results of a function remembered in a plain dict: for the words and tokens that repeat.

`functools.lru_cache` keeps its entries in a linked list that the garbage collector walks on
every full collection; with hundreds of thousands of remembered tokens that walk costs more
than the caching saves. A `Memo` keeps a plain dict, looks up a whole list of keys with one
C-level call, and starts afresh when full (the frequent keys come straight back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Sized
from operator import itemgetter
from typing import Generic, TypeVar

K = TypeVar("K", bound=Sized)  # and hashable: str or tuple
V = TypeVar("V")


class Memo(Generic[K, V]):
    """`function` of each key, remembered for up to `size` keys no longer than `longest`.

    Very long keys (a URL, a run of text without spaces) are rare; they are worked out each
    time rather than kept, so that memory stays bounded whatever the input. `function` must
    be pure; a result of None is worked out again each time.
    """

    def __init__(
        self, function: Callable[[K], V], size: int = 65536, longest: int | None = None
    ) -> None:
        self.function = function
        self.size = size
        self.longest = longest
        self._results: dict[K, V] = {}

    def many(self, keys: Sequence[K]) -> Sequence[V]:
        """`function` of each of `keys`, in order."""
        if len(keys) > 1:
            try:
                found: tuple[V, ...] = itemgetter(*keys)(self._results)  # all known: one call
                return found
            except KeyError:
                pass
        return [self._get(key) for key in keys]

    def _get(self, key: K) -> V:
        found = self._results.get(key)
        if found is not None:
            return found
        result = self.function(key)
        if self.longest is None or len(key) <= self.longest:
            if len(self._results) >= self.size:
                self._results.clear()
            self._results[key] = result
        return result
