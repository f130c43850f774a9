"""Importing units and staff from Excel/CSV: all or nothing, row numbers, NFC, no formulas, history kept."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from units import importing
from units.models import Person, Posting, Unit, UnitVersion
from units.resources import TableXLSX, UnitResource

from ..factories import UserFactory, enroll_totp

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Mã đơn vị cấp trên", "Địa danh"]
STAFF_HEADER = ["Mã định danh", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Đối tượng", "Mã đơn vị"]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def units_from(header, rows, **kwargs):
    return importing.import_units(importing.read_table(xlsx(header, rows), "don-vi.xlsx"), **kwargs)


def test_three_levels_out_of_order_with_history(cast):
    report = units_from(
        UNIT_HEADER,
        [
            ["TH-NEW", "Trường Tiểu học Tân Lập", "", "tieu-hoc", "PGD-NEW", ""],  # child before its parent
            ["PGD-NEW", "Phòng GD&ĐT huyện Tân Lập", "PGD Tân Lập", "phong-gddt", "SO-S", "Tân Lập"],
            ["TO-NEW", "Tổ chuyên môn 1-2", "", "Tổ chuyên môn", "TH-NEW", ""],  # kind by its name
        ],
    )
    assert report.ok and report.written and report.created == 3, report.errors
    office, school, team = (Unit.objects.get(code=c) for c in ("PGD-NEW", "TH-NEW", "TO-NEW"))
    assert school.parent == office and team.parent == school and office.parent == cast.so_s
    assert team.path.startswith(school.path) and school.province == cast.so_s.province
    assert UnitVersion.objects.filter(unit__in=[office, school, team]).count() == 3
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_reimport_renames_and_moves_keeping_history(cast):
    report = units_from(
        UNIT_HEADER,
        [
            ["TRUONG-B", "Trường Tiểu học Bình Minh mới", "", "tieu-hoc", "SO-S", ""],
            ["TRUONG-A", "Trường THCS An Bình", "", "thcs", "PHONG-P", ""],
        ],
    )
    assert report.ok and report.moved == 1 and report.updated == 1 and report.unchanged == 1
    school_b = Unit.objects.get(code="TRUONG-B")
    assert school_b.parent == cast.so_s and school_b.name == "Trường Tiểu học Bình Minh mới"
    reasons = list(
        UnitVersion.objects.filter(unit=school_b).order_by("pk").values_list("reason", "parent_name", "name")
    )
    assert reasons[0] == ("created", "Phòng Giáo dục và Đào tạo huyện Phú Điền", "Trường Tiểu học Bình Minh")
    assert [r[0] for r in reasons] == ["created", "moved", "renamed"]


@pytest.mark.parametrize(
    ("rows", "row_number", "message"),
    [
        (
            [["X-1", "Trường X", "", "thcs", "KHONG-CO", ""]],
            2,
            "Không tìm thấy đơn vị cấp trên có mã “KHONG-CO”",
        ),
        (
            [["X-1", "Trường X", "", "thcs", "PHONG-P", ""], ["X-1", "Trường Y", "", "thcs", "PHONG-P", ""]],
            3,
            "trùng với dòng 2",
        ),
        ([["X-1", '=HYPERLINK("http://evil","bấm")', "", "thcs", "PHONG-P", ""]], 2, "công thức"),
        ([["@SUM(A1)", "Trường X", "", "thcs", "PHONG-P", ""]], 2, "công thức"),
        ([["X-1", "Trường X", "", "loai-la", "PHONG-P", ""]], 2, "Không có loại đơn vị"),
        ([["X-1", "Trường X", "", "thpt", "PHONG-P", ""]], 2, "không được trực thuộc"),
        ([["X-1", "", "", "thcs", "PHONG-P", ""]], 2, "Thiếu Tên đơn vị"),
        (
            [["X-1", "A", "", "thcs", "X-2", ""], ["X-2", "B", "", "thcs", "X-1", ""]],
            2,
            "không được trực thuộc",
        ),
    ],
)
def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(cast, rows, row_number, message):
    good = ["OK-1", "Trường Tiểu học Hợp Lệ", "", "tieu-hoc", "PHONG-P", ""]
    before = Unit.objects.count()
    report = units_from(UNIT_HEADER, [*rows, good])
    assert not report.ok and not report.written
    found = [e for e in report.errors if message in e.message]
    assert found, report.errors
    assert found[0].row == row_number
    assert Unit.objects.count() == before


def test_cycle_between_file_rows_is_an_error(cast):
    report = units_from(
        UNIT_HEADER,
        [
            ["C-1", "Phòng A", "", "phong-gddt", "SO-S", ""],
            ["C-2", "Trường B", "", "thcs", "C-3", ""],
            ["C-3", "Trường C", "", "thcs", "C-2", ""],
        ],
    )
    assert not report.ok
    assert not Unit.objects.filter(code__startswith="C-").exists()


def test_nfd_text_is_stored_nfc(cast):
    nfd = unicodedata.normalize("NFD", "Trường Mầm non Hướng Dương")
    assert not unicodedata.is_normalized("NFC", nfd)
    report = units_from(
        UNIT_HEADER, [["MN-HD", nfd, "", "mam-non", "PHONG-P", unicodedata.normalize("NFD", "Phú Điền")]]
    )
    assert report.ok
    unit = Unit.objects.get(code="MN-HD")
    assert unit.name == "Trường Mầm non Hướng Dương" and unicodedata.is_normalized("NFC", unit.name)
    assert unicodedata.is_normalized("NFC", unit.place_name)


def test_scope_of_the_importing_user(cast):
    report = units_from(UNIT_HEADER, [["X-OUT", "Trường X", "", "thpt", "SO-T", ""]], actor=cast.officer_s)
    assert not report.ok and "ngoài phạm vi" in report.errors[0].message


def test_csv_and_file_type_errors(cast):
    text = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\nCSV-1,Trường Tiểu học Cờ Đỏ,tieu-hoc,PHONG-P"
    rows = importing.read_table(text.encode("utf-8-sig"), "ds.csv")
    assert importing.import_units(rows).created == 1
    with pytest.raises(importing.ImportFileError, match="Chỉ nhận tệp Excel"):
        importing.read_table(b"MZ\x90\x00", "ds.exe")
    with pytest.raises(importing.ImportFileError, match="không phải bảng tính Excel"):
        importing.read_table(b"MZ\x90\x00 renamed executable", "ds.xlsx")
    with pytest.raises(importing.ImportFileError, match="UTF-8"):
        importing.read_table(b"Ma,Ten\n1,Tr\xe6\xf4ng", "ds.csv")


def test_staff_import_dates_and_transfer_history(cast):
    data = xlsx(
        STAFF_HEADER,
        [
            ["GV-01", "Nguyễn Thị Hoa", "Nữ", "05/09/1985", "Giáo viên", "Giáo viên", "TRUONG-A"],
            ["GV-02", "Trần Văn Nam", "Nam", dt.datetime(1979, 2, 28), "Tổ trưởng", "teacher", "TRUONG-A"],
        ],
    )
    report = importing.import_staff(importing.read_table(data, "cb.xlsx"))
    assert report.ok and report.created == 2, report.errors
    hoa = Person.objects.get(code="GV-01")
    assert hoa.date_of_birth == dt.date(1985, 9, 5) and hoa.gender == "F" and hoa.unit == cast.school_a
    assert Person.objects.get(code="GV-02").date_of_birth == dt.date(1979, 2, 28)

    moved = xlsx(STAFF_HEADER, [["GV-01", "Nguyễn Thị Hoa", "Nữ", "05/09/1985", "Giáo viên", "Giáo viên", "TRUONG-B"]])
    report = importing.import_staff(importing.read_table(moved, "cb.xlsx"))
    assert report.ok and report.moved == 1
    hoa.refresh_from_db()
    assert hoa.unit == cast.school_b
    assert list(Posting.objects.filter(person=hoa).order_by("pk").values_list("unit__code", flat=True)) == [
        "TRUONG-A",
        "TRUONG-B",
    ]

    bad = xlsx(
        STAFF_HEADER,
        [
            ["GV-03", "Lê Văn Bốn", "Khác", "31/02/1990", "Giáo viên", "Giáo viên", "TRUONG-A"],
            ["GV-04", "Lê Văn Năm", "Nam", "01/01/1990", "Giáo viên", "Hiệu phó", "TRUONG-A"],
            ["GV-05", "Lê Văn Sáu", "Nam", "01/01/1990", "Giáo viên", "Giáo viên", "KHONG-CO"],
        ],
    )
    report = importing.import_staff(importing.read_table(bad, "cb.xlsx"))
    assert [e.row for e in report.errors] == [2, 3, 4]
    assert "Ngày sinh “31/02/1990” không hợp lệ" in report.errors[0].message
    assert not Person.objects.filter(code__in=["GV-03", "GV-04", "GV-05"]).exists()


def test_staff_import_writes_new_people_in_bulk(cast, django_assert_max_num_queries):
    """New staff cost the same number of queries for 10 rows as for 300 (bulk insert with their postings),
    stored NFC-normalised with a first posting each."""

    def rows(n: int, prefix: str):
        decomposed = "Nguye\u0302\u0303n Thi\u0323 Ma\u0302y"  # typed with combining marks
        return [
            [f"{prefix}-{i:03d}", f"{decomposed} {i}", "Nữ", "", "Giáo viên", "Giáo viên", "TRUONG-A"] for i in range(n)
        ]

    counts = []
    for n, prefix in ((10, "BK"), (300, "BL")):
        table = importing.read_table(xlsx(STAFF_HEADER, rows(n, prefix)), "cb.xlsx")
        with django_assert_max_num_queries(40) as ctx:
            report = importing.import_staff(table)
        assert report.ok and report.created == n, report.errors
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    person = Person.objects.get(code="BL-299")
    assert person.full_name == "Nguyễn Thị Mây 299" and person.postings.get().unit == cast.school_a


def test_management_commands(cast, tmp_path):
    good = tmp_path / "dv.xlsx"
    good.write_bytes(xlsx(UNIT_HEADER, [["CMD-1", "Trường THCS Lệnh", "", "thcs", "PHONG-P", ""]]))
    out = io.StringIO()
    call_command("import_units", str(good), "--dry-run", stdout=out)
    assert "1 mới" in out.getvalue() and not Unit.objects.filter(code="CMD-1").exists()
    call_command("import_units", str(good), stdout=out)
    assert Unit.objects.filter(code="CMD-1").exists()

    bad = tmp_path / "dv2.xlsx"
    bad.write_bytes(xlsx(UNIT_HEADER, [["CMD-2", "Trường", "", "thcs", "KHONG-CO", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="không có dữ liệu nào được ghi"):
        call_command("import_units", str(bad), stderr=err)
    assert "Dòng 2: Không tìm thấy đơn vị cấp trên" in err.getvalue()
    with pytest.raises(CommandError, match="Chỉ nhận tệp"):
        (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
        call_command("import_staff", str(tmp_path / "x.pdf"))


def test_admin_import_validates_then_confirms(cast, client):
    admin = UserFactory(username="sysadmin", is_staff=True, is_superuser=True)
    enroll_totp(admin)
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = "/quan-tri/units/unit/import/"
    bad = SimpleUploadedFile("dv.xlsx", xlsx(UNIT_HEADER, [["ADM-1", "Trường", "", "thcs", "KHONG-CO", ""]]))
    page = client.post(url, {"import_file": bad, "format": "1", "resource": "0"})
    text = page.content.decode()
    assert "Không tìm thấy đơn vị cấp trên có mã “KHONG-CO”" in text, text[:3000]
    assert not Unit.objects.filter(code="ADM-1").exists()

    good = SimpleUploadedFile(
        "dv.xlsx", xlsx(UNIT_HEADER, [["ADM-1", "Trường THCS Quản Trị", "", "thcs", "PHONG-P", ""]])
    )
    preview = client.post(url, {"import_file": good, "format": "1", "resource": "0"})
    assert preview.status_code == 200 and "confirm" in preview.content.decode().lower()
    assert not Unit.objects.filter(code="ADM-1").exists()  # the preview is a dry run
    form = preview.context["confirm_form"]
    done = client.post("/quan-tri/units/unit/process_import/", {**form.initial, "resource": "0"})
    assert done.status_code == 302
    assert Unit.objects.get(code="ADM-1").parent == cast.phong_p


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil","x")', "+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"])
def test_export_writes_formula_looking_values_as_text(cast, payload):
    Unit.objects.filter(code="TRUONG-B").update(short_name=payload)
    data = TableXLSX().export_data(UnitResource().export())
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    # Text cells with quotePrefix, no apostrophe added. Excel stores a bare CR as an escape sequence, so
    # compare what follows the control character.
    (cell,) = [c for c in cells if isinstance(c.value, str) and c.value.endswith(payload[1:])]
    assert cell.data_type == "s" and cell.quotePrefix and not cell.value.startswith("'")
