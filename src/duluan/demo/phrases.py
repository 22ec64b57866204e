"""Phrase banks of the SYNTHETIC demo corpus: places, and per topic what people write about it.

Every sentence here was written for the demo; none was collected. Each topic's subjects carry
words of that topic's query in `analysis.taxonomy` (the demo is read by the real pipeline, so a
text about land must really say "đền bù" or "giải phóng mặt bằng"), and the clauses carry the
tone: plainly negative, neutral (a notice, a fact) or positive. `{place}` is filled with a
locality, `{n}` with a small number, so that texts differ as real ones do.
"""

from __future__ import annotations

from dataclasses import dataclass

TONES = ("negative", "neutral", "positive")

# Lào Cai (code 15) on the 2025 map: wards and communes as people write them.
LAO_CAI_PLACES: tuple[str, ...] = (
    "phường Cam Đường",
    "phường Lào Cai",
    "phường Sa Pa",
    "phường Yên Bái",
    "phường Nghĩa Lộ",
    "phường Văn Phú",
    "phường Âu Lâu",
    "xã Bát Xát",
    "xã Bảo Thắng",
    "xã Bảo Yên",
    "xã Bắc Hà",
    "xã Văn Bàn",
    "xã Y Tý",
    "xã Mù Cang Chải",
    "xã Trạm Tấu",
    "xã Lục Yên",
    "xã Mường Khương",
    "xã Si Ma Cai",
    "xã Tả Van",
    "xã Trấn Yên",
    "tỉnh Lào Cai",
)
# Names from before July 2025, which people still use (they resolve to Lào Cai).
LAO_CAI_OLD_PLACES: tuple[str, ...] = (
    "thị xã Sa Pa cũ",
    "huyện Bát Xát cũ",
    "TP Yên Bái cũ",
    "huyện Văn Yên cũ",
    "huyện Mù Căng Chải cũ",
    "tỉnh Yên Bái cũ",
)
# Other provinces, for comparison: (province code, how texts name a place there).
OTHER_PLACES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("01", ("Hà Nội", "phường Hoàn Kiếm, Hà Nội", "Thủ đô Hà Nội")),
    ("79", ("TP.HCM", "TP. Hồ Chí Minh")),
    ("48", ("Đà Nẵng",)),
    ("31", ("Hải Phòng",)),
    ("08", ("tỉnh Tuyên Quang",)),
    ("25", ("tỉnh Phú Thọ",)),
    ("12", ("tỉnh Lai Châu",)),
    ("11", ("tỉnh Điện Biên",)),
)


@dataclass(frozen=True)
class TopicBank:
    """What the demo writes about one topic: subjects, then a clause per tone."""

    code: str
    weight: float  # share of the everyday volume, relative to the other topics
    subjects: tuple[str, ...]
    negative: tuple[str, ...]
    neutral: tuple[str, ...]
    positive: tuple[str, ...]

    def clauses(self, tone: str) -> tuple[str, ...]:
        return {"negative": self.negative, "neutral": self.neutral, "positive": self.positive}[tone]


BANKS: tuple[TopicBank, ...] = (
    TopicBank(
        "party_building",
        0.6,
        (
            "Công tác cán bộ chuẩn bị nhân sự đại hội đảng bộ ở {place}",
            "Việc kiểm điểm đảng viên và công tác xây dựng đảng tại {place}",
            "Cấp ủy {place} triển khai nghị quyết về xây dựng đảng",
        ),
        (
            "bị nhiều người dân phản ánh là còn hình thức, thiếu dân chủ",
            "khiến dư luận bức xúc vì có dấu hiệu bổ nhiệm cán bộ không đúng quy trình",
        ),
        (
            "được thực hiện theo kế hoạch với {n} chi bộ tham gia",
            "đã tổ chức hội nghị quán triệt trong tuần này",
        ),
        (
            "được đảng viên và nhân dân đánh giá cao, đồng tình ủng hộ",
            "tạo chuyển biến tích cực, nhân dân tin tưởng",
        ),
    ),
    TopicBank(
        "apparatus_restructuring",
        0.9,
        (
            "Việc sáp nhập và sắp xếp đơn vị hành chính ở {place}",
            "Vận hành chính quyền hai cấp tại {place} sau khi bỏ cấp huyện",
            "Chủ trương tinh gọn bộ máy, tinh giản biên chế ở {place}",
        ),
        (
            "làm người dân phải đi xa hơn để làm thủ tục, rất vất vả",
            "khiến nhiều cán bộ lo lắng, hoang mang về việc làm",
        ),
        (
            "đang được triển khai theo lộ trình, {n} đầu mối đã được sắp xếp",
            "đã công bố danh sách trụ sở làm việc mới",
        ),
        (
            "được người dân ủng hộ vì thủ tục nhanh gọn hơn trước",
            "bước đầu vận hành thông suốt, hiệu quả",
        ),
    ),
    TopicBank(
        "economy_livelihood",
        1.4,
        (
            "Giá cả thực phẩm ở chợ {place}",
            "Chuyện việc làm và thu nhập của lao động {place}",
            "Giá xăng, giá điện tháng này đối với bà con {place}",
            "Tiểu thương ở {place} nói về tình hình kinh doanh",
        ),
        (
            "tăng giá liên tục khiến đời sống khó khăn, ai cũng kêu",
            "làm nhiều gia đình lo lắng vì mất việc, thu nhập giảm sút",
        ),
        (
            "được ghi nhận ở mức ổn định so với tháng trước, tăng khoảng {n}%",
            "được cơ quan thống kê công bố trong báo cáo định kỳ",
        ),
        (
            "có tín hiệu khởi sắc, bà con phấn khởi vì thu nhập tăng",
            "tốt lên rõ rệt, nhiều người có thêm việc làm ổn định",
        ),
    ),
    TopicBank(
        "science_digital",
        0.8,
        (
            "Chuyển đổi số và dịch vụ công trực tuyến ở {place}",
            "Việc kích hoạt VNeID và dùng công nghệ trong thủ tục tại {place}",
            "Phủ sóng internet và 5G ở các thôn bản {place}",
        ),
        (
            "còn chập chờn, lỗi liên tục làm người dân mất thời gian",
            "gây khó cho người cao tuổi vì hướng dẫn chưa đến nơi",
        ),
        (
            "đã triển khai tại {n} điểm một cửa theo kế hoạch",
            "được báo cáo tại hội nghị sơ kết quý",
        ),
        (
            "giúp bà con làm thủ tục nhanh, tiện lợi, ai cũng khen",
            "mang lại hiệu quả rõ, tiết kiệm thời gian và chi phí",
        ),
    ),
    TopicBank(
        "land_projects",
        1.1,
        (
            "Việc đền bù giải phóng mặt bằng dự án đường nội thị ở {place}",
            "Phương án bồi thường, tái định cư cho {n} hộ dân {place}",
            "Quy hoạch và thu hồi đất làm khu đô thị tại {place}",
            "Cấp sổ đỏ và giá đất ở {place}",
        ),
        (
            "bị người dân phản đối vì giá đền bù quá thấp, thiếu minh bạch",
            "khiến bà con bức xúc, kéo nhau lên trụ sở khiếu nại",
        ),
        (
            "đang được hội đồng bồi thường kiểm đếm, niêm yết công khai",
            "được thông báo lịch đối thoại với các hộ bị ảnh hưởng",
        ),
        (
            "được người dân đồng thuận, bàn giao mặt bằng sớm",
            "hoàn thành đúng hạn, bà con hài lòng với nơi tái định cư mới",
        ),
    ),
    TopicBank(
        "environment",
        0.8,
        (
            "Nước thải từ khu sản xuất gần {place}",
            "Rác thải sinh hoạt và khói bụi ở {place}",
            "Chất lượng không khí và môi trường ở {place}",
        ),
        (
            "gây ô nhiễm nặng, bốc mùi hôi thối, dân sống quanh đó rất khổ",
            "làm cá chết, người dân lo lắng cho sức khỏe",
        ),
        (
            "được cơ quan chức năng lấy mẫu quan trắc định kỳ",
            "đã được đưa vào kế hoạch thu gom của {n} tổ dân phố",
        ),
        (
            "được cải thiện rõ, đường làng xanh sạch đẹp hơn",
            "được xử lý tốt, người dân đồng tình với cách làm",
        ),
    ),
    TopicBank(
        "disaster_epidemic",
        0.7,
        (
            "Mưa lớn gây sạt lở và lũ quét ở {place}",
            "Tình hình dịch bệnh, sốt xuất huyết tại {place}",
            "Công tác phòng chống mưa bão, ngập lụt ở {place}",
        ),
        (
            "làm hư hỏng nhiều nhà cửa, bà con hoảng sợ, mất trắng hoa màu",
            "khiến người dân lo lắng vì hỗ trợ đến chậm",
        ),
        (
            "được chính quyền theo dõi, đã di dời {n} hộ khỏi vùng nguy hiểm",
            "được cảnh báo trên hệ thống thông tin cơ sở",
        ),
        (
            "được ứng phó kịp thời, cảm ơn lực lượng cứu hộ tận tình",
            "đã được kiểm soát tốt, bà con yên tâm sản xuất",
        ),
    ),
    TopicBank(
        "traffic_safety",
        1.0,
        (
            "Tình trạng ùn tắc, tai nạn giao thông trên tuyến qua {place}",
            "Đoạn cao tốc và quốc lộ đi qua {place}",
            "Lực lượng CSGT kiểm tra nồng độ cồn ở {place}",
        ),
        (
            "xuống cấp, ổ gà chi chít, đi lại rất nguy hiểm",
            "gây bức xúc vì ùn tắc kéo dài hàng giờ mà không ai xử lý",
        ),
        (
            "được phân luồng trong dịp cao điểm, {n} tổ công tác làm nhiệm vụ",
            "đã được thông báo lịch thi công sửa chữa",
        ),
        (
            "thông thoáng hơn hẳn, người dân khen ngợi",
            "giúp giảm tai nạn rõ rệt, bà con đồng tình",
        ),
    ),
    TopicBank(
        "healthcare",
        0.8,
        (
            "Khám chữa bệnh ở bệnh viện đa khoa {place}",
            "Trạm y tế và thuốc men cho bà con {place}",
            "Thẻ bảo hiểm y tế và viện phí ở {place}",
        ),
        (
            "quá tải, chờ đợi cả buổi, thiếu thuốc, người bệnh rất mệt mỏi",
            "bị phản ánh thái độ phục vụ kém, người nhà bệnh nhân bức xúc",
        ),
        (
            "được duy trì, mỗi ngày tiếp nhận khoảng {n} lượt khám",
            "đã có thông báo lịch khám lưu động",
        ),
        (
            "tận tình, chu đáo, bà con cảm ơn các bác sĩ",
            "tiến bộ nhiều, người dân hài lòng",
        ),
    ),
    TopicBank(
        "education",
        0.9,
        (
            "Chuyện học phí và dạy thêm ở trường học {place}",
            "Học sinh vùng cao {place} và điều kiện đến trường",
            "Giáo viên ở {place} và kỳ tuyển sinh năm nay",
        ),
        (
            "khiến phụ huynh bức xúc vì thu nhiều khoản, quá tốn kém",
            "còn thiếu thốn đủ bề, lớp học xuống cấp đáng lo",
        ),
        (
            "đã được sở giáo dục hướng dẫn, {n} trường thực hiện",
            "được công bố kế hoạch năm học mới",
        ),
        (
            "được phụ huynh đánh giá cao, các em học tiến bộ",
            "có nhiều đổi mới tích cực, thầy cô tận tâm",
        ),
    ),
    TopicBank(
        "public_order",
        0.8,
        (
            "Tình hình an ninh trật tự ở {place}",
            "Các vụ lừa đảo qua mạng nhắm vào người dân {place}",
            "Nạn trộm cắp và cờ bạc ở {place}",
        ),
        (
            "diễn biến phức tạp, bà con rất lo lắng, mất an toàn",
            "làm nhiều gia đình mất tiền, bức xúc vì chưa bị xử lý",
        ),
        (
            "được công an theo dõi, đã khởi tố {n} vụ việc",
            "được nhắc nhở trong buổi họp tổ dân phố",
        ),
        (
            "ổn định, người dân yên tâm, cảm ơn lực lượng công an",
            "được xử lý nhanh, bà con đồng tình",
        ),
    ),
    TopicBank(
        "corruption",
        0.5,
        (
            "Dấu hiệu tiêu cực, vòi vĩnh khi làm thủ tục ở {place}",
            "Sai phạm và lãng phí trong dự án công ở {place}",
            "Công tác phòng chống tham nhũng tại {place}",
        ),
        (
            "khiến người dân bức xúc, mất niềm tin, đề nghị làm rõ",
            "bị dư luận lên án gay gắt",
        ),
        (
            "đang được cơ quan thanh tra xác minh {n} nội dung",
            "được đưa vào kế hoạch kiểm tra năm nay",
        ),
        (
            "được xử lý nghiêm, nhân dân đồng tình ủng hộ",
            "có chuyển biến rõ, người dân tin tưởng hơn",
        ),
    ),
    TopicBank(
        "sovereignty_foreign",
        0.4,
        (
            "Hoạt động đối ngoại, hợp tác quốc tế của {place}",
            "Thông tin về chủ quyền biển đảo được tuyên truyền ở {place}",
            "Giao lưu ngoại giao qua cửa khẩu ở {place}",
        ),
        (
            "bị một số trang mạng xuyên tạc, gây hoang mang",
            "còn ít thông tin, người dân chưa nắm được",
        ),
        (
            "được giới thiệu tại hội nghị với {n} đoàn khách",
            "được cập nhật trên cổng thông tin",
        ),
        (
            "được nhân dân ủng hộ, tự hào",
            "mang lại kết quả tích cực, mở ra nhiều cơ hội",
        ),
    ),
    TopicBank(
        "culture_customs",
        0.8,
        (
            "Lễ hội văn hóa và du lịch ở {place}",
            "Nếp sống, phong tục cưới hỏi của bà con {place}",
            "Việc bảo tồn di tích ở {place}",
        ),
        (
            "bị phản ánh còn mê tín, lãng phí, thương mại hóa quá mức",
            "xuống cấp nghiêm trọng, người dân buồn lòng",
        ),
        (
            "được tổ chức theo kế hoạch với {n} hoạt động",
            "được giới thiệu trên trang thông tin của địa phương",
        ),
        (
            "thu hút đông du khách, bà con rất phấn khởi",
            "giữ gìn được bản sắc, ai cũng tự hào",
        ),
    ),
    TopicBank(
        "social_welfare",
        0.8,
        (
            "Chế độ chính sách, trợ cấp cho hộ nghèo ở {place}",
            "Việc chi trả lương hưu, bảo hiểm xã hội tại {place}",
            "Nhà ở xã hội và hỗ trợ người dân khó khăn ở {place}",
        ),
        (
            "chậm trễ, thủ tục rườm rà, bà con rất thất vọng",
            "không đến đúng người, dư luận bất bình",
        ),
        (
            "được chi trả theo danh sách {n} hộ đã niêm yết",
            "được thông báo tại nhà văn hóa thôn",
        ),
        (
            "kịp thời, đúng đối tượng, bà con cảm động",
            "được thực hiện tốt, người dân rất hài lòng",
        ),
    ),
    TopicBank(
        "political_events",
        0.5,
        (
            "Không khí kỷ niệm ngày lễ lớn ở {place}",
            "Việc tiếp xúc cử tri của đại biểu quốc hội tại {place}",
            "Hoạt động chào mừng kỳ họp quốc hội ở {place}",
        ),
        (
            "bị chê hình thức, tốn kém, ít ý kiến được trả lời",
            "khiến cử tri thất vọng vì kiến nghị cũ chưa được giải quyết",
        ),
        (
            "được tổ chức với {n} điểm treo cờ, băng rôn",
            "đã được thông báo lịch cụ thể",
        ),
        (
            "sôi nổi, trang trọng, nhân dân phấn khởi",
            "nhận được nhiều ý kiến tâm huyết, cử tri đồng tình",
        ),
    ),
    TopicBank(
        "other",
        0.6,
        (
            "Sáng nay trời {place} se lạnh, sương mù dày",
            "Chuyện đời thường ở {place} cuối tuần",
            "Bà con {place} chia sẻ chuyện nhà nông",
        ),
        (
            "mưa rả rích cả ngày, chán quá",
            "mọi thứ cứ rối tung, mệt mỏi thật",
        ),
        (
            "ai đi đường nhớ mang thêm áo, nhiệt độ khoảng {n} độ",
            "cả xóm quây quần bên nồi bánh",
        ),
        (
            "cảnh đẹp như tranh, ai cũng thích",
            "vui vẻ, đầm ấm, thật đáng yêu",
        ),
    ),
)

# What a comment adds after the sentence, by tone.
TAILS: dict[str, tuple[str, ...]] = {
    "negative": (
        "Đề nghị chính quyền sớm vào cuộc.",
        "Mong các cấp xem xét giải quyết dứt điểm.",
        "Dân mình khổ quá rồi.",
        "Ai có trách nhiệm thì trả lời đi.",
    ),
    "neutral": (
        "Thông tin để bà con biết.",
        "Mọi người theo dõi thông báo tiếp theo.",
        "Cập nhật ngày {date}.",
    ),
    "positive": (
        "Cảm ơn chính quyền địa phương.",
        "Rất đáng ghi nhận.",
        "Mong duy trì lâu dài.",
    ),
}

# Teencode as people type it: the word with diacritics → how it is written (then folded).
TEENCODE: tuple[tuple[str, str], ...] = (
    ("không", "ko"),
    ("được", "dc"),
    ("mọi người", "mn"),
    ("người", "ng"),
    ("quá", "wa"),
    ("biết", "bik"),
    ("vậy", "z"),
    ("rồi", "r"),
    ("với", "vs"),
)

# The only numbers like personal data in the demo: fake, and the pipeline must mask them.
FAKE_PHONES = ("0912 000 111", "0988.000.222")
