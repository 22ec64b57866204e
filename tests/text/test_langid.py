"""Language identification on golden files.

`data/langid_dev.tsv` is the development list the rules were tuned on; `data/langid_cases.tsv`
is the held-out test set, written before it was ever run and not tuned on.
"""

import dataclasses
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from duluan.text.langid import MAX_CHARS, LangGuess, identify

DATA = Path(__file__).parent / "data"


def _cases(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


def _accuracy(name: str) -> tuple[float, dict[str, float]]:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for lang, text in _cases(name):
        total[lang] += 1
        right[lang] += identify(text).lang == lang
    per_lang = {lang: right[lang] / total[lang] for lang in sorted(total)}
    overall = sum(right.values()) / sum(total.values())
    print(
        f"{name}: overall {overall:.3f}, " + ", ".join(f"{k} {v:.3f}" for k, v in per_lang.items())
    )
    return overall, per_lang


def test_case_file_covers_the_languages() -> None:
    counts = Counter(lang for lang, _ in _cases("langid_cases.tsv"))
    vi_texts = [text for lang, text in _cases("langid_cases.tsv") if lang == "vi"]
    bare = sum(text.isascii() for text in vi_texts)
    assert counts["vi"] >= 200 and counts["en"] >= 150 and counts["other"] >= 100
    assert bare >= 100 and len(vi_texts) - bare >= 100


def test_dev_and_test_sets_do_not_share_sentences() -> None:
    dev = {text for _, text in _cases("langid_dev.tsv")}
    assert not dev & {text for _, text in _cases("langid_cases.tsv")}


def test_accuracy_on_development_list() -> None:
    overall, _ = _accuracy("langid_dev.tsv")
    assert overall >= 0.97


def test_accuracy_on_held_out_cases() -> None:
    overall, per_lang = _accuracy("langid_cases.tsv")
    assert overall >= 0.97
    assert min(per_lang.values()) >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😂😂😂👍",
        "https://vnexpress.net/gia-xang-tang-4567.html",
        "0912 345 678",
        "@hoa #tintuc",
    ],
)
def test_texts_without_words_are_other_with_no_confidence(text: str) -> None:
    assert identify(text) == LangGuess("other", 0.0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("gia xang tang qua", "vi"),
        ("mn oi hnay di dau the", "vi"),
        ("ko dc dau b oi", "vi"),
        ("GIÁ XĂNG TĂNG MẠNH", "vi"),
        ("GIA XANG TANG MANH", "vi"),
        ("THE GOVERNMENT RAISED FUEL PRICES", "en"),
        ("Mình chốt deadline thứ sáu nhé, mọi người check mail", "vi"),
        ("Flooding hits Da Nang as the storm nears", "en"),
        ("Cảm ơn! https://example.com 😂", "vi"),
        ("Thank you so much! https://example.com 😂", "en"),
        ("東京は雨です", "other"),
        ("Привет, как дела?", "other"),
        ("Je pense que c'est une bonne idée", "other"),
    ],
)
def test_typical_texts(text: str, lang: str) -> None:
    assert identify(text).lang == lang


def test_decomposed_input_reads_like_composed() -> None:
    text = "Người dân phản ánh rác thải chất đống"
    assert identify(unicodedata.normalize("NFD", text)) == identify(text)
    assert identify(text).lang == "vi"


def test_majority_of_words_decides_mixed_text() -> None:
    assert identify("team minh hop online luc 8h toi nay nha").lang == "vi"
    assert identify("the new cafe on Tran Hung Dao street is great").lang == "en"


def test_confidence_is_a_share_that_grows_with_words() -> None:
    one = identify("nguoi")
    many = identify("nguoi dan phan anh rac thai chat dong o dau ngo")
    assert 0.0 < one.confidence < many.confidence <= 1.0
    assert one.lang == many.lang == "vi"


def test_guess_is_frozen() -> None:
    guess = identify("xin chào")
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "en"  # type: ignore[misc]


def test_a_megabyte_reads_only_its_beginning() -> None:
    text = "Người dân phản ánh rác thải chất đống ở đầu ngõ. " * 21_000
    assert len(text) > 1_000_000 > MAX_CHARS
    assert identify(text).lang == "vi"
    # Same answer as its first MAX_CHARS characters: the rest is never read.
    assert identify(text) == identify(text[:MAX_CHARS])
