"""Issue 15 §2: every import path (the admin's import-export pages, the portal's set import, the management
commands) goes through one set of limits (bytes, rows, unpacked size, time), refuses with one Vietnamese line
and writes nothing; an exported file imports back unchanged; formula cells get the formula message; the
admin import speaks Vietnamese, with the row and column of each error. The hostile files are built here."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from criteria.models import IndicatorSet
from units.models import Person, Unit

from ..factories import UserFactory, enroll_totp

pytestmark = pytest.mark.security

STAFF_HEADER = ["Mã định danh", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Đối tượng", "Mã đơn vị"]
GOOD_ROW = ["GV-LIM-1", "Nguyễn Thị Hạn", "Nữ", "02/09/1985", "Giáo viên", "Giáo viên", "TRUONG-A"]
PERSON_IMPORT = "/quan-tri/units/person/import/"
ENGLISH = (
    "Some rows failed to validate",
    "NON FIELD SPECIFIC",
    "Non field specific",
    "encountered while trying to read file",
    "Confirm import",
    "Line number",
    "This importer will import the following fields",
    "File to import",
    "Submit",
    "Full Name",
)


def staff_xlsx(*rows, header=STAFF_HEADER) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def many_rows_xlsx() -> bytes:
    """0.6-1.5 MB, 500,000 rows (as the file of the issue): openpyxl write-only, mostly empty rows so that the
    file is built in a few seconds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(STAFF_HEADER)
    for n in range(500_000):
        sheet.append(GOOD_ROW[:1] if n % 1000 == 0 else ())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(base: bytes, *, unpacked_mb: int = 150, lie: bool = False) -> bytes:
    """A valid workbook plus one member of zeros that unpacks to `unpacked_mb` MB (ratio ~1000). With `lie`,
    the member's declared size (local header and central directory) says 1 KB."""
    out = io.BytesIO(base)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("xl/media/image1.bin", "w", force_zip64=False) as member,
    ):
        for _ in range(unpacked_mb):
            member.write(b"\0" * (1024 * 1024))
    data = out.getvalue()
    if lie:
        real = (unpacked_mb * 1024 * 1024).to_bytes(4, "little")
        data = data.replace(real, (1024).to_bytes(4, "little"))
    return data


def admin_client(client):
    admin = UserFactory(username="sysadmin", is_staff=True, is_superuser=True)
    enroll_totp(admin)
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def admin_import(client, name: str, data: bytes, fmt: str = "1"):
    return client.post(PERSON_IMPORT, {"import_file": SimpleUploadedFile(name, data), "format": fmt, "resource": "0"})


def file_errors(page) -> list[str]:
    return list(page.context["form"].errors.get("import_file", []))


def test_admin_refuses_500000_rows_in_seconds_with_one_line(cast, client, many_rows_xlsx):
    started = time.monotonic()
    page = admin_import(admin_client(client), "can-bo.xlsx", many_rows_xlsx)
    elapsed = time.monotonic() - started
    assert len(many_rows_xlsx) < 2 * 1024 * 1024
    assert file_errors(page) == ["Tệp có quá nhiều dòng (tối đa 100.000 dòng); hãy chia thành các tệp nhỏ hơn."]
    assert elapsed < 15, f"the refusal took {elapsed:.1f} s"
    assert len(page.content) < 200_000
    assert not Person.objects.filter(code="GV-LIM-1").exists()


def _command(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        call_command("import_staff", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        return str(exc)
    return ""


def _portal_set_import(client, name, data):
    page = client.post(
        reverse("criteria:set_import", args=["qd4725-v1"]), {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    return " ".join(str(m) for m in page.context["messages"])


@pytest.mark.parametrize("path", ["admin", "portal", "command"])
def test_every_import_path_refuses_a_zip_bomb_before_unpacking_it(cast, client, tmp_path, path):
    bomb = zip_bomb(staff_xlsx(GOOD_ROW))
    assert len(bomb) < 400_000
    client = admin_client(client)
    started = time.monotonic()
    if path == "admin":
        errors = file_errors(admin_import(client, "can-bo.xlsx", bomb))
        assert len(errors) == 1
        message = errors[0]
    elif path == "portal":
        message = _portal_set_import(client, "bo.xlsx", bomb)
    else:
        message = _command(tmp_path, "can-bo.xlsx", bomb)
    assert "bom giải nén" in message and "150 MB" in message, message
    assert time.monotonic() - started < 10
    assert not Person.objects.filter(code="GV-LIM-1").exists()
    assert IndicatorSet.objects.filter(family="qd4725").count() == 1


def test_a_zip_that_lies_about_its_sizes_is_measured_by_unpacking(cast, tmp_path):
    bomb = zip_bomb(staff_xlsx(GOOD_ROW), lie=True)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) < 1024 * 1024
    message = _command(tmp_path, "can-bo.xlsx", bomb)
    assert "bom giải nén" in message, message
    assert not Person.objects.filter(code="GV-LIM-1").exists()


def test_the_byte_and_time_limits_apply_to_every_path(cast, client, tmp_path, settings):
    good = staff_xlsx(GOOD_ROW)
    settings.IMPORT_MAX_BYTES = len(good) - 1
    client = admin_client(client)
    too_big = "Tệp quá lớn để nhập (tối đa 0 MB); hãy chia thành các tệp nhỏ hơn."
    assert file_errors(admin_import(client, "can-bo.xlsx", good)) == [too_big]
    assert _portal_set_import(client, "bo.xlsx", good) == too_big
    assert _command(tmp_path, "can-bo.xlsx", good) == too_big
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.IMPORT_MAX_SECONDS = -1  # already past: the time limit refuses
    assert "giây" in _command(tmp_path, "can-bo.xlsx", good)
    assert "giây" in file_errors(admin_import(client, "can-bo.xlsx", good))[0]
    assert not Person.objects.filter(code="GV-LIM-1").exists()


def test_admin_import_files_go_through_the_upload_virus_scan(cast, client):
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    csv = ",".join(STAFF_HEADER).encode() + b"\n" + ",".join(GOOD_ROW).encode() + b"," + eicar + b"\n"
    errors = file_errors(admin_import(admin_client(client), "can-bo.csv", csv, fmt="0"))
    assert errors == ["Tệp “can-bo.csv” bị phần mềm diệt virus chặn (EICAR-Test-Signature)."]
    assert not Person.objects.filter(code="GV-LIM-1").exists()


def test_staff_exported_from_the_admin_imports_back_unchanged(cast, client):
    person = cast.person_teacher_a
    Person.objects.filter(pk=person.pk).update(phone="+84 912 345 678", position="-Tổ trưởng", full_name="@Lê Thu")
    client = admin_client(client)
    before = {p.code: (p.full_name, p.phone, p.position, p.email) for p in Person.objects.all()}
    export_form = client.get("/quan-tri/units/person/export/").context["form"]
    columns = {name: "on" for name, field in export_form.fields.items() if name.startswith("personresource_")}
    export = client.post("/quan-tri/units/person/export/", {**columns, "format": "1", "resource": "0"})
    assert export.status_code == 200, export.content[:500]
    data = export.content
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    phone = cells["+84 912 345 678"]
    assert phone.data_type == "s" and phone.quotePrefix  # Excel shows it as text, never runs it
    assert not any(c.data_type == "f" or c.value.startswith("'") for c in cells.values())

    preview = admin_import(client, "can-bo.xlsx", data)
    result = preview.context["result"]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert {r.import_type for r in result.valid_rows()} == {"skip"}  # zero changed rows
    form = preview.context["confirm_form"]
    client.post("/quan-tri/units/person/process_import/", {**form.initial, "resource": "0"})
    after = {p.code: (p.full_name, p.phone, p.position, p.email) for p in Person.objects.all()}
    assert after == before
    assert Person.objects.get(pk=person.pk).phone == "+84 912 345 678"


def test_an_old_export_with_apostrophes_reads_back_the_original_values(cast, tmp_path):
    legacy = ["GV-LIM-2", "Trần Văn Cũ", "Nam", "", "'-Tổ phó", "Giáo viên", "TRUONG-A"]
    header = [*STAFF_HEADER, "Điện thoại"]
    assert _command(tmp_path, "cu.xlsx", staff_xlsx([*legacy, "'+84 987 654 321"], header=header)) == ""
    person = Person.objects.get(code="GV-LIM-2")
    assert (person.position, person.phone) == ("-Tổ phó", "+84 987 654 321")


def test_a_formula_cell_gets_the_formula_message_with_row_and_column(cast, client):
    book = Workbook()
    book.active.append(STAFF_HEADER)
    book.active.append(GOOD_ROW)
    book.active.append(["GV-LIM-3", "=B2", "Nam", "", "Giáo viên", "Giáo viên", "TRUONG-A"])
    out = io.BytesIO()
    book.save(out)
    page = admin_import(admin_client(client), "can-bo.xlsx", out.getvalue())
    text = page.content.decode()
    (invalid,) = page.context["result"].invalid_rows
    assert invalid.number == 3
    assert list(invalid.field_specific_errors) == ["Họ và tên"]
    assert "công thức Excel (=B2)" in invalid.field_specific_errors["Họ và tên"][0]
    assert "Thiếu Họ và tên" not in text
    assert "<td>3</td><td>Họ và tên</td>" in text
    assert not Person.objects.filter(code__in=["GV-LIM-1", "GV-LIM-3"]).exists()


def test_admin_import_and_export_pages_speak_vietnamese(cast, client):
    client = admin_client(client)
    pages = [
        client.get(PERSON_IMPORT),
        admin_import(client, "can-bo.xlsx", staff_xlsx(["GV-LIM-4", "", "Nam", "", "", "Giáo viên", "KHONG-CO"])),
        admin_import(client, "can-bo.xlsx", b"PK\x03\x04 not really a workbook"),
        admin_import(client, "can-bo.xlsx", staff_xlsx(GOOD_ROW)),
        client.get("/quan-tri/units/person/export/"),
    ]
    for page in pages:
        text = page.content.decode()
        for english in ENGLISH:
            assert english not in text, (english, page.request["PATH_INFO"])
    invalid_page = pages[1].content.decode()
    assert "Tệp có dòng không hợp lệ: chưa có dữ liệu nào được ghi" in invalid_page
    assert '<td>2</td><td>Họ và tên</td><td class="errors">Thiếu Họ và tên.</td>' in invalid_page
    refused = pages[2].content.decode()
    assert "Không đọc được tệp Excel" in refused
    assert "Tệp cần có các cột:" in refused and "Mã định danh, Họ và tên" in refused
    assert "Xác nhận nhập" in pages[3].content.decode()
    assert not Unit.objects.filter(code="KHONG-CO").exists()
