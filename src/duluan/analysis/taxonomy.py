"""The default topic taxonomy of DESIGN.md §5, each topic defined by a query (analysis.query).

These are the starting definitions a deployment edits; the queries are written for recall on
public comments and news, with and without diacritics. Matching folds diacritics, so a single
word that folds onto a common one (`bão` → `bao`, as in `bao nhiêu`; `AI` → `ai`, who) is
written as a phrase instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from duluan.analysis.query import AnyOf, Node, Term, Text, anchors, parse


@dataclass(frozen=True)
class Topic:
    code: str
    name_vi: str
    name_en: str
    query: str

    @cached_property
    def node(self) -> Node:
        """The parsed query (BadInput if it is malformed)."""
        return parse(self.query)

    @cached_property
    def anchors(self) -> frozenset[str] | None:
        """Words of which a matching text has at least one (see `query.anchors`)."""
        return anchors(self.node)


DEFAULT_TOPICS: tuple[Topic, ...] = (
    Topic(
        "party_building",
        "Xây dựng Đảng, công tác cán bộ, đại hội",
        "Party building and cadres",
        '"đại hội đảng" OR "công tác cán bộ" OR "xây dựng đảng" OR "đảng viên" OR "cấp ủy" '
        'OR "bí thư" OR "kỷ luật đảng" OR "nhân sự đại hội" OR "bổ nhiệm cán bộ"',
    ),
    Topic(
        "apparatus_restructuring",
        "Sắp xếp tổ chức bộ máy, sáp nhập đơn vị hành chính",
        "Restructuring the apparatus, merging administrative units",
        '"sáp nhập" OR "sắp xếp bộ máy" OR "tinh gọn bộ máy" OR "tinh giản biên chế" '
        'OR "sắp xếp đơn vị hành chính" OR "chính quyền hai cấp" OR "chính quyền 2 cấp" '
        'OR "bỏ cấp huyện" OR "nghỉ hưu trước tuổi" OR "tinh gọn"',
    ),
    Topic(
        "economy_livelihood",
        "Kinh tế, việc làm, thu nhập, giá cả",
        "Economy, jobs, income, prices",
        '"giá xăng" OR "giá điện" OR "giá cả" OR "việc làm" OR "thất nghiệp" OR "thu nhập" '
        'OR "lạm phát" OR "tiền lương" OR "tăng lương" OR "mất việc" OR "giá vàng" OR "lãi suất" '
        'OR "kinh doanh" OR "giá thịt" OR "giá lúa" OR "tiểu thương" OR "tăng giá"',
    ),
    Topic(
        "science_digital",
        "Khoa học công nghệ, chuyển đổi số",
        "Science, technology, digital",
        '"chuyển đổi số" OR "công nghệ" OR "trí tuệ nhân tạo" OR VNeID OR "dịch vụ công '
        'trực tuyến" OR "dữ liệu số" OR "khoa học" OR "internet" OR "5G"',
    ),
    Topic(
        "land_projects",
        "Đất đai, giải phóng mặt bằng, dự án",
        "Land, clearance, projects",
        '"đất đai" OR "giải phóng mặt bằng" OR GPMB OR "đền bù" OR "bồi thường" OR "thu hồi đất" '
        'OR "tái định cư" OR "sổ đỏ" OR "quy hoạch" OR "dự án treo" OR "lấn chiếm đất" '
        'OR "giá đất" OR "tranh chấp đất"',
    ),
    Topic(
        "environment",
        "Môi trường, ô nhiễm",
        "Environment, pollution",
        '"ô nhiễm" OR "môi trường" OR "rác thải" OR "nước thải" OR "khói bụi" OR "bụi mịn" '
        'OR "xả thải" OR "chất lượng không khí" OR "phá rừng" OR "cá chết"',
    ),
    Topic(
        "disaster_epidemic",
        "Thiên tai, dịch bệnh",
        "Disasters and epidemics",
        '"cơn bão" OR "siêu bão" OR "mưa bão" OR "bão lũ" OR "bão số" OR "lũ lụt" '
        'OR "lũ quét" OR "sạt lở" OR "ngập lụt" OR "hạn hán" OR "xâm nhập mặn" '
        'OR "động đất" OR "dịch bệnh" OR "sốt xuất huyết" OR "dịch tả" OR "dịch cúm" '
        'OR "cúm gia cầm" OR covid',
    ),
    Topic(
        "traffic_safety",
        "Giao thông, trật tự an toàn giao thông",
        "Traffic and road safety",
        '"tai nạn giao thông" OR "ùn tắc" OR "kẹt xe" OR "tắc đường" OR CSGT OR "nồng độ cồn" '
        'OR "phạt nguội" OR "giao thông" OR "cao tốc" OR "biển số"',
    ),
    Topic(
        "healthcare",
        "Y tế",
        "Healthcare",
        '"bệnh viện" OR "y tế" OR "bảo hiểm y tế" OR BHYT OR "thuốc men" OR "thiếu thuốc" '
        'OR "khám chữa bệnh" OR "bác sĩ" OR "trạm y tế" OR "viện phí"',
    ),
    Topic(
        "education",
        "Giáo dục",
        "Education",
        '"giáo dục" OR "học sinh" OR "giáo viên" OR "học phí" OR "thi tốt nghiệp" '
        'OR "sách giáo khoa" OR "trường học" OR "dạy thêm" OR "tuyển sinh" OR "sinh viên"',
    ),
    Topic(
        "public_order",
        "An ninh trật tự, tội phạm",
        "Public order and crime",
        '"an ninh trật tự" OR "tội phạm" OR "trộm cắp" OR "cướp giật" OR "lừa đảo" OR "ma túy" '
        'OR "cờ bạc" OR "tín dụng đen" OR "khởi tố" OR "bắt giữ" OR "đánh nhau" OR "gây rối"',
    ),
    Topic(
        "corruption",
        "Tham nhũng, tiêu cực",
        "Corruption and misconduct",
        '"tham nhũng" OR "tiêu cực" OR "hối lộ" OR "nhận hối lộ" OR "lợi ích nhóm" OR "chạy chức" '
        'OR "tham ô" OR "lãng phí" OR "sai phạm" OR "vòi vĩnh" OR "bôi trơn"',
    ),
    Topic(
        "sovereignty_foreign",
        "Chủ quyền biển đảo, đối ngoại",
        "Sovereignty and foreign affairs",
        '"chủ quyền" OR "biển đông" OR "hoàng sa" OR "trường sa" OR "biển đảo" OR "đối ngoại" '
        'OR "ngoại giao" OR "đường lưỡi bò" OR "tàu cá" OR "hợp tác quốc tế"',
    ),
    Topic(
        "culture_customs",
        "Văn hóa, đời sống, phong tục",
        "Culture, daily life, customs",
        '"văn hóa" OR "lễ hội" OR "phong tục" OR "di tích" OR "mê tín" OR "đám cưới" OR "đám tang" '
        'OR "tín ngưỡng" OR "nếp sống" OR "du lịch"',
    ),
    Topic(
        "social_welfare",
        "An sinh xã hội, chế độ chính sách",
        "Social welfare and benefits",
        '"an sinh xã hội" OR "bảo hiểm xã hội" OR BHXH OR "lương hưu" OR "trợ cấp" OR "hộ nghèo" '
        'OR "người có công" OR "chế độ chính sách" OR "nhà ở xã hội" OR "hỗ trợ người dân"',
    ),
    Topic(
        "political_events",
        "Sự kiện chính trị, ngày lễ lớn",
        "Political events and holidays",
        '"quốc khánh" OR "bầu cử" OR "kỳ họp quốc hội" OR "quốc hội" OR "đại biểu quốc hội" '
        'OR "ngày lễ" OR "kỷ niệm" OR "diễu binh" OR "30/4" OR "2/9"',
    ),
)


class TopicMatcher:
    """Topics matched together, so that a text is tried only against the queries it may match.

    Most queries are alternatives of words and phrases (`"giá xăng" OR "giá điện" OR …`): their
    terms sit in one index by first word, and the text's words pick the few worth a look. Other
    queries are tried whole when the text has one of their anchor words (`Topic.anchors`).
    """

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        # first word -> (topic index, the phrase padded as in `Text.padded`, or None for a word)
        self._terms: dict[str, list[tuple[int, str | None]]] = {}
        self._others: list[int] = []  # topics whose query is more than alternatives of terms
        for k, topic in enumerate(self.topics):
            terms = _alternatives(topic.node)
            if terms is None:
                self._others.append(k)
            for term in terms or ():
                phrase = f" {' '.join(term.words)} " if len(term.words) > 1 else None
                self._terms.setdefault(term.words[0], []).append((k, phrase))
        self._first_words = frozenset(self._terms)

    def classify(self, text: str) -> list[str]:
        """Codes of the topics whose query matches `text`; `["other"]` when none does."""
        prepared = Text.of(text)
        matched = {
            k
            for word in prepared.word_set & self._first_words
            for k, phrase in self._terms[word]
            if phrase is None or phrase in prepared.padded
        }
        matched.update(k for k in self._others if _matches(self.topics[k], prepared))
        return [self.topics[k].code for k in sorted(matched)] or ["other"]


def _matches(topic: Topic, prepared: Text) -> bool:
    """Whether the topic's query matches, trying it only if the text has an anchor word."""
    needed = topic.anchors
    if needed is not None and needed.isdisjoint(prepared.word_set):
        return False
    return topic.node.matches(prepared)


def _alternatives(node: Node) -> list[Term] | None:
    """The terms of a query that is only words and phrases joined by OR; None for any other."""
    if isinstance(node, Term):
        return None if node.prefix else [node]
    if isinstance(node, AnyOf):
        terms: list[Term] = []
        for operand in node.operands:
            found = _alternatives(operand)
            if found is None:
                return None
            terms += found
        return terms
    return None


@cache
def _default_matcher() -> TopicMatcher:
    return TopicMatcher(DEFAULT_TOPICS)


def classify(text: str, topics: Sequence[Topic] = DEFAULT_TOPICS) -> list[str]:
    """Codes of the topics whose query matches `text`; `["other"]` when none does."""
    matcher = _default_matcher() if topics is DEFAULT_TOPICS else TopicMatcher(topics)
    return matcher.classify(text)
