import pytest

from duluan.analysis.query import Text, parse
from duluan.analysis.taxonomy import DEFAULT_TOPICS, Topic, TopicMatcher, classify

DESIGN_CODES = {
    "party_building",
    "apparatus_restructuring",
    "economy_livelihood",
    "science_digital",
    "land_projects",
    "environment",
    "disaster_epidemic",
    "traffic_safety",
    "healthcare",
    "education",
    "public_order",
    "corruption",
    "sovereignty_foreign",
    "culture_customs",
    "social_welfare",
    "political_events",
}  # DESIGN.md §5, without `other`, which is what matches nothing


def test_taxonomy_is_the_design_list_and_every_query_parses() -> None:
    assert {t.code for t in DEFAULT_TOPICS} == DESIGN_CODES
    for topic in DEFAULT_TOPICS:
        parse(topic.query)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chuẩn bị nhân sự đại hội đảng bộ tỉnh nhiệm kỳ mới", "party_building"),
        ("sap nhap xa xong thi lam giay to o dau vay mn", "apparatus_restructuring"),
        ("Chính quyền hai cấp vận hành từ 1/7", "apparatus_restructuring"),
        ("gia xang lai tang roi, dan kho qua", "economy_livelihood"),
        ("Nhiều công nhân mất việc sau khi nhà máy đóng cửa", "economy_livelihood"),
        ("Người dân làm thủ tục trên VNeID nhanh hơn", "science_digital"),
        ("Dự án chậm GPMB, dân chưa nhận đền bù", "land_projects"),
        ("thu hoi dat ma khong co tai dinh cu", "land_projects"),
        ("Cá chết hàng loạt, nghi do xả thải", "environment"),
        ("bui min o ha noi hom nay muc nguy hai", "environment"),
        ("Sạt lở đất vùi lấp nhiều nhà dân sau bão", "disaster_epidemic"),
        ("Số ca sốt xuất huyết tăng mạnh", "disaster_epidemic"),
        ("ket xe kinh khung o nga tu", "traffic_safety"),
        ("Tai nạn giao thông trên cao tốc làm 3 người bị thương", "traffic_safety"),
        ("Bệnh viện huyện thiếu thuốc, bệnh nhân phải tự mua", "healthcare"),
        ("hoc phi nam nay tang qua", "education"),
        ("Thi tốt nghiệp THPT: đề Toán khó", "education"),
        ("Cảnh báo lừa đảo qua điện thoại giả danh công an", "public_order"),
        ("Triệt phá đường dây ma túy", "public_order"),
        ("Khởi tố vụ án tham ô tại ban quản lý dự án", "corruption"),
        ("can bo voi vinh nguoi dan khi lam so", "corruption"),
        ("Tàu cá ngư dân bị xua đuổi ở Hoàng Sa", "sovereignty_foreign"),
        ("Lễ hội đầu xuân đông nghịt du khách", "culture_customs"),
        ("Lương hưu và trợ cấp được điều chỉnh từ tháng 7", "social_welfare"),
        ("BHXH mot lan co nen rut khong", "social_welfare"),
        ("Kỷ niệm 80 năm Quốc khánh 2/9", "political_events"),
        ("Cử tri kiến nghị tại kỳ họp Quốc hội", "political_events"),
    ],
)
def test_headlines_and_comments_land_in_their_topic(text: str, code: str) -> None:
    assert code in classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "hom nay troi dep qua",
        "Chúc mừng sinh nhật bạn nhé",
        "An ăn cơm chưa",
        "",
    ],
)
def test_everyday_text_is_other(text: str) -> None:
    assert classify(text) == ["other"]


def test_a_deployment_can_define_its_own_topics() -> None:
    own = [Topic("flood_lc", "Lũ ở Lào Cai", "Floods in Lào Cai", '"lũ" AND "lào cai"')]
    assert classify("Lũ quét ở Lào Cai", own) == ["flood_lc"]
    assert classify("Lũ ở Yên Bái", own) == ["other"]


@pytest.mark.parametrize(
    "text",
    ["Cô giáo chấm bài công bằng, lớp ai cũng quý", "cai nay bao nhieu tien vay", "cụm dân cư mới"],
)
def test_folded_look_alikes_do_not_trigger_topics(text: str) -> None:
    assert classify(text) == ["other"]


MIXED_TOPICS = (
    *DEFAULT_TOPICS,
    Topic("flood_lc", "Lũ ở Lào Cai", "Floods in Lào Cai", '"lũ" AND "lào cai"'),
    Topic("not_rain", "Không mưa", "No rain", 'nắng NOT "mưa to"'),
    Topic("prefix", "Tiền tố", "Prefix", "tham* OR (giá AND điện)"),
    Topic("nested", "Lồng nhau", "Nested", '("cơn bão" OR (lũ OR "sạt lở")) OR covid'),
)


@pytest.mark.parametrize(
    "text",
    [
        "Lũ quét ở Lào Cai, sạt lở nhiều nơi",
        "Trời nắng, không có mưa to",
        "nang qua, mua to roi",
        "trời nắng đẹp",
        "tham nhũng và giá điện tăng",
        "gia dien tang, gia xang cung tang",
        "cơn bão số 3 đổ bộ, covid quay lại",
        "hom nay troi dep qua",
        "",
    ],
)
def test_the_matcher_agrees_with_each_query(text: str) -> None:
    prepared = Text.of(text)
    expected = [t.code for t in MIXED_TOPICS if t.node.matches(prepared)] or ["other"]
    assert TopicMatcher(MIXED_TOPICS).classify(text) == expected
