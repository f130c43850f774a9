"""manage.py seed_demo builds the four demo provinces from the seed plans, idempotently."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from units.demo_data import DEMO_PASSWORD, LOGINS
from units.models import EmulationBlock, Membership, Person, Province, Unit, UnitVersion

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_four_provinces_and_the_seed_units(seeded):
    assert set(Province.objects.values_list("name", flat=True)) >= {
        "Long An",
        "Bình Phước",
        "Đồng Nai",
        "Thái Nguyên",
    }
    can_giuoc = Unit.objects.get(code="PGD-CG")
    schools = Unit.objects.filter(parent=can_giuoc, kind__category="school")
    assert schools.count() >= 20
    assert schools.values("kind").distinct().count() >= 3
    assert EmulationBlock.objects.filter(organiser__code="SO-BP", school_year="2024-2025").count() >= 3
    loc_ninh = Unit.objects.get(code="BP-THPT-LN")
    assert loc_ninh.parent.code == "SO-DN" and loc_ninh.province.name == "Đồng Nai"
    assert Unit.objects.filter(parent=loc_ninh, kind__code="to-chuyen-mon").count() >= 6
    former = UnitVersion.objects.filter(unit=loc_ninh).order_by("pk").first()
    assert former.parent.code == "SO-BP" and former.valid_to.isoformat() == "2025-07-01"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_one_login_per_role_printed_with_the_url(seeded):
    for username, role, unit_code, *_ in LOGINS:
        assert Membership.objects.filter(user__username=username, role=role, unit__code=unit_code).exists()
        assert username in seeded
    assert "http://" in seeded and DEMO_PASSWORD in seeded


def test_running_twice_changes_nothing(seeded):
    counts = (
        Unit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        UnitVersion.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        Unit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        UnitVersion.objects.count(),
    )


def test_people_are_fictional(seeded):
    """No name of an official who signs the seed plans appears among the demo people."""
    text = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("0*.txt")) if SEEDS.exists() else ""
    names = set(Person.objects.values_list("full_name", flat=True))
    assert len(names) > 100
    assert not [n for n in names if len(n.split()) >= 3 and n in text]


def test_demo_head_logs_in_and_sees_their_school(seeded, client):
    r = client.post("/tai-khoan/login/", {"login": "ht.thcs.phuocly", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    page = client.get("/").text
    assert "Trường THCS Phước Lý" in page
