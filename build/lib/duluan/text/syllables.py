"""Vietnamese orthographic syllables: which written forms the phonotactics and spelling allow."""

from __future__ import annotations

import unicodedata

from duluan.text.fold import fold

# Written onsets (âm đầu). `gi` and `qu` are spelled as units; `p` is only in loanwords (pin).
_ONSETS = (
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
)

# Rhymes (vần) without a medial glide, as written after an ordinary consonant.
_PLAIN_RHYMES = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu
iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot ooc oong
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut
uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưng ưt ưu
ươc ươi ươm ươn ương ươp ươt ươu
ăk
""".split()
# `ăk` is not in the national orthography but is how the Central Highlands names are written
# (Đắk Lắk, Đắk Nông), and those names are in the news every day.

# Rhymes with the medial glide written `o` or `u` (hoa, huế, khuyên, khuỷu).
_MEDIAL_RHYMES = """
oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăt
oe oen oeo oet
uân uâng uât uây
uê uêch uênh
uy uych uynh uyt uyu uya uyên uyêt
uơ
""".split()

# After `qu` the glide is the `u` of the onset itself (quả, quốc, quyết, quỳnh).
_QU_RHYMES = """
a ach ai an ang anh ao at ay
ăm ăn ăng ăt
ân âng ât ây
e en eo et
ê êch ên ênh êt
y ych ynh yt yu yên yêt
i ơ ôc
""".split()

# Without an onset `iê` is written `yê` (yên, yêu); `y` alone is a syllable (ý, ỷ).
_BARE_ONLY_RHYMES = "y yêm yên yêng yêt yêu".split()

# Consonants after which `y` is written for the nucleus i (kỳ, lý, mỹ, tỷ, quý).
_Y_ONSETS = frozenset({"", "k", "l", "m", "t", "h", "s", "qu", "v", "d", "n"})

_MEDIAL_SET = frozenset(_MEDIAL_RHYMES)
_FRONT = ("i", "e", "ê")
_STOP_CODAS = ("p", "t", "c", "ch", "k")

# Combining marks: five tones, and the three vowel marks that make ă â ê ô ơ ư.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONE_MARKS = frozenset({_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT})
_STOP_TONES = frozenset({_ACUTE, _DOT})


def _spelling_allows(onset: str, rhyme: str) -> bool:
    """The spelling rules: k/gh/ngh before front vowels, c/g/ng elsewhere, no `c` + glide."""
    front = rhyme.startswith(_FRONT)
    medial = rhyme in _MEDIAL_SET
    if onset in ("k", "gh", "ngh"):
        return front or (onset == "k" and rhyme == "y")
    if onset in ("c", "g", "ng") and front:
        return False
    if onset in ("c", "gi") and medial:
        return False
    if rhyme == "y":
        return onset in _Y_ONSETS
    return not (onset == "" and rhyme.startswith("iê"))


def _written_syllables() -> frozenset[str]:
    """Every toneless written syllable: onsets × rhymes under the spelling rules."""
    found: set[str] = set(_BARE_ONLY_RHYMES)
    for onset in _ONSETS:
        if onset == "qu":
            found.update("qu" + rhyme for rhyme in _QU_RHYMES)
            continue
        for rhyme in (*_PLAIN_RHYMES, *_MEDIAL_RHYMES, "y"):
            if onset == "gi" and rhyme.startswith("i"):
                # gi + iê → giê (giếng, giết); gi + i → gi (gì); gi + in → gìn.
                rhyme = rhyme[1:]
                if rhyme not in ("", "n", "êng", "êt", "êc", "êm", "ên", "êu"):
                    continue
            if _spelling_allows(onset, rhyme):
                found.add(onset + rhyme)
    return frozenset(found)


WRITTEN_SYLLABLES: frozenset[str] = _written_syllables()
"""Toneless syllables with their vowel marks (`nghiêng`, `người` → `ngươi`)."""

FOLDED_SYLLABLES: frozenset[str] = frozenset(fold(syllable) for syllable in WRITTEN_SYLLABLES)
"""The same syllables folded to ASCII (`nguoi`, `duoc`), as people type without diacritics."""


def _split_tone(token: str) -> tuple[str, list[str]] | None:
    """The toneless NFC base of a lower-case token and its tone marks; None if not letters."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = [char for char in decomposed if char in _TONE_MARKS]
    bare = "".join(char for char in decomposed if char not in _TONE_MARKS)
    base = unicodedata.normalize("NFC", bare)
    if not base.isalpha():
        return None
    return base, tones


def is_vietnamese_syllable(token: str) -> bool:
    """Whether `token` is a correctly written Vietnamese syllable, marks included.

    Checks the vowel marks through the written form (`người` yes, `nguời` no), at most one
    tone mark, and that stop codas p/t/c/ch carry only sắc or nặng (`cát` yes, `càt` no).
    """
    split = _split_tone(token)
    if split is None:
        return False
    base, tones = split
    if base not in WRITTEN_SYLLABLES or len(tones) > 1:
        return False
    return not (tones and base.endswith(_STOP_CODAS) and tones[0] not in _STOP_TONES)


def is_vietnamese_syllable_folded(token: str) -> bool:
    """Whether `token`, once folded, has the shape of a Vietnamese syllable (`nguoi`, `duoc`)."""
    return fold(token) in FOLDED_SYLLABLES
