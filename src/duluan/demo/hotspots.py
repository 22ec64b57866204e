"""The manifest of hotspots injected into the SYNTHETIC demo corpus: known place, topic, start,
length and size, so that one can check what the early-warning detectors find in the demo.

Start times are set from the demo's anchor day (today in Vietnam): `days_before` days earlier, at
`start_hour` local time. The latest one runs into the last two days, so that a new user finds an
open, fresh alert. Texts of a hotspot say what the episode is about, mostly in anger. One of them
(`topic="other"`) is about something no topic query names, so that the emerging-issues page has
an issue to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from duluan.ingest.dates import VIETNAM_TIME


@dataclass(frozen=True)
class Hotspot:
    code: str  # stable: part of the external ids of its documents
    title: str  # what happened, in Vietnamese (shown in the manifest and the docs)
    topic: str  # taxonomy code its texts match
    province_code: str
    place: str  # the ward or commune its texts name
    owner: str  # "local" (Lào Cai sources) or "national" (national sources)
    days_before: int  # its start day, counted back from the anchor day
    start_hour: int  # local hour it starts
    hours: int
    documents: int  # at scale 1; never fewer than `MIN_DOCUMENTS` at any scale
    negative_share: float
    subjects: tuple[str, ...]
    negative: tuple[str, ...]
    neutral: tuple[str, ...]

    def start(self, anchor: date) -> datetime:
        """When it starts (timezone-aware) for the demo anchored on `anchor`."""
        day = anchor - timedelta(days=self.days_before)
        return datetime.combine(day, time(self.start_hour), VIETNAM_TIME)

    def end(self, anchor: date) -> datetime:
        return self.start(anchor) + timedelta(hours=self.hours)

    def size(self, scale: float) -> int:
        """Its number of documents at `scale`: smaller demos keep a hotspot that stands out."""
        return max(MIN_DOCUMENTS, round(self.documents * scale))


MIN_DOCUMENTS = 20

HOTSPOTS: tuple[Hotspot, ...] = (
    Hotspot(
        code="dat-cam-duong",
        title="Tranh chấp đền bù giải phóng mặt bằng ở phường Cam Đường (Lào Cai)",
        topic="land_projects",
        province_code="15",
        place="phường Cam Đường",
        owner="local",
        days_before=1,
        start_hour=7,
        hours=30,
        documents=45,
        negative_share=0.8,
        subjects=(
            "Hàng chục hộ dân tổ {n} phường Cam Đường phản đối phương án đền bù giải phóng "
            "mặt bằng dự án mở rộng đường",
            "Vụ cưỡng chế thu hồi đất ở phường Cam Đường, tỉnh Lào Cai",
            "Giá bồi thường đất nông nghiệp cho dự án khu đô thị ở phường Cam Đường",
        ),
        negative=(
            "bà con bức xúc vì giá đền bù quá thấp, không bằng một phần giá thị trường",
            "người dân tập trung trước trụ sở phường, đòi đối thoại công khai",
            "nhiều hộ nói bị ép ký biên bản, không được xem phương án tái định cư",
        ),
        neutral=(
            "UBND phường Cam Đường thông báo sẽ tổ chức đối thoại với {n} hộ dân",
            "hội đồng bồi thường đang rà soát lại hồ sơ kiểm đếm",
        ),
    ),
    Hotspot(
        code="lu-quet-bat-xat",
        title="Lũ quét, sạt lở đất ở xã Bát Xát (Lào Cai)",
        topic="disaster_epidemic",
        province_code="15",
        place="xã Bát Xát",
        owner="local",
        days_before=12,
        start_hour=16,
        hours=24,
        documents=35,
        negative_share=0.7,
        subjects=(
            "Mưa lớn gây lũ quét và sạt lở đất ở xã Bát Xát, tỉnh Lào Cai",
            "Sạt lở vùi lấp đường vào thôn {n} xã Bát Xát (huyện Bát Xát cũ)",
        ),
        negative=(
            "nhiều nhà bị cuốn trôi, bà con hoảng loạn, mất trắng tài sản",
            "đường bị chia cắt, người dân kêu cứu vì thiếu lương thực",
        ),
        neutral=(
            "lực lượng chức năng đã di dời {n} hộ dân đến nơi an toàn",
            "ban chỉ huy phòng chống thiên tai đang thống kê thiệt hại",
        ),
    ),
    Hotspot(
        code="o-nhiem-bao-thang",
        title="Ô nhiễm nguồn nước, cá chết ở xã Bảo Thắng (Lào Cai)",
        topic="environment",
        province_code="15",
        place="xã Bảo Thắng",
        owner="local",
        days_before=25,
        start_hour=9,
        hours=20,
        documents=30,
        negative_share=0.8,
        subjects=(
            "Nước thải từ nhà máy chảy ra suối ở xã Bảo Thắng, tỉnh Lào Cai",
            "Cá chết hàng loạt trên đoạn suối qua thôn {n} xã Bảo Thắng",
        ),
        negative=(
            "gây ô nhiễm nặng, bốc mùi hôi thối, dân không dám dùng nước",
            "người dân phẫn nộ vì xả thải đã kéo dài mà không ai xử lý",
        ),
        neutral=(
            "cơ quan môi trường đã lấy {n} mẫu nước để kiểm tra",
            "chính quyền xã đã lập biên bản và báo cáo lên tỉnh",
        ),
    ),
    Hotspot(
        code="cho-tha-rong-coc-leu",
        title="Phản ánh chó thả rông đuổi cắn người ở phường Cốc Lếu cũ (Lào Cai), "
        "chưa thuộc chủ đề nào: một vấn đề mới nổi",
        topic="other",
        province_code="15",
        place="phường Cốc Lếu",
        owner="local",
        days_before=1,
        start_hour=6,
        hours=36,
        documents=40,
        negative_share=0.75,
        subjects=(
            "Chó thả rông không rọ mõm ở tổ {n} phường Cốc Lếu",
            "Nhiều hộ nuôi chó thả rông trên phố ở phường Cốc Lếu",
            "Chuyện chó thả rông đuổi cắn người đi bộ ở phường Cốc Lếu",
        ),
        negative=(
            "người đi bộ buổi sáng bị chó thả rông đuổi cắn",
            "bà con ngại ra đường vì chó thả rông không rọ mõm",
            "nhiều người bức xúc vì chủ nuôi chó thả rông không chịu trách nhiệm",
        ),
        neutral=(
            "tổ dân phố nhắc các hộ nuôi chó phải rọ mõm, không thả rông",
            "phường Cốc Lếu ra quân bắt chó thả rông trên {n} tuyến phố",
        ),
    ),
    Hotspot(
        code="gia-ca-ha-noi",
        title="Làn sóng phàn nàn về tăng giá thực phẩm ở Hà Nội",
        topic="economy_livelihood",
        province_code="01",
        place="Hà Nội",
        owner="national",
        days_before=6,
        start_hour=8,
        hours=24,
        documents=50,
        negative_share=0.75,
        subjects=(
            "Giá thịt lợn và rau xanh ở các chợ Hà Nội tăng giá mạnh",
            "Tiểu thương và người tiêu dùng Hà Nội nói về giá cả tuần này",
        ),
        negative=(
            "người dân kêu trời vì tiền lương không theo kịp, bữa ăn phải cắt giảm",
            "nhiều người bức xúc cho rằng có hiện tượng găm hàng, đẩy giá",
        ),
        neutral=(
            "sở công thương cho biết đang kiểm tra giá tại {n} chợ đầu mối",
            "giá được niêm yết công khai tại các điểm bán",
        ),
    ),
)
