"""Issue 17 (seed 004): two plans of one issuer with the same number in the same year are warned about; the
author confirms with a checkbox and nothing typed is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign
from units.models import UnitKind

from ..factories import school_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.seedrules]


def test_same_number_issuer_and_year_is_warned_then_confirmed(cast, login):
    school_campaign(cast)  # 12/KH-SGDĐT of Sở S, issued 01/08/2025
    client = login(cast.officer_s)
    data = {
        "issuer": "SO-S",
        "number": " 12/kh-sgdđt ",
        "issued_on": "15/09/2025",
        "title": "Kế hoạch thi đua năm học 2025-2026",
        "purpose": "Mục đích đã gõ",
        "start_date": "01/09/2025",
        "end_date": "31/05/2026",
        "participant_kinds": [UnitKind.objects.get(code="thcs").pk],
    }
    r = client.post(reverse("campaigns:create"), data)
    assert r.status_code == 200 and not Campaign.objects.filter(title=data["title"]).exists()
    assert "Đơn vị đã có kế hoạch số" in r.text and "Phong trào Chuyển đổi số" in r.text
    assert 'name="confirm_duplicate"' in r.text
    assert 'value="Kế hoạch thi đua năm học 2025-2026"' in r.text and "Mục đích đã gõ" in r.text
    r = client.post(reverse("campaigns:create"), {**data, "confirm_duplicate": "on"})
    assert r.status_code == 302 and Campaign.objects.filter(title=data["title"]).exists()


def test_other_year_or_issuer_is_not_a_duplicate_and_edits_are_checked(cast):
    first = school_campaign(cast)
    next_year = school_campaign(cast, issued_on=dt.date(2026, 8, 1), title="Năm sau")
    other_issuer = school_campaign(cast, issuer=cast.phong_p, title="Của Phòng")
    assert next_year.pk and other_issuer.pk
    assert services.campaign_update(first, title="Sửa tên").title == "Sửa tên"  # itself is no duplicate
    with pytest.raises(ValidationError, match="12/KH-SGDĐT trong năm 2025"):
        services.campaign_update(next_year, issued_on=dt.date(2025, 12, 1))
    moved = services.campaign_update(next_year, issued_on=dt.date(2025, 12, 1), duplicate_confirmed=True)
    assert moved.issued_on == dt.date(2025, 12, 1)
