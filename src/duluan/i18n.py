"""The translation catalogue: message keys to Vietnamese and English text (locales/*.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from duluan.errors import DuluanError

LOCALES = ("vi", "en")
LOCALE_DIR = Path(__file__).parent / "locales"


def _flatten(tree: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(locale: str) -> dict[str, str]:
    """All messages of one locale, keyed by dotted name (`nav.surveys`)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    with (LOCALE_DIR / f"{locale}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def translate(key: str, locale: str, /, **params: object) -> str:
    """The message for `key` in `locale`, with `{name}` placeholders filled; the key if missing."""
    text = catalogue(locale).get(key) or catalogue("vi").get(key) or key
    return text.format(**params) if params else text


def stored_text(key: str, /, **params: object) -> str:
    """A message kept for later display (fetch errors, skipped lines, job failures), in the
    deployment's language (DULUAN_DEFAULT_LOCALE)."""
    from duluan.settings import get_settings

    return translate(key, get_settings().default_locale, **params)


def stored_message(error: DuluanError) -> str:
    """`stored_text` of a domain error's message."""
    return stored_text(error.key, **error.params)
