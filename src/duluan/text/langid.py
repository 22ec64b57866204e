"""Language identification for short public texts: Vietnamese, English, or other.

No model files: each word votes from Vietnamese syllable phonotactics (`syllables.py`), the
Vietnamese-only letters and tone marks, teencode, a hand-written list of frequent English words,
function words of the other Latin-script languages seen on Vietnamese social media, a few
spelling patterns, and the Unicode script of non-Latin letters. The language with most votes
wins ("majority language by tokens" for code-mixed text).

Decisions for texts without words: empty text, whitespace, numbers, emoji, URLs, e-mail
addresses, @mentions and #hashtags carry no language, so they get `other` with confidence 0.0.
Confidence 0.0 means "no evidence"; callers that must keep such texts can test for it.
A tie between `vi` and another language goes to `vi`, the platform's first language.
Only the first `MAX_CHARS` characters are read, so a megabyte of text costs as little as a post.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Literal

from duluan.text.fold import strip_marks
from duluan.text.memo import Memo
from duluan.text.syllables import FOLDED_SYLLABLES, is_vietnamese_syllable
from duluan.text.tokens import per_token

Lang = Literal["vi", "en", "other"]

MAX_CHARS = 4000
"""How much of a text is read; a few hundred words settle the majority."""


@dataclass(frozen=True, slots=True)
class LangGuess:
    """The guessed language and how sure the guess is, from 0.0 (no evidence) to 1.0."""

    lang: Lang
    confidence: float


_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[@#][^\W_]\w*|\b\S+\.(?:com|vn|net|org|io)\b",
    re.IGNORECASE,
)
# A cheap test for the noise above, so that the slower removal runs only where it may find some.
_MAYBE_NOISE = re.compile(r"[@#]|https?:|www\.|\.(?:com|vn|net|org|io)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Letters only Vietnamese uses among the Latin-script languages seen here.
_VI_ONLY = frozenset("ăđơưĩũ") | frozenset(chr(code) for code in range(0x1EA0, 0x1EFA))


# The most frequent English words (function words, then common words of news and comments).
_ENGLISH = frozenset(
    """
    a about above after again against all almost along already also although always am among an
    and another any anyone anything are around as at away back be because been before being
    below between both but by can cannot could did do does doing done down during each either
    else enough even ever every few for from further get gets getting got had has have having he
    her here hers herself him himself his how however i if in into is it its itself just least
    less let like many may me might mine more most much must my myself neither never no nor not
    nothing now of off often on once one only or other others our ours out over own per please
    quite rather really same she should since so some someone something still such than that the
    their theirs them themselves then there these they this those though through thus to too
    toward under until up upon us very via was we well were what whatever when where whether which
    while who whom whose why will with within without would yet you your yours yourself
    able access according across act action actually add added administration after age agency
    ago agree agreement air allow allowed announced annual anyway app area areas army around
    arrested art ask asked attack attacks available average bad bank based become best better
    big bill black board body book border born boy bring brings build building business buy call
    called came campaign car care case cases cause center central chance change changes check
    chief child children china choose cities citizens city claim claims clear close club coast
    come comes coming community companies company congress continue control cost costs could
    council country court crisis cup customers cut daily data day days dead deal death deaths
    debate decision deep demand department despite development did die different director down
    drive driver during early east economic economy education election electric end energy enjoy
    even event events everyone everything exchange expected experience export exports face fact
    fall family fans far fast feel few field fight final finally find fire first flight flights
    flood flooding floods food force foreign form former forward found free friend friends front
    fuel full fund future game games get girl give given global go going good government great
    green group growth guide half hand happy hard head health hear heavy help high higher hit
    hits holiday home hope hospital hot hotel hour hours house housing huge human idea important
    increase industry inflation information inside instead interest international investment
    investors issue job jobs keep kids kill killed kind know known land large last late later
    launch law lead leader leaders learn leave left level life light likely line little live
    living local long look looking lost lot love low made main major make makes making man
    market markets match mayor mean media meet meeting member members men million minister
    minutes miss money month months morning mother move movie much music name nation national
    near need needs network new news next nice night north number offer office officials oil
    old open order ordered paid park part party pay people percent person phone place plan
    plans plant play player players point police policy political poor power president
    press price prices prime problem problems program project protest public put question
    quick rain rate rates read ready real reason record region report reported reports rescue
    residents rest restaurant result results return rice right rise rising river road roads
    rule rules run safe safety said sale sales say says school schools sea season second
    security see seen sell send service services set share shares ship shop short show shows
    side sign since small social someone soon south speed sports staff start started state
    states station stay step stock stop storm story street strong student students study
    support sure system take taken talk talks tax team tell test than thanks thank that thing
    things think third three time times today together told tomorrow took top total tour
    tourism tourists tourist town trade traffic train travel tried trip true try trying turn two
    typhoon under understand union university use used using view visit visitors vote
    wait want wants war watch water way weather week weekend weeks welcome went west whole
    wife win wind woman women won word words work worker workers working world worth write
    wrong year years yes yesterday young
    awesome amazing beautiful cheap delicious didn't don't can't won't isn't it's i'm you're
    doesn't wasn't that's there's i've i'll we're they're let's what's lol omg
    hello hi hey bye yeah yep nope guys guy sorry wow cool nice pretty lovely
    """.split()
)

# Function words of the other Latin-script languages: French, Spanish, Portuguese, Italian,
# German, Dutch, Indonesian/Malay and Tagalog. Some are also Vietnamese syllables (de, la);
# those vote for both and the rest of the sentence decides.
_OTHER_LATIN = frozenset(
    """
    le la les des du de un une et est sont dans pour avec sur pas ne ce cette ces qui que quoi
    nous vous ils elles je tu il elle mais ou très plus aussi au aux leur leurs été être avoir
    fait bien tout tous à comme même chez sans encore déjà très voilà merci bonjour où ça
    el los las y o en con por para del al es son una unos unas pero muy más también como
    está están hay esto esta este ese eso lo le se su sus nos mi mis tu sí qué cuando donde
    gracias hola ayer hoy mañana nuevo nueva año años
    não sim com uma os às ao da das do dos em na nas no nos pela pelo são você muito
    obrigado também isso este esta
    il lo gli di che non per sono della delle degli nel nella alla anche molto grazie ciao
    der die das und ist nicht ein eine einen dem den zu mit auf für von sich auch wir ihr sie
    es ich du er nach bei aus wie wird werden hat haben noch heute sehr danke
    het een en van niet zijn op dat je ook maar wat voor
    yang dan di ke dari ini itu untuk dengan tidak akan ada pada juga saya kami kita mereka
    sudah belum bisa karena atau oleh dalam sangat hari ini lagi baru banyak semua tapi
    terima kasih apa siapa bagaimana kenapa mau harus boleh tak ialah iaitu
    ang ng mga sa ay na si ni ako ikaw siya kami tayo sila ito iyan hindi oo po salamat
    naman lang din rin pero kung may mayroon wala ngayon bukas kahapon
    """.split()
)

# Vietnamese chat spellings that are not syllables (ko = không, dc = được, j = gì, mn = mọi người).
_TEENCODE = frozenset(
    """
    ko k kg kh hk hok khum hem dc dk mn mng j z zay dzay zui dzui zo r ruj hnay hqua hum bn
    ntn nt ng ngta ns nc vs ms cx cg bh bjo bjh bjt lm ik ak uk ukm mik mk mjk mjnh mjh b c
    t m tr trc sn sv hs gv ctv tphcm hcm hn sg vn ae ad sp kq thik bik wa iu ny vk ck gd dt
    vl vcl dm dmm cmnr clgt nx mun bt hc hic hix hihi huhu kkk thoy hoy nge wá qa oy
    oki okie nhen nhaa trùi thjk bnhiu bnh nhiu mún hqa đc đk đt gđ
    """.split()
)

# Words every language here borrows: they vote for none.
_NEUTRAL = frozenset(
    """
    ok okay haha hahaha hehe kk xd covid facebook fb zalo tiktok youtube google iphone
    email wifi taxi grab video
    """.split()
)

# English spellings that Vietnamese and the other languages here rarely produce.
_ENGLISH_PATTERN = re.compile(
    r"th|wh|sh|ck|ght|ph|w|ee|oo|ea|(?:ing|ed|ly|ness|ment|ers|ful|less|ity|ive|ous|ship|y)$"
)
# Spellings of Romance, Germanic and Austronesian words that English rarely produces.
_OTHER_PATTERN = re.compile(
    r"[aiou]$|nya|kan$|^mem|^meng|^ber|sch|ij|tz|eau|eu|ue|qu[eiao]|ll[aeo]|gli|cch|zz"
    r"|ión$|ción|mente$|ung$|lich$|keit$|^ge|aa|oe|en$|[ao]s$|z|[aou]ch$"
)

_SCRIPTIO_CONTINUA = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Japanese kana
    (0x3400, 0x9FFF),  # CJK ideographs
)


def _non_latin_weight(token: str) -> float:
    """Votes for `other` from a word in another script; unspaced scripts count per character."""
    code = ord(token[0])
    for low, high in _SCRIPTIO_CONTINUA:
        if low <= code <= high:
            return max(1.0, len(token) / 2)
    return 1.0


Votes = tuple[float, float, float]  # vi, en, other
_SILENT: Votes = (0.0, 0.0, 0.0)


def _votes(word: str) -> Votes:
    """Votes (vi, en, other) of one NFC word as written (its case does not matter)."""
    token = word.lower()
    if not token.isascii() and any(
        ord(char) >= 0x0250 and not 0x1E00 <= ord(char) <= 0x1EFF for char in token
    ):
        return 0.0, 0.0, _non_latin_weight(token)
    folded = strip_marks(token)
    if folded in _NEUTRAL:
        return 0.0, 0.0, 0.0
    if folded != token:
        return _marked_votes(token, folded)
    vi = 1.0 if folded in _TEENCODE or folded in FOLDED_SYLLABLES else 0.0
    en = 1.0 if folded in _ENGLISH else 0.0
    other = 1.0 if folded in _OTHER_LATIN else 0.0
    if vi or en or other:
        return vi, en, other
    # A word of no list: by its spelling, English or another Latin-script language.
    en = 0.3 + 0.4 * len(_ENGLISH_PATTERN.findall(folded))
    other = 0.3 + 0.4 * len(_OTHER_PATTERN.findall(folded))
    return 0.0, min(en, 1.0), min(other, 1.0)


def _marked_votes(token: str, folded: str) -> Votes:
    """Votes of a word with diacritics: Vietnamese if they spell a syllable, else foreign."""
    vi_letters = any(char in _VI_ONLY for char in token)
    other = 1.0 if token in _OTHER_LATIN else 0.0
    if is_vietnamese_syllable(token):
        return (1.5 if vi_letters else 1.0), 0.0, other
    if vi_letters:
        return 1.0, 0.0, other  # Vietnamese with a typo or teencode (ngưòi, zậy)
    if token in _TEENCODE or folded in _TEENCODE:
        return 1.0, 0.0, 0.0
    return 0.0, 0.0, max(other, 1.0)


_VOTES = Memo(_votes)


def _token_words(token: str) -> tuple[str, ...]:
    """The words of one whitespace-separated token, less URLs, addresses, mentions, hashtags."""
    return tuple(_WORD.findall(_NOISE.sub(" ", token) if _MAYBE_NOISE.search(token) else token))


_words = per_token(_token_words)


def _tally(text: str) -> tuple[float, float, float, int]:
    """Summed votes of the words of `text`, and how many words voted."""
    words = _words(text)
    if not words:
        return 0.0, 0.0, 0.0, 0
    votes = _VOTES.many(words)
    sums: tuple[float, ...] = tuple(map(sum, zip(*votes, strict=True)))
    vi, en, other = sums
    named = [] if text.islower() else _names(words, votes)  # no capital, no name
    if named:
        vi -= sum(v[0] for v in named) / 2
        en -= sum(v[1] for v in named) / 2
        other -= sum(v[2] for v in named) / 2
    return vi, en, other, len(votes) - votes.count(_SILENT)


def _names(words: list[str], votes: Sequence[Votes]) -> list[Votes]:
    """The votes of the capitalised words after the first, which count half.

    In ordinary sentences capitalised words are mostly names (Ha Noi, Da Nang) that cross
    languages. Headlines in Title Case or CAPITALS keep full weight.
    """
    capitals = list(map(str.isupper, map(itemgetter(0), words)))
    names = capitals.count(True) - capitals[0]
    if names and (names + capitals[0]) * 2 < len(words):
        return list(compress(votes[1:], capitals[1:]))
    return []


def identify(text: str) -> LangGuess:
    """Guess whether `text` is Vietnamese (with or without diacritics), English, or other."""
    sample = unicodedata.normalize("NFC", text[:MAX_CHARS])
    vi, en, other, count = _tally(sample)
    total = vi + en + other
    if total == 0:
        return LangGuess("other", 0.0)
    best: Lang = "vi"
    if en > vi and en >= other:
        best = "en"
    elif other > vi and other > en:
        best = "other"
    share = max(vi, en, other) / total
    # Fewer words, less certainty: one word gives at most 0.5, three 0.875.
    confidence = share * (1.0 - 0.5**count)
    return LangGuess(best, round(confidence, 3))
