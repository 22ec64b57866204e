"""Places found in Vietnamese text, resolved to the 2025 map, on golden files and edge cases."""

import dataclasses
import json
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from duluan.geo.gazetteer import PlaceMention, find_places, main_province

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[dict[str, object]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(rows: list[dict[str, object]]) -> tuple[float, float, float]:
    """(main-province accuracy, mention precision, mention recall) over golden rows."""
    right = true_pos = false_pos = false_neg = 0
    for row in rows:
        mentions = find_places(str(row["text"]))
        right += main_province(mentions) == row["province_code"]
        got = Counter((m.mention, m.province_code) for m in mentions)
        places = row["places"]
        assert isinstance(places, list)
        want = Counter((p["mention"], p["province_code"]) for p in places)
        hit = sum((got & want).values())
        true_pos += hit
        false_pos += sum(got.values()) - hit
        false_neg += sum(want.values()) - hit
    return (
        right / len(rows),
        true_pos / max(1, true_pos + false_pos),
        true_pos / max(1, true_pos + false_neg),
    )


@pytest.mark.parametrize("name", ["places_dev.jsonl", "places_cases.jsonl"])
def test_golden_files(name: str) -> None:
    rows = load(name)
    accuracy, precision, recall = score(rows)
    print(
        f"{name}: {len(rows)} lines, province accuracy {accuracy:.3f}, "
        f"mention precision {precision:.3f}, recall {recall:.3f}"
    )
    assert accuracy >= 0.95
    assert precision >= 0.9
    assert recall >= 0.9


def test_golden_files_are_big_enough_and_distinct() -> None:
    dev, cases = load("places_dev.jsonl"), load("places_cases.jsonl")
    assert len(dev) >= 80 and len(cases) >= 200
    assert sum(1 for row in cases if not row["places"]) >= 40
    assert not {row["text"] for row in dev} & {row["text"] for row in cases}


def test_spans_slice_the_original_text() -> None:
    for row in load("places_cases.jsonl"):
        text = str(row["text"])
        for m in find_places(text):
            assert text[m.start : m.end] == m.mention


def test_nfd_input_keeps_offsets_into_the_nfd_text() -> None:
    text = unicodedata.normalize("NFD", "Mưa lớn ở huyện Sa Pa, tỉnh Lào Cai gây ngập.")
    mentions = find_places(text)
    assert [m.province_code for m in mentions] == ["15", "15"]
    assert all(text[m.start : m.end] == m.mention for m in mentions)
    assert unicodedata.normalize("NFC", mentions[1].mention) == "tỉnh Lào Cai"


def test_html_attributes_are_not_read() -> None:
    text = '<p>Người dân <a href="/tin/ha-noi" title="Đà Nẵng">Hà Nội</a> vui mừng</p>'
    mentions = find_places(text)
    assert [(m.mention, m.province_code) for m in mentions] == [("Hà Nội", "01")]


def test_a_megabyte_of_text_returns() -> None:
    sentence = "Người dân xã Bát Xát, tỉnh Lào Cai phản ánh giá phân bón tăng cao. "
    text = sentence * (1_000_000 // len(sentence))
    began = time.perf_counter()
    mentions = find_places(text)
    # A guard against pathological slowness, not a benchmark (see the report for timings).
    assert time.perf_counter() - began < 30
    assert len(mentions) == 2 * (1_000_000 // len(sentence))


def test_ambiguous_commune_is_not_guessed_without_context() -> None:
    alone = find_places("UBND xã Tân Phú họp dân về dự án đường.")
    assert [(m.province_code, m.commune_code) for m in alone] == [(None, None)]
    named = find_places("UBND xã Tân Phú, tỉnh Đồng Nai họp dân.")
    assert named[0].province_code == "75" and named[0].commune_code is not None


def test_old_names_resolve_to_the_2025_province() -> None:
    cases = {
        "tỉnh Yên Bái": "15",
        "huyện Sa Pa": "15",
        "Bà Rịa - Vũng Tàu": "79",
        "quận 1": "79",
        "Thủ Đức": "79",
        "Hải Dương": "31",
        "Quảng Nam": "48",
    }
    for text, code in cases.items():
        assert [m.province_code for m in find_places(text)] == [code], text


def test_aliases_and_their_limits() -> None:
    assert find_places("Nghe nói SG tuần này nóng")[0].province_code == "79"
    assert find_places("tui o sg") == []  # `SG` only in capitals
    assert find_places("ĐN mưa to")[0].province_code == "48"
    assert find_places("DN nhỏ gặp khó") == []  # doanh nghiệp
    assert find_places("sai gon, ha noi, lao cai")[2].province_code == "15"
    assert find_places("Bão vào Tây Nguyên") == []  # a region
    assert find_places("an uong") == []


def test_common_words_and_people_are_not_places() -> None:
    for text in [
        "Hòa bình và thống nhất là mong ước của cả dân tộc.",
        "Tư tưởng Hồ Chí Minh soi đường.",
        "Ông Nguyễn Văn Bình trú tại thôn 3.",
        "Đường Quang Trung được lát đá mới.",
        "Huệ trắng nở đầy vườn.",
    ]:
        assert find_places(text) == [], text


def test_typed_names_and_communes() -> None:
    (m,) = find_places("CTV xã Bát Xát báo cáo")
    assert (m.mention, m.province_code, m.kind) == ("xã Bát Xát", "15", "commune")
    assert m.commune_code is not None and len(m.commune_code) == 5
    (d,) = find_places("Q.3 kẹt xe")
    assert (d.mention, d.province_code, d.kind) == ("Q.3", "79", "legacy_district")


def test_main_province_counts_then_takes_the_first() -> None:
    assert main_province(find_places("Đà Nẵng và Hà Nội")) == "48"
    assert main_province(find_places("Hà Nội, Đà Nẵng, Hội An")) == "48"
    assert main_province([]) is None


def test_mentions_are_frozen() -> None:
    mention = PlaceMention("Huế", 0, 3, "46", None, "province")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.start = 1  # type: ignore[misc]


def _golden_texts() -> list[str]:
    return [
        str(row["text"])
        for name in ("places_dev.jsonl", "places_cases.jsonl")
        for row in load(name)
    ]


def test_folding_token_by_token_equals_folding_the_whole_text() -> None:
    from duluan.geo.gazetteer import _TOKEN, _fold_table, _folded, _folded_tokens

    for text in [*_golden_texts(), "Ðà  Nẵng\tvà\nHUẾ, O’Brien ở Q.1", "ho\u0300a bi\u0300nh"]:
        whole = _folded(text, _TOKEN.finditer(text.translate(_fold_table())))
        assert _folded_tokens(text) == whole, text


def test_a_text_that_may_not_match_has_nothing_to_find() -> None:
    from duluan.geo.gazetteer import _Matcher

    texts = _golden_texts()
    skipped = [text for text in texts if not _Matcher(text).may_match()]
    assert 0 < len(skipped) < len(texts)
    assert all(_Matcher(text).run(set()) == [] for text in skipped)
