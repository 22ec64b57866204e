import importlib.util
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from duluan.ingest import dedup
from duluan.text.fold import strip_marks

DATA = Path(__file__).parent / "data"
FLOOD = (
    "Mưa lớn kéo dài từ đêm 14 đến sáng 16/10 khiến nhiều xã vùng trũng của tỉnh Hà Tĩnh "
    "bị ngập sâu."
)
# Computed once with the parameters of ingest.dedup; a change means every stored key changes.
FLOOD_BANDS = {
    0: 223366271266600888,
    1: 1029127229072770852,
    2: 1218823205861808658,
    31: -568656154431780185,
}


def _pairs() -> list[dict[str, object]]:
    with (DATA / "near_duplicates.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _texts(pair: dict[str, object]) -> tuple[str, str]:
    return str(pair["a"]), str(pair["b"])


def _long(pair: dict[str, object]) -> bool:
    return all(len(dedup.words(t)) >= dedup.MIN_WORDS for t in _texts(pair))


# --- Content hash ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Giá xăng tăng mạnh, người dân lo lắng.",
        "GIÁ XĂNG TĂNG MẠNH, NGƯỜI DÂN LO LẮNG.",
        "gia xang tang manh nguoi dan lo lang",
        "  Giá   xăng\ttăng mạnh\n người dân lo lắng!!! ",
        "Giá xăng tăng mạnh - người dân lo lắng...",
        unicodedata.normalize("NFD", "Giá xăng tăng mạnh, người dân lo lắng."),
    ],
)
def test_content_hash_ignores_marks_case_spacing_and_punctuation(variant: str) -> None:
    assert dedup.content_hash(variant) == dedup.content_hash(
        "Giá xăng tăng mạnh, người dân lo lắng"
    )


def test_content_hash_keeps_words_numbers_and_emoji() -> None:
    assert dedup.content_hash("Giá xăng tăng") != dedup.content_hash("Giá xăng giảm")
    assert dedup.content_hash("Tăng 480 đồng") != dedup.content_hash("Tăng 420 đồng")
    assert dedup.content_hash("Đồng ý 👍") != dedup.content_hash("Đồng ý 👎")
    assert len(dedup.content_hash("")) == 64


# --- Shingles and similarity ----------------------------------------------------------------------


def test_words_are_folded_and_punctuation_and_emoji_are_left_out() -> None:
    assert dedup.words("Giá xăng TĂNG! 😡 Đắk Lắk, 16/10") == [
        "gia",
        "xang",
        "tang",
        "dak",
        "lak",
        "16",
        "10",
    ]


def test_similarity_is_the_jaccard_of_shingle_sets() -> None:
    assert dedup.similarity(FLOOD, FLOOD) == 1.0
    assert dedup.similarity(FLOOD, strip_marks(FLOOD).upper()) == 1.0
    assert dedup.similarity(FLOOD, "Một câu hoàn toàn khác về giá vàng hôm nay") == 0.0
    assert dedup.similarity("", "!!!") == 1.0
    a, b = "một hai ba bốn năm sáu", "một hai ba bốn năm bảy"
    # shingles of 5: {1-5, 2-6} and {1-5, 2-7} share one of three
    assert dedup.similarity(a, b) == pytest.approx(1 / 3)


def test_shingle_size_can_be_chosen_for_measurement() -> None:
    assert dedup.shingles("a b c", size=2) == {("a", "b"), ("b", "c")}
    assert dedup.shingles("a b", size=5) == {("a", "b")}
    assert dedup.shingles("...") == set()


# --- Short texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [("Đồng ý", "Đồng ý ạ"), ("Ủng hộ", "Ủng hộ 100%"), ("Không đồng ý", "Đồng ý")],
)
def test_short_texts_that_differ_are_not_near_duplicates(a: str, b: str) -> None:
    assert not dedup.is_near_duplicate(a, b)


def test_short_texts_are_duplicates_only_when_exact() -> None:
    assert dedup.is_near_duplicate("Đồng ý!", "đồng ý")
    assert dedup.is_near_duplicate("Cảm ơn   bác sĩ!!!", "Cam on bac si")


def test_a_short_text_is_never_a_near_copy_of_a_long_one() -> None:
    assert not dedup.is_near_duplicate("Mưa lớn kéo dài", FLOOD)


def test_short_texts_get_no_band_keys() -> None:
    seven_words = "Mưa lớn kéo dài ở Hà Tĩnh"
    assert len(dedup.words(seven_words)) < dedup.MIN_WORDS
    assert dedup.bands(dedup.signature(seven_words)) == []
    assert dedup.bands(dedup.signature("")) == []


# --- Signatures and bands -------------------------------------------------------------------------


def test_bands_are_signed_64_bit_ints_one_per_band() -> None:
    keys = dedup.bands(dedup.signature(FLOOD))
    assert len(keys) == dedup.BANDS
    assert all(type(key) is int and -(2**63) <= key < 2**63 for key in keys)


def test_the_band_index_is_in_the_top_bits_so_bands_never_collide() -> None:
    keys = dedup.bands(dedup.signature(FLOOD))
    shift = 64 - (dedup.BANDS - 1).bit_length()
    assert [(key % 2**64) >> shift for key in keys] == list(range(dedup.BANDS))


def test_bands_are_the_fixed_expected_values() -> None:
    keys = dedup.bands(dedup.signature(FLOOD))
    assert {index: keys[index] for index in FLOOD_BANDS} == FLOOD_BANDS


def test_bands_are_the_same_in_another_process_with_another_hash_seed() -> None:
    code = (
        "from duluan.ingest import dedup; import sys; "
        "print(dedup.bands(dedup.signature(sys.argv[1])))"
    )
    for seed in ("1", "2"):
        result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", code, FLOOD],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == str(dedup.bands(dedup.signature(FLOOD)))


def test_signature_ignores_marks_case_and_emoji() -> None:
    assert dedup.signature(FLOOD) == dedup.signature(f"😡 {strip_marks(FLOOD).upper()} 🙏")


def test_signature_of_a_union_is_the_minimum_of_signatures() -> None:
    """Checks the chunked hashing: a long text's shingles are those of two overlapping halves."""
    words = [f"tu{i % 997}x{i % 13}" for i in range(10_000)]
    cut = 6_000
    first = dedup.signature(" ".join(words[:cut]))
    second = dedup.signature(" ".join(words[cut - dedup.SHINGLE_WORDS + 1 :]))
    whole = dedup.signature(" ".join(words))
    assert whole.minhashes == tuple(map(min, first.minhashes, second.minhashes))
    assert whole.words == 10_000


def test_minhash_estimates_the_exact_jaccard() -> None:
    errors = [
        abs(
            dedup.estimated_similarity(*map(dedup.signature, _texts(p)))
            - dedup.similarity(*_texts(p))
        )
        for p in _pairs()
        if _long(p)
    ]
    assert sum(errors) / len(errors) < 0.04  # about the standard error of 96 permutations
    assert max(errors) < 0.2


# --- The labelled pairs ---------------------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_near_duplicates", DATA / "make_near_duplicates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pairs_file_is_what_the_generator_writes() -> None:
    assert _generator().build() == _pairs()


def test_the_pairs_cover_enough_copies_and_hard_negatives() -> None:
    pairs = _pairs()
    assert sum(1 for p in pairs if p["duplicate"]) >= 150
    assert sum(1 for p in pairs if not p["duplicate"]) >= 150
    assert all(set(p) == {"a", "b", "duplicate", "why", "category"} for p in pairs)


def test_precision_and_recall_of_is_near_duplicate() -> None:
    pairs = _pairs()
    predicted = [dedup.is_near_duplicate(*_texts(p)) for p in pairs]
    hits = sum(1 for p, guess in zip(pairs, predicted, strict=True) if guess and p["duplicate"])
    precision = hits / sum(predicted)
    recall = hits / sum(1 for p in pairs if p["duplicate"])
    assert precision >= 0.98
    assert recall >= 0.95


def test_true_pairs_share_a_band() -> None:
    """The LSH stage finds the candidates; texts of MIN_WORDS words or more only."""
    true_pairs = [p for p in _pairs() if p["duplicate"] and _long(p)]
    found = [
        bool(set(dedup.bands(dedup.signature(a))) & set(dedup.bands(dedup.signature(b))))
        for a, b in map(_texts, true_pairs)
    ]
    assert sum(found) / len(found) >= 0.95
