"""The unit tree: scoping at depth, re-parenting and merging with history, allowed parent kinds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from units import selectors, services
from units.models import Role, Unit, UnitVersion

from ..factories import UserFactory, grant, kind, make_unit


def test_subtree_scope_at_depth_five(cast):
    """Bộ → Sở → Phòng → school → team: the officer reaches all five levels of their province, the
    reviewer the Phòng downwards, the head their school and its team, the outsider none of it."""
    assert cast.team_a.depth == 5
    officer_units = set(selectors.unit_visible_qs(cast.officer_s).values_list("code", flat=True))
    assert {"SO-S", "PHONG-P", "TRUONG-A", "TO-A-TOAN", "TRUONG-B"} <= officer_units
    assert not officer_units & {"SO-T", "TRUONG-X", "BGDDT"}

    reviewer_units = set(selectors.unit_visible_qs(cast.reviewer_p).values_list("code", flat=True))
    assert reviewer_units == {"PHONG-P", "TRUONG-A", "TO-A-TOAN", "TRUONG-B"}

    head_units = set(selectors.unit_visible_qs(cast.principal_a).values_list("code", flat=True))
    assert head_units == {"TRUONG-A", "TO-A-TOAN"}

    outsider_units = set(selectors.unit_visible_qs(cast.outsider).values_list("code", flat=True))
    assert outsider_units == {"TRUONG-X"}


def test_scope_is_one_query(cast, django_assert_num_queries):
    user = type(cast.officer_s).objects.get(pk=cast.officer_s.pk)
    with django_assert_num_queries(3):  # the memberships once, then the units twice
        list(selectors.unit_visible_qs(user))
        list(selectors.unit_visible_qs(user))  # the scope is cached on the user: no second memberships query


def test_head_does_not_reach_child_schools_but_reviewer_does(cast):
    head_of_phong = UserFactory(username="head_p")
    grant(head_of_phong, cast.phong_p, Role.HEAD)
    visible = set(selectors.unit_visible_qs(head_of_phong).values_list("code", flat=True))
    assert visible == {"PHONG-P"}


def test_expired_and_revoked_roles_give_no_reach(cast):
    user = UserFactory(username="former")
    m = grant(user, cast.school_b, Role.HEAD)
    services.membership_revoke(m)
    user = type(user).objects.get(pk=user.pk)
    assert not selectors.unit_visible_qs(user).exists()

    later = UserFactory(username="future")
    services.membership_grant(
        user=later, unit=cast.school_b, role=Role.HEAD, valid_from=dt.date.today() + dt.timedelta(days=10)
    )
    assert not selectors.unit_visible_qs(later).exists()


def test_reparent_after_district_abolished_keeps_history(cast):
    """1/7/2025: the Phòng is abolished and its schools move under the Sở. The school keeps its record,
    its subtree moves with it, and its history shows the former parent."""
    services.unit_move(cast.school_a, cast.so_s, effective=dt.date(2025, 7, 1), note="Theo Nghị quyết sắp xếp")
    school = Unit.objects.get(pk=cast.school_a.pk)
    team = Unit.objects.get(pk=cast.team_a.pk)
    assert school.parent_id == cast.so_s.pk
    assert school.depth == 3 and team.depth == 4
    assert team.path.startswith(school.path) and school.path.startswith(cast.so_s.path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])

    versions = list(UnitVersion.objects.filter(unit=school).order_by("pk"))
    assert [v.reason for v in versions] == [UnitVersion.Reason.CREATED, UnitVersion.Reason.MOVED]
    assert versions[0].parent_name == "Phòng Giáo dục và Đào tạo huyện Phú Điền"
    assert versions[0].valid_to == dt.date(2025, 7, 1)
    assert versions[1].parent_id == cast.so_s.pk and versions[1].valid_to is None

    # The reviewer of the abolished Phòng no longer reaches the school; the Sở officer still does.
    reviewer = type(cast.reviewer_p).objects.get(pk=cast.reviewer_p.pk)
    assert not selectors.unit_visible_qs(reviewer).filter(pk=school.pk).exists()
    assert selectors.unit_visible_qs(cast.officer_s).filter(pk=school.pk).exists()


def test_move_to_another_province_moves_the_subtree_tenant(cast):
    services.unit_move(cast.school_a, cast.so_t, effective=dt.date(2025, 7, 1))
    assert set(Unit.objects.filter(code__in=["TRUONG-A", "TO-A-TOAN"]).values_list("province__code", flat=True)) == {
        "T"
    }
    assert selectors.unit_visible_qs(cast.officer_s).filter(code="TRUONG-A").count() == 0


def test_move_refuses_cycles_and_forbidden_kinds(cast):
    with pytest.raises(ValidationError, match="chính nó hoặc đơn vị cấp dưới"):
        services.unit_move(cast.phong_p, cast.school_a, effective=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="không được trực thuộc"):
        services.unit_move(cast.team_a, cast.phong_p, effective=dt.date(2025, 1, 1))


def test_create_refuses_forbidden_parent_kind_and_duplicate_code(cast):
    with pytest.raises(ValidationError, match="không được trực thuộc"):
        make_unit("thpt", cast.phong_p)
    with pytest.raises(ValidationError, match="đã được dùng"):
        make_unit("tieu-hoc", cast.phong_p, code="TRUONG-A")


def test_rename_keeps_old_name_for_old_documents(cast):
    services.unit_update(cast.school_b, name="Trường Tiểu học Bình Minh 2", effective=dt.date(2025, 9, 5))
    versions = list(UnitVersion.objects.filter(unit=cast.school_b).order_by("pk"))
    assert versions[0].name == "Trường Tiểu học Bình Minh" and versions[0].valid_to == dt.date(2025, 9, 5)
    assert versions[1].name == "Trường Tiểu học Bình Minh 2" and versions[1].reason == UnitVersion.Reason.RENAMED


def test_merge_moves_children_and_closes_source(cast):
    other_phong = make_unit("phong-gddt", cast.so_s, code="PHONG-Q", name="Phòng GD&ĐT huyện Quế Sơn")
    school_q = make_unit("tieu-hoc", other_phong, code="TRUONG-Q")
    services.unit_merge(other_phong, cast.phong_p, effective=dt.date(2025, 7, 1))
    other_phong.refresh_from_db()
    school_q.refresh_from_db()
    assert school_q.parent_id == cast.phong_p.pk
    assert other_phong.active_to == dt.date(2025, 7, 1) and other_phong.merged_into_id == cast.phong_p.pk
    assert UnitVersion.objects.filter(unit=other_phong, reason=UnitVersion.Reason.MERGED).exists()
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_nfd_names_are_stored_nfc_and_searchable_without_accents(cast):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Trường Mầm non Hoa Sen Đông Thạnh")
    unit = make_unit("mam-non", cast.phong_p, name=nfd, code="MN-HS")
    unit.refresh_from_db()
    assert unicodedata.is_normalized("NFC", unit.name)
    assert unit.name == unicodedata.normalize("NFC", nfd)
    found = selectors.unit_search(cast.reviewer_p, "hoa sen dong thanh")
    assert [u.code for u in found] == ["MN-HS"]
    assert kind("mam-non").category == "school"
