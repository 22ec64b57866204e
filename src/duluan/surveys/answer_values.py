"""One answer's text checked and normalised for its question type (integer, decimal, date,
geopoint, choices, text), in the XForm text form of THE ANSWER FORMAT (`surveys/answers.py`).

Each check returns the normalised text (None: unanswered) and, when the text is not valid for the
type, the message key of `[answers.errors]` with its parameters; an invalid text is returned as
typed (stripped, NFC), so that a draft can be shown back to the respondent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

__all__ = ["MAX_TEXT_LENGTH", "Cleaned", "Found", "clean", "kind_of", "shown"]

MAX_TEXT_LENGTH = 10_000  # characters of one answer: a long open answer, a bound on hostile input
# ODK Collect and Enketo store integers as 32-bit numbers.
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
MAX_DECIMAL_EXPONENT = 100  # "1.0E7" is read, "1E999" is not a number anyone typed
SHOWN_VALUE = 40  # characters of a refused value quoted in a message

_INTEGER = re.compile(r"([+-]?)([0-9]{1,30})")
_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,3}))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GEO_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
# C0 controls other than tab and line breaks: XML cannot carry them, PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Found = tuple[str, dict[str, object]]  # a message key and its parameters
Cleaned = tuple[str | None, Found | None]


def clean(question_type: str, raw: Any) -> Cleaned:
    """The normalised text of an answer (None: unanswered) and the problem with its type."""
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, ("answers.errors.wrong_type", {"kind": kind_of(raw)})
    if len(raw) > MAX_TEXT_LENGTH:
        return None, ("answers.errors.too_long", {"length": len(raw), "limit": MAX_TEXT_LENGTH})
    value = unicodedata.normalize("NFC", raw.strip())
    if not value:
        return None, None
    if _CONTROL.search(value):
        return value, ("answers.errors.control_characters", {})
    cleaner = _CLEANERS.get(question_type)
    if cleaner is None:
        return value, None
    return cleaner(value)


def _integer(value: str) -> Cleaned:
    match = _INTEGER.fullmatch(value)
    if match is None:
        return value, ("answers.errors.not_integer", {"value": shown(value, SHOWN_VALUE)})
    number = int(match.group(1) + match.group(2))
    if not INTEGER_MIN <= number <= INTEGER_MAX:
        params = {"value": shown(value, SHOWN_VALUE), "min": INTEGER_MIN, "max": INTEGER_MAX}
        return value, ("answers.errors.integer_out_of_range", params)
    return str(number), None


def _decimal(value: str) -> Cleaned:
    """Exact normalisation on the digits, so that no float rounding touches what was typed. An
    exponent is accepted and written out, because some ODK Collect versions send a large decimal
    as Java writes a double ("1.0E7")."""
    match = _DECIMAL.fullmatch(value)
    exponent = int(match.group(4) or 0) if match else 0
    if (
        match is None
        or len(value) > 40
        or not (match.group(2) or match.group(3))
        or abs(exponent) > MAX_DECIMAL_EXPONENT
    ):
        return value, ("answers.errors.not_number", {"value": shown(value, SHOWN_VALUE)})
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if exponent > 0:  # move the point right, padding with zeros
        fraction = fraction.ljust(exponent, "0")
        whole, fraction = whole + fraction[:exponent], fraction[exponent:]
    elif exponent < 0:  # move it left
        whole = whole.rjust(-exponent, "0")
        whole, fraction = whole[:exponent], whole[exponent:] + fraction
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    digits = whole + ("." + fraction if fraction else "")
    return ("-" + digits if sign == "-" and digits != "0" else digits), None


def _date(value: str) -> Cleaned:
    if _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value, None
    return value, ("answers.errors.not_date", {"value": shown(value, SHOWN_VALUE)})


def _geopoint(value: str) -> Cleaned:
    parts = _XML_SPACE.split(value)
    if 2 <= len(parts) <= 4 and all(_GEO_NUMBER.fullmatch(part) for part in parts):
        numbers = [float(part) for part in parts]
        accuracy_ok = len(numbers) < 4 or numbers[3] >= 0
        if -90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180 and accuracy_ok:
            return " ".join(parts), None
    return value, ("answers.errors.not_geopoint", {"value": shown(value, SHOWN_VALUE)})


def _choice_names(value: str) -> Cleaned:
    """One space between choice names, each named once (the order chosen is kept)."""
    return " ".join(dict.fromkeys(_XML_SPACE.split(value))), None


_CLEANERS: dict[str, Callable[[str], Cleaned]] = {
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "geopoint": _geopoint,
    "select_one": _choice_names,
    "select_multiple": _choice_names,
    "rank": _choice_names,
}


def kind_of(value: Any) -> str:
    """A JSON type's name, as a person reading the message knows them."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if value is None:
        return "null"
    return "string" if isinstance(value, str) else type(value).__name__


def shown(value: str, limit: int) -> str:
    """A value as quoted in a message: hostile input must not flood the page."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
