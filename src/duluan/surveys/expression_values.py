"""Values of XLSForm expressions: XPath 1.0 conversions, ISO dates as day numbers, and the
function library; static/js/survey-expressions.js mirrors every rule here."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from duluan.errors import BadInput

Value = str | float | bool  # an expression's value; answers become one through answer_value()

EPOCH = date(1970, 1, 1)
FIRST_DAY, LAST_DAY = (date.min - EPOCH).days, (date.max - EPOCH).days  # years 1 to 9999
_XPATH_NUMBER = re.compile(r"[ \t\r\n]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\r\n]*")
_SPACES = re.compile(r"[ \t\r\n]+")
_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)


def answer_value(answer: Any) -> Value:
    """A stored answer as an expression value: unanswered is "", several choices one string."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float | Decimal):
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf
    if isinstance(answer, str):
        return unicodedata.normalize("NFC", answer)
    if isinstance(answer, datetime):
        return answer.isoformat(timespec="milliseconds")
    if isinstance(answer, date):
        return answer.isoformat()
    if isinstance(answer, list | tuple):
        return " ".join(text(answer_value(item)) for item in answer)
    raise BadInput("expressions.errors.bad_answer", kind=type(answer).__name__)


def truthy(value: Value) -> bool:
    """XPath boolean(): a number is true unless 0 or NaN, a string unless empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def number(value: Value) -> float:
    """XPath number(), plus ISO dates as days since 1970-01-01 (as ODK does)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    match = _XPATH_NUMBER.fullmatch(value)
    if match:
        return float(match.group(1))
    days = _days(value)
    return math.nan if days is None else days


def text(value: Value) -> str:
    """XPath string(); numbers are written as JavaScript writes them, so both sides agree."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    return value


def _number_text(value: float) -> str:
    """ECMAScript Number::toString, from the shortest digits that read back as `value`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    shortest = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, shortest.digits)).rstrip("0")
    point = len(shortest.digits) + int(shortest.exponent)  # value = 0.digits × 10^point
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def _date_parts(value: str) -> tuple[int, int, int, int, int, int, float, int] | None:
    """(year, month, day, hour, minute, second, fraction, offset minutes) of an ISO date."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    fraction = float("0" + (match.group(7) or ""))
    zone = (match.group(8) or "Z").replace(":", "")
    offset = 0 if zone == "Z" else int(zone[0] + "1") * (int(zone[1:3]) * 60 + int(zone[3:5]))
    try:
        date(year, month, day)
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return year, month, day, hour, minute, second, fraction, offset


def _days(value: str) -> float | None:
    parts = _date_parts(value)
    if parts is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = parts
    whole = float((date(year, month, day) - EPOCH).days)
    return whole + (hour * 3600 + minute * 60 + second + fraction) / 86400 - offset / 1440


def _date_of_days(days: float) -> date | None:
    if math.isnan(days) or not FIRST_DAY <= math.floor(days) <= LAST_DAY:
        return None
    return EPOCH + timedelta(days=math.floor(days))


# --- the function library (if(), coalesce(), today(), now() need the context: expressions.py)


def _choices(value: Value) -> list[str]:
    """The choice names of a select_multiple answer (XML whitespace only, as the browser splits)."""
    return [name for name in _SPACES.split(text(value)) if name]


def _selected_at(value: Value, index: Value) -> str:
    choices, at = _choices(value), number(index)
    return choices[int(at)] if math.isfinite(at) and 0 <= int(at) < len(choices) else ""


def _substr(value: Value, start: Value, end: Value | None = None) -> str:
    """ODK substr(): 0-based start, end excluded, negative counts from the end."""
    characters = text(value)
    first, last = number(start), (len(characters) if end is None else number(end))
    first = 0.0 if math.isnan(first) else max(min(first, 1e9), -1e9)
    last = 0.0 if math.isnan(last) else max(min(last, 1e9), -1e9)
    return characters[int(first) : int(last)]


def _regex(value: Value, pattern: Value) -> bool:
    try:
        return re.search(text(pattern), text(value), re.ASCII) is not None
    except re.error:
        return False


def _truncate(value: Value) -> float:
    x = number(value)
    return x if not math.isfinite(x) else float(math.trunc(x))


def _round(value: Value, places: Value | None = None) -> float:
    x = number(value)
    if not math.isfinite(x):
        return x
    if places is None:
        return float(math.floor(x + 0.5))  # XPath 1.0: halves go up
    wanted = number(places)
    if math.isnan(wanted):
        return math.nan
    digits = int(max(min(wanted, 400), -400))
    shortest = Decimal(repr(abs(x)))  # round what people see: round(2.675, 2) is 2.68
    if int(shortest.as_tuple().exponent) >= -digits:
        return x
    rounded = shortest.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return math.copysign(float(rounded), x)


def _rounded_toward(direction: Callable[[float], int]) -> Callable[[Value], float]:
    def apply(value: Value) -> float:
        x = number(value)
        return x if not math.isfinite(x) else float(direction(x))

    return apply


def _date(value: Value) -> str:
    if isinstance(value, str) and _date_parts(value):
        return value[:10]
    if isinstance(value, bool):
        return ""
    day = _date_of_days(number(value))
    return day.isoformat() if day else ""


_DATE_FORMATS: dict[str, Callable[[datetime], str]] = {
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "d": lambda d: f"{d.day:02d}",
    "e": lambda d: str(d.day),
    "H": lambda d: f"{d.hour:02d}",
    "h": lambda d: str(d.hour),
    "M": lambda d: f"{d.minute:02d}",
    "S": lambda d: f"{d.second:02d}",
    "3": lambda d: f"{d.microsecond // 1000:03d}",
}


def _moment(value: Value) -> datetime | None:
    """The wall-clock time a date value names: as written for strings, UTC for day numbers."""
    if isinstance(value, str) and (parts := _date_parts(value)):
        year, month, day, hour, minute, second, fraction, _ = parts
        milliseconds = min(math.floor(fraction * 1000 + 0.5), 999)
        return datetime(year, month, day, hour, minute, second, milliseconds * 1000)
    if isinstance(value, bool):
        return None
    days = number(value)
    calendar_day = _date_of_days(days)
    if calendar_day is None:
        return None
    milliseconds = math.floor((days - math.floor(days)) * 86_400_000 + 0.5)
    moment = datetime(calendar_day.year, calendar_day.month, calendar_day.day)
    return moment + timedelta(milliseconds=min(milliseconds, 86_399_999))


def _format_date(value: Value, pattern: Value) -> str:
    moment = _moment(value)
    if moment is None:
        return ""
    return re.sub(
        r"%(.)",
        lambda m: _DATE_FORMATS[m.group(1)](moment) if m.group(1) in _DATE_FORMATS else m.group(),
        text(pattern),
    )


LIBRARY: dict[str, Callable[..., Value]] = {
    "selected": lambda value, choice: text(choice).strip(" \t\r\n") in _choices(value),
    "count-selected": lambda value: float(len(_choices(value))),
    "selected-at": _selected_at,
    "string-length": lambda value: float(len(text(value))),
    "concat": lambda *values: "".join(text(v) for v in values),
    "contains": lambda value, part: text(part) in text(value),
    "starts-with": lambda value, part: text(value).startswith(text(part)),
    "ends-with": lambda value, part: text(value).endswith(text(part)),
    "substr": _substr,
    "regex": _regex,
    "not": lambda value: not truthy(value),
    "true": lambda: True,
    "false": lambda: False,
    "boolean": truthy,
    "number": number,
    "string": text,
    "int": _truncate,
    "round": _round,
    "floor": _rounded_toward(math.floor),
    "ceiling": _rounded_toward(math.ceil),
    "abs": lambda value: abs(number(value)),
    "date": _date,
    "format-date": _format_date,
}
