"""Words and shapes for demo data, taken from press reports of dân vận work."""

from __future__ import annotations

from typing import Final

PLACES: Final = (
    "Bát Tràng",
    "Gia Lâm",
    "Thuận An",
    "Phù Đổng",
    "Đông Anh",
    "Sóc Sơn",
    "Ba Vì",
    "Mê Linh",
    "Thanh Trì",
    "Hoàn Kiếm",
    "Ba Đình",
    "Tây Hồ",
    "Long Biên",
    "Thạch Thất",
    "Quốc Oai",
    "Chương Mỹ",
    "Ứng Hòa",
    "Mỹ Đức",
    "Phú Xuyên",
    "Thường Tín",
    "Đan Phượng",
    "Hoài Đức",
)
ORGANISATIONS: Final = (
    "Đảng ủy xã {p}",
    "UBND xã {p}",
    "Ủy ban MTTQ Việt Nam xã {p}",
    "Hội Nông dân xã {p}",
    "Hội Liên hiệp Phụ nữ xã {p}",
    "Đoàn Thanh niên xã {p}",
    "Hội Cựu chiến binh xã {p}",
    "Công an xã {p}",
    "Trường THCS {p}",
    "Trạm Y tế xã {p}",
    "Chi bộ thôn Đoài, xã {p}",
)
INSPECTION_TITLES: Final = (
    "Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại {org}",
    "Kiểm tra việc lãnh đạo, chỉ đạo công tác dân vận của {org}",
    "Kiểm tra việc thực hiện Kết luận số 120-KL/TW về công tác dân vận tại {org}",
    "Kiểm tra công tác tiếp công dân, đối thoại với Nhân dân của {org}",
    "Kiểm tra việc thực hiện phong trào thi đua \u201cDân vận khéo\u201d tại {org}",
)
SUPERVISION_TITLES: Final = (
    "Giám sát việc thực hiện Quyết định 23-QĐ/TW tại {org}",
    "Giám sát chuyên đề việc thực hiện Luật Thực hiện dân chủ ở cơ sở tại {org}",
    "Giám sát công tác dân vận chính quyền của {org}",
    "Giám sát việc giải quyết kiến nghị của cử tri và Nhân dân tại {org}",
    "Giám sát việc thực hiện Quy chế công tác dân vận của hệ thống chính trị tại {org}",
)
DIALOGUE_TOPICS: Final = (
    "công tác giải phóng mặt bằng dự án đường vành đai",
    "thu hồi đất, bồi thường, hỗ trợ tái định cư",
    "xây dựng nông thôn mới nâng cao",
    "chuyển đổi số và dịch vụ công trực tuyến",
    "vệ sinh môi trường, thu gom rác thải sinh hoạt",
    "sắp xếp đơn vị hành chính cấp xã",
    "cấp giấy chứng nhận quyền sử dụng đất",
)
DIALOGUE_TITLE: Final = "Đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân về {topic}"
LEGAL_BASES: Final = (
    "Quyết định 23-QĐ/TW",
    "Kết luận 120-KL/TW",
    "Quyết định 99-QĐ/TW",
    "Nghị quyết 25-NQ/TW",
    "Luật Thực hiện dân chủ ở cơ sở năm 2022",
    "Quy định 124-QĐ/TW",
)
FIELDS: Final = (
    "Quy chế dân chủ ở cơ sở",
    "Dân vận chính quyền",
    "Tôn giáo",
    "Dân tộc",
    "Kinh tế - xã hội",
)
SURNAMES: Final = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
)
MIDDLE_NAMES: Final = ("Văn", "Thị", "Minh", "Thanh", "Đức", "Hồng", "Ngọc", "Doãn", "Phước")
GIVEN_NAMES: Final = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoài",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Toản",
    "Trang",
    "Tuấn",
    "Yến",
    "Ánh",
)
CHAIR_POSTS: Final = (
    "Bí thư Đảng ủy xã",
    "Chủ tịch UBND xã",
    "Phó Bí thư Thường trực Đảng ủy xã",
)
RECOMMENDATIONS: Final = (
    "Đề nghị {org} xây dựng quy chế dân chủ trong hoạt động của cơ quan",
    "Đề nghị {org} công khai danh sách hộ nghèo, hộ cận nghèo",
    "Đề nghị {org} kịp thời trả lời kiến nghị của Nhân dân bằng văn bản",
    "Đề nghị {org} kiện toàn tổ dân vận thôn",
)
ISSUES: Final = (
    ("kien_nghi", "Đề nghị sớm chi trả tiền bồi thường giải phóng mặt bằng"),
    ("phan_anh", "Phản ánh tình trạng ô nhiễm môi trường tại cụm công nghiệp"),
    ("kien_nghi", "Kiến nghị sửa chữa đường giao thông liên thôn bị xuống cấp"),
    ("khieu_nai", "Khiếu nại về việc xác định nguồn gốc đất để bồi thường"),
    ("to_cao", "Tố cáo cán bộ địa chính có dấu hiệu sách nhiễu khi làm thủ tục"),
    ("kien_nghi", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho các hộ tái định cư"),
    ("phan_anh", "Phản ánh việc chậm giải quyết hồ sơ trên cổng dịch vụ công"),
)
ANSWER: Final = "Đồng chí chủ trì đã trả lời trực tiếp, giải thích rõ chính sách"
ATTENDEE_GROUPS: Final = "Cán bộ thôn, hộ dân bị ảnh hưởng, người có uy tín trong cộng đồng"
CONCLUSION: Final = (
    "Đoàn đánh giá {org} đã quan tâm lãnh đạo, chỉ đạo công tác dân vận; "
    "việc thực hiện dân chủ ở cơ sở có chuyển biến tích cực. Tuy nhiên còn một số hạn chế "
    "cần khắc phục trong thời gian tới."
)

# Leadership documents: (kind, symbol, weight) as the seeds' 6-month review shares them out
# ("440 nghị quyết, 485 chỉ thị, 2.508 chương trình hành động, 3.065 kế hoạch và 14.162 công văn").
DIRECTIVE_KINDS: Final = (
    ("nghi_quyet", "NQ", 440),
    ("chi_thi", "CT", 485),
    ("ket_luan", "KL", 60),
    ("chuong_trinh_hanh_dong", "CTr", 2_508),
    ("ke_hoach", "KH", 3_065),
    ("huong_dan", "HD", 120),
    ("cong_van", "CV", 14_162),
)
DIRECTIVE_SUBJECTS: Final = (
    "Về tăng cường công tác dân vận trong tình hình mới",
    "Về thực hiện Quy chế dân chủ ở cơ sở năm {year}",
    "Triển khai phong trào thi đua \u201cDân vận khéo\u201d năm {year}",
    "Về công tác dân vận chính quyền năm {year}",
    "Tổng kết 20 năm thực hiện Nghị quyết 23-NQ/TW về đại đoàn kết toàn dân tộc",
    "Về công tác dân tộc, tôn giáo năm {year}",
    "Thực hiện Kết luận số 120-KL/TW về công tác dân vận",
)
DIRECTIVE_ISSUERS: Final = (
    ("Thành ủy Hà Nội", "tinh", "TU"),
    ("Ban Thường vụ Thành ủy", "tinh", "TU"),
    ("Đảng ủy xã {p}", "xa", "ĐU"),
)
MODEL_TITLES: Final = (
    ("kinh_te", "Mô hình phát triển kinh tế hộ gia đình tại {p}"),
    ("kinh_te", "Mô hình hợp tác xã nông nghiệp sạch ở {p}"),
    ("van_hoa_xa_hoi", "Mô hình \u201cKhu dân cư văn minh, sạch đẹp\u201d tại {p}"),
    ("van_hoa_xa_hoi", "Mô hình \u201cNgôi nhà nhân ái\u201d ở {p}"),
    ("quoc_phong_an_ninh", "Mô hình \u201cTổ an ninh tự quản\u201d tại {p}"),
    ("xay_dung_he_thong_chinh_tri", "Mô hình \u201cDân hỏi - chính quyền trả lời\u201d ở {p}"),
)
MODEL_OWNERS: Final = (
    "Hội Nông dân xã {p}",
    "Hội Liên hiệp Phụ nữ xã {p}",
    "Đoàn Thanh niên xã {p}",
    "Công an xã {p}",
    "Ủy ban MTTQ Việt Nam xã {p}",
)
