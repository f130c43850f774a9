"""The demo's award rounds: the Cần Giuộc reviewer finds Phước Lý's dossier with three nominations, one of
them already returned with a reason and two waiting."""

import io

from django.core.management import call_command
from django.urls import reverse

from nominations.models import AwardRound, Nomination, Submission
from units.models import User

from ..factories import enroll_totp
from .helpers import as_user


def test_seed_demo_has_a_dossier_waiting_for_the_phong(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_nominations", stdout=io.StringIO())  # idempotent
    assert AwardRound.objects.count() == 3  # Cần Giuộc, Bình Phước, Đồng Nai: the current plans' rounds
    sub = Submission.objects.get(from_unit__code="CG-THCS-PL")
    assert sub.state == Submission.State.SUBMITTED and sub.items.count() == 3
    reviewer = as_user(User.objects.get(username="phong.cangiuoc"))
    award_round = AwardRound.objects.get(organiser__code="PGD-CG")
    page = reviewer.get(reverse("nominations:queue", args=[award_round.public_id])).content.decode()
    assert page.count('name="chon"') + page.count("duyệt từng đề nghị") == 2
    waiting = Nomination.objects.filter(state=Nomination.State.SUBMITTED, level__code="PGD-CG")
    assert waiting.count() == 2
    returned = Nomination.objects.get(unit__code="CG-THCS-PL", state=Nomination.State.RETURNED)
    assert "minh chứng" in returned.reason
    board = reviewer.get(reverse("nominations:board", args=[award_round.public_id])).content.decode()
    assert "Xuất danh sách trích ngang (Excel)" in board
    officer = User.objects.get(username="sogd.binhphuoc")
    enroll_totp(officer)  # officers sign in with two-step verification outside the demo
    board = as_user(officer).get(
        reverse("nominations:board", args=[AwardRound.objects.get(organiser__code="SO-BP").public_id])
    )
    assert "7" in board.content.decode() and "Hội đồng TĐKT của đơn vị" in board.content.decode()
