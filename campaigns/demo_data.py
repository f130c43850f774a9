"""The seed plans as campaign data (../shared/seeds). Texts are shortened quotations of the plans; signers are
left blank (the demo never uses real officials' names). Issuers are demo units created by seed_demo."""

from __future__ import annotations

import datetime as dt

D = dt.date

CAMPAIGNS = [
    # --- seed 002: Sở GD&ĐT Bình Phước, 2076/KH-SGDĐT, 29/7/2022 ------------------------------------------
    {
        "key": "002",
        "issuer": "SO-BP",
        "number": "2076/KH-SGDĐT",
        "issued_on": D(2022, 7, 29),
        "title": "Phát động phong trào thi đua “Chuyển đổi số trong ngành Giáo dục và Đào tạo” giai đoạn 2022-2025",
        "signer_position": "Giám đốc",
        "legal_basis": "Thực hiện Kế hoạch số 162/KH-UBND ngày 26/5/2022 của UBND tỉnh Bình Phước phát động phong trào "
        "thi đua “Chuyển đổi số giai đoạn 2022 - 2025” trên địa bàn tỉnh Bình Phước.",
        "purpose": "Mọi cán bộ quản lý, giáo viên và nhân viên cần nhận thức rõ về ý nghĩa, tầm quan trọng của chuyển đổi "
        "số trước khi có hành động cụ thể; phát huy sức mạnh của cả hệ thống chính trị trong tuyên truyền.",
        "requirements": "Tổ chức phong trào thi đua thiết thực, hiệu quả; biểu dương, tôn vinh, khen thưởng các tập thể, "
        "cá nhân có thành tích xuất sắc, tiêu biểu; kịp thời phát hiện, nhân rộng điển hình tiên tiến.",
        "participants_note": "Tập thể: các phòng chức năng, chuyên môn thuộc Sở, các đơn vị trực thuộc Sở. Cá nhân: cán bộ, "
        "công chức, viên chức, người lao động; học sinh, học viên.",
        "participant_kinds": ["phong-chuc-nang-so", "phong-gddt", "thpt", "thcs-thpt", "gdtx"],
        "individual_categories": ["manager", "teacher", "staff", "it_officer", "official", "student"],
        "start_date": D(2022, 7, 29),
        "end_date": D(2025, 12, 31),
        "phases": [
            (
                "Năm 2022-2023: ban hành kế hoạch, triển khai sâu rộng",
                D(2022, 7, 29),
                D(2023, 12, 31),
                "so_ket",
                2023,
                4,
            ),
            ("Từ năm 2024 đến năm 2025: tiếp tục phát động", D(2024, 1, 1), D(2025, 12, 31), "tong_ket", 2025, 4),
        ],
        "content": [
            "Tăng cường sự lãnh đạo, chỉ đạo của các cấp ủy, chính quyền, phát huy vai trò của các tổ chức chính trị - xã "
            "hội về chuyển đổi số, nâng cao nhận thức về sự cần thiết và tính cấp thiết của chuyển đổi số.",
            "Xây dựng và tạo lập dữ liệu mở phục vụ cán bộ, công chức, viên chức, nhân viên, học sinh.",
            "Hoàn thành đưa nội dung giáo dục kỹ năng số, chuyển đổi số vào 100% các đơn vị trực thuộc.",
        ],
        "criteria": [
            (
                "collective",
                "",
                "80% hồ sơ công việc tại các đơn vị được xử lý trên môi trường mạng (trừ hồ sơ mật).",
                "",
            ),
            (
                "collective",
                "",
                "100% chế độ báo cáo định kỳ và văn bản hành chính (trừ văn bản mật) được gửi nhận bằng "
                "văn bản điện tử.",
                "on_time",
            ),
            (
                "individual",
                "",
                "Nỗ lực bám sát nhiệm vụ chuyển đổi số, có sáng kiến, giải pháp hữu ích trong xây dựng, "
                "ban hành, tổ chức thực hiện cơ chế, chính sách.",
                "",
            ),
        ],
        "awards": [
            {
                "name": "Bằng khen của Chủ tịch UBND tỉnh",
                "authority": "Chủ tịch UBND tỉnh Bình Phước",
                "round": "so_ket",
                "copies": 2,
                "note": "Sơ kết năm 2023 theo chỉ tiêu của UBND tỉnh; báo cáo thành tích theo Mẫu số 07 "
                "NĐ 91/2017/NĐ-CP có xác nhận của cấp trình khen thưởng.",
            },
            {
                "name": "Bằng khen của Chủ tịch UBND tỉnh",
                "authority": "Chủ tịch UBND tỉnh Bình Phước",
                "round": "tong_ket",
                "copies": 2,
                "note": "Tổng kết năm 2025 theo chỉ tiêu của UBND tỉnh.",
            },
            {
                "name": "Giấy khen của Giám đốc Sở GD&ĐT",
                "authority": "Giám đốc Sở GD&ĐT Bình Phước",
                "round": "yearly",
                "quota_scope": "council",
                "quota_collectives": 7,
                "quota_individuals": 15,
                "copies": 1,
                "note": "Hội đồng TĐKT ngành xét chọn hằng năm.",
            },
            {
                "name": "Giấy khen của Giám đốc Sở GD&ĐT",
                "authority": "Giám đốc Sở GD&ĐT Bình Phước",
                "round": "yearly",
                "quota_scope": "block",
                "quota_collectives": 2,
                "quota_individuals": 5,
                "copies": 1,
                "note": "Mỗi khối thi đua xét, trình khen thưởng 02 tập thể và 05 cá nhân tiêu biểu.",
            },
            {
                "name": "Giấy khen của Giám đốc Sở GD&ĐT",
                "authority": "Giám đốc Sở GD&ĐT Bình Phước",
                "round": "yearly",
                "quota_scope": "division",
                "quota_collectives": 1,
                "quota_individuals": 1,
                "copies": 1,
                "note": "Các phòng thuộc Sở trình 01 cá nhân và 01 phòng tiêu biểu.",
            },
        ],
        "deadlines": [
            {
                "title": "Nộp kế hoạch triển khai phong trào của đơn vị (qua Văn phòng Sở)",
                "kind": "response_plan",
                "recurrence": "once",
                "due_date": D(2022, 8, 20),
            },
            {
                "title": "Hồ sơ đề nghị Giám đốc Sở tặng Giấy khen (qua Văn phòng)",
                "kind": "nomination",
                "recurrence": "yearly",
                "day": 10,
                "month": 8,
                "basis": "calendar_year",
                "locks": True,
            },
            {
                "title": "Hội đồng TĐKT ngành xét chọn 07 tập thể và 15 cá nhân",
                "kind": "council",
                "recurrence": "yearly",
                "day": 15,
                "month": 8,
                "basis": "calendar_year",
                "audience": "issuer",
            },
        ],
        "targets": [
            ("1", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến", "percent", [("2025", None, 80)]),
            (
                "2",
                "Cơ sở giáo dục cung cấp dịch vụ thanh toán học phí không dùng tiền mặt",
                "percent",
                [("2025", None, 100)],
            ),
        ],
        "tasks": [
            (
                "1.1",
                "Xây dựng kế hoạch thi đua, hướng dẫn tổ chức phong trào; tổng hợp, xét trình khen thưởng",
                "SO-BP-P01",
                "Văn phòng Sở",
            ),
            (
                "1.2",
                "Tham mưu Ban chỉ đạo chuyển đổi số ngành, hướng dẫn hỗ trợ tập thể, cá nhân hoàn thành nhiệm vụ",
                "SO-BP-P02",
                "Phòng GDTrH",
            ),
        ],
    },
    # --- seed 000: Phòng GD&ĐT Cần Giuộc, 10/2023 -----------------------------------------------------------
    {
        "key": "000",
        "issuer": "PGD-CG",
        # The plan's number and day are blank in the source ("Số: /KH-PGDĐT", "ngày tháng 10 năm 2023").
        "number": "215/KH-PGDĐT",
        "issued_on": D(2023, 10, 16),
        "title": "Phát động phong trào thi đua “Chuyển đổi số” ngành Giáo dục và Đào tạo huyện Cần Giuộc giai đoạn "
        "2023 – 2025",
        "signer_position": "Trưởng phòng",
        "legal_basis": "Căn cứ Kế hoạch 2197/KH-SGDĐT ngày 19/7/2022 của Sở GD&ĐT Long An về thanh toán không dùng tiền "
        "mặt trong các cơ sở giáo dục giai đoạn 2022-2025;\nCăn cứ Kế hoạch số 3652/KH-SGDĐT ngày 06/10/2023 của Sở "
        "GD&ĐT về triển khai Quyết định số 4725/QĐ-BGDĐT ngày 30/12/2022;\nCăn cứ Kế hoạch số 5189/KH-UBND ngày "
        "16/9/2022 của UBND huyện Cần Giuộc.",
        "purpose": "Phát huy sức mạnh, nâng cao nhận thức, trách nhiệm, hành động của cán bộ, công chức, viên chức và "
        "người lao động; kịp thời biểu dương, khen thưởng tập thể, cá nhân tiêu biểu xuất sắc trong chuyển đổi số.",
        "requirements": "Triển khai sâu rộng, đồng bộ; các đơn vị coi phong trào là nhiệm vụ trọng tâm; việc bình xét "
        "khen thưởng thực hiện từ cơ sở, dân chủ, công khai, minh bạch, kịp thời, đúng đối tượng.",
        "participants_note": "Tập thể: cơ quan Phòng GD&ĐT huyện; các trường học thuộc UBND huyện Cần Giuộc. Cá nhân: cán "
        "bộ, công chức, viên chức, người lao động trong toàn ngành giáo dục huyện.",
        "participant_kinds": ["mam-non", "mau-giao", "tieu-hoc", "thcs", "th-thcs"],
        "include_issuer": True,
        "individual_categories": ["manager", "it_officer", "teacher"],
        "start_date": D(2023, 10, 16),
        "end_date": D(2025, 12, 31),
        "phases": [
            ("Giai đoạn 2023 – 2024", D(2023, 10, 16), D(2024, 12, 31), "so_ket", 2024, 4),
            ("Giai đoạn 2025", D(2025, 1, 1), D(2025, 12, 31), "tong_ket", 2025, 4),
        ],
        "content": [
            "Tăng cường sự lãnh đạo của Cấp ủy, Chính quyền về chính quyền số, chuyển đổi số; nâng cao nhận thức về sự "
            "cần thiết và tính cấp thiết của chuyển đổi số.",
            "Đẩy nhanh tiến trình chuyển đổi số theo lĩnh vực tại cơ quan trường học.",
            "Tích cực bồi dưỡng kiến thức, kỹ năng về công nghệ số, chuyển đổi số cho đội ngũ.",
            "Tăng cường đầu tư, phát triển hạ tầng số, nền tảng số.",
            "Tăng cường giải pháp an ninh mạng; kết nối liên thông dữ liệu, đổi mới phương pháp dạy và học.",
            "Tổ chức phong trào thi đua thiết thực, hiệu quả, bám sát nhiệm vụ chính trị.",
        ],
        "criteria": [
            (
                "collective",
                "",
                "Hoàn thành xuất sắc tiêu biểu các nhiệm vụ chuyển đổi số giáo dục, có kế hoạch phát động "
                "phong trào thi đua gắn với nhiệm vụ chính trị tại đơn vị.",
                "",
            ),
            (
                "collective",
                "",
                "Hoàn thành có chất lượng, đúng thời hạn các nhiệm vụ được giao; 100% chế độ báo cáo định "
                "kỳ và văn bản hành chính (trừ văn bản mật) gửi nhận bằng văn bản điện tử.",
                "on_time",
            ),
            (
                "collective",
                "",
                "Đạt từ mức độ 2 trở lên trên cả 02 tiêu chí thi đua theo Quyết định số 4725/QĐ-BGDĐT ngày "
                "30/12/2022 của Bộ GD&ĐT.",
                "dx_level_2_both",
            ),
            (
                "collective",
                "",
                "Đối với các trường thuộc UBND huyện: 100% các khoản thanh toán trong đơn vị được thực hiện "
                "bằng hình thức không dùng tiền mặt.",
                "cashless_100",
            ),
            (
                "individual",
                "manager",
                "Tập thể do cá nhân lãnh đạo đạt thành tích tiêu biểu xuất sắc và đạt từ mức độ 2 "
                "trở lên trên cả 02 tiêu chí theo Quyết định số 4725/QĐ-BGDĐT.",
                "dx_level_2_both",
            ),
            (
                "individual",
                "it_officer",
                "Có thành tích tiêu biểu xuất sắc, có giải pháp hữu ích trong triển khai, tham "
                "mưu cơ chế, chính sách tạo thuận lợi cho chuyển đổi số.",
                "",
            ),
            (
                "individual",
                "teacher",
                "Hoàn thành tốt nhiệm vụ, có thành tích tiêu biểu trong các hội thi ứng dụng công nghệ "
                "số; đóng góp nhiều giáo án điện tử, học liệu số.",
                "",
            ),
        ],
        "awards": [
            {
                "name": "Giấy khen của Giám đốc Sở GD&ĐT",
                "authority": "Giám đốc Sở GD&ĐT Long An",
                "round": "yearly",
                "quota_scope": "unit",
                "quota_collectives": 2,
                "quota_individuals": 2,
                "note": "Phòng GD&ĐT đề xuất tối đa 02 tập thể và 02 cá nhân tiêu biểu xuất sắc nhất lên Sở GD&ĐT.",
            },
            {
                "name": "Giấy khen của Chủ tịch UBND huyện",
                "authority": "Chủ tịch UBND huyện Cần Giuộc",
                "round": "yearly",
            },
        ],
        "deadlines": [
            {
                "title": "Hồ sơ đề nghị khen thưởng gửi về Phòng GD&ĐT",
                "kind": "nomination",
                "recurrence": "yearly",
                "day": 1,
                "month": 10,
                "basis": "calendar_year",
                "locks": True,
            },
        ],
        "targets": [
            ("a1", "Nhà giáo đủ điều kiện tham gia dạy học trực tuyến", "percent", [("2025", None, 100)]),
            ("a2", "Học sinh đủ điều kiện tham gia học trực tuyến", "percent", [("2025", None, 50)]),
            (
                "b1",
                "Hồ sơ công việc được giao dịch và giải quyết trên môi trường số",
                "percent",
                [("2025", "phong-gddt", 90), ("2025", None, 80)],
            ),
            ("b2", "Người học, phụ huynh hài lòng về dịch vụ trực tuyến", "percent", [("2025", None, 80)]),
            ("b3", "Thực hiện thanh toán không dùng tiền mặt", "boolean", [("2024", None, 1), ("2025", None, 1)]),
        ],
        "tasks": [],
    },
    # --- Sở GD&ĐT Đồng Nai 3376/KH-SGDĐT (30/6/2025), answered by seed 004 ------------------------------
    {
        "key": "3376",
        "issuer": "SO-DN",
        "number": "3376/KH-SGDĐT",
        "issued_on": D(2025, 6, 30),
        "title": "Phát động Phong trào thi đua “Phát huy sức mạnh tổng hợp của ngành giáo dục và đào tạo tỉnh thực hiện "
        "thành công cuộc cách mạng phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số trên địa bàn tỉnh "
        "Đồng Nai”",
        "signer_position": "Giám đốc",
        "participants_note": "Các đơn vị, cơ sở giáo dục trực thuộc; cán bộ, công chức, viên chức, người lao động, học sinh.",
        "participant_kinds": ["thpt", "thcs-thpt", "thcs", "gdtx"],
        "individual_categories": ["manager", "teacher", "staff", "student"],
        "start_date": D(2025, 6, 30),
        "end_date": D(2030, 12, 31),
        "phases": [
            ("Giai đoạn 1 (2025 – 2027)", D(2025, 6, 30), D(2027, 12, 31), "so_ket", 2027, None),
            ("Giai đoạn 2 (2027 – 2030)", D(2028, 1, 1), D(2030, 12, 31), "tong_ket", 2030, None),
        ],
        "content": [],
        "criteria": [],
        "awards": [],
        "deadlines": [
            {
                "title": "Đơn vị ban hành kế hoạch hưởng ứng",
                "kind": "response_plan",
                "recurrence": "once",
                "due_date": D(2025, 8, 31),
            },
        ],
        "targets": [
            ("1", "Tỷ lệ hồ sơ trực tuyến toàn trình của đơn vị", "percent", [("2025", None, 90)]),
            ("2", "Tỷ lệ nhiệm vụ được theo dõi trên môi trường điện tử", "percent", [("2025", None, 70)]),
            ("3", "Cán bộ, viên chức có chữ ký số hoặc chữ ký điện tử", "percent", [("2025", None, 100)]),
            ("4", "Thanh toán không dùng tiền mặt", "percent", [("2025", None, 100)]),
        ],
        "tasks": [],
    },
]

# Seed 004: Trường THPT Lộc Ninh answers 3376 (its plan inherits phases, deadlines and targets).
RESPONSE_004 = {
    "answers": "3376",
    "issuer": "BP-THPT-LN",
    "number": "45/KH-THPTLN",
    "issued_on": D(2025, 8, 15),
    "title": "Phát động Phong trào thi đua phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số của "
    "Trường THPT Lộc Ninh",
    "signer_position": "Hiệu trưởng",
    "participants_note": "Cán bộ quản lý, giáo viên, người lao động, học sinh; các tổ chuyên môn, tổ văn phòng và đoàn thể "
    "đề xuất khen thưởng lên Hội đồng TĐKT nhà trường.",
    "participant_kinds": ["to-chuyen-mon", "van-phong-truong", "doan-the"],
    "extra_deadlines": [
        {
            "title": "Tổ, đoàn thể đề xuất khen thưởng sơ kết lên Hội đồng TĐKT trường",
            "kind": "nomination",
            "recurrence": "once",
            "due_date": D(2027, 11, 30),
        },
    ],
}


# --- The current cycle: plans whose period covers the day the demo runs -------------------------------
# The seed plans above keep their real dates and history. Each province also runs a plan of the current
# school year that carries the seed plans' yearly pattern (the same kinds of deadlines, award forms and
# quotas), with the dates placed around the day `seed_demo` runs: some deadlines passed (one of them
# locked), the next ones due within weeks. Offsets are days from that day.

# Which deadline is missing for which login's unit, so every home page has an overdue item to act on.
OVERDUE_FOR = {"target_report": ["CG-THCS-PL", "DN-THPT-NTMK", "BP-THPT-LN"]}


def demo_now(today: dt.date) -> dt.datetime:
    """ "Now" of a demo anchored to `today`: the real time when that is today, else noon of that day."""
    from django.utils import timezone

    from campaigns.deadlines import LOCAL_TZ

    if today == timezone.localdate():
        return timezone.now()
    return dt.datetime.combine(today, dt.time(12, 0), tzinfo=LOCAL_TZ)


def _yearly(day: dt.date) -> dict:
    """A yearly deadline that falls on `day` (29/02 moves to 28/02: the date must exist every year)."""
    if (day.month, day.day) == (2, 29):
        day = day - dt.timedelta(days=1)
    return {"recurrence": "yearly", "day": day.day, "month": day.month, "basis": "school_year"}


def current_plans(today: dt.date) -> list[dict]:
    """The specs of the current plans, dated from `today` (same shape as CAMPAIGNS)."""
    from units.models import school_year_of

    year = school_year_of(today)
    start, end = today - dt.timedelta(days=100), today + dt.timedelta(days=263)
    issued = start
    serial = issued.toordinal() % 97  # same day, same number: a re-run finds the plan again

    def at(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    def deadline(title: str, kind: str, offset: int, **extra) -> dict:
        return {"title": title, "kind": kind, **_yearly(at(offset)), **extra}

    def common(key, issuer, number, title, signer, basis, kinds, phases_name) -> dict:
        return {
            "key": key,
            "issuer": issuer,
            "number": number,
            "issued_on": issued,
            "title": title,
            "signer_position": signer,
            "legal_basis": basis,
            "purpose": "Cụ thể hóa phong trào thi đua chuyển đổi số trong năm học; biểu dương kịp thời tập thể, cá "
            "nhân tiêu biểu.",
            "requirements": "Bình xét công khai, dân chủ, đúng đối tượng; hồ sơ gửi qua Cổng thi đua đúng hạn.",
            "participants_note": "Các đơn vị trực thuộc; cán bộ quản lý, giáo viên, nhân viên.",
            "participant_kinds": kinds,
            "individual_categories": ["manager", "teacher", "it_officer", "staff"],
            "start_date": start,
            "end_date": end,
            "phases": [(phases_name, start, end, "", None, None)],
            "content": [
                "Đẩy mạnh ứng dụng công nghệ số trong dạy học và quản trị nhà trường.",
                "Hoàn thành tự đánh giá mức độ chuyển đổi số theo bộ chỉ số của Bộ GD&ĐT.",
            ],
            "tasks": [],
        }

    cg = common(
        "cur-CG",
        "PGD-CG",
        f"{140 + serial}/KH-PGDĐT",
        f"Kế hoạch thực hiện phong trào thi đua “Chuyển đổi số” năm học {year} của ngành Giáo dục huyện Cần Giuộc",
        "Trưởng phòng",
        "Căn cứ Kế hoạch số 215/KH-PGDĐT của Phòng GD&ĐT huyện Cần Giuộc phát động phong trào thi đua “Chuyển đổi "
        "số” giai đoạn 2023 – 2025 và định hướng giai đoạn tiếp theo.",
        ["mam-non", "mau-giao", "tieu-hoc", "thcs", "th-thcs"],
        f"Năm học {year}",
    )
    cg["include_issuer"] = False
    cg["criteria"] = [c for c in CAMPAIGNS[1]["criteria"]]
    cg["awards"] = [dict(a) for a in CAMPAIGNS[1]["awards"]]
    cg["deadlines"] = [
        deadline("Báo cáo số liệu chỉ tiêu chuyển đổi số học kỳ I", "target_report", -9),
        deadline("Thủ trưởng phê duyệt kết quả tự đánh giá mức độ chuyển đổi số", "sa_approval", 10),
        deadline("Gửi kết quả tự đánh giá mức độ chuyển đổi số về Phòng GD&ĐT", "self_assessment", 18, locks=True),
        deadline("Hồ sơ đề nghị khen thưởng gửi về Phòng GD&ĐT", "nomination", 25, locks=True),
        deadline("Hội đồng TĐKT Phòng xét chọn 02 tập thể, 02 cá nhân trình Sở", "council", 32, audience="issuer"),
    ]
    cg["targets"] = [
        ("a1", "Nhà giáo đủ điều kiện tham gia dạy học trực tuyến", "percent", [(year, None, 100)]),
        ("a2", "Học sinh đủ điều kiện tham gia học trực tuyến", "percent", [(year, None, 60)]),
        ("b3", "Thực hiện thanh toán không dùng tiền mặt", "boolean", [(year, None, 1)]),
    ]

    bp = common(
        "cur-BP",
        "SO-BP",
        f"{2900 + serial}/KH-SGDĐT",
        f"Kế hoạch tổ chức phong trào thi đua “Chuyển đổi số trong ngành Giáo dục và Đào tạo” năm học {year}",
        "Giám đốc",
        "Căn cứ Kế hoạch số 2076/KH-SGDĐT ngày 29/7/2022 của Sở GD&ĐT Bình Phước.",
        ["phong-chuc-nang-so", "phong-gddt", "thpt", "thcs-thpt", "gdtx"],
        f"Năm học {year}",
    )
    bp["criteria"] = [c for c in CAMPAIGNS[0]["criteria"]]
    bp["awards"] = [dict(a) for a in CAMPAIGNS[0]["awards"] if a["round"] == "yearly"]
    bp["deadlines"] = [
        # Locked and already past: the dossiers that came in before it are in the Sở's queue.
        deadline("Hồ sơ đề nghị Giám đốc Sở tặng Giấy khen (qua Văn phòng)", "nomination", -4, locks=True),
        deadline("Hội đồng TĐKT ngành xét chọn 07 tập thể và 15 cá nhân", "council", 11, audience="issuer"),
        deadline("Báo cáo số liệu chỉ tiêu chuyển đổi số", "target_report", 16),
    ]
    bp["targets"] = [
        ("1", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến", "percent", [(year, None, 80)]),
        ("2", "Thanh toán học phí không dùng tiền mặt", "percent", [(year, None, 100)]),
    ]

    dn = common(
        "cur-DN",
        "SO-DN",
        f"{3600 + serial}/KH-SGDĐT",
        f"Kế hoạch triển khai Phong trào thi đua đổi mới sáng tạo và chuyển đổi số năm học {year}",
        "Giám đốc",
        "Căn cứ Kế hoạch số 3376/KH-SGDĐT ngày 30/6/2025 của Sở GD&ĐT Đồng Nai (giai đoạn 2025 – 2030).",
        ["thpt", "thcs-thpt", "thcs", "gdtx"],
        f"Năm học {year}",
    )
    dn["criteria"] = [
        (
            "collective",
            "",
            "Đạt từ mức độ 2 trở lên trên cả 02 tiêu chí theo Quyết định số 4725/QĐ-BGDĐT.",
            "dx_level_2_both",
        ),
        ("collective", "", "100% các khoản thu được thực hiện không dùng tiền mặt.", "cashless_100"),
    ]
    dn["awards"] = [
        {
            "name": "Giấy khen của Giám đốc Sở GD&ĐT",
            "authority": "Giám đốc Sở GD&ĐT Đồng Nai",
            "round": "yearly",
            "quota_scope": "council",
            "quota_collectives": 5,
            "quota_individuals": 12,
            "copies": 1,
            "note": "Hội đồng TĐKT ngành xét chọn hằng năm.",
        }
    ]
    dn["deadlines"] = [
        deadline("Báo cáo số liệu chỉ tiêu chuyển đổi số", "target_report", -6),
        deadline("Thủ trưởng phê duyệt kết quả tự đánh giá", "sa_approval", 8),
        deadline("Gửi kết quả tự đánh giá mức độ chuyển đổi số về Sở", "self_assessment", 15, locks=True),
        deadline("Hồ sơ đề nghị Giám đốc Sở tặng Giấy khen", "nomination", 22, locks=True),
    ]
    dn["targets"] = [
        ("1", "Tỷ lệ hồ sơ trực tuyến toàn trình của đơn vị", "percent", [(year, None, 90)]),
        ("3", "Cán bộ, viên chức có chữ ký số hoặc chữ ký điện tử", "percent", [(year, None, 100)]),
    ]

    la = common(
        "cur-LA",
        "SO-LA",
        f"{3700 + serial}/KH-SGDĐT",
        f"Kế hoạch thực hiện chuyển đổi số và tự đánh giá mức độ chuyển đổi số năm học {year}",
        "Giám đốc",
        "Căn cứ Kế hoạch số 3652/KH-SGDĐT ngày 06/10/2023 của Sở GD&ĐT Long An về triển khai Quyết định số "
        "4725/QĐ-BGDĐT.",
        ["thpt", "gdtx"],
        f"Năm học {year}",
    )
    la["criteria"], la["awards"] = [], []
    la["deadlines"] = [
        deadline("Báo cáo số liệu chỉ tiêu chuyển đổi số", "target_report", -5),
        deadline("Gửi kết quả tự đánh giá mức độ chuyển đổi số về Sở", "self_assessment", 20, locks=True),
    ]
    la["targets"] = [("1", "Giáo viên sử dụng sổ điểm điện tử", "percent", [(year, None, 100)])]

    tn = common(
        "cur-TN",
        "SO-TN",
        f"{1800 + serial}/KH-SGDĐT",
        f"Kế hoạch tự đánh giá mức độ chuyển đổi số năm học {year}",
        "Giám đốc",
        "Căn cứ Quyết định số 4725/QĐ-BGDĐT ngày 30/12/2022 của Bộ GD&ĐT.",
        ["thpt", "gdtx"],
        f"Năm học {year}",
    )
    tn["criteria"], tn["awards"], tn["targets"] = [], [], []
    tn["deadlines"] = [
        deadline("Gửi kết quả tự đánh giá mức độ chuyển đổi số về Sở", "self_assessment", 19, locks=True)
    ]
    return [cg, bp, dn, la, tn]


# What the portal reads from a plan's targets, by (plan key, the plan's own target code): the stable code
# of what the target measures (Target.measure), never matched from its wording.
TARGET_MEASURES = {
    ("000", "b3"): "cashless",
    ("3376", "3"): "signed_documents",
    ("3376", "4"): "cashless",
    ("cur-CG", "b3"): "cashless",
    ("cur-BP", "2"): "cashless",
}
