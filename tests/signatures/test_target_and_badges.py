"""The seed 004 target "100% chữ ký số" computed from the unit's documents, and the badge on the pages that
list uploaded files (evidence library)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.deadlines import LOCAL_TZ
from campaigns.measures import period_bounds
from criteria import services as criteria_services

from ..factories import school_campaign
from .pki import plain_pdf, sign_pdf

pytestmark = [pytest.mark.signatures, pytest.mark.django_db]


def _evidence(cast, pki):
    signed = sign_pdf(plain_pdf("Quyet dinh"), pki.signer("Nguyễn Văn An", "Trường THCS An Bình"), pki)
    for title, data in (("Quyết định đã ký", signed), ("Bản nháp", plain_pdf("Nhap"))):
        criteria_services.evidence_upload(
            cast.school_a, SimpleUploadedFile(f"{title}.pdf", data), title=title, issued_on=None, actor=cast.principal_a
        )


def test_signed_documents_share_beside_the_typed_value(cast, login, pki, trust):
    campaign = school_campaign(cast)
    target = campaign_services.target_save(
        campaign,
        name="Cán bộ, viên chức có chữ ký số hoặc chữ ký điện tử",
        kind="percent",
        values=[("2026", None, 100)],
        measure="signed_documents",
    )
    campaign_services.target_save(campaign, name="Thanh toán không dùng tiền mặt", kind="percent", values=[])
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))
    _evidence(cast, pki)
    year = str(timezone.localdate().year)
    url = reverse("campaigns:target_report", args=[campaign.public_id, "TRUONG-A", year])
    client = login(cast.principal_a)
    client.post(url, {f"t{target.pk}-numerator": "9", f"t{target.pk}-denominator": "10"})
    page = client.get(url).text
    assert "Tính từ dữ liệu của cổng: 50" in page and "(1/2 văn bản PDF trong hồ sơ, biên bản, minh chứng" in page
    assert "đơn vị nhập: 9/10" in page
    assert page.count("Tính từ dữ liệu của cổng") == 1  # only the target that names the measure
    # Another year has none of these documents.
    page = client.get(reverse("campaigns:target_report", args=[campaign.public_id, "TRUONG-A", "2020"])).text
    assert "chưa có văn bản PDF trong hồ sơ, biên bản, minh chứng trong kỳ" in page


def test_period_bounds():
    assert period_bounds("2025") == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert period_bounds("2025-2026") == (dt.date(2025, 9, 1), dt.date(2026, 9, 1))
    assert period_bounds("x") is None


def test_evidence_library_badges(cast, login, pki, trust, django_assert_max_num_queries):
    _evidence(cast, pki)
    client = login(cast.principal_a)
    url = reverse("criteria:evidence_list", args=["TRUONG-A"])
    page = client.get(url).text
    assert "Đã ký số: Nguyễn Văn An, Trường THCS An Bình, " in page and "— hợp lệ" in page
    assert "<details" in page and "thu hồi" in page and "chưa kiểm tra thu hồi" in page
    assert "không có chữ ký số" in page
    with django_assert_max_num_queries(20):  # once the files' digests are known: two lookups for all files
        again = client.get(url).text
    assert again.count("<details") == 1
