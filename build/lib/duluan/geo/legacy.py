"""The map before 1 July 2025: 63 provinces and their districts, each tied to its 2025 province."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_DATA = "legacy_2024.json"


@dataclass(frozen=True)
class LegacyDistrict:
    """A district-level unit (huyện, quận, thị xã, thành phố thuộc tỉnh) abolished in 2025."""

    code: str
    name: str
    bare_name: str
    kind: str
    new_province_code: str
    commune_candidate: str | None


@dataclass(frozen=True)
class LegacyProvince:
    """A province of the 63-province map, with the 2025 province it was merged into."""

    code: str
    name: str
    bare_name: str
    new_province_code: str
    districts: tuple[LegacyDistrict, ...]


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("duluan.geo").joinpath("data", _DATA).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def provinces() -> tuple[LegacyProvince, ...]:
    """The 63 old provinces in code order, with their districts."""
    return tuple(
        LegacyProvince(
            code=p["code"],
            name=p["name"],
            bare_name=p["bare_name"],
            new_province_code=p["new_province_code"],
            districts=tuple(
                LegacyDistrict(
                    code=d["code"],
                    name=d["name"],
                    bare_name=d["bare_name"],
                    kind=d["kind"],
                    new_province_code=p["new_province_code"],
                    commune_candidate=d["commune_candidate"],
                )
                for d in p["districts"]
            ),
        )
        for p in _raw()["provinces"]
    )


def new_province_code(old_code: str) -> str:
    """The 2025 province an old province was merged into (`15` Yên Bái → `15` Lào Cai)."""
    for province in provinces():
        if province.code == old_code:
            return province.new_province_code
    raise KeyError(old_code)


def source() -> str:
    """Where the old map comes from: package release and the date its data was retrieved."""
    return str(_raw()["source"])
