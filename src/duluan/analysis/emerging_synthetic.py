"""SYNTHETIC posts for measuring emerging-topic clustering: known new issues mixed into noise.

Every text made here is invented (clearly labelled synthetic in the tests and the benchmark).
Each issue has its own vocabulary; a post about it names three or four of its phrases, sometimes
typed without diacritics, and some everyday phrases. Noise posts name everyday phrases only, so
they share words but no structure. The same seed gives the same posts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from duluan.analysis.emerging import Entry
from duluan.text.fold import strip_marks

ISSUES: dict[str, tuple[str, ...]] = {
    "parking_fees": (
        "thu phí đỗ xe",
        "chợ Cốc Lếu",
        "phí trông giữ",
        "ban quản lý chợ",
        "vé tháng",
        "bãi đỗ",
    ),
    "water_cut": (
        "mất nước sinh hoạt",
        "phường Kim Tân",
        "nhà máy nước",
        "đường ống vỡ",
        "nước đục",
        "xe bồn chở nước",
    ),
    "stray_dogs": (
        "chó thả rông",
        "cắn người",
        "tiêm phòng dại",
        "rọ mõm",
        "khu dân cư",
        "chủ nuôi chó",
    ),
    "payment_app": (
        "ứng dụng đặt vé",
        "lỗi thanh toán",
        "hoàn tiền",
        "ví điện tử",
        "tài khoản bị trừ",
        "tổng đài hỗ trợ",
    ),
    "power_cuts": (
        "mất điện kéo dài",
        "trạm biến áp",
        "lịch cắt điện",
        "nắng nóng",
        "quạt tích điện",
        "điện lực",
    ),
}

EVERYDAY = tuple(
    phrase.strip()
    for phrase in """
    trời đẹp|đi chơi|cuối tuần|quán cà phê|bóng đá|trận đấu|món ăn|bữa tối|gia đình|bạn bè|
    ca sĩ|bộ phim|âm nhạc|chụp ảnh|mua sắm|quần áo|điện thoại mới|học tiếng Anh|đọc sách|
    chạy bộ|tập thể dục|nấu cơm|ăn sáng|phở bò|bánh mì|trà sữa|sinh nhật|đám cưới bạn|
    con mèo|cây cảnh|hoa hồng|mùa thu|trời mưa|kỳ nghỉ|chuyến đi|biển đẹp|núi cao|ruộng bậc thang|
    chợ phiên|đặc sản|thịt trâu gác bếp|rượu ngô|áo mới|giày thể thao|xe đạp|đi bộ|công viên|
    trẻ con|ông bà|họ hàng|hàng xóm|buổi sáng|buổi chiều|ngày mai|tuần sau|tháng trước|
    trò chơi|truyện cười|video hài|bài hát|ca nhạc|lễ hội hoa|hội chợ|siêu thị|cửa hàng|
    tiệm tóc|cắt tóc|làm đẹp|mỹ phẩm|nước hoa|đồng hồ|máy tính|bàn phím|tai nghe|loa nhỏ|
    sân bóng|bơi lội|cầu lông|bóng chuyền|cờ tướng|câu cá|trồng rau|nuôi gà|vườn nhà|
    hoa quả|dưa hấu|xoài chín|mận hậu|chè xanh|cà phê sữa|kem dừa|bánh cuốn|xôi ngô|cháo gà
    """.split("|")
)


@dataclass(frozen=True)
class SyntheticSet:
    """SYNTHETIC entries and, for each, the issue it was written about (None for noise)."""

    entries: list[Entry]
    truth: dict[int, str | None]


def _post(rng: random.Random, issue: tuple[str, ...] | None) -> str:
    named = rng.sample(issue, rng.randint(3, 4)) if issue else []
    named += rng.sample(EVERYDAY, rng.randint(2, 4) if issue else rng.randint(3, 6))
    rng.shuffle(named)
    text = ", ".join(named)
    if rng.random() < 0.15:  # typed without diacritics, as many comments are
        text = strip_marks(text)
    return text[0].upper() + text[1:] + "."


def generate(
    noise: int, per_issue: int, *, seed: int = 5, issues: tuple[str, ...] = tuple(ISSUES)
) -> SyntheticSet:
    """`noise` noise posts and `per_issue` posts about each issue, shuffled, ids from 1."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    topics: list[str | None] = [None] * noise + [i for i in issues for _ in range(per_issue)]
    rng.shuffle(topics)
    entries, truth = [], {}
    for k, topic in enumerate(topics, start=1):
        entries.append(Entry(k, _post(rng, ISSUES[topic] if topic else None)))
        truth[k] = topic
    return SyntheticSet(entries, truth)
