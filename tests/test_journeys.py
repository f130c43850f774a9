"""Three journeys in a real browser (Debian Chromium through Playwright), signing in through the login page:

1. a principal on a phone fills two criteria with evidence, sees the level and what is missing, approves and
   sends the self-assessment;
2. the Phòng reviewer returns a criterion with a reason, the principal fixes and resends, the reviewer sees the
   change and recognises; then approves nominations within the quota (the third is refused on the page) and
   the Phòng head forwards the approved ones to the Sở;
3. a Sở officer signs in with the authenticator code, exports the province's status report, watches the
   progress bar while a real Celery worker builds it, downloads the Excel and a PDF and opens both.

Screenshots of every step go to JOURNEY_SCREENSHOTS (default artifacts/journeys/, ignored by git)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from criteria.models import Assessment, CriterionEntry, EvidenceItem, Indicator
from nominations import services as nomination_services
from nominations.models import Nomination, Submission
from reports.models import ReportJob

from .criteria.test_cycle import post_entry
from .factories import PersonFactory, enroll_totp, school_campaign, totp_code
from .nominations.helpers import campaign_000, council_pass, dossier, heads, ready
from .test_celery_worker import _worker_env, purge_broker, start_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("JOURNEY_SCREENSHOTS", ROOT / "artifacts" / "journeys"))
PASSWORD = "Hanh-trinh-2026"
YEAR = "2025-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def browser(chromium):
    SHOTS.mkdir(parents=True, exist_ok=True)
    return chromium


class Journey:
    """One person's browser tab: signs in through the login page, takes numbered screenshots, collects
    console errors (a CSP violation is one) and accepts confirmation dialogs."""

    def __init__(self, browser, live_server, name: str, **context):
        self.name, self.step = name, 0
        self.context = browser.new_context(base_url=live_server.url, accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: d.accept())

    def shot(self, label: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.step:02d}-{label}.png"), full_page=True)

    def sign_in(self, username: str, secret: str | None = None) -> None:
        page = self.page
        page.goto(reverse("account_login"))
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", PASSWORD)
        self.shot("dang-nhap")
        page.locator("form button[type=submit]").first.click()
        if secret is not None:
            page.wait_for_url(re.compile(r"/2fa/authenticate/"))
            page.fill("input[name=code]", totp_code(secret))
            self.shot("ma-xac-thuc")
            page.locator("form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/tai-khoan/" not in url)

    def download_when_ready(self, folder: Path, label: str) -> Path:
        """Waits on the job page until the file is built, then downloads it into `folder`."""
        self.page.get_by_text("Đã tạo xong").wait_for(timeout=60_000)
        self.shot(label)
        with self.page.expect_download() as got:
            self.page.get_by_role("link", name="Tải về").click()
        target = folder / got.value.suggested_filename
        got.value.save_as(target)
        return target

    def flash(self) -> str:
        return " ".join(self.page.locator(".messages, [role=alert], .msg").all_inner_texts())

    def close(self) -> None:
        assert not [e for e in self.errors if "Content Security Policy" in e], self.errors
        self.context.close()


def _password(*users) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save()


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return c


def _assessment_with_all_but(cast, codes: tuple[str, ...]) -> tuple[Assessment, EvidenceItem]:
    """School A's self-assessment with every criterion entered except `codes` (the team's earlier work)."""
    head = _client(cast.principal_a)
    head.post(reverse("criteria:start", args=[cast.school_a.code]), {"school_year": YEAR})
    assessment = Assessment.objects.get(unit=cast.school_a, school_year=YEAR)
    team = {
        "part": "team",
        "decision_number": "15/QĐ-THCSAB",
        "decision_date": "05/09/2025",
        "members": [cast.principal_a.pk, cast.teacher_a.pk],
        "leader": cast.principal_a.pk,
    }
    assert head.post(reverse("criteria:team", args=[assessment.public_id]), team).status_code == 302
    head.post(
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
        {"title": "Kế hoạch CĐS năm học", "issued_on": "01/09/2025", "file": SimpleUploadedFile("kh.pdf", b"%PDF-1.4")},
    )
    item = EvidenceItem.objects.get(unit=cast.school_a)
    for entry in assessment.entries.exclude(criterion__code__in=codes):
        assert post_entry(head, assessment, entry, item).status_code == 302
    return assessment, item


def _fill_entry(j: Journey, entry: CriterionEntry, evidence_title: str) -> None:
    """Fills every indicator of a criterion on its page, adds a new evidence file and ticks it everywhere."""
    page = j.page
    page.goto(reverse("criteria:entry", args=[entry.assessment.public_id, entry.pk]))
    page.fill("#ev-title", evidence_title)
    page.fill("#ev-date", "15/09/2025")
    body = f"%PDF-1.4\n% {evidence_title}\n%%EOF".encode()  # a file of its own (the library keeps one copy)
    upload = {"name": "minh-chung.pdf", "mimeType": "application/pdf", "buffer": body}
    page.set_input_files("#ev-file", files=[upload])
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm vào thư viện").click()
    j.shot(f"minh-chung-{entry.criterion.code}")
    item = EvidenceItem.objects.get(unit=entry.assessment.unit, title=evidence_title)
    for indicator in Indicator.objects.filter(criterion=entry.criterion):
        if indicator.kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
            page.check(f"input[name='i{indicator.pk}-value'][value=yes]")
        elif indicator.kind == Indicator.Kind.LEVELS:
            page.check(f"input[name='i{indicator.pk}-value'][value='2']")
        elif indicator.kind == Indicator.Kind.NUMBER:
            page.fill(f"#v{indicator.pk}", "5")
        elif indicator.kind == Indicator.Kind.PERCENTAGE:
            page.fill(f"#n{indicator.pk}", "30")
            page.fill(f"#d{indicator.pk}", "40")
        page.check(f"input[name='i{indicator.pk}-evidence'][value='{item.pk}']")
    j.shot(f"tieu-chi-{entry.criterion.code}")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu tiêu chí").click()


def _click_step(j: Journey, button: str) -> str:
    with j.page.expect_navigation():
        j.page.get_by_role("button", name=button).click()
    return j.flash()


def _send_assessment(j: Journey, assessment: Assessment) -> None:
    page = j.page
    page.goto(reverse("criteria:detail", args=[assessment.public_id]))
    assert "Đã ghi nhận biên bản" in _click_step(j, "Ghi nhận biên bản")
    page.fill("#ap-number", "20/QĐ-THCSAB")
    page.fill("#ap-date", "08/06/2026")
    assert "Đã phê duyệt" in _click_step(j, "Phê duyệt kết quả")
    j.shot("phe-duyet")
    assert "Đã gửi cấp trên" in _click_step(j, "Gửi cấp trên")
    j.shot("da-gui")


def test_journey_1_principal_on_a_phone(cast, browser, live_server):
    _password(cast.principal_a)
    assessment, _item = _assessment_with_all_but(cast, ("1.2", "2.3"))
    j = Journey(browser, live_server, "1-hieu-truong", **PHONE)
    j.sign_in("principal_a")
    j.shot("viec-can-lam")
    j.page.goto(reverse("criteria:detail", args=[assessment.public_id]))
    j.shot("truoc-khi-nhap")
    for code, title in (("1.2", "Kế hoạch dạy học trực tuyến"), ("2.3", "Sổ theo dõi thanh toán không dùng tiền mặt")):
        _fill_entry(j, CriterionEntry.objects.get(assessment=assessment, criterion__code=code), title)
        assert (
            "Đã lưu" in j.flash() or CriterionEntry.objects.get(assessment=assessment, criterion__code=code).version > 1
        )
    j.page.goto(reverse("criteria:detail", args=[assessment.public_id]))
    text = j.page.inner_text("main")
    assert "Mức độ 3" in text  # the level reached
    assert "Để lên mức độ" in text or "Đã đạt mức cao nhất" in text or "Mức độ 3" in text
    j.shot("muc-do")
    _send_assessment(j, assessment)
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    # On a phone the page never scrolls sideways.
    assert j.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    j.close()


def test_journey_2_reviewer_returns_recognises_and_forwards_nominations(cast, browser, live_server):
    _password(cast.principal_a, cast.reviewer_p)
    h = heads(cast)
    _password(h["head_p"])
    assessment, _item = _assessment_with_all_but(cast, ())
    head = _client(cast.principal_a)
    for action, data in (("bien-ban", {}), ("phe-duyet", {"number": "20/QĐ", "date": "08/06/2026"}), ("gui", {})):
        version = Assessment.objects.get(pk=assessment.pk).version
        head.post(reverse("criteria:step", args=[assessment.public_id, action]), {"version": version, **data})
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"

    reviewer = Journey(browser, live_server, "2-chuyen-vien")
    reviewer.sign_in("reviewer_p")
    review_url = reverse("criteria:review", args=[assessment.public_id])
    reviewer.page.goto(review_url)
    reviewer.page.fill("#reason-1\\.2", "Thiếu kế hoạch có chữ ký của Hiệu trưởng")
    reviewer.shot("tra-lai")
    with reviewer.page.expect_navigation():
        reviewer.page.get_by_role("button", name="Trả lại để bổ sung").click()
    assert Assessment.objects.get(pk=assessment.pk).state == "returned"

    principal = Journey(browser, live_server, "2-hieu-truong")
    principal.sign_in("principal_a")
    principal.page.goto(reverse("criteria:detail", args=[assessment.public_id]))
    assert "Thiếu kế hoạch có chữ ký của Hiệu trưởng" in principal.page.inner_text("main")
    principal.shot("thay-ly-do")
    e12 = CriterionEntry.objects.get(assessment=assessment, criterion__code="1.2")
    yes_no = Indicator.objects.filter(criterion=e12.criterion, kind="yes_no").first()
    principal.page.goto(reverse("criteria:entry", args=[assessment.public_id, e12.pk]))
    principal.page.check(f"input[name='i{yes_no.pk}-value'][value=no]")
    with principal.page.expect_navigation():
        principal.page.get_by_role("button", name="Lưu tiêu chí").click()
    principal.page.goto(reverse("criteria:detail", args=[assessment.public_id]))
    assert "Đã gửi cấp trên" in _click_step(principal, "Gửi lại cấp trên")
    principal.shot("gui-lai")

    reviewer.page.goto(review_url)
    text = reviewer.page.inner_text("main")
    assert "Thay đổi so với lần gửi trước" in text and "1.2.1" in text
    reviewer.shot("xem-thay-doi")
    reviewer.page.fill("#rc-number", "99/QĐ-PGDĐT")
    reviewer.page.fill("#rc-date", "20/06/2026")
    reviewer.page.check("#rc-provisional")  # the shipped sets are provisional: recognition asks to confirm
    assert "Đã công nhận" in _click_step(reviewer, "Công nhận")
    reviewer.shot("cong-nhan")

    # Nominations: school A sends three individuals; the Phòng's quota is 02 individuals.
    campaign = campaign_000(cast, deadline_locks=False)
    award_round = nomination_services.round_create(campaign, kind="yearly", school_year=YEAR, actor=h["head_p"])
    form = award_round.award_forms.get()
    people = [
        cast.person_teacher_a,
        *(PersonFactory(unit=cast.school_a, full_name=n) for n in ("Ngô Thị Hoa", "Võ Văn Tâm")),
    ]
    nominations = []
    for person in people:
        n = nomination_services.nomination_create(
            award_round, cast.school_a, actor=cast.principal_a, award_form=form, subject="individual", person=person
        )
        nominations.append(ready(n, cast.principal_a))
    council_pass(award_round, cast.school_a, cast.principal_a)
    sub = dossier(award_round, cast.school_a, cast.principal_a)
    nomination_services.submission_submit(sub, actor=cast.principal_a, version=sub.version)

    queue = reverse("nominations:queue", args=[award_round.public_id]) + f"?cap={cast.phong_p.code}"
    reviewer.page.goto(queue)
    for n in nominations:
        reviewer.page.check(f"input[name=chon][value='{n.public_id}']")
    reviewer.shot("hang-doi")
    with reviewer.page.expect_navigation():
        reviewer.page.get_by_role("button", name="Duyệt các đề nghị đã chọn").click()
    said = reviewer.flash()
    assert "Đã duyệt 2" in said and "Đã đủ hạn mức 2 cá nhân" in said, said
    assert "Cá nhân: 2/2" in reviewer.page.inner_text("main")  # the quota badge counts each approval once
    reviewer.shot("vuot-han-muc")
    # The same queue on a phone: cards instead of a wide table, badges wrapped, nothing runs off the screen.
    reviewer.page.set_viewport_size({"width": 390, "height": 844})
    reviewer.page.goto(queue)
    assert reviewer.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    reviewer.shot("hang-doi-dien-thoai")
    reviewer.page.set_viewport_size({"width": 1280, "height": 720})
    third = Nomination.objects.get(state="submitted", round=award_round)
    reviewer.page.goto(reverse("nominations:detail", args=[third.public_id]))
    reviewer.page.fill("#rs", "Đã đủ hạn mức của Phòng")
    with reviewer.page.expect_navigation():
        reviewer.page.get_by_role("button", name="Không đề nghị").click()
    assert Nomination.objects.get(pk=third.pk).state == "rejected"

    # The Phòng council voted; its head prepares the dossier to the Sở, signs and sends it.
    council_pass(award_round, cast.phong_p, h["head_p"], total=7)
    phong = Journey(browser, live_server, "2-truong-phong")
    phong.sign_in("head_p")
    phong.page.goto(reverse("nominations:board", args=[award_round.public_id]))
    phong.shot("bang-theo-doi")
    with phong.page.expect_navigation():
        phong.page.get_by_role("button", name="Lập hồ sơ trình cấp trên").first.click()
    sub_p = Submission.objects.get(from_unit=cast.phong_p)
    phong.page.fill("#s-number", "88/TTr-PGDĐT")
    phong.page.fill("#s-date", "30/09/2026")
    phong.page.fill("#s-signer", "Trưởng phòng P")
    with phong.page.expect_navigation():
        phong.page.get_by_role("button", name="Lưu hồ sơ").click()
    phong.shot("to-trinh")
    with phong.page.expect_navigation():
        phong.page.get_by_role("button", name="Ký và gửi hồ sơ").click()
    assert "Đã ký và gửi" in phong.flash(), phong.flash()
    phong.shot("da-trinh-so")
    sub_p.refresh_from_db()
    assert sub_p.state == Submission.State.SUBMITTED and sub_p.to_unit == cast.so_s and sub_p.items.count() == 2
    for j in (reviewer, principal, phong):
        j.close()


def test_journey_3_officer_exports_and_downloads(cast, browser, live_server, tmp_path):
    from config.celery import app

    officer = cast.officer_s
    _password(officer)
    secret = enroll_totp(officer)
    campaign = school_campaign(cast)
    from campaigns import services as campaign_services

    campaign_services.deadline_save(
        campaign,
        title="Báo cáo kết quả",
        kind="target_report",
        recurrence="yearly",
        day=1,
        month=12,
        basis="calendar_year",
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    assessment, _ = _assessment_with_all_but(cast, ())

    env = _worker_env()
    env["CELERY_BROKER_URL"] = app.conf.broker_url  # the broker the live server sends to
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    purge_broker(env)
    worker = start_worker(env)
    try:
        j = Journey(browser, live_server, "3-can-bo-so")
        j.sign_in(officer.username, secret)
        j.page.goto(reverse("reports:home"))
        j.page.select_option("#r-kind", "campaign_status")
        j.page.select_option("#r-unit", cast.so_s.code)
        j.page.select_option("#r-campaign", campaign.public_id)
        j.shot("chon-bao-cao")
        j.page.get_by_role("button", name="Tạo báo cáo").click()
        j.page.wait_for_url(re.compile(r"/bao-cao/"))
        assert j.page.locator("progress").count() == 1 or "Đã tạo xong" in j.page.inner_text("main")
        j.shot("tien-do")
        xlsx = j.download_when_ready(tmp_path, "xong")
        import openpyxl

        book = openpyxl.load_workbook(xlsx, read_only=True)
        assert len(book.sheetnames) >= 2
        cells = [str(c) for row in book[book.sheetnames[1]].iter_rows(max_row=40, values_only=True) for c in row if c]
        assert any(cast.school_a.name in c for c in cells), cells[:40]

        # The self-assessment PDF of a school of the province.
        j.page.goto(reverse("criteria:detail", args=[assessment.public_id]))
        j.page.get_by_role("button", name="Xuất báo cáo tự đánh giá (PDF)").click()
        pdf = j.download_when_ready(tmp_path, "pdf-xong")
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and cast.school_a.name in text
        assert ReportJob.objects.filter(requester=officer, state="done").count() == 2
        j.close()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
