"""generate_scale builds a valid tree in bulk and --clear removes only what it made."""

from __future__ import annotations

import io

from django.core.management import call_command

from units import selectors
from units.models import Person, Province, Unit, User


def test_small_run_builds_a_valid_tree_and_clear_removes_only_it(cast):
    before = Unit.objects.count()
    out = io.StringIO()
    call_command("generate_scale", "--provinces", "2", "--schools", "60", "--staff-per-school", "2", stdout=out)
    assert "Trường" in out.getvalue() and "dòng/s" in out.getvalue()
    generated = Unit.objects.filter(code__startswith="SC-")
    assert generated.filter(kind__category="school").count() == 60
    assert Province.objects.filter(code__startswith="SC-").count() == 2
    assert Person.objects.filter(unit__code__startswith="SC-").count() == 120
    assert Unit.objects.find_problems() == ([], [], [], [], [])

    so = Unit.objects.get(code="SC-01-SO")
    subtree_schools = Unit.objects.filter(path__startswith=so.path, kind__category="school")
    assert subtree_schools.count() == 30
    assert set(subtree_schools.values_list("province_id", flat=True)) == {so.province_id}
    school = subtree_schools.filter(depth=so.depth + 2).first()
    assert [a.pk for a in Unit.objects.get_ancestors(school)] == [
        school.parent.parent.parent_id,
        school.parent.parent_id,
        school.parent_id,
    ]

    officer = User.objects.get(username="sc.officer.01")
    assert selectors.unit_visible_qs(officer).filter(kind__category="school").count() == 30

    call_command("generate_scale", "--clear", stdout=io.StringIO())
    assert Unit.objects.count() == before
    assert Unit.objects.filter(code="TRUONG-A").exists()
    assert Unit.objects.find_problems() == ([], [], [], [], [])
