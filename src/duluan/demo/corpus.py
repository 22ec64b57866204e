"""The SYNTHETIC demo corpus: labelled sources, and the texts each of them "publishes" day by day.

Deterministic: the texts of a day are drawn from a generator seeded by that day (and the texts
of a hotspot by its code and the anchor day), so the same call gives the same texts, and a later
call gives the same texts for the days both cover. External ids are built from the same seeds,
which is what makes loading twice store nothing twice.

Rhythm: a day's volume follows the week (fewer on Saturdays, fewest on Sundays) with a random
day level; hours follow a daily cycle (little at night, a morning peak, the most in the evening,
a slow Sunday morning). Half the volume comes from Lào Cai's sources, which mostly write about
Lào Cai's wards and communes (new names, and some names from before 2025); national sources
write about other provinces for comparison.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from duluan.demo import LABEL, phrases
from duluan.demo.hotspots import Hotspot
from duluan.ingest.dates import VIETNAM_TIME
from duluan.text.fold import strip_marks

BASE_PER_DAY = 32  # documents on an ordinary weekday at scale 1 (sized to load in a minute)
SEED = "duluan-demo-1"
URL_BASE = "https://mo-phong.duluan.invalid"  # .invalid: a name that can never resolve

# Relative volume by local hour (0–23): quiet nights, a morning peak, the evening the busiest.
HOURLY = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.4, 1.5, 1.3, 1.2, 1.2,
    1.3, 1.0, 1.0, 1.0, 1.1, 1.2, 1.4, 1.8, 2.0, 1.9, 1.3, 0.6,
)  # fmt: skip
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.65)  # Monday … Sunday
SUNDAY_MORNING = range(5, 11)  # hours a Sunday sleeps in (volume halved)
HOTSPOT_ID_PREFIX = "hot-"  # external ids of hotspot texts: hot-CODE-YYYYMMDD-NNNN
PHONE_EVERY_DAYS = 7  # one comment a week leaves a (fake) phone number the pipeline must mask


@dataclass(frozen=True)
class DemoSource:
    key: str  # stable, used in external ids
    name: str  # starts with the demo label
    unit_code: str  # owner unit: "15" Lào Cai province, "TW" central
    province_code: str | None
    document_kind: str  # article, post or comment
    share: float  # of the day's volume


SOURCES: tuple[DemoSource, ...] = (
    DemoSource("lc-news", f"{LABEL} Báo điện tử Lào Cai", "15", "15", "article", 0.14),
    DemoSource("lc-social", f"{LABEL} Trang cộng đồng Lào Cai", "15", "15", "post", 0.23),
    DemoSource("lc-forum", f"{LABEL} Diễn đàn Tây Bắc", "15", "15", "comment", 0.13),
    DemoSource("vn-news", f"{LABEL} Báo điện tử toàn quốc", "TW", None, "article", 0.16),
    DemoSource("vn-social", f"{LABEL} Mạng xã hội, trang công khai", "TW", None, "post", 0.20),
    DemoSource("vn-forum", f"{LABEL} Bình luận dưới bài báo", "TW", None, "comment", 0.14),
)
LOCAL_KEYS = tuple(s.key for s in SOURCES if s.unit_code == "15")
NATIONAL_KEYS = tuple(s.key for s in SOURCES if s.unit_code == "TW")
_OTHER_WEIGHTS = (30, 30, 10, 8, 8, 6, 4, 4)  # Hà Nội, TP.HCM, Đà Nẵng, … (phrases.OTHER_PLACES)
_TONE_WEIGHTS = (0.32, 0.43, 0.25)  # negative, neutral, positive


@dataclass(frozen=True)
class DemoText:
    """One document of the demo, as a source would hand it to the pipeline."""

    source_key: str
    external_id: str
    kind: str
    title: str
    text: str
    published_at: datetime
    author: str | None
    url: str | None


def anchor_day(now: datetime) -> date:
    """The demo's last day: today in Vietnam."""
    return now.astimezone(VIETNAM_TIME).date()


def day_texts(day: date, *, scale: float, now: datetime) -> list[DemoText]:
    """The everyday texts of `day` published before `now`."""
    rng = random.Random(f"{SEED}:{day.isoformat()}")  # noqa: S311 - reproducible, not secret
    level = rng.lognormvariate(0.0, 0.15)
    count = round(BASE_PER_DAY * scale * WEEKDAY[day.weekday()] * level)
    weights = _hour_weights(day)
    texts = []
    for index in range(count):
        hour = rng.choices(range(24), weights)[0]
        moment = _moment(rng, day, hour)
        source = rng.choices(SOURCES, [s.share for s in SOURCES])[0]
        phone = index == 0 and day.toordinal() % PHONE_EVERY_DAYS == 0
        text = _everyday(rng, source, moment, f"{day:%Y%m%d}-{index:05d}", phone=phone)
        if moment <= now:
            texts.append(text)
    return texts


def hotspot_texts(hotspot: Hotspot, *, anchor: date, scale: float, now: datetime) -> list[DemoText]:
    """The texts of an injected hotspot published before `now`: volume rising to a peak in its
    first third, then ebbing."""
    rng = random.Random(f"{SEED}:{hotspot.code}:{anchor.isoformat()}")  # noqa: S311
    start = hotspot.start(anchor)
    shape = [
        min(1.0, (h + 1) / (hotspot.hours / 3)) * HOURLY[(start.hour + h) % 24]
        for h in range(hotspot.hours)
    ]
    keys = LOCAL_KEYS if hotspot.owner == "local" else NATIONAL_KEYS
    texts = []
    for index in range(hotspot.size(scale)):
        offset = rng.choices(range(hotspot.hours), shape)[0]
        moment = start + timedelta(hours=offset, minutes=rng.randrange(60))
        key = rng.choice(keys)
        source = next(s for s in SOURCES if s.key == key)
        tone = "negative" if rng.random() < hotspot.negative_share else "neutral"
        clauses = hotspot.negative if tone == "negative" else hotspot.neutral
        sentence = f"{rng.choice(hotspot.subjects)}: {rng.choice(clauses)}."
        external_id = f"{HOTSPOT_ID_PREFIX}{hotspot.code}-{anchor:%Y%m%d}-{index:04d}"
        text = _document(rng, source, moment, external_id, sentence, tone)
        if moment <= now:
            texts.append(text)
    return texts


def _hour_weights(day: date) -> list[float]:
    weights = list(HOURLY)
    if day.weekday() == 6:
        for hour in SUNDAY_MORNING:
            weights[hour] *= 0.5
    return weights


def _moment(rng: random.Random, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), VIETNAM_TIME)


def _place(rng: random.Random, source: DemoSource) -> str:
    """Where a text is about: mostly Lào Cai for its sources, mostly elsewhere for the others."""
    lao_cai_share = 0.95 if source.unit_code == "15" else 0.1
    if rng.random() < lao_cai_share:
        bank = phrases.LAO_CAI_OLD_PLACES if rng.random() < 0.1 else phrases.LAO_CAI_PLACES
        return rng.choice(bank)
    _code, names = rng.choices(phrases.OTHER_PLACES, _OTHER_WEIGHTS)[0]
    return rng.choice(names)


def _everyday(
    rng: random.Random, source: DemoSource, moment: datetime, external_id: str, *, phone: bool
) -> DemoText:
    bank = rng.choices(phrases.BANKS, [b.weight for b in phrases.BANKS])[0]
    tone = rng.choices(phrases.TONES, _TONE_WEIGHTS)[0]
    place = _place(rng, source)
    subject = rng.choice(bank.subjects).format(place=place, n=rng.randrange(2, 60))
    clause = rng.choice(bank.clauses(tone)).format(n=rng.randrange(2, 60))
    sentence = f"{subject} {clause}."
    if phone:
        sentence += f" Ai cần thông tin thêm gọi {rng.choice(phrases.FAKE_PHONES)}."
    return _document(rng, source, moment, external_id, sentence, tone)


def _document(
    rng: random.Random,
    source: DemoSource,
    moment: datetime,
    external_id: str,
    sentence: str,
    tone: str,
) -> DemoText:
    """A sentence dressed as its source publishes: an article with a title and a dateline, or a
    post or comment with a tail, sometimes without diacritics or in teencode."""
    sentence = sentence.format(n=rng.randrange(2, 60))
    tail = rng.choice(phrases.TAILS[tone]).format(date=f"{moment:%d/%m}")
    if source.document_kind == "article":
        title = sentence.split(":")[0].split(",")[0][:120]
        text = f"({moment:%H:%M %d/%m/%Y}) {sentence} {tail}"
        url = f"{URL_BASE}/{source.key}/{external_id}"
        return DemoText(source.key, external_id, "article", title, text, moment, None, url)
    text = _styled(rng, f"{sentence} {tail}")
    author = f"nguoi-dung-mo-phong-{rng.randrange(5000)}"  # fake handles, hashed at ingest
    return DemoText(source.key, external_id, source.document_kind, "", text, moment, author, None)


def _styled(rng: random.Random, text: str) -> str:
    """How people type: mostly with diacritics, some without, some in teencode."""
    draw = rng.random()
    if draw < 0.7:
        return text
    if draw < 0.88:
        return strip_marks(text)
    lowered = text.lower()
    for word, short in phrases.TEENCODE:
        lowered = lowered.replace(word, short)
    return strip_marks(lowered)
