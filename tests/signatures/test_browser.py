"""In Chromium: the head attaches a PDF signed by someone else to a dossier of a round that requires digital
signatures; the badge opens its details (no script: a <details> element under the strict CSP); sending is
refused until the head confirms the signer, then the dossier goes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nominations.models import Submission

from .pki import make_pki, plain_pdf, sign_pdf
from .test_dossier_rule import _ready_dossier

pytestmark = [
    pytest.mark.signatures,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_badge_and_the_signature_rule_in_the_browser(cast, live_server, chromium, tmp_path, settings):
    pki = make_pki()
    (tmp_path / "roots.pem").write_bytes(pki.root.pem)
    settings.SIGNATURE_TRUST_ROOTS = str(tmp_path / "roots.pem")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    sub = _ready_dossier(cast)
    signed = tmp_path / "to-trinh.pdf"
    signed.write_bytes(sign_pdf(plain_pdf(), pki.signer("Trần Thị Bình", "Trường THCS An Bình"), pki))

    client = Client()
    client.force_login(cast.principal_a, backend="allauth.account.auth_backends.AuthenticationBackend")
    context = chromium.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("dialog", lambda d: d.accept())
    tab.goto(reverse("nominations:submission", args=[sub.public_id]))
    tab.get_by_text("Đợt này yêu cầu tờ trình và biên bản phải ký số").first.wait_for()
    tab.set_input_files("#s-file", str(signed))
    tab.get_by_role("button", name="Lưu hồ sơ").click()
    tab.get_by_text("Đã lưu hồ sơ.").wait_for()
    summary = tab.locator("details.signature summary")
    assert "Đã ký số: Trần Thị Bình, Trường THCS An Bình" in summary.inner_text()
    assert "— hợp lệ" in summary.inner_text()
    assert not tab.get_by_text("chưa kiểm tra thu hồi").is_visible()
    summary.click()
    tab.get_by_text("chưa kiểm tra thu hồi").wait_for()  # the details open on click
    assert tab.get_by_text("không phải thủ trưởng hoặc cấp phó").first.is_visible()

    tab.get_by_role("button", name="Ký và gửi hồ sơ").click()
    tab.get_by_text("Thủ trưởng đánh dấu xác nhận").first.wait_for()
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.DRAFT
    tab.check("input[name=xac_nhan_nguoi_ky]")
    tab.get_by_role("button", name="Ký và gửi hồ sơ").click()
    tab.get_by_text("Đã ký và gửi hồ sơ").wait_for()
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.SUBMITTED
    tab.screenshot(path=str(tmp_path / "dossier.png"), full_page=True)
    print("screenshot:", tmp_path / "dossier.png")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
