"""The whole yearly cycle with the cast, through the pages: team, entry, evidence, minutes, approval,
submission, two returns with reasons per criterion, the reviewer's diff, recognition, the public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.deadlines import LOCAL_TZ
from criteria import selectors, services
from criteria.models import Assessment, CriterionEntry, EvidenceItem, Indicator
from units.models import Message, Role

from ..factories import UserFactory, grant, school_campaign

YEAR = "2025-2026"


def full_values(entry: CriterionEntry, **override) -> dict:
    values = {}
    for indicator in Indicator.objects.filter(criterion=entry.criterion):
        prefix = f"i{indicator.pk}-"
        if indicator.kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
            values[prefix + "value"] = "yes"
        elif indicator.kind == Indicator.Kind.LEVELS:
            values[prefix + "value"] = "2"
        elif indicator.kind == Indicator.Kind.NUMBER:
            values[prefix + "value"] = "5"
        elif indicator.kind == Indicator.Kind.PERCENTAGE:
            values[prefix + "numerator"], values[prefix + "denominator"] = "30", "40"
    values.update(override)
    return values


def post_entry(client, assessment, entry, item, **override):
    entry.refresh_from_db()
    data = {"version": entry.version, "evidence_present": "1", **full_values(entry, **override)}
    for indicator in Indicator.objects.filter(criterion=entry.criterion):
        data[f"i{indicator.pk}-evidence"] = [str(item.pk)]
    return client.post(reverse("criteria:entry", args=[assessment.public_id, entry.pk]), data)


def entry_of(assessment, code: str) -> CriterionEntry:
    return CriterionEntry.objects.get(assessment=assessment, criterion__code=code)


def as_user(user) -> Client:
    """A browser of its own per person (the shared `login` fixture switches one client)."""
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


@pytest.fixture
def head(cast):
    return as_user(cast.principal_a)


def test_full_cycle(cast, client):
    head = as_user(cast.principal_a)
    # Start, team, assignment.
    head.post(reverse("criteria:start", args=[cast.school_a.code]), {"school_year": YEAR})
    assessment = Assessment.objects.get(unit=cast.school_a, school_year=YEAR)
    assert assessment.indicator_set.code == "qd4725-v1"
    r = head.post(
        reverse("criteria:team", args=[assessment.public_id]),
        {
            "part": "team",
            "decision_number": "15/QĐ-THCSAB",
            "decision_date": "05/09/2025",
            "members": [cast.principal_a.pk, cast.teacher_a.pk],
            "leader": cast.principal_a.pk,
        },
    )
    assert r.status_code == 302
    e12 = entry_of(assessment, "1.2")
    head.post(
        reverse("criteria:team", args=[assessment.public_id]),
        {"part": "assign", f"lead-{e12.pk}": cast.teacher_a.pk},
    )
    assert entry_of(assessment, "1.2").lead == cast.teacher_a

    # The teacher uploads evidence once and enters criterion 1.2; 1.3 is not theirs.
    teacher = as_user(cast.teacher_a)
    r = teacher.post(
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
        {
            "title": "Kế hoạch dạy học trực tuyến",
            "issued_on": "01/09/2025",
            "file": SimpleUploadedFile("kh.pdf", b"%PDF-1.4 ok"),
        },
    )
    assert r.status_code == 302
    item = EvidenceItem.objects.get(unit=cast.school_a)
    assert post_entry(teacher, assessment, e12, item).status_code == 302
    assert post_entry(teacher, assessment, entry_of(assessment, "1.3"), item).status_code == 403
    page = teacher.get(reverse("criteria:detail", args=[assessment.public_id])).text
    assert "Để lên mức độ" in page

    # The head fills the rest, records the minutes, approves and submits.
    for entry in assessment.entries.exclude(pk=e12.pk):
        assert post_entry(head, assessment, entry, item).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.level_1, assessment.level_2) == (3, 3)
    step = lambda action, **data: head.post(  # noqa: E731
        reverse("criteria:step", args=[assessment.public_id, action]),
        {"version": Assessment.objects.get(pk=assessment.pk).version, **data},
        follow=True,
    )
    assert "Đã ghi nhận biên bản" in step("bien-ban").text
    assert "Đã phê duyệt" in step("phe-duyet", number="20/QĐ-THCSAB", date="08/06/2026").text
    assert "Đã gửi cấp trên" in step("gui").text
    assert Message.objects.filter(recipient=cast.reviewer_p, kind="event").exists()

    # The reviewer returns two criteria with reasons.
    reviewer = as_user(cast.reviewer_p)
    review_url = reverse("criteria:review", args=[assessment.public_id])
    assert "Trường THCS An Bình" in reviewer.get(review_url).text
    version = Assessment.objects.get(pk=assessment.pk).version
    reviewer.post(
        review_url,
        {
            "action": "return",
            "version": version,
            "reason-1.2": "Thiếu kế hoạch ký duyệt",
            "reason-2.3": "Số liệu chưa khớp",
            "reason-1.3": "",
        },
    )
    assessment.refresh_from_db()
    assert assessment.state == "returned"
    assert set(CriterionEntry.objects.exclude(return_reason="").values_list("criterion__code", flat=True)) == {
        "1.2",
        "2.3",
    }
    told = Message.objects.filter(kind="event", subject__contains="bị trả lại")
    assert set(told.values_list("recipient__username", flat=True)) == {"principal_a", "teacher_a"}
    assert "Tiêu chí 1.2: Thiếu kế hoạch ký duyệt" in told.first().body
    detail = head.get(reverse("criteria:detail", args=[assessment.public_id])).text
    assert "Thiếu kế hoạch ký duyệt" in detail and "Số liệu chưa khớp" in detail

    # The teacher fixes 1.2 only; the head sends again; the reviewer sees exactly what changed.
    yes_no = Indicator.objects.get(criterion=e12.criterion, kind="yes_no")
    assert post_entry(teacher, assessment, e12, item, **{f"i{yes_no.pk}-value": "no"}).status_code == 302
    step("gui")
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    changes = selectors.changes_since_last_submission(assessment)
    assert [c["code"] for c in changes] == ["1.2.1"]
    assert changes[0]["before"]["value"] == "Có" and changes[0]["after"]["value"] == "Không"
    assert "Thay đổi so với lần gửi trước" in reviewer.get(review_url).text

    # Returned again, resent, then recognised; the head publishes; anyone reads the public page.
    reviewer.post(review_url, {"action": "return", "version": assessment.version, "reason-1.3": "Bổ sung minh chứng"})
    step("gui")
    r = reviewer.post(
        review_url,
        {"action": "recognise", "number": "99/QĐ-PGDĐT", "date": "20/06/2026", "confirm_provisional": "1"},
        follow=True,
    )
    assert "Đã công nhận" in r.text
    assert selectors.unit_dx_level(cast.school_a, YEAR) == (3, 3)
    assert step("cong-khai").status_code == 200
    public = client.get(reverse("criteria:public", args=[assessment.public_id]))
    assert public.status_code == 200 and "99/QĐ-PGDĐT" in public.text and "Mức độ 3" in public.text

    # A reviewer of another province learns nothing.
    stranger = UserFactory(username="reviewer_t")
    grant(stranger, cast.so_t, Role.REVIEWER)
    other = as_user(stranger)
    for url in (
        reverse("criteria:detail", args=[assessment.public_id]),
        review_url,
        reverse("criteria:entry", args=[assessment.public_id, e12.pk]),
        reverse("criteria:team", args=[assessment.public_id]),
        reverse("criteria:minutes", args=[assessment.public_id]),
        reverse("criteria:evidence_download", args=[item.public_id]),
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(review_url, {"action": "return", "reason-1.2": "x"}).status_code == 404


def test_same_criterion_edited_twice_is_detected_and_nothing_is_lost(cast, head):
    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    services.team_save(
        assessment,
        actor=cast.principal_a,
        decision_number="1",
        decision_date=None,
        members=[(cast.principal_a, True, ""), (cast.teacher_a, False, "")],
    )
    e12, e13 = entry_of(assessment, "1.2"), entry_of(assessment, "1.3")
    services.entry_assign(e12, actor=cast.principal_a, lead=cast.teacher_a, cooperators=[])
    teacher = as_user(cast.teacher_a)
    stale_version = e12.version
    # Two people on different criteria never collide.
    url12 = reverse("criteria:entry", args=[assessment.public_id, e12.pk])
    url13 = reverse("criteria:entry", args=[assessment.public_id, e13.pk])
    assert teacher.post(url12, {"version": stale_version, **full_values(e12)}).status_code == 302
    assert head.post(url13, {"version": e13.version, **full_values(e13)}).status_code == 302
    # The head, on a page opened before the teacher saved 1.2, is told and keeps what they typed.
    percentage = Indicator.objects.filter(criterion=e12.criterion).first()
    r = head.post(url12, {"version": stale_version, **full_values(e12), f"i{percentage.pk}-note": "ghi chú của tôi"})
    assert r.status_code == 409
    assert "vừa được" in r.text and "ghi chú của tôi" in r.text
    # With HTMX (autosave) the same answer comes back as the status line.
    r = head.post(
        url12, {"version": stale_version, **full_values(e12), f"i{percentage.pk}-note": "khác"}, HTTP_HX_REQUEST="true"
    )
    assert "vừa được" in r.text
    # A stale page asking for exactly what is stored loses nothing and is no conflict: the page's own autosave
    # landed a moment before its "Lưu" button was pressed (the journeys' 409).
    saved = entry_of(assessment, "1.2")
    r = head.post(url12, {"version": stale_version, **full_values(e12)})
    assert r.status_code == 302
    assert entry_of(assessment, "1.2").version == saved.version, "nothing was written"
    ok = teacher.post(
        url12, {"version": entry_of(assessment, "1.2").version, **full_values(e12)}, HTTP_HX_REQUEST="true"
    )
    assert "Đã tự động lưu" in ok.text and 'hx-swap-oob="true"' in ok.text


def test_bad_values_are_refused_with_the_indicator_code(cast, head):
    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    e13 = entry_of(assessment, "1.3")
    indicator = Indicator.objects.get(criterion=e13.criterion)
    url = reverse("criteria:entry", args=[assessment.public_id, e13.pk])
    r = head.post(
        url, {"version": e13.version, f"i{indicator.pk}-numerator": "50", f"i{indicator.pk}-denominator": "40"}
    )
    assert "Chỉ số 1.3.1: tử số (50) không được lớn hơn mẫu số (40)." in r.text
    assert not assessment.entries.filter(answers__isnull=False).exists()


def test_steps_out_of_order_and_missing_work_explain_themselves(cast, head):
    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    url = lambda action: reverse("criteria:step", args=[assessment.public_id, action])  # noqa: E731
    r = head.post(url("bien-ban"), {"version": assessment.version}, follow=True)
    assert "Chưa nhập chỉ số" in r.text
    r = head.post(url("gui"), {"version": assessment.version}, follow=True)
    assert "Chỉ gửi cấp trên sau khi thủ trưởng phê duyệt." in r.text
    r = head.post(url("gui"), {"version": assessment.version - 1}, follow=True)
    assert "vừa được người khác cập nhật" in r.text


def test_deadline_locks_after_due_and_the_reviewer_reopens_with_a_reason(cast, head):
    campaign = school_campaign(cast)
    campaign_services.deadline_save(
        campaign,
        title="Gửi kết quả tự đánh giá",
        kind="self_assessment",
        recurrence="yearly",
        day=20,
        month=6,
        basis="school_year",
        locks=True,
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))
    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    obligations = selectors.obligations_for(assessment)
    assert "self_assessment" in obligations
    after = dt.datetime(2026, 6, 20, 0, 0, tzinfo=LOCAL_TZ)  # "trước 20/6": due by the end of 19/06
    before = after - dt.timedelta(seconds=1)
    assert not selectors.is_locked(assessment, before) and selectors.is_locked(assessment, after)
    e13 = entry_of(assessment, "1.3")
    with pytest.raises(Exception, match="quá hạn"):
        services.entry_save(e13, actor=cast.principal_a, values={}, evidence={}, version=e13.version, now=after)
    reviewer = as_user(cast.reviewer_p)
    url = reverse("criteria:review", args=[assessment.public_id])
    r = reviewer.post(url, {"action": "reopen", "until": "01/01/2099", "reason": ""}, follow=True)
    assert "Cần ghi lý do mở lại." in r.text
    # Reopening needs the lock in force now: simulate by moving the due moment into the past.
    ob = obligations["self_assessment"]
    ob.due_at = dt.datetime(2025, 9, 1, tzinfo=LOCAL_TZ)
    ob.save(update_fields=["due_at"])
    r = reviewer.post(url, {"action": "reopen", "until": "01/01/2099", "reason": "Đơn vị mất điện"}, follow=True)
    assert "Đã mở lại" in r.text
    assert not selectors.is_locked(assessment)
    assert assessment.events.filter(action="reopened", reason__contains="Đơn vị mất điện").exists()
