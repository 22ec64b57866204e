"""Comment text made uniform: NFC, one tone-mark placement, squeezed repeats, emoji tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType

from duluan.text.fold import fold
from duluan.text.memo import Memo

# --- Letters ------------------------------------------------------------------------------------

# Grave, acute, tilde, hook above, dot below.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_QUALITY_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex (â ê ô), breve (ă), horn (ơ ư)
_VOWEL_BASES = "aăâeêioôơuưy"
_ASCII_VOWELS = frozenset("aeiouy")
_LATIN_BASES = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ")
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_LONGEST_SYLLABLE = 8  # `nghiêng`, `khuyếch` have 7 letters; longer words are not one syllable


def _vowel_forms(*, toned: bool) -> str:
    bases = _VOWEL_BASES + _VOWEL_BASES.upper()
    if not toned:
        return bases + _vowel_forms(toned=True)
    return "".join(
        unicodedata.normalize("NFC", b + mark) for b in bases for mark in sorted(_TONE_MARKS)
    )


_VOWELS = _vowel_forms(toned=False)
_TONED_VOWELS = _vowel_forms(toned=True)
_MARKED_LETTERS = frozenset(_VOWELS) - frozenset("aeiouyAEIOUY") | {"đ", "Đ"}
# Each Vietnamese letter, upper or lower case, to its bare lower-case letter; one char to one char.
_FOLD_TABLE = str.maketrans(
    {char: fold(char) for char in _VOWELS}
    | {"đ": "d", "Đ": "d"}
    | {chr(code): chr(code + 32) for code in range(ord("A"), ord("Z") + 1)}
)

# --- Patterns -----------------------------------------------------------------------------------

_URL_CHARS = r"[\w\-.~:/?#\[\]@!$&'()*+,;=%]"
_LINK = re.compile(
    r"(?<![\w@\-])(?<!\w\.)(?:"
    rf"(?:https?|ftp)://{_URL_CHARS}+"
    rf"|www\.{_URL_CHARS}+"
    r"|\w[\w+\-]*(?:\.[\w+\-]+)*@[\w\-]+(?:\.[\w\-]+)+"
    r"|(?:[a-z0-9\-]+\.)+(?:com|net|org|edu|gov|info|io|vn|tv|ly|xyz|biz)(?![\w\-])"
    rf"(?:[/?#]{_URL_CHARS}*)?"
    r")",
    re.IGNORECASE,
)
_LINK_TRAILING = ".,!?;:)]'\""
# Cheap test that a text may hold a link; each branch starts with a literal so `re` can skip fast.
_LINK_HINT = re.compile(
    r"\.(?:(?:com|net|org|edu|gov|info|io|vn|tv|ly|xyz|biz)(?![\w\-])|(?<=[wW]{3}\.))|@|://",
    re.IGNORECASE,
)
_ZERO_WIDTH = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# A word with a toned vowel next to another vowel; not one with stray combining marks around it.
_TONE_CANDIDATE = re.compile(
    rf"(?<![^\W\d_\u0300-\u036f])[^\W\d_]*?"
    rf"(?:[{_TONED_VOWELS}][{_VOWELS}]|[{_VOWELS}][{_TONED_VOWELS}])[^\W\d_]*(?![\u0300-\u036f])"
)
_ACRONYM_MAX = 6
_ACRONYM_CONSONANTS = frozenset("BCDFGHJKLMNPQRSTVWXZ")
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
_BANG_RUN = re.compile(r"[!?]{2,}")
_DOT_RUN = re.compile(r"[.…]{3,}|[.…]?…[.…]?")
_PUNCT_RUN = re.compile(r"([,~])\1+")
_ROMAN_LETTERS = frozenset("IXCMixcm")

# --- Emoji and emoticons ------------------------------------------------------------------------

# Single code points; variation selectors and skin tones after them are dropped with the rest.
EMOJI_TOKENS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys("😂🤣😆😹😅", "laugh"),
        **dict.fromkeys("😀😃😄😁😊🙂☺😉🤗😇", "smile"),
        **dict.fromkeys("❤♥😍🥰😘😻💕💖💗💓💞💘💙💚💛💜🧡🤍🌹", "love"),
        **dict.fromkeys("👍👌💯👏🙌", "thumbs_up"),
        **dict.fromkeys("👎", "thumbs_down"),
        **dict.fromkeys("😡🤬😠😤👿🖕💢", "angry"),
        **dict.fromkeys("😞😔😟🙁☹😿💔🥺🥲", "sad"),
        **dict.fromkeys("😭😢", "cry"),
        **dict.fromkeys("😮😲😯🤯😳", "wow"),
        **dict.fromkeys("😱😨😰😧", "fear"),
        **dict.fromkeys("🤮🤢💩", "disgust"),
        **dict.fromkeys("😒🙄😑😐", "unamused"),
        **dict.fromkeys("😜😝😛🤪", "joke"),
        **dict.fromkeys("🤔🧐", "thinking"),
        **dict.fromkeys("🙏", "pray"),
    }
)
# Emoticons as Vietnamese comments write them; `:))` and `=))` laugh, `:((` cries, `:v` jokes.
_EMOTICON = re.compile(
    r"(?P<laugh>[:=;]-?\){2,}|=\]{2,}|:-?D+(?![^\W_])|(?<![^\W_])[xX]D+(?![^\W_])|(?<!\S)\){3,})"
    r"|(?P<cry>[:=]['’]?-?\({2,}|:['’]-?\(|(?<![^\W_])T[_.^]T(?![^\W_])|;_;)"
    r"|(?P<angry>>:-?\(|:@)"
    r"|(?P<sad>[:=]-?\(|(?<![\w<])</3)"
    r"|(?P<smile>[:=;]-?\)|[:=]\]|\^_?\^|\^\.\^|(?<!\d):3(?!\w))"
    r"|(?P<love>(?<![\w<])<3(?!\d)|:\*)"
    r"|(?P<joke>:[vVpP](?![^\W_]))"
    r"|(?P<wow>:-?[oO](?![^\W_]))"
    r"|(?P<unamused>-_+-|-\.-|=\.=|:\|)"
    r"|(?P<thumbs_up>\([yY]\))"
)
# Emoji and pictographs (removed unless listed above), variation selectors, keycaps, tag sequences.
_PICTOGRAPH = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f"
)
_PICTOGRAPH_RUN = re.compile(rf"[{_PICTOGRAPH}]+(?:\s+[{_PICTOGRAPH}]+)*")
_REPEATED_TOKEN = re.compile(r"(:[a-z_]+:)(?:\s+\1)+")
_EMOTICON_CHARS = frozenset(":=;<>^()-_")  # one of these, or `xD`/`T.T`, is in every emoticon


def nfc(text: str) -> str:
    """Unicode NFC: one code point for `ệ` whether it was typed precomposed or combined."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def remove_zero_width(text: str) -> str:
    """Drop zero-width space/non-joiner/joiner, word joiner, BOM and soft hyphen (U+200B–D, U+2060,
    U+FEFF, U+00AD): they hide inside words (`ho\u200bà`) and defeat matching. Scripts that need
    ZWNJ/ZWJ (Persian, Indic) lose them too, an accepted cost for a Vietnamese-first pipeline."""
    return _ZERO_WIDTH.sub("", text)


def map_outside_links(text: str, transform: Callable[[str], str]) -> str:
    """Apply `transform` to the parts of `text` that are not URLs, bare domains or e-mail addresses.

    Trailing punctuation (`.`, `)`, `!`…) after a link is treated as text, not as part of the link.
    """
    if not _LINK_HINT.search(text):
        return transform(text)
    pieces: list[str] = []
    last = 0
    for link in _LINK.finditer(text):
        start, url = link.start(), link.group().rstrip(_LINK_TRAILING)
        if not _LINK.fullmatch(url):  # `www.:))` is `www` and an emoticon, not a link
            continue
        end = start + len(url)
        pieces.append(transform(text[last:start]))
        pieces.append(text[start:end])
        last = end
    if not pieces:
        return transform(text)
    pieces.append(transform(text[last:]))
    return "".join(pieces)


# --- Tone marks ---------------------------------------------------------------------------------


def normalise_tone_marks(text: str) -> str:
    """Put each syllable's tone mark where the traditional convention puts it; return NFC.

    The convention is the one most Vietnamese web text, dictionaries and NLP tools (underthesea)
    use: `hòa`, `hóa`, `khỏe`, `thủy`, `Ủy`, `quý`, `hoàng`, `thuyền`, `người`. Rule, in order:

    1. `u` after `q` and `i` after `g` (before another vowel) belong to the initial consonant:
       `qúy` → `quý`, `gía` → `giá`, `qủa` → `quả` (but `gì`, `gìn` keep `i` as the vowel).
    2. A vowel with a quality mark (â ă ê ô ơ ư) takes the tone; with two, the last one:
       `tiếng`, `thuế`, `khuấy`, `người`, `rượu`, `cứu`, `thuở`.
    3. One vowel takes the tone. With a final consonant (c ch m n ng nh p t), the last vowel:
       `hoàng`, `toán`, `huỳnh`, `hoạch`. Three vowels, open: the middle one (`ngoài`, `khuỷu`).
    4. Two vowels, open syllable: the first (`hòa`, `khỏe`, `thủy`, `mùa`, `mái`, `chịu`).

    Only step 4 differs from the "new" placement (`hoà`, `khoẻ`, `thuỷ`) for `oa`, `oe`, `uy`.
    Words that do not parse as one Vietnamese syllable (`café`, `José`, two tone marks, other
    scripts, longer than 8 letters) are left as they are. Case is kept letter by letter
    (`HOÀ` → `HÒA`, `Hoà` → `Hòa`).
    """
    return _normalise_tone_marks(nfc(text))


def _normalise_tone_marks(text: str) -> str:
    return _TONE_CANDIDATE.sub(_fix_candidate, text)


def _fix_candidate(match: re.Match[str]) -> str:
    word = match.group()
    return word if len(word) > _LONGEST_SYLLABLE else _place_tone(word)


@lru_cache(maxsize=16384)
def _place_tone(word: str) -> str:
    parsed = _split_letters(word)
    if parsed is None:
        return word
    bases, qualities, tone = parsed
    target = _tone_position("".join(bases).lower(), [bool(marks) for marks in qualities])
    if target is None:
        return word
    qualities[target] += tone
    return unicodedata.normalize("NFC", "".join(map(str.__add__, bases, qualities)))


def _split_letters(word: str) -> tuple[list[str], list[str], str] | None:
    """Base letters, their quality marks and the one tone mark; None unless a plain syllable."""
    bases: list[str] = []
    qualities: list[str] = []
    tone = ""
    for char in unicodedata.normalize("NFD", word):
        if char in _LATIN_BASES:
            bases.append(char)
            qualities.append("")
        elif bases and char in _QUALITY_MARKS:
            qualities[-1] += char
        elif bases and char in _TONE_MARKS and not tone:
            tone = char
        else:  # a mark before any letter, a second tone, a mark Vietnamese does not use
            return None
    return (bases, qualities, tone) if tone else None


def _tone_position(bases: str, marked: list[bool]) -> int | None:
    """Index of the letter that carries the tone in a lower-case bare syllable, or None."""
    vowels = [i for i, char in enumerate(bases) if char in _ASCII_VOWELS]
    if not vowels or vowels[-1] - vowels[0] + 1 != len(vowels):
        return None
    first, last = vowels[0], vowels[-1]
    final = bases[last + 1 :]
    if final not in _FINALS:
        return None
    if last > first and (bases[:first], bases[first]) in {("q", "u"), ("g", "i")}:
        first += 1
    if last - first >= 3:
        return None
    with_quality = [i for i in range(first, last + 1) if marked[i]]
    if with_quality:
        return with_quality[-1]
    if first == last or final:
        return last
    if last - first == 2:
        return first + 1
    return first


# --- Repeats ------------------------------------------------------------------------------------


def squeeze_repeats(text: str) -> str:
    """Collapse stretched letters and punctuation; return NFC. URLs and e-mails are left alone.

    - A run of 3+ of the same letter, compared case- and diacritic-insensitively, becomes one
      letter: the first of the run that carries a diacritic, else the first (`quáaaa` → `quá`,
      `QUÁAAA` → `QUÁ`, `đẹppppp` → `đẹp`). Doubles stay (`xoong`, `cool`).
    - A whole word made of one repeated consonant keeps two (`kkkk` → `kk`, `rrr` → `rr`), so
      laughter does not turn into the teencode `k` (`không`); Roman numerals stay (`III`, `XXX`);
      a word of one repeated vowel becomes one (`ááá` → `á`).
    - `!!!` → `!`, `???` → `?`, a mix of `!` and `?` → `?!`, `,,` → `,`, `~~` → `~`.
    - Three or more dots, and any `…`, become three ASCII dots `...`; `..` stays.
    """
    return map_outside_links(nfc(text), _squeeze_segment)


def _squeeze_segment(text: str) -> str:
    text = _squeeze_letters(text)
    if "!!" in text or "??" in text or "!?" in text or "?!" in text:
        text = _BANG_RUN.sub(_collapse_bangs, text)
    if "..." in text or "…" in text:
        text = _DOT_RUN.sub("...", text)
    if ",," in text or "~~" in text:
        text = _PUNCT_RUN.sub(r"\1", text)
    return text


def _collapse_bangs(match: re.Match[str]) -> str:
    run = match.group()
    return "?!" if "?" in run and "!" in run else run[0]


def _squeeze_letters(text: str) -> str:
    if len(text) < 3:
        return text
    folded = text.translate(_FOLD_TABLE)
    pieces: list[str] = []
    last = 0
    for run in _LETTER_RUN.finditer(folded):
        start, end = run.span()
        pieces.append(text[last:start])
        pieces.append(_collapse_run(text, start, end))
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _in_acronym(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a run of one consonant in a short capital word without marks.

    `CCCD`, `TTTM` are abbreviations; `QUÁAAA`, `ĐẸPPPP`, `HAYYYY` are shouts.
    """
    if text[start] not in _ACRONYM_CONSONANTS:
        return False
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    word = text[start:end]
    return len(word) <= _ACRONYM_MAX and word.isascii() and word.isupper()


def _collapse_run(text: str, start: int, end: int) -> str:
    run = text[start:end]
    if end < len(text) and unicodedata.combining(text[end]):
        return run[-1]  # a stray mark stays on the letter it was typed after
    whole_word = not (start > 0 and text[start - 1].isalpha()) and not (
        end < len(text) and text[end].isalpha()
    )
    if whole_word and run[0] in _ROMAN_LETTERS and run == run[0] * len(run):
        return run
    if _in_acronym(text, start, end):
        return run  # `CCCD`, `TTTM`: capitals in a short word are an abbreviation, not a shout
    if whole_word and run[0].translate(_FOLD_TABLE) not in _ASCII_VOWELS:
        return run[:2]
    return next((char for char in run if char in _MARKED_LETTERS), run[0])


# --- Emoji --------------------------------------------------------------------------------------


def replace_emoji(text: str) -> str:
    """Turn emoji and emoticons into sentiment tokens padded with spaces; drop other pictographs.

    Tokens: `:laugh:` `:smile:` `:love:` `:thumbs_up:` `:thumbs_down:` `:angry:` `:sad:` `:cry:`
    `:wow:` `:fear:` `:disgust:` `:unamused:` `:joke:` `:thinking:` `:pray:` (see `EMOJI_TOKENS`
    and the emoticon pattern: `:)` smile, `:))`/`=))`/`:D`/`xD` laugh, `:(` sad, `:((`/`T_T`
    cry, `>:(` angry, `<3` love, `:v`/`:p` joke, `:o` wow, `-_-` unamused, `(y)` thumbs up).
    Other emoji, flags, skin tones and variation selectors become a space. Runs of the same token
    collapse to one (`😂😂🤣` → ` :laugh: `). URLs and e-mail addresses are left alone; the
    padding spaces are left for `normalise` to collapse.
    """
    return map_outside_links(text, _replace_emoji_segment)


def _replace_emoji_segment(text: str) -> str:
    if not _EMOTICON_CHARS.isdisjoint(text) or "D" in text or "T.T" in text:
        # A replacement pads with spaces, which can turn a leftover (`;P)))` → `:joke: )))`)
        # into an emoticon of its own; repeat until nothing changes so the step is idempotent.
        for _ in range(4):
            replaced = _EMOTICON.sub(_emoticon_token, text)
            if replaced == text:
                break
            text = replaced
    if _PICTOGRAPH_RUN.search(text):
        text = _PICTOGRAPH_RUN.sub(_pictograph_tokens, text)
    return _REPEATED_TOKEN.sub(r"\1", text) if text.count(":") > 3 else text


def _emoticon_token(match: re.Match[str]) -> str:
    return f" :{match.lastgroup}: "


def _pictograph_tokens(match: re.Match[str]) -> str:
    tokens: list[str] = []
    for char in match.group():
        name = EMOJI_TOKENS.get(char)
        if name is not None and (not tokens or tokens[-1] != name):
            tokens.append(name)
    return " " + "".join(f":{name}: " for name in tokens)


# --- Pipeline -----------------------------------------------------------------------------------

_CACHED_TOKEN_LENGTH = 48


def normalise(text: str) -> str:
    """The platform's text normalisation, idempotent: `normalise(normalise(x)) == normalise(x)`.

    Steps: zero-width characters removed → NFC → outside URLs and e-mail addresses: repeats
    squeezed → emoji and emoticons to tokens → tone marks placed → all whitespace, newlines
    included, collapsed to single spaces and stripped (comments are analysed as one line; the
    raw text keeps the layout). Squeezing runs before the tone step so that `hoààà` → `hoà`
    is then placed as `hòa`, and before emoji so that `:DDD` and `xDDD` read as `:D`.

    Every step after NFC looks no further than one whitespace-separated token, except that runs
    of the same emoji token collapse across spaces; so the work is done once per distinct token
    and remembered, which keeps a typical comment in the tens of microseconds.
    """
    tokens = nfc(remove_zero_width(text)).split()
    joined = " ".join(filter(None, _NORMALISED.many(tokens)))
    return _REPEATED_TOKEN.sub(r"\1", joined) if ":" in joined else joined


def _normalise_token(token: str) -> str:
    return nfc(" ".join(map_outside_links(token, _normalise_segment).split()))


_NORMALISED = Memo(_normalise_token, 65536, longest=_CACHED_TOKEN_LENGTH)


def _normalise_segment(text: str) -> str:
    text = _squeeze_segment(text)
    text = _replace_emoji_segment(text)
    return _normalise_tone_marks(nfc(text))
