"""Stories on the unit, people and role pages: what each member of the cast sees and what bad input says."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from units.models import BlockMembership, Membership, Person, Role, Unit, UnitVersion

from ..factories import PersonFactory, UserFactory


def test_tree_shows_only_what_the_user_reaches(cast, login):
    client = login(cast.reviewer_p)
    page = client.get(reverse("units:unit_list")).text
    assert "Phòng Giáo dục và Đào tạo huyện Phú Điền" in page
    assert "Sở Giáo dục và Đào tạo Sông Xanh" not in page
    children = client.get(reverse("units:unit_children", args=["PHONG-P"])).text
    assert "Trường THCS An Bình" in children and "Trường Tiểu học Bình Minh" in children


def test_search_without_accents_stays_in_scope(cast, login):
    client = login(cast.officer_s)
    page = client.get(reverse("units:unit_list"), {"q": "truong"}).text
    assert "Trường THCS An Bình" in page and "Trường Tiểu học Bình Minh" in page
    assert "Trường THPT Xuân Lộc" not in page  # another province
    htmx = client.get(reverse("units:unit_list"), {"q": "binh minh"}, headers={"HX-Request": "true"})
    assert "<html" not in htmx.text and "Trường Tiểu học Bình Minh" in htmx.text


def test_breadcrumbs_do_not_link_to_unreachable_ancestors(cast, login):
    page = login(cast.principal_a).get(reverse("units:unit_detail", args=["TRUONG-A"])).text
    assert 'href="/don-vi/PHONG-P/"' not in page
    assert "Phòng Giáo dục và Đào tạo huyện Phú Điền" in page


def test_head_adds_a_person_and_bad_date_keeps_input(cast, login):
    client = login(cast.principal_a)
    url = reverse("units:person_create", args=["TRUONG-A"])
    bad = client.post(
        url,
        {"code": "GV-0099", "full_name": "Võ Thị Mai", "date_of_birth": "31/02/1990", "category": "teacher"},
    )
    assert bad.status_code == 200
    assert "Ngày không tồn tại" in bad.text  # 31/02 is a day the calendar lacks, not a wrong format
    assert 'value="Võ Thị Mai"' in bad.text
    assert not Person.objects.filter(code="GV-0099").exists()

    ok = client.post(
        url,
        {
            "code": "GV-0099",
            "full_name": "Võ Thị Mai",
            "date_of_birth": "15/03/1990",
            "category": "teacher",
            "gender": "F",
        },
    )
    person = Person.objects.get(code="GV-0099")
    assert ok.status_code == 302 and person.unit == cast.school_a
    assert person.postings.count() == 1
    detail = client.get(ok["Location"]).text
    assert "15/03/1990" in detail and "Võ Thị Mai" in detail


def test_duplicate_person_code_is_a_clear_error(cast, login):
    client = login(cast.principal_a)
    existing = cast.person_teacher_a.code
    r = client.post(
        reverse("units:person_create", args=["TRUONG-A"]),
        {"code": existing, "full_name": "Ai Đó", "category": "staff"},
    )
    assert r.status_code == 200
    assert "đã tồn tại" in r.text
    assert Person.objects.filter(code=existing).count() == 1


def test_head_grants_staff_role_but_not_officer(cast, login):
    newcomer = UserFactory(username="gv_moi", email="gvmoi@example.edu.vn")
    PersonFactory(unit=cast.school_a, full_name="Giáo viên Mới", user=newcomer)  # on the school's roll: in scope
    client = login(cast.principal_a)
    url = reverse("units:membership_list", args=["TRUONG-A"])
    page = client.get(url).text
    assert 'value="officer"' not in page and 'value="assessor"' in page

    refused = client.post(url, {"login": "gv_moi", "role": Role.OFFICER})
    assert refused.status_code == 200 and "Select a valid choice" not in refused.text
    assert not Membership.objects.filter(user=newcomer, role=Role.OFFICER).exists()

    unknown = client.post(url, {"login": "khong_co_ai", "role": Role.STAFF})
    assert "Không tìm thấy tài khoản" in unknown.text

    client.post(url, {"login": "gvmoi@example.edu.vn", "role": Role.ASSESSOR})
    again = client.post(url, {"login": "gv_moi", "role": Role.ASSESSOR})  # double submit
    assert again.status_code == 302
    assert Membership.objects.filter(user=newcomer, unit=cast.school_a, role=Role.ASSESSOR).count() == 1


def test_revoke_keeps_the_row_and_ends_access(cast, login):
    m = Membership.objects.get(user=cast.teacher_a, unit=cast.school_a)
    client = login(cast.principal_a)
    client.post(reverse("units:membership_revoke", args=[m.public_id]))
    m.refresh_from_db()
    assert m.revoked_at is not None and m.revoked_by == cast.principal_a
    teacher = login(cast.teacher_a)
    assert teacher.get(reverse("units:unit_detail", args=["TRUONG-A"])).status_code == 404
    history = login(cast.principal_a).get(reverse("units:membership_list", args=["TRUONG-A"]), {"past": "1"}).text
    assert "đã thu hồi" in history


def test_officer_cannot_revoke_own_officer_role(cast, login):
    m = Membership.objects.get(user=cast.officer_s, role=Role.OFFICER)
    client = login(cast.officer_s)
    r = client.post(reverse("units:membership_revoke", args=[m.public_id]), follow=True)
    assert "không thể tự thu hồi" in r.text
    m.refresh_from_db()
    assert m.revoked_at is None


def test_officer_moves_a_school_with_reason_and_history_shows_it(cast, login):
    client = login(cast.officer_s)
    url = reverse("units:unit_move", args=["TRUONG-B"])
    wrong = client.post(url, {"new_parent_code": "SO-T", "effective": "01/07/2025", "note": "QĐ 1"})
    assert "Không tìm thấy đơn vị cấp trên" in wrong.text  # another province: not theirs to move into
    client.post(url, {"new_parent_code": "SO-S", "effective": "01/07/2025", "note": "Theo QĐ 123/QĐ-UBND"})
    school = Unit.objects.get(code="TRUONG-B")
    assert school.parent == cast.so_s
    page = client.get(reverse("units:unit_detail", args=["TRUONG-B"])).text
    assert "Chuyển đơn vị cấp trên" in page and "Theo QĐ 123/QĐ-UBND" in page and "01/07/2025" in page
    assert UnitVersion.objects.filter(unit=school).count() == 2


def test_head_adds_a_subject_team_but_not_a_school(cast, login):
    client = login(cast.principal_a)
    url = reverse("units:unit_create", args=["TRUONG-A"])
    page = client.get(url).text
    assert "Tổ chuyên môn" in page and "Trường trung học phổ thông" not in page
    r = client.post(url, {"code": "TO-A-VAN", "name": "Tổ Ngữ văn", "kind": _kind_id("to-chuyen-mon")})
    assert r.status_code == 302
    assert Unit.objects.get(code="TO-A-VAN").parent == cast.school_a
    dup = client.post(url, {"code": "TO-A-VAN", "name": "Tổ Ngữ văn 2", "kind": _kind_id("to-chuyen-mon")})
    assert "Mã đơn vị này đã được dùng" in dup.text


def test_block_refuses_units_outside_organiser_and_double_membership(cast, login):
    client = login(cast.officer_s)
    url = reverse("units:block_create", args=["SO-S"])
    r = client.post(url, {"name": "Khối THCS", "school_year": "2025-2026", "member_codes": "TRUONG-A TRUONG-X"})
    assert "không trực thuộc" in r.text and 'value="Khối THCS"' in r.text
    bad_year = client.post(url, {"name": "Khối THCS", "school_year": "2025-2027", "member_codes": "TRUONG-A"})
    assert "Năm học phải có dạng 2024-2025" in bad_year.text
    client.post(url, {"name": "Khối THCS", "school_year": "2025-2026", "member_codes": "TRUONG-A"})
    twice = client.post(url, {"name": "Khối khác", "school_year": "2025-2026", "member_codes": "TRUONG-A, TRUONG-B"})
    assert "Đã thuộc khối khác" in twice.text
    assert BlockMembership.objects.filter(unit=cast.school_a).count() == 1


def test_member_school_sees_its_block(cast, login):
    client = login(cast.officer_s)
    client.post(
        reverse("units:block_create", args=["SO-S"]),
        {"name": "Khối các trường", "school_year": "2025-2026", "member_codes": "TRUONG-A"},
    )
    page = login(cast.principal_a).get(reverse("units:block_list")).text
    assert "Khối các trường" in page
    assert "Khối các trường" not in login(cast.outsider).get(reverse("units:block_list")).text


def test_account_for_person_sends_vietnamese_setup_mail_once(cast, login):
    client = login(cast.principal_b)
    url = reverse("units:person_account", args=[cast.person_b.public_id])
    client.post(url, {"username": "tvbinh", "email": "tvbinh@example.edu.vn"})
    cast.person_b.refresh_from_db()
    assert cast.person_b.user.username == "tvbinh"
    assert not cast.person_b.user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["tvbinh@example.edu.vn"]
    r = client.post(url, {"username": "tvbinh2", "email": "x@example.edu.vn"}, follow=True)
    assert "đã có tài khoản" in r.text


def test_healthz_answers_without_login(client, db):
    assert client.get(reverse("units:healthz")).json() == {"status": "ok"}


def _kind_id(code: str) -> int:
    from units.models import UnitKind

    return UnitKind.objects.get(code=code).pk


def test_bell_list_read_and_outbox_scope(cast, login):
    from units import notify
    from units.models import Message

    notify.notify(
        recipient=cast.principal_a,
        kind="event",
        subject="Hồ sơ bị trả lại",
        body="Bổ sung minh chứng",
        key="ev:1",
        url="/don-vi/TRUONG-A/",
        unit=cast.school_a,
    )
    notify.notify(
        recipient=cast.outsider, kind="event", subject="Việc của tỉnh khác", body="...", key="ev:2", unit=cast.school_x
    )
    client = login(cast.principal_a)
    home = client.get("/").text
    assert '<span class="count">1</span>' in home
    page = client.get(reverse("units:messages")).text
    assert "Hồ sơ bị trả lại" in page and "Việc của tỉnh khác" not in page
    message = Message.objects.get(key="ev:1")
    r = client.post(reverse("units:message_read"), {"id": message.public_id, "open": "1"})
    assert r["Location"] == "/don-vi/TRUONG-A/"
    assert '<span class="count">' not in client.get("/").text
    # Someone else's message id changes nothing.
    other = Message.objects.get(key="ev:2")
    client.post(reverse("units:message_read"), {"id": other.public_id})
    other.refresh_from_db()
    assert other.read_at is None
    outbox = login(cast.officer_s).get(reverse("units:outbox")).text
    assert "Hồ sơ bị trả lại" in outbox and "Việc của tỉnh khác" not in outbox


def test_preferences_toggle_digest(cast, login):
    from units.models import NotificationPreference

    client = login(cast.teacher_a)
    client.post(reverse("units:message_preferences"), {"digest_only": "on"})
    assert NotificationPreference.objects.get(user=cast.teacher_a).digest_only
