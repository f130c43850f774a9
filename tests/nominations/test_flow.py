"""The whole flow with the cast, school → Phòng → Sở, for seed 000's quota (the Phòng forwards 02 + 02),
through the pages: drafting, reports, evidence, the school council, the dossier signed by the head alone,
the Phòng's review with a return and a resubmission, the quota refusing a third approval, the Phòng council
and its dossier, the Sở's approval and decision, the public posting with an objection, certificates and the
award ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from nominations import services
from nominations.models import AwardRecord, Certificate, Decision, Nomination, Submission
from units.models import Message

from ..factories import PersonFactory
from .helpers import as_user, heads, pdf

pytestmark = pytest.mark.django_db


def _create(client, award_round, unit, **data):
    r = client.post(reverse("nominations:create", args=[award_round.public_id, unit.code]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    return Nomination.objects.get(public_id=r["Location"].rstrip("/").split("/")[-1])


def _fill(client, n, summary="Tiên phong ứng dụng học liệu số."):
    data = {"version": n.version, "summary": summary}
    data.update({f"r-{f['key']}": "Nội dung báo cáo" for f in n.report_template.fields})
    r = client.post(reverse("nominations:detail", args=[n.public_id]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(reverse("nominations:action", args=[n.public_id, "minh-chung"]), {"title": "QĐ", "file": pdf()})
    assert r.status_code == 302
    n.refresh_from_db()
    assert n.evidence.count() == 1


def _council(client, award_round, unit, votes: dict[Nomination, int], total=9):
    r = client.post(
        reverse("nominations:council_create", args=[award_round.public_id, unit.code]),
        {"date": "20/09/2026", "chair_name": "Nguyễn Văn Chủ", "members_total": total, "members_present": total},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    url = r["Location"]
    meeting_version = 1
    data = {"version": meeting_version, "action": "close"}
    data.update({f"v-{n.pk}": v for n, v in votes.items()})
    r = client.post(url, data)
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "Cuộc họp đã kết thúc" in page, page


def _messages(response) -> str:
    """The flash messages of a response, and the page itself when a refused form was drawn again on it."""
    page = response.content.decode() if response.status_code == 400 else ""
    return " ".join([*(str(m) for m in response.wsgi_request._messages), page])


def test_seed_000_flow_school_to_phong_to_so(cast):
    h = heads(cast)
    head_p = h["head_p"]
    principal_a, principal_b, reviewer = as_user(cast.principal_a), as_user(cast.principal_b), as_user(cast.reviewer_p)
    teacher = as_user(cast.teacher_a)
    phong, so = as_user(head_p), as_user(cast.officer_s)

    # The Phòng opens the round from its plan: the award form, the 02 + 02 quota, the 01/10 deadline.

    from .helpers import campaign_000

    plan = campaign_000(cast)
    r = phong.post(
        reverse("nominations:round_create", args=[plan.public_id]), {"kind": "yearly", "school_year": "2026-2027"}
    )
    assert r.status_code == 302
    award_round = plan.rounds.get()
    form = award_round.award_forms.get()
    assert form.authority_unit == cast.so_s
    assert award_round.quotas.get().max_individuals == 2
    assert award_round.period == "2027"

    # School A: the principal and a teacher draft; nobody nominates outside the school.
    hoa = PersonFactory(unit=cast.school_a, full_name="Đỗ Thị Hoa", category="teacher")
    n_thu = _create(
        teacher,
        award_round,
        cast.school_a,
        award_form=form.pk,
        subject="individual",
        person=cast.person_teacher_a.public_id,
        summary="Giáo viên dạy học số",
    )
    n_hoa = _create(
        principal_a, award_round, cast.school_a, award_form=form.pk, subject="individual", person=hoa.public_id
    )
    n_a = _create(
        principal_a,
        award_round,
        cast.school_a,
        award_form=form.pk,
        subject="collective",
        nominee_unit=cast.school_a.code,
    )
    r = principal_a.post(
        reverse("nominations:create", args=[award_round.public_id, cast.school_a.code]),
        {"award_form": form.pk, "subject": "individual", "person": cast.person_teacher_a.public_id},
    )
    assert r.status_code == 400 and "đã được" in r.content.decode()  # twice for the same award: refused
    r = principal_a.post(
        reverse("nominations:create", args=[award_round.public_id, cast.school_a.code]),
        {"award_form": form.pk, "subject": "individual", "person": cast.person_b.public_id},
    )
    assert r.status_code == 400  # a person of school B is not in school A's list
    for n in (n_thu, n_hoa, n_a):
        _fill(principal_a, n)
        r = teacher.post(reverse("nominations:action", args=[n.public_id, "xac-nhan"]))
        assert r.status_code == 403  # the head confirms the report, not a teacher
        assert principal_a.post(reverse("nominations:action", args=[n.public_id, "xac-nhan"])).status_code == 302
    # The dossier refuses to go before the council has voted.
    r = principal_a.post(reverse("nominations:submission_create", args=[award_round.public_id, cast.school_a.code]))
    sub_a = Submission.objects.get(from_unit=cast.school_a)
    assert sub_a.items.count() == 0
    _council(principal_a, award_round, cast.school_a, {n_thu: 8, n_hoa: 7, n_a: 9})
    sub_a.delete()
    r = principal_a.post(reverse("nominations:submission_create", args=[award_round.public_id, cast.school_a.code]))
    sub_a = Submission.objects.get(from_unit=cast.school_a)
    assert sub_a.items.count() == 3
    url_a = reverse("nominations:submission", args=[sub_a.public_id])
    r = principal_a.post(url_a, {"action": "submit", "version": sub_a.version})
    assert "Tờ trình" in _messages(r)  # the checklist names what is missing
    principal_a.post(
        url_a,
        {
            "action": "save",
            "version": sub_a.version,
            "number": "15/TTr-THCS",
            "signed_on": "25/09/2026",
            "signer_name": "Hiệu trưởng A",
            "signer_position": "Hiệu trưởng",
        },
    )
    sub_a.refresh_from_db()
    assert (
        teacher.post(url_a, {"action": "submit", "version": sub_a.version}).status_code == 403
    )  # the head alone signs
    r = principal_a.post(url_a, {"action": "submit", "version": sub_a.version})
    assert "Đã ký và gửi" in _messages(r), _messages(r)
    r = principal_a.post(url_a, {"action": "submit", "version": sub_a.version})
    assert "không gửi lại" in _messages(r)  # double submit
    assert Message.objects.filter(recipient=cast.reviewer_p, subject__contains="hồ sơ đề nghị").exists()

    # School B: one individual and its collective.
    n_binh = services.nomination_create(
        award_round, cast.school_b, actor=cast.principal_b, award_form=form, subject="individual", person=cast.person_b
    )
    n_b = services.nomination_create(
        award_round, cast.school_b, actor=cast.principal_b, award_form=form, subject="collective"
    )
    for n in (n_binh, n_b):
        _fill(principal_b, n)
        principal_b.post(reverse("nominations:action", args=[n.public_id, "xac-nhan"]))
    _council(principal_b, award_round, cast.school_b, {n_binh: 9, n_b: 9})
    principal_b.post(reverse("nominations:submission_create", args=[award_round.public_id, cast.school_b.code]))
    sub_b = Submission.objects.get(from_unit=cast.school_b)
    url_b = reverse("nominations:submission", args=[sub_b.public_id])
    principal_b.post(
        url_b,
        {
            "action": "save",
            "version": 1,
            "number": "07/TTr-TH",
            "signed_on": "26/09/2026",
            "signer_name": "Hiệu trưởng B",
        },
    )
    r = principal_b.post(url_b, {"action": "submit", "version": 2})
    assert "Đã ký và gửi" in _messages(r)

    # The Phòng reviews: the collectives from the queue in bulk (failing checks need a reason, one by one).
    queue = reverse("nominations:queue", args=[award_round.public_id]) + f"?cap={cast.phong_p.code}"
    page = reviewer.get(queue).content.decode()
    assert "Trường THCS An Bình" in page and "Trần Văn Bình" in page
    for n in (n_a, n_b):
        r = reviewer.post(reverse("nominations:action", args=[n.public_id, "duyet"]), {})
        assert "lý do chấp nhận" in _messages(r)  # no recognised self-assessment: the check fails
        r = reviewer.post(
            reverse("nominations:action", args=[n.public_id, "duyet"]),
            {"override": "Kết quả tự đánh giá đang chờ công nhận"},
        )
        assert "Đã duyệt" in _messages(r)
    r = reviewer.post(reverse("nominations:action", args=[n_hoa.public_id, "tra-lai"]), {"reason": ""})
    assert "Cần ghi lý do" in _messages(r)
    reviewer.post(
        reverse("nominations:action", args=[n_hoa.public_id, "tra-lai"]), {"reason": "Bổ sung số liệu sáng kiến"}
    )
    r = reviewer.post(queue, {"cap": cast.phong_p.code, "chon": [n_thu.public_id, n_binh.public_id]})
    assert "Đã duyệt 2" in _messages(r)
    sub_a.refresh_from_db()
    assert sub_a.state == Submission.State.RETURNED
    n_hoa.refresh_from_db()
    assert n_hoa.state == Nomination.State.RETURNED and n_hoa.level == cast.school_a
    assert Message.objects.filter(recipient=cast.principal_a, body__contains="Bổ sung số liệu sáng kiến").exists()

    # School A fixes the returned one and resends the same dossier.
    detail = principal_a.get(reverse("nominations:detail", args=[n_hoa.public_id])).content.decode()
    assert "Bổ sung số liệu sáng kiến" in detail
    data = {"version": n_hoa.version, "summary": "Có 02 sáng kiến cấp huyện"}
    r = principal_a.post(reverse("nominations:detail", args=[n_hoa.public_id]), {**data, "r-figures": "02 sáng kiến"})
    assert r.status_code == 302
    principal_a.post(reverse("nominations:action", args=[n_hoa.public_id, "xac-nhan"]))
    sub_a.refresh_from_db()
    r = principal_a.post(url_a, {"action": "submit", "version": sub_a.version})
    assert "Đã ký và gửi" in _messages(r), _messages(r)
    sub_a.refresh_from_db()
    assert sub_a.state == Submission.State.RESUBMITTED
    # Two individuals are approved already: the third is refused with the quota in the message.
    r = reviewer.post(reverse("nominations:action", args=[n_hoa.public_id, "duyet"]))
    assert "Đã đủ hạn mức 2 cá nhân" in _messages(r), _messages(r)
    reviewer.post(
        reverse("nominations:action", args=[n_hoa.public_id, "khong-de-nghi"]), {"reason": "Đã đủ hạn mức của Phòng"}
    )
    sub_a.refresh_from_db()
    assert sub_a.state == Submission.State.ACCEPTED
    assert [e.action for e in n_hoa.events.order_by("at", "pk")].count("returned") == 1  # history kept

    # The Phòng council ranks its approved list and the head forwards it to the Sở.
    approved = [n_thu, n_a, n_binh, n_b]
    _council(phong, award_round, cast.phong_p, {n: 5 for n in approved}, total=7)
    phong.post(reverse("nominations:submission_create", args=[award_round.public_id, cast.phong_p.code]))
    sub_p = Submission.objects.get(from_unit=cast.phong_p)
    assert sub_p.items.count() == 4 and sub_p.to_unit == cast.so_s
    url_p = reverse("nominations:submission", args=[sub_p.public_id])
    phong.post(
        url_p,
        {
            "action": "save",
            "version": 1,
            "number": "88/TTr-PGDĐT",
            "signed_on": "30/09/2026",
            "signer_name": "Trưởng phòng P",
        },
    )
    r = phong.post(url_p, {"action": "submit", "version": 2})
    assert "Đã ký và gửi" in _messages(r), _messages(r)
    sub_a.refresh_from_db()
    assert sub_a.state == Submission.State.FORWARDED

    # The Sở approves and decides (the Giấy khen is its director's).
    for n in approved:
        r = so.post(reverse("nominations:action", args=[n.public_id, "duyet"]), {"override": "Phòng đã thẩm định"})
        assert "Đã duyệt" in _messages(r), _messages(r)
    r = phong.post(
        reverse("nominations:decision_create", args=[award_round.public_id, cast.phong_p.code]),
        {"award_form": form.pk, "number": "1/QĐ", "signed_on": "01/10/2026", "chon": [n_thu.pk]},
    )
    assert "hãy trình hồ sơ lên cấp trên" in r.content.decode()  # not the Phòng's award to give
    r = so.post(
        reverse("nominations:decision_create", args=[award_round.public_id, cast.so_s.code]),
        {
            "award_form": form.pk,
            "number": "125/QĐ-SGDĐT",
            "signed_on": "15/10/2026",
            "signer_name": "Giám đốc",
            "chon": [n.pk for n in approved],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    decision = Decision.objects.get()
    url_d = reverse("nominations:decision", args=[decision.public_id])
    so.post(url_d, {"action": "post", "version": decision.version})
    decision.refresh_from_db()
    assert decision.state == Decision.State.POSTED

    # Anyone may object during the window; the decision cannot take effect with an open objection.
    public = as_user(cast.outsider)
    public.logout()
    url_pub = reverse("nominations:public", args=[decision.public_id])
    assert "Lê Thị Thu" in public.get(url_pub).content.decode()
    r = public.post(url_pub, {"name": "Phụ huynh", "contact": "0900000000", "text": "", "nomination": n_thu.pk})
    assert r.status_code == 400 and "Cần nhập" in r.content.decode()
    r = public.post(url_pub, {"name": "Phụ huynh", "contact": "0900000000", "text": "Đề nghị làm rõ số liệu"})
    assert "Cảm ơn" in r.content.decode()
    r = so.post(url_d, {"action": "finalise", "version": decision.version})
    assert "Đang trong thời gian công khai" in _messages(r)
    later = decision.objection_until + dt.timedelta(minutes=1)
    with pytest.raises(Exception, match="ý kiến chưa xử lý"):
        services.decision_finalise(decision, actor=cast.officer_s, version=decision.version, now=later)
    objection = decision.objections.get()
    so.post(url_d, {"action": "resolve", "objection": objection.pk, "resolution": "Đã xác minh, số liệu đúng"})
    services.decision_finalise(decision, actor=cast.officer_s, version=decision.version, now=later)

    assert Certificate.objects.filter(decision=decision).count() == 4
    assert AwardRecord.objects.filter(person=cast.person_teacher_a, decision_number="125/QĐ-SGDĐT").exists()
    n_thu.refresh_from_db()
    assert n_thu.state == Nomination.State.AWARDED
    assert "125/QĐ-SGDĐT" in teacher.get(reverse("nominations:my_awards")).content.decode()
    person_page = principal_a.get(reverse("units:person_detail", args=[cast.person_teacher_a.public_id]))
    assert "125/QĐ-SGDĐT" in person_page.content.decode()
    assert Message.objects.filter(recipient=cast.teacher_a, subject__contains="được tặng").exists()


@pytest.mark.seedrules
def test_on_time_check_reads_a_reopened_late_dossier_as_late(cast):
    """Issue 17: "đúng thời hạn" reads the obligation's lateness: reopened and sent late is late."""
    from campaigns import services as campaign_services
    from campaigns.models import Obligation
    from nominations.eligibility import check_on_time

    from .helpers import campaign_000

    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year="2025-2026", actor=h["head_p"])
    n = services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=award_round.award_forms.get(),
        subject="collective",
    )
    ob = Obligation.objects.get(deadline=award_round.deadline, unit=cast.school_a, period="2025")
    campaign_services.obligation_reopen(
        ob, actor=cast.reviewer_p, until=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), reason="Trường bị mất điện"
    )
    campaign_services.obligation_submit(ob, now=dt.datetime(2025, 10, 3, 9, 0, tzinfo=dt.UTC))
    result = check_on_time(n, cast.school_a)
    assert result["ok"] is False and "1 nộp muộn, 0 chưa nộp" in result["detail"]
