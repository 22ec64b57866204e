"""The pre-2025 map: 63 provinces, their districts, and the 2025 province each went into."""

import json
from collections import Counter

from duluan.geo import admin_map, legacy


def test_63_old_provinces_all_map_to_a_2025_province() -> None:
    old = legacy.provinces()
    assert len(old) == 63
    new_codes = {p.code for p in admin_map.provinces()}
    assert {p.new_province_code for p in old} == new_codes  # all 34 receive at least one
    assert len({p.code for p in old}) == 63


def test_mergers_follow_resolution_202() -> None:
    assert legacy.new_province_code("15") == "15"  # Yên Bái -> Lào Cai
    assert legacy.new_province_code("02") == "08"  # Hà Giang -> Tuyên Quang
    assert legacy.new_province_code("30") == "31"  # Hải Dương -> Hải Phòng
    assert legacy.new_province_code("77") == "79"  # Bà Rịa - Vũng Tàu -> TP.HCM
    assert legacy.new_province_code("74") == "79"  # Bình Dương -> TP.HCM
    assert legacy.new_province_code("49") == "48"  # Quảng Nam -> Đà Nẵng
    assert legacy.new_province_code("62") == "51"  # Kon Tum -> Quảng Ngãi
    counts = Counter(p.new_province_code for p in legacy.provinces())
    assert counts["79"] == 3 and counts["92"] == 3 and counts["01"] == 1


def test_districts_and_their_commune_candidates() -> None:
    districts = [d for p in legacy.provinces() for d in p.districts]
    assert len(districts) == 696
    assert len({d.code for d in districts}) == 696
    communes = {p.code: {c.code for c in p.communes} for p in admin_map.provinces()}
    for d in districts:
        assert d.commune_candidate is None or d.commune_candidate in communes[d.new_province_code]
    by_name = {d.name: d for d in districts}
    assert by_name["Thành phố Lào Cai"].commune_candidate is not None
    assert (
        by_name["Huyện Sa Pa" if "Huyện Sa Pa" in by_name else "Thị xã Sa Pa"].new_province_code
        == "15"
    )


def test_data_file_names_its_source_and_is_sorted() -> None:
    assert "vietnam-provinces 0.6.0" in legacy.source()
    assert "2025-01-04" in legacy.source()
    codes = [p.code for p in legacy.provinces()]
    assert codes == sorted(codes)
    for province in legacy.provinces():
        district_codes = [d.code for d in province.districts]
        assert district_codes == sorted(district_codes)


def test_data_file_is_valid_json_with_provenance() -> None:
    from importlib import resources

    raw = json.loads(
        resources.files("duluan.geo").joinpath("data", "legacy_2024.json").read_text("utf-8")
    )
    assert "202/2025/QH15" in raw["mergers"]
