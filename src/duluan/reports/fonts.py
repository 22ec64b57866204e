"""The serif faces installed on this machine that can print Vietnamese, for the PDF and charts.

Official documents are set in Times New Roman. Servers rarely have it; Liberation Serif has its
metrics, but the 1.x releases still shipped by some distributions lack the Vietnamese letters
(ả, ố, ơ, ư …), and a face missing them makes the renderer borrow each such letter from another
font, so words print in two faces. A face is therefore used only where it holds every letter of
VIETNAMESE_SAMPLE; the DOCX still names Times New Roman, which the reader's Word supplies.
"""

from __future__ import annotations

from functools import cache

from matplotlib import font_manager, ft2font

# Times New Roman first, then faces with its metrics or its look.
PREFERRED_SERIFS = ("Times New Roman", "Liberation Serif", "Tinos", "Noto Serif", "DejaVu Serif")
# One letter of each Vietnamese vowel shape and tone mark, upper and lower case.
VIETNAMESE_SAMPLE = "ĐđĂăÂâÊêÔôƠơƯưẢảẬậỐốỜờỮữỆệỹỴ"


@cache
def vietnamese_serifs() -> tuple[str, ...]:
    """PREFERRED_SERIFS that are installed and cover VIETNAMESE_SAMPLE in their regular style,
    in order of preference; empty where none is (callers then name the generic `serif`)."""
    return tuple(face for face in PREFERRED_SERIFS if _covers_vietnamese(face))


def _covers_vietnamese(face: str) -> bool:
    files = [
        entry.fname
        for entry in font_manager.fontManager.ttflist
        if entry.name == face and entry.style == "normal" and entry.weight == 400
    ]
    for path in files:
        try:
            charmap = ft2font.FT2Font(path).get_charmap()
        except (OSError, RuntimeError):  # an unreadable font file is simply not used
            continue
        if all(ord(letter) in charmap for letter in VIETNAMESE_SAMPLE):
            return True
    return False


def css_font_family() -> str:
    """The CSS `font-family` value for the printed PDF. The names go unquoted (CSS reads a run of
    words as one family) so the autoescaping template has no quotes to escape."""
    return ", ".join([*vietnamese_serifs(), "serif"])
