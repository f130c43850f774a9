"""The unit kinds of the Vietnamese education sector and where each may sit. Provinces add or change
kinds as data (admin); this only seeds the common ones, idempotently by code."""

from django.db import migrations

# code, name, category, sort order, allowed parent codes
KINDS = [
    ("bo", "Bộ Giáo dục và Đào tạo", "ministry", 0, []),
    ("so", "Sở Giáo dục và Đào tạo", "department", 10, ["bo"]),
    ("phong-chuc-nang-so", "Phòng chức năng thuộc Sở", "division", 15, ["so"]),
    ("phong-gddt", "Phòng Giáo dục và Đào tạo (cấp huyện)", "office", 20, ["so"]),
    ("phong-vhxh-xa", "Phòng Văn hóa - Xã hội (cấp xã)", "office", 25, ["so"]),
    ("mam-non", "Trường mầm non", "school", 30, ["so", "phong-gddt", "phong-vhxh-xa"]),
    ("mau-giao", "Trường mẫu giáo", "school", 31, ["so", "phong-gddt", "phong-vhxh-xa"]),
    ("tieu-hoc", "Trường tiểu học", "school", 40, ["so", "phong-gddt", "phong-vhxh-xa"]),
    ("thcs", "Trường trung học cơ sở", "school", 50, ["so", "phong-gddt", "phong-vhxh-xa"]),
    ("th-thcs", "Trường liên cấp tiểu học - THCS", "school", 55, ["so", "phong-gddt", "phong-vhxh-xa"]),
    ("thpt", "Trường trung học phổ thông", "school", 60, ["so"]),
    ("thcs-thpt", "Trường liên cấp THCS - THPT", "school", 65, ["so"]),
    ("gdtx", "Trung tâm GDNN - GDTX", "school", 70, ["so", "phong-gddt"]),
    ("to-chuyen-mon", "Tổ chuyên môn", "team", 80, ["mam-non", "mau-giao", "tieu-hoc", "thcs", "th-thcs", "thpt", "thcs-thpt", "gdtx"]),
    ("van-phong-truong", "Tổ văn phòng", "team", 81, ["mam-non", "mau-giao", "tieu-hoc", "thcs", "th-thcs", "thpt", "thcs-thpt", "gdtx"]),
    ("doan-the", "Đoàn thể (Công đoàn, Đoàn TN)", "team", 82, ["mam-non", "mau-giao", "tieu-hoc", "thcs", "th-thcs", "thpt", "thcs-thpt", "gdtx", "so", "phong-gddt"]),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("units", "UnitKind")
    by_code = {}
    for code, name, category, order, _parents in KINDS:
        kind, _ = UnitKind.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "sort_order": order}
        )
        by_code[code] = kind
    for code, _name, _category, _order, parents in KINDS:
        by_code[code].allowed_parents.add(*[by_code[p] for p in parents])


class Migration(migrations.Migration):
    dependencies = [("units", "0002_unit_path_prefix_index")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
