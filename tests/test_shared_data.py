"""Shared data belongs to whoever governs it (issue 15 §1), for the objects other than indicator sets
(those are in tests/criteria/test_set_governance.py).

| object | governed by | rule |
| unit kinds, report templates, provinces | national (system administrators, /quan-tri/) | read-only to provinces |
| award forms (incl. outside authorities') | the unit that issues the plan (owner) | one row per owner; a round
  uses only its own plan's forms, so one province's "Bằng khen của Chủ tịch UBND tỉnh" is never another's |
| emulation blocks | the organising Sở/Phòng | a member moved out of the organiser's tree leaves the blocks
  of the year of the move and later; earlier years show it as "đã chuyển", never as a link that 404s |
| plan tasks | the issuing unit | led only by a unit of the issuer's tree |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Task
from nominations import services as nomination_services
from nominations.models import AwardForm
from units import services
from units.models import BlockMembership

from .nominations.helpers import campaign_000


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


@pytest.mark.security
def test_a_member_moved_to_another_province_leaves_its_blocks_and_past_ones_show_it_as_moved(cast):
    past = services.block_save(
        organiser=cast.phong_p, school_year="2025-2026", name="Khối Phú Điền", members=[cast.school_a, cast.school_b]
    )
    current = services.block_save(
        organiser=cast.phong_p, school_year="2026-2027", name="Khối Phú Điền", members=[cast.school_a, cast.school_b]
    )
    services.unit_move(cast.school_b, cast.so_t, effective=dt.date(2026, 9, 1), actor=cast.officer_s)
    # The year of the move and later: school B is no longer a member of Phòng P's block.
    assert list(BlockMembership.objects.filter(block=current).values_list("unit__code", flat=True)) == ["TRUONG-A"]
    # The year before stays as history, shown as moved and without a link (it would answer 404 in province S).
    page = as_user(cast.reviewer_p).get(reverse("units:block_detail", args=[past.public_id])).text
    assert "đã chuyển" in page and cast.school_b.name in page
    assert reverse("units:unit_detail", args=[cast.school_b.code]) not in page
    assert reverse("units:unit_detail", args=[cast.school_a.code]) in page
    # Editing the past block no longer lists the moved school, so saving it does not fail on it.
    form = as_user(cast.officer_s).get(reverse("units:block_edit", args=[past.public_id])).text
    assert "TRUONG-A" in form and "TRUONG-B" not in form


@pytest.mark.security
def test_a_plan_task_is_led_only_by_a_unit_of_the_issuers_tree(cast):
    draft = campaign_services.campaign_create(
        issuer=cast.so_s, title="Dự thảo", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    with pytest.raises(ValidationError, match="không thuộc đơn vị ban hành"):
        campaign_services.part_save(draft, Task, code="1", title="Kho học liệu", lead_unit=cast.school_x)
    assert not Task.objects.filter(campaign=draft).exists()
    assert campaign_services.part_save(draft, Task, code="1", title="Kho học liệu", lead_unit=cast.phong_p).pk


def test_outside_authorities_award_forms_are_one_row_per_issuing_unit(cast):
    """Pins a rule that already held: each issuing unit owns its award forms, even with the same name and
    the same outside authority, so a province's change never reaches another's rounds."""
    name = "Bằng khen của Chủ tịch UBND tỉnh"
    s_campaign = campaign_000(cast)
    s_plan = AwardPlan.objects.filter(campaign=s_campaign).first()
    AwardPlan.objects.filter(pk=s_plan.pk).update(name=name, authority="Chủ tịch UBND tỉnh Sông Xanh")
    s_plan.refresh_from_db()
    s_form = nomination_services.award_form_for_plan(s_plan)
    assert s_form.owner == cast.phong_p and s_form.authority_unit is None
    other = AwardForm.objects.create(owner=cast.so_t, name=name, authority_name="Chủ tịch UBND tỉnh Trà Vàng")
    assert nomination_services.award_form_for_plan(s_plan) == s_form != other
    s_round = nomination_services.round_create(s_campaign, kind="yearly", school_year="2025-2026", actor=None)
    assert list(s_round.award_forms.all()) == [s_form]
    with pytest.raises(ValidationError):
        nomination_services.quota_save(
            s_round,
            award_form=other,
            scope="unit",
            unit=cast.phong_p,
            max_collectives=1,
            max_individuals=1,
            actor=cast.officer_s,
        )


@pytest.mark.parametrize(
    "url", ["admin:units_unitkind_add", "admin:nominations_reporttemplate_add", "admin:units_province_add"]
)
def test_national_reference_data_is_not_writable_by_a_provincial_officer(cast, url):
    """Pins: unit kinds, report templates and provinces are national; the portal has no page that writes
    them and the admin refuses an officer (even one wrongly marked staff)."""
    cast.officer_s.is_staff = True
    cast.officer_s.save()
    response = as_user(cast.officer_s).get(reverse(url))
    assert response.status_code == 403
