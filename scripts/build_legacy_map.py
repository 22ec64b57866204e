"""Build `src/duluan/geo/data/legacy_2024.json`: the pre-2025 map (63 provinces, their districts).

One-off generator. The old map comes from the `vietnam-provinces` 0.6.0 release on PyPI, which
still carries the divisions before 1 July 2025; download it without installing it:

    .venv/bin/pip download --no-deps vietnam-provinces==0.6.0 -d /tmp/vp06
    .venv/bin/python scripts/build_legacy_map.py /tmp/vp06/vietnam_provinces-0.6.0-py3-none-any.whl

Each old province is mapped to its 2025 province by Resolution 202/2025/QH15 of the National
Assembly (12 June 2025), written out below. A district gets a 2025 commune as `commune_candidate`
where its bare name (type word stripped, accents folded) equals the bare name of exactly one
commune of the same new province.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

from duluan.geo import admin_map
from duluan.text.fold import fold

PACKAGE_RELEASE = "vietnam-provinces 0.6.0"
OUTPUT = (
    Path(__file__).resolve().parent.parent / "src" / "duluan" / "geo" / "data" / "legacy_2024.json"
)

# Old province code -> 2025 province code (Resolution 202/2025/QH15, in force 1 July 2025).
MERGERS: dict[str, str] = {
    "01": "01",  # Hà Nội
    "02": "08",  # Hà Giang -> Tuyên Quang
    "04": "04",  # Cao Bằng
    "06": "19",  # Bắc Kạn -> Thái Nguyên
    "08": "08",  # Tuyên Quang
    "10": "15",  # Lào Cai
    "11": "11",  # Điện Biên
    "12": "12",  # Lai Châu
    "14": "14",  # Sơn La
    "15": "15",  # Yên Bái -> Lào Cai
    "17": "25",  # Hòa Bình -> Phú Thọ
    "19": "19",  # Thái Nguyên
    "20": "20",  # Lạng Sơn
    "22": "22",  # Quảng Ninh
    "24": "24",  # Bắc Giang -> Bắc Ninh
    "25": "25",  # Phú Thọ
    "26": "25",  # Vĩnh Phúc -> Phú Thọ
    "27": "24",  # Bắc Ninh
    "30": "31",  # Hải Dương -> Hải Phòng
    "31": "31",  # Hải Phòng
    "33": "33",  # Hưng Yên
    "34": "33",  # Thái Bình -> Hưng Yên
    "35": "37",  # Hà Nam -> Ninh Bình
    "36": "37",  # Nam Định -> Ninh Bình
    "37": "37",  # Ninh Bình
    "38": "38",  # Thanh Hóa
    "40": "40",  # Nghệ An
    "42": "42",  # Hà Tĩnh
    "44": "44",  # Quảng Bình -> Quảng Trị
    "45": "44",  # Quảng Trị
    "46": "46",  # Huế
    "48": "48",  # Đà Nẵng
    "49": "48",  # Quảng Nam -> Đà Nẵng
    "51": "51",  # Quảng Ngãi
    "52": "52",  # Bình Định -> Gia Lai
    "54": "66",  # Phú Yên -> Đắk Lắk
    "56": "56",  # Khánh Hòa
    "58": "56",  # Ninh Thuận -> Khánh Hòa
    "60": "68",  # Bình Thuận -> Lâm Đồng
    "62": "51",  # Kon Tum -> Quảng Ngãi
    "64": "52",  # Gia Lai
    "66": "66",  # Đắk Lắk
    "67": "68",  # Đắk Nông -> Lâm Đồng
    "68": "68",  # Lâm Đồng
    "70": "75",  # Bình Phước -> Đồng Nai
    "72": "80",  # Tây Ninh (old code 72) -> Tây Ninh (code 80)
    "74": "79",  # Bình Dương -> TP.HCM
    "75": "75",  # Đồng Nai
    "77": "79",  # Bà Rịa - Vũng Tàu -> TP.HCM
    "79": "79",  # TP.HCM
    "80": "80",  # Long An -> Tây Ninh
    "82": "82",  # Tiền Giang -> Đồng Tháp
    "83": "86",  # Bến Tre -> Vĩnh Long
    "84": "86",  # Trà Vinh -> Vĩnh Long
    "86": "86",  # Vĩnh Long
    "87": "82",  # Đồng Tháp
    "89": "91",  # An Giang
    "91": "91",  # Kiên Giang -> An Giang
    "92": "92",  # Cần Thơ
    "93": "92",  # Hậu Giang -> Cần Thơ
    "94": "92",  # Sóc Trăng -> Cần Thơ
    "95": "96",  # Bạc Liêu -> Cà Mau
    "96": "96",  # Cà Mau
}

_PROVINCE_TYPES = ("Thành phố", "Tỉnh")
_DISTRICT_TYPES = {
    "Quận": "urban_district",
    "Huyện": "district",
    "Thị xã": "town",
    "Thành phố": "city",
}
_COMMUNE_TYPE = re.compile(r"^(Xã|Phường|Đặc khu) ")


def split_type(name: str, types: tuple[str, ...]) -> tuple[str, str]:
    """`Huyện Sa Pa` -> (`Huyện`, `Sa Pa`)."""
    for word in types:
        if name.lower().startswith(word.lower() + " "):
            return word, name[len(word) + 1 :]
    raise ValueError(f"no type word in {name!r}")


def commune_index() -> dict[tuple[str, str], list[admin_map.Division]]:
    """(new province code, folded bare name) -> 2025 communes with that name."""
    index: dict[tuple[str, str], list[admin_map.Division]] = {}
    for province in admin_map.provinces():
        for commune in province.communes:
            bare = fold(_COMMUNE_TYPE.sub("", commune.name))
            index.setdefault((province.code, bare), []).append(commune)
    return index


def load_old_map(wheel: Path) -> tuple[list[dict[str, object]], str]:
    with zipfile.ZipFile(wheel) as archive:
        raw = json.loads(archive.read("vietnam_provinces/data/nested-divisions.json"))
        init = archive.read("vietnam_provinces/__init__.py").decode()
    match = re.search(r"__data_version__ = '([^']+)'", init)
    return raw, match.group(1) if match else "unknown"


def build(wheel: Path) -> dict[str, object]:
    raw, data_date = load_old_map(wheel)
    communes = commune_index()
    new_names = {p.code: p.name for p in admin_map.provinces()}
    provinces = []
    for old in sorted(raw, key=lambda p: p["code"]):
        old_code = f"{old['code']:02d}"
        new_code = MERGERS[old_code]
        _, bare = split_type(old["name"], _PROVINCE_TYPES)
        districts = []
        for d in sorted(old["districts"], key=lambda d: d["code"]):
            type_word, d_bare = split_type(d["name"], tuple(_DISTRICT_TYPES))
            matches = communes.get((new_code, fold(d_bare)), [])
            candidate = matches[0] if len(matches) == 1 else None
            districts.append(
                {
                    "code": f"{d['code']:03d}",
                    "name": d["name"],
                    "bare_name": d_bare,
                    "kind": _DISTRICT_TYPES[type_word],
                    "commune_candidate": candidate.code if candidate else None,
                    "commune_candidate_name": candidate.name if candidate else None,
                }
            )
        provinces.append(
            {
                "code": old_code,
                "name": old["name"],
                "bare_name": bare,
                "new_province_code": new_code,
                "new_province_name": new_names[new_code],
                "districts": districts,
            }
        )
    return {
        "source": f"{PACKAGE_RELEASE} (PyPI), data retrieved {data_date}",
        "mergers": "Resolution 202/2025/QH15 of the National Assembly, 12 June 2025",
        "valid_until": "2025-06-30",
        "provinces": provinces,
    }


def main() -> None:
    wheel = Path(sys.argv[1])
    data = build(wheel)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
