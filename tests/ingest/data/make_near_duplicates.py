"""Build near_duplicates.jsonl, the labelled pairs that measure ingest.dedup.

    .venv/bin/python tests/ingest/data/make_near_duplicates.py

Reads the hand-written texts of near_duplicate_bases.toml and writes one JSON object per line:
`{"a", "b", "duplicate", "why", "category"}`. The output is deterministic (seeded per text), so
running the script again changes nothing unless the bases or the rules below change.

Positives are syndicated or copy-pasted copies: each base text gets three edits (one side edited,
or both sides edited differently), each sibling one; the edits are the ones aggregators, other
newspapers and people re-posting make (headline and byline, credit line, "Xem thêm" footer, a
sentence cut or added, paragraphs swapped, marks lost, typos, emoji, case and spacing) and some
combinations. Negatives are different items that share topic, wording or boilerplate: a base and
its sibling (another event told in the same style), the same with one outlet's credit line and
footer on both, a base and its follow-up, fills of one announcement template, an article and a
post on the same issue, and very short comments that differ by a word.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

from duluan.text.fold import strip_marks

HERE = Path(__file__).parent
BASES = HERE / "near_duplicate_bases.toml"
OUTPUT = HERE / "near_duplicates.jsonl"

BYLINES = (
    "Minh Châu - Hoàng Lâm",
    "Nhóm phóng viên thời sự",
    "Thanh Hà | 08:42 16/10",
    "Bài và ảnh: Quốc Việt",
    "Phóng viên thường trú khu vực",
)
CREDITS = (
    "Theo VnExpress",
    "(Theo Dân Trí)",
    "Nguồn: Báo Tuổi Trẻ",
    "Theo Báo Lao Động",
    "Nguồn tin: Thanh Niên Online",
)
ADDED_SENTENCES = (
    "Sự việc đang được cơ quan chức năng tiếp tục xác minh, làm rõ.",
    "Phóng viên sẽ tiếp tục thông tin về vụ việc trong các bài viết tiếp theo.",
    "Trước đó, nhiều người dân đã phản ánh sự việc lên đường dây nóng của địa phương.",
    "Theo ghi nhận của phóng viên, đến chiều cùng ngày tình hình đã cơ bản ổn định.",
    "Bạn đọc có thông tin liên quan có thể gửi về hộp thư của tòa soạn.",
)
POST_ADDITIONS = (
    "Mọi người chia sẻ giúp mình với nhé.",
    "Cập nhật: mình đã gửi phản ánh lên tổng đài rồi, chờ xem sao.",
    "Edit: cảm ơn cả nhà đã quan tâm, mình đọc hết bình luận rồi.",
)
SHARE_PREFIXES = (
    "Chia sẻ từ nhóm Cư dân khu phố:",
    "[Sưu tầm]",
    "Copy từ trang của một người bạn, mọi người đọc nhé:",
)
EMOJI = ("😡", "😢", "🙏", "👉", "⚠️", "🔥", "❤️", "😱")
HASHTAGS = ("#tintuc", "#canhbao", "#chiase", "#congdong", "#thoisu")
SHORT_DIFFERENT = (
    ("Đồng ý", "Đồng ý ạ"),
    ("Ủng hộ", "Ủng hộ 100%"),
    ("Quá tệ", "Quá tệ luôn"),
    ("Hay quá", "Hay quá đi"),
    ("Chia sẻ để mọi người cùng biết", "Chia sẻ để mọi người biết"),
    ("Tội nghiệp các cháu", "Tội nghiệp các cháu quá"),
    ("Giá cao quá", "Giá cao quá trời"),
    ("Cảm ơn bác sĩ", "Cảm ơn các bác sĩ"),
    ("Đường này ngập suốt", "Đường này ngập suốt năm"),
    ("Mong sớm được giải quyết", "Mong sớm giải quyết"),
    ("Không đồng ý", "Đồng ý"),
    ("Ý kiến hay", "Ý kiến hay đấy"),
)
SHORT_SAME = (
    ("Đồng ý!", "đồng ý"),
    ("ỦNG HỘ 100%", "ủng hộ 100 %"),
    ("Quá tệ...", "qua te"),
    ("Cảm ơn   bác sĩ!!!", "Cam on bac si"),
    ("Mong sớm được giải quyết.", "mong som duoc giai quyet"),
    ("Tội nghiệp các cháu 😢", "tội nghiệp các cháu 😢"),
)
# Articles and posts about one issue (topics of the bases): pairs of different items.
RELATED = (
    ("flood", "flooded_streets"),
    ("flood", "storm"),
    ("storm", "landslide"),
    ("flood", "flood_help"),
    ("fuel_price", "gold_price"),
    ("pork_price", "price_complaint_post"),
    ("electricity_price", "electricity_bill_post"),
    ("traffic_jam", "traffic_post"),
    ("air_quality", "pollution_post"),
    ("phone_scam", "scam_warning_post"),
    ("hospital", "hospital_post"),
    ("dengue", "vaccination"),
    ("exam", "tuition"),
    ("school_fees_complaint", "school_post"),
    ("electricity_outage", "electricity_price"),
)

Pair = dict[str, object]
Edit = Callable[[str, "Context"], str]


class Context:
    """What an edit may use besides the text: a seeded generator, the headline, other titles."""

    def __init__(self, key: str, title: str, titles: list[str], *, post: bool) -> None:
        # str seeds are hashed with SHA-512, so every run draws the same; no secrets here
        self.rng = random.Random(key)  # noqa: S311
        self.title = title
        self.titles = titles
        self.post = post


# --- Edits ---------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return _SENTENCE_END.split(text.strip())


def headline(text: str, ctx: Context) -> str:
    if ctx.post:
        return f"{ctx.rng.choice(SHARE_PREFIXES)}\n{text}"
    title = ctx.title.upper() if ctx.rng.random() < 0.3 else ctx.title
    return f"{title}\n{ctx.rng.choice(BYLINES)}\n{text}"


def credit(text: str, ctx: Context) -> str:
    return f"{text}\n{ctx.rng.choice(CREDITS)}"


def footer(text: str, ctx: Context) -> str:
    links = ctx.rng.sample(ctx.titles, 2)
    return f"{text}\nXem thêm: {links[0]}\nXem thêm: {links[1]}"


def drop_sentence(text: str, ctx: Context) -> str:
    sentences = _sentences(text)
    if len(sentences) < 3:
        return add_sentence(text, ctx)
    del sentences[ctx.rng.randrange(1, len(sentences))]
    return " ".join(sentences)


def add_sentence(text: str, ctx: Context) -> str:
    sentences = _sentences(text)
    pool = POST_ADDITIONS if ctx.post else ADDED_SENTENCES
    sentences.insert(ctx.rng.randrange(1, len(sentences) + 1), ctx.rng.choice(pool))
    return " ".join(sentences)


def reorder(text: str, ctx: Context) -> str:
    """Two paragraphs swapped (a long article), or the last sentence moved to the front."""
    sentences = _sentences(text)
    if len(sentences) >= 4 and not ctx.post:
        middle = len(sentences) // 2
        return " ".join(sentences[middle:]) + "\n\n" + " ".join(sentences[:middle])
    return " ".join(sentences[-1:] + sentences[:-1])


def no_marks(text: str, ctx: Context) -> str:
    return strip_marks(text)


def typos(text: str, ctx: Context) -> str:
    tokens = text.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 3 and t.isalpha()]
    for i in ctx.rng.sample(candidates, min(4, len(candidates))):
        tokens[i] = _typo(tokens[i], ctx.rng)
    return " ".join(tokens)


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # letters swapped
    if kind == 1:
        return word[:at] + word[at + 1 :]  # a letter left out
    if kind == 2:
        return word[:at] + word[at] + word[at:]  # a key held down
    return strip_marks(word)  # the marks forgotten on one word


def emoji(text: str, ctx: Context) -> str:
    marks = "".join(ctx.rng.sample(EMOJI, 2))
    tags = " ".join(ctx.rng.sample(HASHTAGS, 2))
    return f"{marks} {text} {ctx.rng.choice(EMOJI)}\n{tags}"


def case_spacing(text: str, ctx: Context) -> str:
    sentences = _sentences(text)
    sentences[0] = sentences[0].upper()
    return "  ".join(sentences).replace(", ", " ,  ")


def _chain(*edits: Edit) -> Edit:
    def chained(text: str, ctx: Context) -> str:
        for edit in edits:
            text = edit(text, ctx)
        return text

    chained.__name__ = "+".join(e.__name__ for e in edits)
    return chained


RECIPES: tuple[Edit, ...] = (
    headline,
    credit,
    footer,
    drop_sentence,
    add_sentence,
    reorder,
    no_marks,
    typos,
    emoji,
    case_spacing,
    _chain(headline, credit, typos),
    _chain(no_marks, footer),
    _chain(drop_sentence, add_sentence, credit),
    _chain(reorder, emoji, typos),
    _chain(headline, no_marks, drop_sentence),
)

# --- Pairs ---------------------------------------------------------------------------------------


def _pair(a: str, b: str, duplicate: bool, why: str, category: str) -> Pair:
    return {"a": a, "b": b, "duplicate": duplicate, "why": why, "category": category}


def _edited(edit: Edit, text: str, ctx: Context) -> str:
    edited = edit(text, ctx)
    assert edited != text, f"{edit.__name__} left the text unchanged"
    return edited


def copies(bases: list[dict[str, str]], titles: list[str]) -> Iterator[Pair]:
    """Three copies of each base text and one of each sibling, the recipes taken in turn."""
    turn = 0
    for number, base in enumerate(bases):
        post = "title" not in base
        for field, count in (("text", 3), ("sibling", 1)):
            for copy in range(count):
                ctx = Context(f"{number}-{field}-{copy}", base.get("title", ""), titles, post=post)
                first, second = RECIPES[turn % len(RECIPES)], RECIPES[(turn + 7) % len(RECIPES)]
                turn += 1
                text = base[field]
                a = _edited(second, text, ctx) if copy == 2 else text
                b = _edited(first, text, ctx)
                edits = f"{second.__name__} vs {first.__name__}" if copy == 2 else first.__name__
                yield _pair(a, b, True, f"copy of one {base['topic']} item: {edits}", "copy")


def different_events(bases: list[dict[str, str]], titles: list[str]) -> Iterator[Pair]:
    """Each base against its sibling: plain, then with one outlet's credit and footer on both."""
    for number, base in enumerate(bases):
        topic = base["topic"]
        yield _pair(base["text"], base["sibling"], False, f"two {topic} events", "sibling")
        ctx = Context(f"{number}-boilerplate", "", titles, post="title" not in base)
        boilerplate = f"\n{ctx.rng.choice(CREDITS)}\n" + footer("", ctx).strip()
        yield _pair(
            base["text"] + boilerplate,
            base["sibling"] + boilerplate,
            False,
            f"two {topic} events from one outlet: same credit line and footer",
            "sibling_boilerplate",
        )


def follow_ups(bases: list[dict[str, str]]) -> Iterator[Pair]:
    for base in bases:
        if "followup" in base:
            topic = base["topic"]
            yield _pair(base["text"], base["followup"], False, f"{topic}: follow-up", "followup")
            with_title = f"{base['title']}\n{base['text']}"
            yield _pair(with_title, base["followup"], False, f"{topic}: follow-up", "followup")


def template_fills(templates: list[dict[str, object]]) -> Iterator[Pair]:
    """Every two fills of one announcement template."""
    for template in templates:
        text, fills = str(template["text"]), template["fills"]
        assert isinstance(fills, list)
        filled = [text.format(**fill) for fill in fills]
        for i, a in enumerate(filled):
            for b in filled[i + 1 :]:
                why = f"{template['topic']}: one template, different contents"
                yield _pair(a, b, False, why, "template")


def related_items(bases: list[dict[str, str]]) -> Iterator[Pair]:
    by_topic = {base["topic"]: base["text"] for base in bases}
    for first, second in RELATED:
        why = f"different items on one issue: {first} and {second}"
        yield _pair(by_topic[first], by_topic[second], False, why, "related")


def short_texts() -> Iterator[Pair]:
    for a, b in SHORT_DIFFERENT:
        yield _pair(a, b, False, "short texts differing by a word: only exact copies", "short")
    for a, b in SHORT_SAME:
        yield _pair(a, b, True, "short texts equal but for marks, case, spacing", "short")


def build() -> list[Pair]:
    data = tomllib.loads(BASES.read_text(encoding="utf-8"))
    bases: list[dict[str, str]] = data["story"] + data["post"]
    titles = [story["title"] for story in data["story"]]
    return [
        *copies(bases, titles),
        *different_events(bases, titles),
        *follow_ups(bases),
        *template_fills(data["template"]),
        *related_items(bases),
        *short_texts(),
    ]


def main() -> None:
    pairs = build()
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
    positives = sum(1 for pair in pairs if pair["duplicate"])
    print(f"{OUTPUT.name}: {positives} duplicate pairs, {len(pairs) - positives} different")


if __name__ == "__main__":
    main()
