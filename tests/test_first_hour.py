"""Issue 18, the first hour: the demo lives in the day it runs, and the home page is the person's work list.

`seed_demo` runs with its clock frozen at the start, the middle and the end of a school year; every printed
login lands on a home with a deadline still ahead and something to do, overdue work apart from what is
coming. The work list is checked per role on the demo, and its query count at 50 and 5,000 schools."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign, Obligation
from criteria.models import Assessment, EvidenceItem
from nominations.models import AwardRound, Nomination
from units.demo_data import LOGINS
from units.models import Membership, Person, Role, Unit, User

pytestmark = pytest.mark.firsthour


@pytest.fixture(autouse=True)
def _demo_settings(settings):
    """As `make demo` runs: the printed password is enough, no two-step set-up first."""
    settings.MFA_REQUIRED_ROLES = []


@contextmanager
def frozen(day: dt.date, hour: int = 10):
    """The clock every view and service reads (django.utils.timezone.now, hence localdate) stops at `day`."""
    moment = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LOCAL_TZ).astimezone(dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def browser(username: str) -> Client:
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def home_of(username: str) -> str:
    response = browser(username).get("/")
    assert response.status_code == 200, username
    return response.content.decode()


def seed(day: dt.date) -> float:
    started = time.monotonic()
    call_command("seed_demo", today=day, stdout=io.StringIO())
    return time.monotonic() - started


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 9, 5), dt.date(2027, 1, 15), dt.date(2027, 5, 25)],
    ids=["start-of-year", "middle-of-year", "end-of-year"],
)
def test_every_demo_login_lands_on_live_work_whatever_the_day(db, day):
    with frozen(day) as now:
        seed(day)
        for login in LOGINS:
            page = home_of(login.username)
            dues = [dt.datetime.fromisoformat(d) for d in re.findall(r'data-due="([^"]+)"', page)]
            assert any(d > now for d in dues), f"{login.username}: no deadline ahead on {day}"
            assert re.search(r"data-todo=\"[\w-]+\"", page), f"{login.username}: nothing to do on {day}"
            # What is coming is never overdue: overdue rows sit in their own section.
            for due in re.findall(r'data-todo="upcoming" data-due="([^"]+)"', page):
                assert dt.datetime.fromisoformat(due) > now, login.username
            for due in re.findall(r'data-todo="overdue" data-due="([^"]+)"', page):
                assert dt.datetime.fromisoformat(due) <= now, login.username
        # A deadline within weeks for the school logins, and a locked deadline already past in a round
        # whose plan period covers the day.
        head_units = [lg.unit_code for lg in LOGINS if lg.role == Role.HEAD]
        soon = Obligation.objects.filter(
            unit__code__in=head_units, status="open", due_at__gt=now, due_at__lte=now + dt.timedelta(days=35)
        )
        assert soon.values("unit").distinct().count() >= 2
        locked_round = AwardRound.objects.filter(
            deadline__locks=True,
            campaign__start_date__lte=day,
            campaign__end_date__gte=day,
            deadline__obligations__due_at__lt=now,
        )
        assert locked_round.exists()


def test_demo_content_and_one_login_per_role(db):
    day = dt.date(2027, 1, 15)
    with frozen(day) as now:
        first = seed(day)
        counts = (Unit.objects.count(), Person.objects.count(), Campaign.objects.count(), Assessment.objects.count())
        counts += (Nomination.objects.count(), Membership.objects.count(), EvidenceItem.objects.count())
        again = seed(day)
        assert counts == (
            Unit.objects.count(),
            Person.objects.count(),
            Campaign.objects.count(),
            Assessment.objects.count(),
            Nomination.objects.count(),
            Membership.objects.count(),
            EvidenceItem.objects.count(),
        ), "seed_demo is idempotent"
        print(f"seed_demo: {first:.1f} s, again {again:.1f} s")

        # One login for every role the seeds name.
        roles = {(lg.role, Unit.objects.get(code=lg.unit_code).kind.category) for lg in LOGINS}
        assert ("head", "office") in roles  # Trưởng phòng
        assert ("reviewer", "department") in roles  # the Sở reviewer of self-assessments
        assert ("staff", "team") in roles  # tổ trưởng
        assert {lg.province for lg in LOGINS} >= {"Long An", "Bình Phước", "Đồng Nai"}
        assert Membership.objects.filter(user__username="sogd.dongnai", unit__code="SO-DN", role="officer").exists()
        team_lead = User.objects.get(username="tt.toan.thptlocninh")
        assert Nomination.objects.filter(proposed_by__code="BP-THPT-LN-T01", created_by=team_lead).exists()

        # Looks real: one principal per school, distinct evidence titles in each school's library.
        for school in Unit.objects.filter(kind__category="school"):
            assert Person.objects.filter(unit=school, position="Hiệu trưởng").count() == 1, school.code
        titles = list(EvidenceItem.objects.filter(unit__code="CG-THCS-PL").values_list("title", flat=True))
        assert len(titles) >= 5 and len(set(titles)) == len(titles)
        assert "Báo cáo" not in titles

        # A recognised, published self-assessment with its public page; one in progress.
        published = Assessment.objects.get(unit__code="CG-THCS-PL", state="published")
        public = Client().get(f"/cong-khai/tu-danh-gia/{published.public_id}/")
        assert public.status_code == 200 and published.recognition_number in public.content.decode()
        assert Assessment.objects.filter(unit__code="CG-THCS-PL", school_year="2026-2027", state="draft").exists()

        # The principal's work list: overdue apart, days left, self-assessment progress, a return's reason.
        page = home_of("ht.thcs.phuocly")
        overdue = page.split('id="overdue-h"')[1].split("</section>")[0]
        assert "Báo cáo số liệu chỉ tiêu" in overdue and re.search(r"quá hạn \d+ ngày", overdue)
        coming = page.split('id="todo-h"')[1].split("</section>")[0]
        assert "Báo cáo số liệu chỉ tiêu" not in coming and re.search(r"còn \d+ ngày", coming)
        assert re.search(r"\d+/\d+ tiêu chí đã nhập", page) and "Chưa nhập chỉ số" in page
        assert "Bị trả lại, cần sửa" in page and "bổ sung minh chứng giải thưởng" in page

        # The Phòng reviewer: what waits (dossier, self-assessments), who is late with days, quotas used.
        page = home_of("phong.cangiuoc")
        assert "Hồ sơ khen thưởng chờ thẩm định" in page and "Trường THCS Phước Lý" in page
        assert "Bản tự đánh giá chờ thẩm định" in page and 'data-todo="sa-review"' in page
        late = page.split('id="late-h"')[1].split("</section>")[0]
        assert re.search(r"chậm \d+ ngày", late) and "Trường THCS Phước Lý" in late
        assert "Hạn mức đã dùng" in page and "/2</span>" in page
        assert "Số đơn vị đang hoạt động" not in page  # no more counts of unit kinds

        # The officer: response and on-time rates per running plan, the levels chart, the exports.
        page = home_of("sogd.binhphuoc")
        progress = page.split('id="progress-h"')[1].split("</section>")[0]
        assert re.search(r"\d+%", progress) and "/bao-cao/" in progress
        assert 'id="lv-h"' in page and "<rect" in page
        assert now.date() == day


# --- Query counts per role at 50 and 5,000 schools ----------------------------------------------------


def _scale_world(schools: int, now: dt.datetime):
    """generate_scale's province with `schools` schools, a running plan over all of them with a deadline
    passed and one coming, self-assessments and nominations waiting at each school's parent."""
    from campaigns import services as campaign_services
    from criteria.scale import assessments_generate
    from nominations.scale import nominations_generate
    from units import services as unit_services
    from units.models import UnitKind, school_year_of

    call_command(
        "generate_scale", "--provinces", "1", "--schools", str(schools), "--staff-per-school", "0", stdout=io.StringIO()
    )
    so = Unit.objects.get(code="SC-01-SO")
    today = now.date()
    plan = campaign_services.campaign_create(
        issuer=so,
        number="90/KH-SGDĐT",
        issued_on=today - dt.timedelta(days=60),
        title="Kế hoạch năm học (mô phỏng)",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=200),
        participant_kinds=list(UnitKind.objects.filter(category="school")),
    )
    campaign_services.deadline_save(
        plan, title="Báo cáo chỉ tiêu", kind="target_report", due_date=today - dt.timedelta(days=5)
    )
    campaign_services.deadline_save(
        plan, title="Tự đánh giá", kind="self_assessment", due_date=today + dt.timedelta(days=12)
    )
    campaign_services.campaign_publish(plan, now=now - dt.timedelta(days=60))
    assessments_generate(school_year_of(today))
    nominations_generate()
    phong = Unit.objects.filter(parent__parent=so, kind__category="school").order_by("code").first().parent
    reviewer = User.objects.create(username=f"sc.reviewer.{schools}")
    unit_services.membership_grant(user=reviewer, unit=phong, role=Role.REVIEWER)
    head = Membership.objects.filter(unit__code__startswith="SC-", unit__kind__category="school", role="head").first()
    officer = Membership.objects.get(unit=so, role=Role.OFFICER).user
    return {"officer": officer, "reviewer": reviewer, "principal": head.user}


# Fixed bounds whatever the number of schools (the panels group and limit in the database).
MAX_QUERIES = {"officer": 24, "reviewer": 21, "principal": 18}


@pytest.mark.parametrize("schools", [50, 5000])
def test_home_query_counts_per_role_do_not_grow_with_schools(db, schools, django_assert_max_num_queries):
    with frozen(dt.date(2026, 12, 2)) as now:
        cast = _scale_world(schools, now)
        for role, user in cast.items():
            client = Client()
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
            with django_assert_max_num_queries(MAX_QUERIES[role]) as queries:
                page = client.get("/").content.decode()
            print(f"home of the {role} at {schools} schools: {len(queries.captured_queries)} queries")
            assert re.search(r"data-todo=\"[\w-]+\"", page), (role, re.findall(r"<h2[^>]*>(.*?)</h2>", page))
            if role == "officer":
                assert "90/KH-SGDĐT" in page and "Đơn vị đang chậm" in page
            if role == "reviewer":
                assert "Bản tự đánh giá chờ thẩm định" in page or "Hồ sơ khen thưởng chờ thẩm định" in page
            if role == "principal":
                assert 'id="overdue-h"' in page and "Tự đánh giá" in page
