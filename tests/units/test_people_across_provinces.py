"""Issue 15 §4 and the cache header of §5: roles granted only inside the granting user's scope (one answer for
"unknown" and "another province's"), a second record of one person refused until confirmed (form, import,
command), filter links built from the viewer's scope, and signed-in pages kept out of shared caches."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import Workbook

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Campaign
from nominations import services as nomination_services
from units import importing, services
from units.models import Membership, Person, Role, UnitKind

from ..factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.security

NOT_FOUND = "Không tìm thấy tài khoản hoặc cán bộ"


def _grant_error(page: str) -> str:
    """The message shown next to the login field (the part of the page that differs between answers)."""
    start = page.index('<div class="field field-error">')
    return page[start : page.index("</div>", start)]


# --- Role grants ------------------------------------------------------------------------------------------


def test_grant_to_another_provinces_account_answers_like_an_unknown_name(cast, login):
    """A Sở officer types another province's username (or its e-mail): no role, no name, and the very same
    message as for a name nobody has."""
    client = login(cast.officer_s)
    url = reverse("units:membership_list", args=["SO-S"])
    unknown = client.post(url, {"login": "khong_co_ai", "role": Role.STAFF})
    by_name = client.post(url, {"login": "outsider", "role": Role.STAFF})
    by_email = client.post(url, {"login": cast.outsider.email, "role": Role.STAFF})

    assert not Membership.objects.filter(user=cast.outsider).exclude(unit=cast.school_x).exists()
    for page, typed in ((by_name, "outsider"), (by_email, cast.outsider.email)):
        assert page.status_code == 200
        assert "Người ngoài" not in page.text and "Đã phân quyền" not in page.text
        assert _grant_error(page.text).replace(typed, "?") == _grant_error(unknown.text).replace("khong_co_ai", "?")
    assert NOT_FOUND in _grant_error(unknown.text)


def test_grant_service_refuses_an_account_outside_the_actors_scope(cast):
    with pytest.raises(ValidationError) as refused:
        services.membership_grant(user=cast.outsider, unit=cast.school_a, role=Role.STAFF, actor=cast.principal_a)
    assert NOT_FOUND in refused.value.messages[0]
    assert not Membership.objects.filter(user=cast.outsider, unit=cast.school_a).exists()
    # A head's scope is their school: a teacher of the neighbouring school is outside it too.
    neighbour = UserFactory(username="gv_b")
    PersonFactory(unit=cast.school_b, full_name="Đỗ Văn Kề", user=neighbour)
    with pytest.raises(ValidationError):
        services.membership_grant(user=neighbour, unit=cast.school_a, role=Role.STAFF, actor=cast.principal_a)


def test_grant_inside_the_scope_and_invitation_by_the_staff_records_email(cast, login):
    client = login(cast.officer_s)
    ok = client.post(
        reverse("units:membership_list", args=["PHONG-P"]), {"login": "principal_b", "role": Role.REVIEWER}, follow=True
    )
    assert "Đã phân quyền cho Hiệu trưởng B" in ok.text
    assert Membership.objects.filter(user=cast.principal_b, unit=cast.phong_p, role=Role.REVIEWER).exists()

    # Trần Văn Bình (school B) has no account: the e-mail on his record invites him.
    cast.person_b.email = "binh.tran@truongb.edu.vn"
    cast.person_b.save()
    invited = client.post(
        reverse("units:membership_list", args=["TRUONG-B"]),
        {"login": "Binh.Tran@truongb.edu.vn", "role": Role.ASSESSOR},
        follow=True,
    )
    cast.person_b.refresh_from_db()
    account = cast.person_b.user
    assert account is not None and account.email.lower() == "binh.tran@truongb.edu.vn"
    assert not account.has_usable_password()
    assert Membership.objects.filter(user=account, unit=cast.school_b, role=Role.ASSESSOR).exists()
    assert "Đã tạo tài khoản cho Trần Văn Bình" in invited.text
    assert [m.to for m in mail.outbox] == [["binh.tran@truongb.edu.vn"]]

    # Province T's staff e-mail invites nobody from province S.
    cast.person_x.email = "xuan@truongx.edu.vn"
    cast.person_x.save()
    refused = client.post(
        reverse("units:membership_list", args=["SO-S"]), {"login": "xuan@truongx.edu.vn", "role": Role.STAFF}
    )
    assert NOT_FOUND in refused.text
    cast.person_x.refresh_from_db()
    assert cast.person_x.user is None


# --- A second record of the same person ------------------------------------------------------------------


def _person_post(**extra) -> dict:
    data = {
        "code": "GV-MOI-9",
        "full_name": "Võ Thị Mai",
        "gender": "F",
        "date_of_birth": "15/03/1990",
        "position": "Giáo viên",
        "category": "teacher",
        "phone": "0912 345 678",
    }
    return data | extra


def test_person_form_warns_of_same_name_and_birth_date_and_keeps_what_was_typed(cast, login):
    existing = PersonFactory(
        unit=cast.school_a, code="GV-CU-1", full_name="Võ Thị Mai", date_of_birth=dt.date(1990, 3, 15)
    )
    client = login(cast.principal_a)
    url = reverse("units:person_create", args=["TRUONG-A"])
    assert "Vẫn tạo" not in client.get(url).text

    warned = client.post(url, _person_post(full_name="võ  thị MAI"))
    assert warned.status_code == 200
    assert "GV-CU-1" in warned.text and existing.public_id in warned.text  # a link to the record already there
    assert 'value="GV-MOI-9"' in warned.text and 'value="0912 345 678"' in warned.text
    assert 'name="confirm_duplicate"' in warned.text and "Vẫn tạo" in warned.text
    assert "Select an option" not in warned.text and "— Chưa ghi —" in warned.text
    assert not Person.objects.filter(code="GV-MOI-9").exists()

    confirmed = client.post(url, _person_post(confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert Person.objects.filter(full_name="Võ Thị Mai", date_of_birth=dt.date(1990, 3, 15)).count() == 2


def test_same_person_under_a_new_code_in_another_unit_is_warned_within_the_scope_only(cast, login):
    PersonFactory(unit=cast.school_a, code="GV-CU-2", full_name="Võ Thị Mai", date_of_birth=dt.date(1990, 3, 15))
    officer = login(cast.officer_s)
    warned = officer.post(reverse("units:person_create", args=["TRUONG-B"]), _person_post())
    assert "GV-CU-2" in warned.text and not Person.objects.filter(code="GV-MOI-9").exists()

    # Province T's head is not told that province S has someone of that name and birth date.
    other = login(cast.outsider)
    created = other.post(reverse("units:person_create", args=["TRUONG-X"]), _person_post())
    assert created.status_code == 302
    assert Person.objects.get(code="GV-MOI-9").unit == cast.school_x


STAFF_HEADER = list(importing.STAFF_COLUMNS.values())[:7]


def _staff_file(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(STAFF_HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_staff_import_reports_possible_duplicates_by_row_and_needs_confirmation(cast, tmp_path):
    PersonFactory(unit=cast.school_a, code="GV-CU-3", full_name="Võ Thị Mai", date_of_birth=dt.date(1990, 3, 15))
    data = _staff_file(
        [
            ["GV-N1", "Lý Văn Khải", "Nam", "02/02/1980", "Giáo viên", "Giáo viên", "TRUONG-A"],
            ["GV-N2", "Võ Thị Mai", "Nữ", "15/03/1990", "Giáo viên", "Giáo viên", "TRUONG-B"],
            ["GV-N3", "Lý Văn Khải", "Nam", "02/02/1980", "Giáo viên", "Giáo viên", "TRUONG-B"],
        ]
    )
    report = importing.import_staff(importing.read_table(data, "cb.xlsx"))
    assert [e.row for e in report.errors] == [3, 4]
    assert "GV-CU-3" in report.errors[0].message and "cùng họ tên và ngày sinh" in report.errors[0].message
    assert "dòng 2 của tệp" in report.errors[1].message
    assert not Person.objects.filter(code__startswith="GV-N").exists()

    path = tmp_path / "cb.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))
    assert not Person.objects.filter(code__startswith="GV-N").exists()
    call_command("import_staff", str(path), "--confirm-duplicates")
    assert Person.objects.filter(code__startswith="GV-N").count() == 3

    # An officer's import is compared with their own province: province T's head sees no hint of province S.
    PersonFactory(unit=cast.school_a, code="GV-CU-4", full_name="Hồ Thị Na", date_of_birth=dt.date(1992, 4, 4))
    other = _staff_file([["GV-X4", "Hồ Thị Na", "Nữ", "04/04/1992", "Giáo viên", "Giáo viên", "TRUONG-X"]])
    report = importing.import_staff(importing.read_table(other, "cb.xlsx"), actor=cast.outsider)
    assert report.ok, report.errors
    assert Person.objects.get(code="GV-X4").unit == cast.school_x


# --- Filter links built from the viewer's scope ----------------------------------------------------------


def _national_round(cast):
    campaign = campaign_services.campaign_create(
        issuer=cast.ministry,
        number="749/KH-BGDĐT",
        issued_on=dt.date(2025, 8, 1),
        title="Phong trào thi đua toàn ngành",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2027, 12, 31),
        participant_kinds=list(UnitKind.objects.filter(code="so")),
    )
    campaign_services.part_save(
        campaign, AwardPlan, name="Bằng khen của Bộ trưởng", authority="Bộ trưởng Bộ GD&ĐT", round="yearly"
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    campaign = Campaign.objects.get(pk=campaign.pk)
    return nomination_services.round_create(campaign, kind="yearly", school_year="2025-2026", actor=None)


def test_national_round_board_links_only_units_the_viewer_reaches(cast, login):
    award_round = _national_round(cast)
    url = reverse("nominations:board", args=[award_round.public_id])

    # The ministry's emulation secretary works at the Bộ itself: the provinces' units are not theirs.
    secretary = UserFactory(username="thuky_bo", first_name="Thư ký Bộ")
    grant(secretary, cast.ministry, Role.SECRETARY)
    page = login(secretary).get(url).text
    assert "Tình hình đề nghị" in page
    assert "?don-vi=SO-T" not in page and "Trà Vàng" not in page
    assert "?don-vi=SO-S" not in page
    assert login(secretary).get(url, {"don-vi": "SO-T"}).status_code == 404

    # A Sở officer's board of the same round lists their own Phòng, never the other province.
    officer_page = login(cast.officer_s).get(url).text
    assert "?don-vi=PHONG-P" in officer_page and "SO-T" not in officer_page and "Trà Vàng" not in officer_page


def test_unit_page_links_only_children_the_viewer_reaches(cast, login):
    secretary = UserFactory(username="thuky_bo2", first_name="Thư ký Bộ")
    grant(secretary, cast.ministry, Role.SECRETARY)
    client = login(secretary)
    page = client.get(reverse("units:unit_detail", args=["BGDDT"])).text
    for code in ("SO-S", "SO-T"):
        assert f'href="{reverse("units:unit_detail", args=[code])}"' not in page
    tree = client.get(reverse("units:unit_children", args=["BGDDT"]), headers={"HX-Request": "true"}).text
    assert 'href="/don-vi/SO-T/' not in tree and 'href="/don-vi/SO-S/' not in tree

    officer = login(cast.officer_s).get(reverse("units:unit_detail", args=["SO-S"])).text
    assert reverse("units:unit_detail", args=["PHONG-P"]) in officer


# --- Signed-in pages stay out of shared caches -----------------------------------------------------------


def test_signed_in_pages_are_private_and_not_stored(cast, login):
    client = login(cast.principal_a)
    for url in (reverse("units:home"), reverse("units:person_list", args=["TRUONG-A"])):
        directives = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
    page = client.get(reverse("units:person_list", args=["TRUONG-A"]), {"q": "Thu"})
    assert "Lê Thị Thu" in page.text and "no-store" in page["Cache-Control"]


def test_files_keep_their_own_cache_headers(cast):
    from units.security import PrivatePagesNoStoreMiddleware

    request = RequestFactory().get("/")
    request.user = cast.principal_a

    def download(_request):
        response = FileResponse(io.BytesIO(b"%PDF-1.4"), as_attachment=True, filename="bao-cao.pdf")
        response["Cache-Control"] = "private, max-age=60"
        return response

    assert PrivatePagesNoStoreMiddleware(download)(request)["Cache-Control"] == "private, max-age=60"
    attachment = HttpResponse(b"a;b", content_type="text/csv")
    attachment["Content-Disposition"] = 'attachment; filename="ds.csv"'
    assert not PrivatePagesNoStoreMiddleware(lambda _r: attachment)(request).has_header("Cache-Control")
    page = PrivatePagesNoStoreMiddleware(lambda _r: HttpResponse("<p>x</p>"))(request)
    assert "no-store" in page["Cache-Control"]
