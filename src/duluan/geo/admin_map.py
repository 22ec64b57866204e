"""The 2025 administrative map from the `vietnam-provinces` package, with official codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import vietnam_provinces

# Division types of the package, mapped to the unit kinds the platform stores.
_KINDS = {
    "tỉnh": "province",
    "thành phố trung ương": "city",
    "xã": "commune",
    "phường": "ward",
    "đặc khu": "special_zone",
}


@dataclass(frozen=True)
class Division:
    """A province-level or commune-level unit: official code, name and kind."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class ProvinceDivision(Division):
    communes: tuple[Division, ...]


def province_code(number: int) -> str:
    """Official two-digit province code (`15` Lào Cai, `01` Hà Nội)."""
    return f"{number:02d}"


def commune_code(number: int) -> str:
    """Official five-digit commune code (`00070` Phường Hoàn Kiếm)."""
    return f"{number:05d}"


@cache
def provinces() -> tuple[ProvinceDivision, ...]:
    """Every province of the 2025 map with its communes, in the package's order."""
    with vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.open(encoding="utf-8") as handle:
        raw = json.load(handle)
    return tuple(
        ProvinceDivision(
            code=province_code(p["code"]),
            name=p["name"],
            kind=_KINDS[p["division_type"]],
            communes=tuple(
                Division(
                    code=commune_code(w["code"]), name=w["name"], kind=_KINDS[w["division_type"]]
                )
                for w in p["wards"]
            ),
        )
        for p in raw
    )


@cache
def commune_names() -> dict[str, str]:
    """{commune code: name} of every commune of the 2025 map (`03006`: `Phường Sa Pa`)."""
    return {c.code: c.name for p in provinces() for c in p.communes}


def data_version() -> str:
    """The date the package's data was retrieved, for display beside the map."""
    return str(vietnam_provinces.__data_version__)
