from duluan.text.memo import Memo


def _counting(results: list[str]) -> Memo[str, str]:
    def upper(key: str) -> str:
        results.append(key)
        return key.upper()

    return Memo(upper, size=3, longest=5)


def test_each_key_is_worked_out_once_and_results_come_in_order() -> None:
    calls: list[str] = []
    memo = _counting(calls)
    assert list(memo.many(["ab", "cd", "ab"])) == ["AB", "CD", "AB"]
    assert list(memo.many(["cd", "ab"])) == ["CD", "AB"]  # all remembered
    assert list(memo.many(["ab"])) == ["AB"] and list(memo.many([])) == []
    assert calls == ["ab", "cd"]


def test_long_keys_are_worked_out_each_time() -> None:
    calls: list[str] = []
    memo = _counting(calls)
    assert list(memo.many(["a" * 6, "a" * 6])) == ["A" * 6] * 2
    assert calls == ["a" * 6] * 2


def test_a_full_memo_starts_afresh() -> None:
    calls: list[str] = []
    memo = _counting(calls)
    memo.many(["a", "b", "c", "d"])  # `d` empties the memo, then is kept alone
    memo.many(["d", "a"])
    assert calls == ["a", "b", "c", "d", "a"]


def test_tuple_keys() -> None:
    memo: Memo[tuple[str, str], str] = Memo(" ".join)
    assert list(memo.many([("a", "b"), ("b", "c")])) == ["a b", "b c"]
    assert list(memo.many([("a", "b"), ("b", "c")])) == ["a b", "b c"]
