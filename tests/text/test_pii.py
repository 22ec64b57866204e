import random
import re
from pathlib import Path

import pytest

from duluan.text.pii import (
    BANK_ACCOUNT,
    EMAIL,
    ID_NUMBER,
    PHONE,
    PLACEHOLDERS,
    TAX_CODE,
    MaskResult,
    mask_pii,
)

CASES_FILE = Path(__file__).parent / "data" / "pii_cases.tsv"
KIND_OF = {placeholder: kind for kind, placeholder in PLACEHOLDERS.items()}
PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


def load_cases() -> list[tuple[str, str, str]]:
    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "kind\ttext\texpected"
    cases = [tuple(line.split("\t")) for line in lines[1:] if line]
    assert all(len(case) == 3 for case in cases)
    return cases  # type: ignore[return-value]


CASES = load_cases()


def masked_spans(text: str, masked: str) -> set[tuple[int, int, str]]:
    """The (start, end, kind) spans of `text` that `masked` shows as placeholders."""
    pieces = PLACEHOLDER.split(masked)
    kinds = [KIND_OF[p] for p in PLACEHOLDER.findall(masked)]
    pattern = "(.+?)".join(re.escape(piece) for piece in pieces)
    match = re.fullmatch(pattern, text, re.DOTALL)
    assert match is not None, f"{masked!r} is not a masking of {text!r}"
    return {(match.start(k + 1), match.end(k + 1), kind) for k, kind in enumerate(kinds)}


def test_corpus_has_enough_cases_of_each_polarity() -> None:
    polarities = [polarity for polarity, _, _ in CASES]
    assert polarities.count("positive") >= 120
    assert polarities.count("negative") >= 120
    assert set(polarities) == {"positive", "negative"}
    assert all(text == expected for polarity, text, expected in CASES if polarity == "negative")


@pytest.mark.parametrize(("polarity", "text", "expected"), CASES)
def test_case_is_masked_exactly_as_expected(polarity: str, text: str, expected: str) -> None:
    assert mask_pii(text).text == expected


def test_precision_and_recall_over_the_corpus() -> None:
    true_positives = predicted = gold = 0
    for _, text, expected in CASES:
        want = masked_spans(text, expected)
        got = masked_spans(text, mask_pii(text).text)
        true_positives += len(want & got)
        predicted += len(got)
        gold += len(want)
    precision = true_positives / predicted
    recall = true_positives / gold
    print(
        f"\nPII masking on {len(CASES)} cases: {gold} spans, {predicted} masked, "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.99
    assert recall >= 0.98


def test_counts_say_what_was_masked() -> None:
    result = mask_pii(
        "CMND 123456789, sdt 0912 345 678, 0987654321, mail a.b@gmail.com, "
        "MST 0101234567, STK 0071000123456 Vietcombank"
    )
    assert result.counts == {ID_NUMBER: 1, PHONE: 2, EMAIL: 1, TAX_CODE: 1, BANK_ACCOUNT: 1}
    assert result.pii_masked


def test_text_without_pii_is_returned_unchanged_with_no_counts() -> None:
    result = mask_pii("Giá đất tăng 150.000.000 đồng từ ngày 23/5/2025")
    assert result == MaskResult("Giá đất tăng 150.000.000 đồng từ ngày 23/5/2025", {})
    assert not result.pii_masked


def test_result_is_immutable() -> None:
    result = mask_pii("0912345678")
    with pytest.raises(AttributeError):
        result.text = ""
    with pytest.raises(TypeError):
        result.counts[PHONE] = 0


def test_empty_text() -> None:
    assert mask_pii("") == MaskResult("", {})


@pytest.mark.parametrize(("_", "text", "expected"), CASES)
def test_masking_twice_equals_masking_once(_: str, text: str, expected: str) -> None:
    once = mask_pii(text).text
    twice = mask_pii(once)
    assert twice.text == once
    assert not twice.pii_masked


@pytest.mark.parametrize(
    "text",
    [
        "[SĐT] [CCCD] [MST] [EMAIL] [STK]",
        "CMND [CCCD], 123456789",
        "STK [STK] hoặc 0071000123456",
        "sdt: [SĐT]/0987654321 và [EMAIL]",
    ],
)
def test_already_masked_text_is_stable(text: str) -> None:
    once = mask_pii(text).text
    assert mask_pii(once).text == once


def test_html_and_script_text() -> None:
    html = '<div class="c"><script>var p = "0912345678"; alert(p)</script>(024) 3825 1234</div>'
    assert mask_pii(html).text == (
        '<div class="c"><script>var p = "[SĐT]"; alert(p)</script>[SĐT]</div>'
    )


def test_urls_are_left_alone_but_emails_inside_them_are_masked() -> None:
    text = "https://example.vn/lien-he?email=a.b@gmail.com&sdt=0912345678 và 0912345678"
    assert mask_pii(text).text == (
        "https://example.vn/lien-he?email=[EMAIL]&sdt=0912345678 và [SĐT]"
    )


HOSTILE = {
    "digits": "9" * 1_000_000,
    "phones": "0912345678 " * 90_000,
    "dotted": "1." * 500_000,
    "prefixes": "(+84)" * 200_000,
    "dotted-phones": "0912.345." * 110_000,
    "context": "CCCD " + "0 " * 500_000,
}


def random_text(alphabet: str, seed: int) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=1_000_000))  # noqa: S311


@pytest.mark.parametrize("name", [*HOSTILE, "random-runs", "random-mixed"])
def test_a_megabyte_of_digits_and_separators_returns(name: str) -> None:
    # Runs are scanned with possessive quantifiers and windows of digit groups are bounded,
    # so no input can make a regex backtrack catastrophically: this returns in linear time.
    text = HOSTILE.get(name) or random_text(
        "0123456789 .-" if name == "random-runs" else "0123456789 .-/:,()+", seed=len(name)
    )
    result = mask_pii(text)
    assert len(result.text) <= len(text)
    assert mask_pii(result.text).text == result.text
