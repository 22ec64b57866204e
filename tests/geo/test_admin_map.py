from duluan.geo import admin_map


def test_the_2025_map_has_34_provinces_and_3321_communes() -> None:
    provinces = admin_map.provinces()
    assert len(provinces) == 34
    assert sum(len(p.communes) for p in provinces) == 3321


def test_official_codes_are_padded_and_unique() -> None:
    provinces = admin_map.provinces()
    codes = [p.code for p in provinces] + [c.code for p in provinces for c in p.communes]
    assert len(codes) == len(set(codes))
    by_code = {p.code: p for p in provinces}
    assert by_code["15"].name == "Lào Cai"
    assert by_code["01"].name == "Thành phố Hà Nội"
    assert by_code["01"].kind == "city"
    assert all(len(c.code) == 5 for p in provinces for c in p.communes)


def test_commune_kinds_cover_wards_and_special_zones() -> None:
    kinds = {c.kind for p in admin_map.provinces() for c in p.communes}
    assert kinds == {"commune", "ward", "special_zone"}
