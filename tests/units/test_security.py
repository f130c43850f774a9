"""Account security (issue 9): two-step verification required for officers, sign-out everywhere, officer
unlock of a lockout, the append-only audit log and who may read it, the client address behind proxies."""

from __future__ import annotations

import socket
import struct
import threading

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from nominations import services as nomination_services
from nominations.models import Quota
from units import audit, services
from units.models import AuditEntry, Role

from ..factories import PersonFactory, UserFactory, enroll_totp, grant, totp_code
from ..nominations.helpers import as_user, campaign_000, council_pass, dossier, heads, ready

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/login/"
PASSWORD = "Mat-khau-dung-2026"


def _user_with_password(username: str, **extra):
    user = UserFactory(username=username, email=f"{username}@example.edu.vn", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


# --- Two-step verification ------------------------------------------------------------------------------


def test_officer_without_authenticator_is_sent_to_set_it_up(cast):
    officer = UserFactory(username="officer_new")
    services.membership_grant(user=officer, unit=cast.so_s, role=Role.OFFICER)
    client = as_user(officer)
    r = client.get("/", follow=True)
    # The set-up page (allauth first asks for the password again when the sign-in is not recent).
    assert r.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert "phải bật xác thực hai bước" in r.text
    # A form post is refused plainly (nothing half-done), an HTMX request is told where to go.
    post = client.post(reverse("units:logout_everywhere"))
    assert post.status_code == 403 and "xác thực hai bước" in post.text
    assert client.get("/", headers={"HX-Request": "true"})["HX-Redirect"] == reverse("mfa_activate_totp")
    # Public pages (published results, document verification) stay open to read.
    assert client.get("/cong-khai/khen-thuong/khong-co/").status_code == 404
    assert client.get("/xac-thuc/KHONGCO/").status_code == 404
    # Once the app is set up the portal opens.
    enroll_totp(officer)
    assert client.get("/").status_code == 200


def test_school_head_may_work_without_two_step(cast):
    assert not Authenticator.objects.filter(user=cast.principal_a).exists()
    assert as_user(cast.principal_a).get("/").status_code == 200


def test_superuser_needs_two_step_and_admin_login_goes_through_the_portal(cast, client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    r = as_user(admin).get("/quan-tri/")
    assert r.status_code == 302 and r["Location"] == reverse("mfa_activate_totp")
    r = client.get("/quan-tri/login/?next=/quan-tri/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("account_login"))


def test_sign_in_with_authenticator_code(cast, client):
    officer = _user_with_password("officer_totp")
    grant(officer, cast.so_s, Role.OFFICER)
    secret = enroll_totp(officer)
    r = client.post(LOGIN, {"login": "officer_totp", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not signed in before the code
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Mã" in wrong.text
    r = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login.success", actor=officer, unit=cast.so_s).exists()


def test_officer_cannot_switch_off_their_only_authenticator(cast):
    client = as_user(cast.officer_s)
    r = client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=cast.officer_s, type="totp").exists()
    assert r.status_code in (200, 302)


# --- Sessions and lockouts ------------------------------------------------------------------------------


def test_logout_everywhere_ends_other_sessions_only(cast):
    here, there = Client(), Client()
    for c in (here, there):
        c.force_login(cast.principal_a, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert there.get("/").status_code == 200
    r = here.post(reverse("units:logout_everywhere"), follow=True)
    assert "Đã đăng xuất khỏi mọi thiết bị khác" in r.text
    assert here.get("/").status_code == 200
    assert there.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="logout.everywhere", actor=cast.principal_a).count() == 1


def test_head_unlocks_a_teacher_locked_out(cast, client):
    teacher = cast.teacher_a
    teacher.set_password(PASSWORD)
    teacher.save()
    for _ in range(5):
        client.post(LOGIN, {"login": "teacher_a", "password": "sai"}, REMOTE_ADDR="10.0.0.7")
    assert client.post(LOGIN, {"login": "teacher_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7").status_code == 429
    locked = AuditEntry.objects.filter(action="login.locked").first()
    assert locked.ip == "10.0.0.7" and locked.unit == cast.school_a
    assert AuditEntry.objects.filter(action="login.failed", unit=cast.school_a).count() >= 5

    head = as_user(cast.principal_a)
    page = head.get(reverse("units:person_detail", args=[cast.person_teacher_a.public_id]))
    assert "Tài khoản đang bị tạm khóa đăng nhập" in page.text
    # A colleague who may not manage people cannot unlock.
    colleague = UserFactory(username="teacher_2")
    grant(colleague, cast.school_a, Role.STAFF)
    other = as_user(colleague)
    url = reverse("units:person_unlock", args=[cast.person_teacher_a.public_id])
    assert other.post(url).status_code == 403
    r = head.post(url, follow=True)
    assert "Đã mở khóa đăng nhập cho teacher_a" in r.text
    assert client.post(LOGIN, {"login": "teacher_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7").status_code == 302
    assert AuditEntry.objects.filter(action="login.unlocked", actor=cast.principal_a).exists()


# --- The audit log --------------------------------------------------------------------------------------


def test_transitions_are_logged_with_actor_address_and_before_after(cast):
    h = heads(cast)
    campaign = campaign_000(cast, deadline_locks=False)
    award_round = nomination_services.round_create(campaign, kind="yearly", school_year="2025-2026", actor=h["head_p"])
    form = award_round.award_forms.get()
    n = nomination_services.nomination_create(
        award_round, cast.school_a, actor=cast.principal_a, award_form=form, subject="collective"
    )
    ready(n, cast.principal_a)
    council_pass(award_round, cast.school_a, cast.principal_a)
    sub = dossier(award_round, cast.school_a, cast.principal_a)
    school = as_user(cast.principal_a)
    r = school.post(
        reverse("nominations:submission", args=[sub.public_id]),
        {"action": "submit", "version": sub.version},
        REMOTE_ADDR="203.113.1.5",
        follow=True,
    )
    assert r.status_code == 200
    sent = AuditEntry.objects.get(action="submission.state", object_id=sub.public_id)
    assert sent.actor == cast.principal_a and sent.ip == "203.113.1.5" and sent.unit == cast.school_a
    assert sent.before == {"state": "draft"} and sent.after == {"state": "submitted"}
    moved = AuditEntry.objects.get(action="nomination.state", object_id=n.public_id)
    assert moved.before["state"] == "draft" and moved.after["state"] == "submitted"

    reviewer = as_user(cast.reviewer_p)
    r = reviewer.post(
        reverse("nominations:action", args=[n.public_id, "tra-lai"]),
        {"reason": "Thiếu biên bản họp tổ"},
        REMOTE_ADDR="113.160.2.9",
    )
    back = AuditEntry.objects.filter(action="nomination.state", object_id=n.public_id).order_by("pk").last()
    assert back.actor == cast.reviewer_p and back.ip == "113.160.2.9"
    assert back.after["state"] == "returned" and back.note == "Thiếu biên bản họp tổ"

    quota = Quota.objects.filter(round=award_round).first()
    nomination_services.quota_save(
        award_round,
        award_form=form,
        scope=quota.scope,
        unit=quota.unit,
        max_collectives=3,
        max_individuals=2,
        actor=h["head_p"],
    )
    q = AuditEntry.objects.get(action="quota.changed")
    assert q.before == {"max_collectives": 2, "max_individuals": 2} and q.after["max_collectives"] == 3


def test_role_grant_is_logged_and_entries_are_append_only(cast):
    newcomer = UserFactory(username="gv_moi")
    PersonFactory(unit=cast.school_a, user=newcomer)  # on the school's roll: inside the head's scope
    client = as_user(cast.principal_a)
    r = client.post(
        reverse("units:membership_list", args=[cast.school_a.code]),
        {"login": "gv_moi", "role": Role.STAFF},
        REMOTE_ADDR="14.161.0.1",
    )
    assert r.status_code == 302, r.content[:2000]
    entry = AuditEntry.objects.get(action="membership.granted", actor=cast.principal_a)
    assert entry.actor == cast.principal_a and entry.ip == "14.161.0.1" and entry.unit == cast.school_a
    assert entry.after["user"] == newcomer.username and entry.after["role"] == Role.STAFF

    with pytest.raises(Exception, match="không được sửa"):
        entry.save()
    with pytest.raises(Exception, match="không được xóa"):
        entry.delete()
    assert connection.vendor == "postgresql"
    for sql in ("UPDATE units_auditentry SET note = 'x'", "DELETE FROM units_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, note="").exists()


def _entries(cast):
    for unit in (cast.school_a, cast.school_b, cast.phong_p, cast.school_x):
        audit.record("unit.changed", unit, unit=unit, before={"name": "cũ"}, after={"name": unit.name})


def test_officers_read_the_log_of_their_scope_only(cast):
    _entries(cast)
    page = as_user(cast.officer_s).get(reverse("units:audit_log"))
    assert page.status_code == 200
    assert cast.school_a.name in page.text and cast.school_b.name in page.text
    assert cast.school_x.name not in page.text  # another province
    assert "Sửa thông tin đơn vị" in page.text and "<s>cũ</s>" in page.text
    # Narrowed to one unit; a unit outside the scope is not found.
    one = as_user(cast.officer_s).get(reverse("units:audit_log"), {"unit": cast.school_a.code})
    assert cast.school_a.name in one.text and cast.school_b.name not in one.text
    assert as_user(cast.officer_s).get(reverse("units:audit_log"), {"unit": cast.school_x.code}).status_code == 404
    # Heads, teachers and reviewers do not read the log.
    for user in (cast.principal_a, cast.teacher_a, cast.reviewer_p):
        assert as_user(user).get(reverse("units:audit_log")).status_code == 403
    bad = as_user(cast.officer_s).get(reverse("units:audit_log"), {"since": "31/12/2026", "until": "01/01/2026"})
    assert "“Đến ngày” phải sau “Từ ngày”" in bad.text


def test_log_pages_by_cursor_with_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    client = as_user(cast.officer_s)
    client.get(reverse("units:audit_log"))
    for _ in range(60):
        audit.record("unit.changed", cast.school_a, unit=cast.school_a, before={"name": "a"}, after={"name": "b"})
    with django_assert_max_num_queries(8):
        first = client.get(reverse("units:audit_log"))
    assert first.text.count("<s>a</s>") == 50 and "truoc=" in first.text
    last_id = AuditEntry.objects.order_by("pk").values_list("pk", flat=True)[10]
    rest = client.get(reverse("units:audit_log"), {"truoc": last_id})
    assert "truoc=" not in rest.text


def test_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    assert audit.client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert audit.client_ip(request) == "198.51.100.7"  # the client cannot forge the hop its proxy appended


def test_password_reset_is_rate_limited(cast, client):
    url, data = "/tai-khoan/password/reset/", {"email": "principal_a@example.edu.vn"}
    codes = [client.post(url, data).status_code for _ in range(8)]
    assert codes[0] == 302 and 429 in codes


class _FakeClamd(threading.Thread):
    """A peer speaking clamd's INSTREAM protocol on 127.0.0.1 (what a ClamAV daemon answers)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]

    def run(self):
        while True:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            with conn:
                assert conn.recv(10) == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack(">I", self._read(conn, 4))[0]
                    if size == 0:
                        break
                    data += self._read(conn, size)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                conn.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0" if found else b"stream: OK\0")

    @staticmethod
    def _read(conn, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            buf += conn.recv(n - len(buf))
        return buf


def test_uploads_go_through_clamd_when_configured(settings):
    from units.uploads import check_upload

    clamd = _FakeClamd()
    clamd.start()
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{clamd.port}"
    settings.UPLOAD_SCANNER = "units.uploads.clamd_scan"
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    error, _ok = check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + eicar), accept=("pdf",))
    assert "bị phần mềm diệt virus chặn (Win.Test.EICAR_HDB-1)" in error
    error, ok = check_upload(SimpleUploadedFile("b.pdf", b"%PDF-1.4\n" + b"x" * 200_000), accept=("pdf",))
    assert error is None and ok.extension == "pdf"
    clamd.server.shutdown(socket.SHUT_RDWR)  # wakes the thread's accept() so the port really closes
    clamd.server.close()
    clamd.join(5)
    # clamd down: refused with a reason to retry, never accepted unscanned.
    error, _ok = check_upload(SimpleUploadedFile("c.pdf", b"%PDF-1.4\n"), accept=("pdf",))
    assert "máy quét virus không phản hồi" in error


def test_an_oversize_upload_is_refused_while_it_arrives(cast, settings):
    from criteria.models import EvidenceItem
    from units.uploads import OversizeUpload

    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    r = as_user(cast.principal_a).post(
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
        {"title": "Biên bản họp", "issued_on": "01/09/2025", "file": big},
        follow=True,
    )
    assert "Tệp “bien-ban.pdf” quá lớn (tối đa 1 MB)" in r.text
    assert not EvidenceItem.objects.filter(unit=cast.school_a).exists()
    upload = r.wsgi_request.FILES["file"]
    assert isinstance(upload, OversizeUpload) and upload.size > settings.UPLOAD_MAX_BYTES  # no content was kept


def test_changes_made_in_the_admin_are_logged(cast):
    root = UserFactory(username="root_admin", is_staff=True, is_superuser=True)
    enroll_totp(root)
    client = as_user(root)
    membership = cast.teacher_a.memberships.get(unit=cast.school_a)
    url = f"/quan-tri/units/membership/{membership.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(user=cast.teacher_a.pk, unit=cast.school_a.pk, role=Role.ASSESSOR, valid_from="", valid_to="")
    for key in ("granted_by", "revoked_by", "revoked_at"):
        data.setdefault(key, "")
    r = client.post(url, data, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    entry = AuditEntry.objects.get(action="admin.changed", object_type="units.membership")
    assert entry.actor == root and entry.ip == "10.1.2.3" and entry.unit == cast.school_a
    assert entry.before["role"] == Role.STAFF and entry.after["role"] == Role.ASSESSOR
    assert cast.officer_s.username  # the officer of the Sở reads it in the log of the Sở's subtree
    assert "Sửa trong trang quản trị" in as_user(cast.officer_s).get(reverse("units:audit_log")).text


def test_bulk_deletion_in_the_admin_is_logged(cast):
    from units.models import Province

    root = UserFactory(username="root_bulk", is_staff=True, is_superuser=True)
    enroll_totp(root)
    spare = Province.objects.create(code="ZZ", name="Tỉnh thử xóa")
    r = as_user(root).post(
        "/quan-tri/units/province/", {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"}
    )
    assert r.status_code == 302 and not Province.objects.filter(pk=spare.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted", object_type="units.province")
    assert entry.actor == root and entry.object_repr == str(spare)


def test_smoke_check_signs_nobody_in(cast):
    """The post-restore smoke check opens the pages with a session of its own: no sign-in is logged for the
    user it borrows."""
    import io

    from django.core.management import call_command

    logged = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("smoke_check", stdout=out)
    assert "7 trang trả về 200" in out.getvalue()
    assert AuditEntry.objects.count() == logged
