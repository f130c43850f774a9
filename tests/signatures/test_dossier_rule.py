"""A round that says "tờ trình và biên bản phải ký số": the head sends the dossier only with an intact, valid,
trusted signature; another signer's name is a warning the head confirms; signing after the deadline is flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Obligation
from nominations import services
from nominations.models import AwardRound, Submission

from ..factories import PersonFactory
from ..nominations.helpers import YEAR, as_user, campaign_000, collective_dossier, heads
from .pki import make_pki, plain_pdf, sign_pdf

pytestmark = [pytest.mark.signatures, pytest.mark.django_db]


def _ready_dossier(cast, *, locks: bool = True) -> Submission:
    h = heads(cast)
    phong = as_user(h["head_p"])
    plan = campaign_000(cast, deadline_locks=locks)
    r = phong.post(
        reverse("nominations:round_create", args=[plan.public_id]),
        {"kind": "yearly", "school_year": YEAR, "ky_so": "1"},
    )
    assert r.status_code == 302
    award_round = AwardRound.objects.get(campaign=plan)
    assert award_round.signatures_required
    assert (
        "Tờ trình và biên bản phải ký số"
        in phong.get(reverse("nominations:board", args=[award_round.public_id])).content.decode()
    )
    # The principal of school A is on the staff roll as Nguyễn Văn An.
    PersonFactory(unit=cast.school_a, full_name="Nguyễn Văn An", user=cast.principal_a, category="manager")
    return collective_dossier(award_round, cast)


def _attach(client, sub: Submission, data: bytes) -> str:
    sub.refresh_from_db()
    url = reverse("nominations:submission", args=[sub.public_id])
    client.post(
        url,
        {
            "action": "save",
            "version": sub.version,
            "number": sub.number,
            "signed_on": sub.signed_on.strftime("%d/%m/%Y"),
            "signer_name": sub.signer_name,
            "signer_position": sub.signer_position,
            "attachment": SimpleUploadedFile("to-trinh.pdf", data),
        },
    )
    return client.get(url).content.decode()


def _send(client, sub: Submission, **extra) -> str:
    sub.refresh_from_db()
    url = reverse("nominations:submission", args=[sub.public_id])
    response = client.post(url, {"action": "submit", "version": sub.version, **extra}, follow=True)
    return response.content.decode()


def test_refused_unsigned_then_accepted_signed_by_the_head(cast, pki, trust):
    sub = _ready_dossier(cast)
    principal = as_user(cast.principal_a)
    page = _send(principal, sub)
    assert "yêu cầu tờ trình và biên bản phải ký số" in page and "chưa đính kèm bản ký" in page
    page = _attach(principal, sub, plain_pdf())
    assert "không có chữ ký số" in page
    page = _send(principal, sub)
    assert "hiện tại: không có chữ ký số" in page
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.DRAFT

    # Signed by the principal (the certificate has the name in capitals without accents), by our test CA.
    signed = sign_pdf(plain_pdf(), pki.signer("NGUYEN VAN AN", "TRUONG THCS AN BINH"), pki)
    page = _attach(principal, sub, signed)
    assert "<details" in page and "Đã ký số: NGUYEN VAN AN, TRUONG THCS AN BINH, " in page and "— hợp lệ" in page
    assert "không phải thủ trưởng" not in page
    page = _send(principal, sub)
    assert "Đã ký và gửi hồ sơ" in page
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.SUBMITTED


def test_untrusted_or_tampered_signature_is_refused(cast, trust):
    sub = _ready_dossier(cast)
    principal = as_user(cast.principal_a)
    stranger = make_pki("Stranger")
    page = _attach(
        principal, sub, sign_pdf(plain_pdf(), stranger.signer("Nguyễn Văn An", "Trường THCS An Bình"), stranger)
    )
    assert "chữ ký không hợp lệ" in page
    page = _send(principal, sub)
    assert "chữ ký không hợp lệ" in page and Submission.objects.get(pk=sub.pk).state == Submission.State.DRAFT


def test_signed_by_someone_else_warns_and_the_head_confirms(cast, pki, trust):
    sub = _ready_dossier(cast)
    principal = as_user(cast.principal_a)
    page = _attach(principal, sub, sign_pdf(plain_pdf(), pki.signer("Trần Thị Bình", "Trường THCS An Bình"), pki))
    assert "Người ký số “Trần Thị Bình” không phải thủ trưởng hoặc cấp phó của Trường THCS An Bình" in page
    assert "Nguyễn Văn An" in page and 'name="xac_nhan_nguoi_ky"' in page
    page = _send(principal, sub)
    assert "Thủ trưởng đánh dấu xác nhận" in page
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.DRAFT
    page = _send(principal, sub, xac_nhan_nguoi_ky="1")
    assert "Đã ký và gửi hồ sơ" in page
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.SUBMITTED


def test_signing_after_the_deadline_is_flagged(cast, pki, trust):
    sub = _ready_dossier(cast, locks=False)
    Obligation.objects.filter(unit=cast.school_a).update(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    principal = as_user(cast.principal_a)
    page = _attach(principal, sub, sign_pdf(plain_pdf(), pki.signer("Nguyễn Văn An", "Trường THCS An Bình"), pki))
    assert "Ký sau hạn nộp hồ sơ" in page


def test_round_without_the_rule_sends_unsigned(cast, trust):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    assert not award_round.signatures_required
    sub = collective_dossier(award_round, cast)
    sent = services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    assert sent.state == Submission.State.SUBMITTED
