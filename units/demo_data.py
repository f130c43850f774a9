"""Demo data: four provinces built from the seed plans (../shared/seeds). Places and unit names are real;
every person is fictional (names are generated, never taken from the seed documents).

Each unit is (code, name, kind code, children). Codes are stable so the seed stays idempotent.
"""

from __future__ import annotations

from typing import NamedTuple

DEMO_PASSWORD = "ThiDua@2026"  # noqa: S105 -- demo logins only, printed by seed_demo

CAN_GIUOC_COMMUNES = [
    "Phước Lý",
    "Long Hậu",
    "Phước Lại",
    "Tân Kim",
    "Trường Bình",
    "Mỹ Lộc",
    "Long Thượng",
    "Phước Hậu",
    "Phước Vĩnh Tây",
    "Đông Thạnh",
    "Tân Tập",
    "Long An",
    "Long Phụng",
    "Thuận Thành",
    "Phước Lâm",
    "Phước Vĩnh Đông",
]


def _can_giuoc_schools() -> list[tuple]:
    """One school per commune (kinds in turn), a second one in the first six, plus three named ones."""
    schools = [("CG-THCS-PL", "Trường THCS Phước Lý", "thcs", "Phước Lý", TEAMS_SMALL)]
    kinds = [
        ("MN", "Trường Mầm non", "mam-non"),
        ("TH", "Trường Tiểu học", "tieu-hoc"),
        ("THCS", "Trường THCS", "thcs"),
    ]
    for i, commune in enumerate(CAN_GIUOC_COMMUNES):
        picks = [kinds[i % 3]] + ([kinds[(i + 1) % 3]] if i < 6 else [])
        for prefix, label, kind in picks:
            name = f"{label} {commune}"
            if any(s[1] == name for s in schools):
                continue
            schools.append((f"CG-{prefix}-{i:02d}", name, kind, commune, []))
    schools.append(("CG-TH-THCS-TT", "Trường TH và THCS Tân Tập", "th-thcs", "Tân Tập", []))
    schools.append(("CG-MN-TTCG", "Trường Mầm non Thị trấn Cần Giuộc", "mam-non", "Cần Giuộc", []))
    return schools


TEAMS_SMALL = [
    ("to-chuyen-mon", "Tổ Toán - Tin"),
    ("to-chuyen-mon", "Tổ Ngữ văn - Ngoại ngữ"),
    ("van-phong-truong", "Tổ Văn phòng"),
]

LOC_NINH_TEAMS = [
    ("to-chuyen-mon", "Tổ Toán"),
    ("to-chuyen-mon", "Tổ Ngữ văn"),
    ("to-chuyen-mon", "Tổ Ngoại ngữ"),
    ("to-chuyen-mon", "Tổ Lý - Hóa - Sinh - Công nghệ"),
    ("to-chuyen-mon", "Tổ Sử - Địa - GDKT&PL"),
    ("to-chuyen-mon", "Tổ Thể dục - QPAN"),
    ("van-phong-truong", "Tổ Văn phòng"),
    ("doan-the", "Công đoàn cơ sở"),
    ("doan-the", "Đoàn TNCS Hồ Chí Minh"),
]

# Per province: the Sở (code, name, short name, place), its divisions, its offices with their schools,
# the schools directly under the Sở, and its emulation blocks (name, member kind).
PROVINCES = [
    {
        "code": "LA",
        "name": "Long An",
        "so": ("SO-LA", "Sở Giáo dục và Đào tạo Long An", "SGDĐT Long An", "Long An"),
        "divisions": [
            "Văn phòng Sở",
            "Phòng Giáo dục Trung học",
            "Phòng Giáo dục Mầm non - Tiểu học",
            "Phòng Kế hoạch - Tài chính",
        ],
        "offices": [
            ("PGD-CG", "Phòng Giáo dục và Đào tạo huyện Cần Giuộc", "Cần Giuộc", _can_giuoc_schools()),
        ],
        "schools": [
            ("LA-THPT-CG", "Trường THPT Cần Giuộc", "thpt", "Cần Giuộc", []),
            ("LA-THPT-DT", "Trường THPT Đông Thạnh", "thpt", "Cần Giuộc", []),
            ("LA-THPT-RK", "Trường THPT Rạch Kiến", "thpt", "Cần Đước", []),
        ],
    },
    {
        "code": "BP",
        "name": "Bình Phước",
        "so": ("SO-BP", "Sở Giáo dục và Đào tạo Bình Phước", "SGDĐT Bình Phước", "Bình Phước"),
        "divisions": [
            "Văn phòng Sở",
            "Phòng Giáo dục Trung học",
            "Phòng Giáo dục Mầm non - Tiểu học",
            "Phòng Kế hoạch - Tài chính",
            "Thanh tra Sở",
            "Phòng Tổ chức cán bộ",
        ],
        "offices": [
            (
                "PGD-DX",
                "Phòng Giáo dục và Đào tạo thành phố Đồng Xoài",
                "Đồng Xoài",
                [
                    ("DX-TH-TB", "Trường Tiểu học Tân Bình", "tieu-hoc", "Đồng Xoài", []),
                    ("DX-THCS-TP", "Trường THCS Tân Phú", "thcs", "Đồng Xoài", []),
                    ("DX-MN-HS", "Trường Mầm non Hoa Sen", "mam-non", "Đồng Xoài", []),
                ],
            ),
            (
                "PGD-LN",
                "Phòng Giáo dục và Đào tạo huyện Lộc Ninh",
                "Lộc Ninh",
                [
                    ("LN-TH-LT", "Trường Tiểu học Lộc Thái", "tieu-hoc", "Lộc Ninh", []),
                    ("LN-THCS-LH", "Trường THCS Lộc Hưng", "thcs", "Lộc Ninh", []),
                ],
            ),
            (
                "PGD-BD",
                "Phòng Giáo dục và Đào tạo huyện Bù Đăng",
                "Bù Đăng",
                [
                    ("BD-THCS-DN", "Trường THCS Đức Liễu", "thcs", "Bù Đăng", []),
                    ("BD-TH-MN", "Trường Tiểu học Minh Hưng", "tieu-hoc", "Bù Đăng", []),
                ],
            ),
        ],
        "schools": [
            ("BP-THPT-DX", "Trường THPT Đồng Xoài", "thpt", "Đồng Xoài", []),
            ("BP-THPT-LN", "Trường THPT Lộc Ninh", "thpt", "Lộc Ninh", LOC_NINH_TEAMS),
            ("BP-THPT-BD", "Trường THPT Bù Đăng", "thpt", "Bù Đăng", []),
            ("BP-THPT-CBQ", "Trường THPT chuyên Quang Trung", "thpt", "Đồng Xoài", []),
        ],
        "blocks": [
            ("Khối các trường THPT", "thpt"),
            ("Khối các Phòng Giáo dục và Đào tạo", "phong-gddt"),
            ("Khối các phòng chuyên môn thuộc Sở", "phong-chuc-nang-so"),
        ],
    },
    {
        "code": "DN",
        "name": "Đồng Nai",
        "so": ("SO-DN", "Sở Giáo dục và Đào tạo Đồng Nai", "SGDĐT Đồng Nai", "Đồng Nai"),
        "divisions": ["Văn phòng Sở", "Phòng Giáo dục Trung học - GDTX", "Phòng Giáo dục Mầm non - Tiểu học"],
        "offices": [],
        "schools": [
            ("DN-THPT-NTMK", "Trường THPT Ngô Quyền", "thpt", "Biên Hòa", []),
            ("DN-THPT-LHP", "Trường THPT chuyên Lương Thế Vinh", "thpt", "Biên Hòa", []),
            ("DN-THCS-TL", "Trường THCS Trảng Dài", "thcs", "Biên Hòa", []),
        ],
    },
    {
        "code": "TN",
        "name": "Thái Nguyên",
        "so": ("SO-TN", "Sở Giáo dục và Đào tạo Thái Nguyên", "SGDĐT Thái Nguyên", "Thái Nguyên"),
        "divisions": [
            "Văn phòng Sở",
            "Phòng Giáo dục Mầm non",
            "Phòng Giáo dục Tiểu học",
            "Phòng Giáo dục Trung học - GDTX",
            "Phòng Kế hoạch - Tài chính",
            "Phòng Tổ chức cán bộ",
            "Thanh tra Sở",
        ],
        "offices": [],
        "schools": [
            ("TN-THPT-CTN", "Trường THPT chuyên Thái Nguyên", "thpt", "Thái Nguyên", []),
            ("TN-THPT-LNQ", "Trường THPT Lương Ngọc Quyến", "thpt", "Thái Nguyên", []),
            ("TN-GDTX", "Trung tâm GDNN - GDTX thành phố Thái Nguyên", "gdtx", "Thái Nguyên", []),
        ],
    },
]

# THPT Lộc Ninh moved from Sở Bình Phước to Sở Đồng Nai when the provinces merged (01/07/2025).
MOVES = [
    (
        "BP-THPT-LN",
        "SO-DN",
        "2025-07-01",
        "Sắp xếp đơn vị hành chính cấp tỉnh: tỉnh Bình Phước hợp nhất vào tỉnh Đồng Nai",
    )
]


class DemoLogin(NamedTuple):
    """One demo account: what seed_demo creates and prints, and what browser crawls of the demo read."""

    username: str
    role: str
    unit_code: str
    position: str
    category: str
    province: str  # the province it is printed under ("" for the nationwide administrator)
    try_first: str  # what to try first, printed next to it


# One login for every role the seed plans name, grouped by province when printed.
LOGINS = [
    DemoLogin(
        "admin",
        "admin",
        "BGDDT",
        "Quản trị hệ thống",
        "official",
        "",
        "bộ chỉ số, người dùng, nhật ký hệ thống; trang quản trị /quan-tri/",
    ),
    DemoLogin(
        "sogd.longan",
        "officer",
        "SO-LA",
        "Chuyên viên Văn phòng Sở phụ trách thi đua",
        "official",
        "Long An",
        "tiến độ của tỉnh theo từng kế hoạch, biểu đồ mức độ chuyển đổi số, Xuất báo cáo",
    ),
    DemoLogin(
        "tp.cangiuoc",
        "head",
        "PGD-CG",
        "Trưởng phòng",
        "manager",
        "Long An",
        "những gì đang chờ Phòng (chuyên viên phong.cangiuoc thẩm định); ký tờ trình của Phòng gửi Sở",
    ),
    DemoLogin(
        "phong.cangiuoc",
        "reviewer",
        "PGD-CG",
        "Chuyên viên Phòng GD&ĐT",
        "official",
        "Long An",
        "việc chờ thẩm định (hồ sơ khen thưởng, bản tự đánh giá), đơn vị đang chậm, hạn mức 02 + 02",
    ),
    DemoLogin(
        "tk.phong.cangiuoc",
        "secretary",
        "PGD-CG",
        "Thư ký Hội đồng TĐKT Phòng",
        "official",
        "Long An",
        "cuộc họp Hội đồng TĐKT Phòng sắp tới và danh sách đề nghị",
    ),
    DemoLogin(
        "ht.thcs.phuocly",
        "head",
        "CG-THCS-PL",
        "Hiệu trưởng",
        "manager",
        "Long An",
        "báo cáo chỉ tiêu quá hạn, bản tự đánh giá đang làm, đề nghị bị Phòng trả lại (cũng thử trên điện thoại)",
    ),
    DemoLogin(
        "gv.thcs.phuocly",
        "staff",
        "CG-THCS-PL",
        "Giáo viên",
        "teacher",
        "Long An",
        "hạn nộp của trường, đề nghị khen thưởng đang lập",
    ),
    DemoLogin(
        "tdg.thcs.phuocly",
        "assessor",
        "CG-THCS-PL",
        "Nhân viên phụ trách CNTT",
        "it_officer",
        "Long An",
        "các tiêu chí tự đánh giá được giao, thư viện minh chứng",
    ),
    DemoLogin(
        "sogd.binhphuoc",
        "officer",
        "SO-BP",
        "Chuyên viên Văn phòng Sở phụ trách thi đua",
        "official",
        "Bình Phước",
        "đợt xét Giấy khen đã khóa hạn nộp: hồ sơ chờ duyệt, hạn mức theo khối và Hội đồng",
    ),
    DemoLogin(
        "sogd.dongnai",
        "officer",
        "SO-DN",
        "Chuyên viên Văn phòng Sở phụ trách thi đua",
        "official",
        "Đồng Nai",
        "kế hoạch 3376/KH-SGDĐT (2025 – 2030) và kế hoạch năm học; tiến độ các trường",
    ),
    DemoLogin(
        "cv.sogd.dongnai",
        "reviewer",
        "SO-DN",
        "Chuyên viên Phòng Giáo dục Trung học - GDTX",
        "official",
        "Đồng Nai",
        "bản tự đánh giá của THPT Lộc Ninh chờ công nhận; trường đang chậm báo cáo",
    ),
    DemoLogin(
        "ht.thpt.locninh",
        "head",
        "BP-THPT-LN",
        "Hiệu trưởng",
        "manager",
        "Đồng Nai",
        "lịch sử chuyển từ Bình Phước sang Đồng Nai, kế hoạch 45/KH-THPTLN, bản tự đánh giá đã gửi Sở",
    ),
    DemoLogin(
        "tt.toan.thptlocninh",
        "staff",
        "BP-THPT-LN-T01",
        "Tổ trưởng chuyên môn",
        "teacher",
        "Đồng Nai",
        "tổ Toán đề xuất khen thưởng lên Hội đồng TĐKT trường",
    ),
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Gia"]
GIVEN_F = [
    "Lan",
    "Hương",
    "Mai",
    "Hạnh",
    "Trang",
    "Ngân",
    "Thảo",
    "Yến",
    "Vy",
    "Linh",
    "Phương",
    "Dung",
    "Hiền",
    "Nhung",
]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Khoa",
    "Phúc",
    "Long",
    "Sơn",
    "Tâm",
    "Trung",
    "Nam",
    "Hải",
    "Toàn",
    "Bảo",
    "Thịnh",
]

SCHOOL_POSITIONS = [
    ("Hiệu trưởng", "manager"),
    ("Phó Hiệu trưởng", "manager"),
    ("Tổ trưởng chuyên môn", "teacher"),
    ("Giáo viên", "teacher"),
    ("Giáo viên", "teacher"),
    ("Giáo viên", "teacher"),
    ("Giáo viên", "teacher"),
    ("Nhân viên phụ trách CNTT", "it_officer"),
    ("Kế toán", "staff"),
    ("Nhân viên văn thư", "staff"),
]
OFFICE_POSITIONS = [
    ("Trưởng phòng", "manager"),
    ("Phó Trưởng phòng", "manager"),
    ("Chuyên viên", "official"),
    ("Chuyên viên", "official"),
    ("Chuyên viên", "official"),
    ("Chuyên viên phụ trách CNTT", "it_officer"),
]
SO_POSITIONS = [
    ("Giám đốc Sở", "manager"),
    ("Phó Giám đốc Sở", "manager"),
    ("Chánh Văn phòng", "manager"),
    ("Chuyên viên", "official"),
    ("Chuyên viên", "official"),
    ("Chuyên viên", "official"),
]

# --- Document headers (NĐ 30/2020) -----------------------------------------------------------------------
# unit code → (governing body outside the education tree, abbreviation in số/ký hiệu). A Sở is governed by
# its province's People's Committee and a Phòng by its district's; schools are governed by their parent unit
# (nothing to record). Abbreviations as the seeds write them ("2076/KH-SGDĐT", "215/KH-PGDĐT", "45/KH-THPTLN").
DOCUMENT_HEADERS = {
    "SO-LA": ("Ủy ban nhân dân tỉnh Long An", "SGDĐT"),
    "SO-BP": ("Ủy ban nhân dân tỉnh Bình Phước", "SGDĐT"),
    "SO-DN": ("Ủy ban nhân dân tỉnh Đồng Nai", "SGDĐT"),
    "SO-TN": ("Ủy ban nhân dân tỉnh Thái Nguyên", "SGDĐT"),
    "PGD-CG": ("Ủy ban nhân dân huyện Cần Giuộc", "PGDĐT"),
    "PGD-DX": ("Ủy ban nhân dân thành phố Đồng Xoài", "PGDĐT"),
    "PGD-LN": ("Ủy ban nhân dân huyện Lộc Ninh", "PGDĐT"),
    "PGD-BD": ("Ủy ban nhân dân huyện Bù Đăng", "PGDĐT"),
    "CG-THCS-PL": ("", "THCSPL"),
    "BP-THPT-LN": ("", "THPTLN"),
}
