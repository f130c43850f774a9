"""The transition funnel (issue 16): each state machine's table, walked pair by pair. Every move not in the
table is refused and leaves no trace; every allowed move writes the state, bumps the version and records
its history line and its audit entry exactly once (a step in place, such as a head confirming a report,
records its history line and no audit entry: nothing audited changed)."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from criteria.models import Assessment, AssessmentEvent, IndicatorSet
from criteria.transitions import ASSESSMENT
from nominations import services
from nominations.models import Decision, Nomination, NominationEvent, Submission
from nominations.transitions import DECISION, NOMINATION, SUBMISSION
from units.models import AuditEntry
from units.transitions import transition, transition_many

from .factories import PersonFactory
from .nominations.helpers import YEAR, campaign_000, heads

pytestmark = pytest.mark.redesign

ROOT = Path(__file__).resolve().parent.parent


class Maker:
    """Builds one object of a machine's model in a given state, and the history line of a move."""

    def __init__(self, cast):
        self.cast = cast
        self.count = 0
        self._round = None

    @property
    def round(self):
        if self._round is None:
            h = heads(self.cast)
            self._round = services.round_create(
                campaign_000(self.cast), kind="yearly", school_year=YEAR, actor=h["head_p"]
            )
        return self._round

    def make(self, machine, state):
        self.count += 1
        c, i = self.cast, self.count
        if machine is NOMINATION:
            person = PersonFactory(unit=c.school_a, full_name=f"Giáo viên {i}")
            return Nomination.objects.create(
                round=self.round,
                award_form=self.round.award_forms.get(),
                subject="individual",
                unit=c.school_a,
                level=c.school_a,
                nominee_person=person,
                nominee_name=person.full_name,
                state=state,
            )
        if machine is SUBMISSION:
            return Submission.objects.create(round=self.round, from_unit=c.school_a, to_unit=c.phong_p, state=state)
        if machine is DECISION:
            return Decision.objects.create(
                round=self.round,
                unit=c.phong_p,
                award_form=self.round.award_forms.get(),
                number=f"{i}/QĐ-PGDĐT",
                signed_on=dt.date(2026, 5, 1),
                authority_name="Trưởng phòng",
                state=state,
            )
        return Assessment.objects.create(
            unit=c.school_a,
            school_year=f"{1900 + i}-{1901 + i}",
            indicator_set=IndicatorSet.objects.order_by("pk").first(),
            state=state,
        )

    def history(self, machine) -> dict:
        now = timezone.now()
        if machine is NOMINATION:
            return {"action": NominationEvent.Action.SUBMITTED, "level": self.cast.school_a, "actor": None, "at": now}
        if machine is ASSESSMENT:
            return {"action": AssessmentEvent.Action.SUBMITTED, "actor": None, "at": now}
        return {}


def _audits(machine, obj) -> int:
    return AuditEntry.objects.filter(action=machine.audit_action, object_id=obj.public_id).count()


def _histories(machine, obj) -> int:
    if machine.history_model is None:
        return 0
    return machine.history_model.objects.filter(**{machine.history_fk: obj}).count()


MACHINES = {"nomination": NOMINATION, "dossier": SUBMISSION, "decision": DECISION, "self-assessment": ASSESSMENT}


@pytest.mark.parametrize("name", list(MACHINES))
def test_every_move_of_the_table_is_checked_and_recorded_once(cast, name):
    machine = MACHINES[name]
    maker = Maker(cast)
    states = machine.states()
    assert set(machine.moves) == set(states), "every state has a row in the table"
    allowed = refused = 0
    for source, target in itertools.product(states, states):
        obj = maker.make(machine, source)
        version = obj.version
        if not machine.allows(source, target):
            with pytest.raises(ValidationError) as exc:
                transition(machine, obj, target, history=maker.history(machine))
            assert machine.label(source) in exc.value.messages[0] and machine.label(target) in exc.value.messages[0]
            stored = machine.model.objects.get(pk=obj.pk)
            assert (stored.state, stored.version) == (source, version)
            assert _audits(machine, obj) == 0 and _histories(machine, obj) == 0
            refused += 1
            continue
        transition(machine, obj, target, history=maker.history(machine))
        stored = machine.model.objects.get(pk=obj.pk)
        assert (stored.state, stored.version) == (target, version + 1) == (obj.state, obj.version)
        assert _histories(machine, obj) == (1 if machine.history_model else 0), (source, target)
        assert _audits(machine, obj) == (0 if source == target else 1), (source, target)
        if source != target:
            entry = AuditEntry.objects.get(action=machine.audit_action, object_id=obj.public_id)
            assert entry.before["state"] == source and entry.after["state"] == target
        allowed += 1
    assert allowed == sum(len(t) for t in machine.moves.values()) and allowed + refused == len(states) ** 2


def test_a_bulk_move_refuses_all_when_one_is_not_allowed_and_records_each_once(cast):
    maker = Maker(cast)
    D, S, A = Nomination.State.DRAFT, Nomination.State.SUBMITTED, Nomination.State.AWARDED
    ok = [maker.make(NOMINATION, D), maker.make(NOMINATION, Nomination.State.RETURNED)]
    awarded = maker.make(NOMINATION, A)
    with pytest.raises(ValidationError):
        transition_many(NOMINATION, [*ok, awarded], S, history=maker.history(NOMINATION))
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in ok]).values_list("state", flat=True)) == {D, "returned"}
    assert NominationEvent.objects.count() == 0
    transition_many(NOMINATION, ok, S, history=maker.history(NOMINATION))
    for n in ok:
        assert Nomination.objects.get(pk=n.pk).state == S
        assert _audits(NOMINATION, n) == 1 and _histories(NOMINATION, n) == 1


def _draft(cast):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    form = award_round.award_forms.get()
    return services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=form,
        subject="individual",
        person=cast.person_teacher_a,
    )


def test_withdraw_checks_the_state_under_the_row_lock(cast):
    """The page was opened while the nomination was a draft; it has been sent since. Withdrawing from the
    stale page is refused: the check reads the locked row, not the object the page loaded."""
    stale = _draft(cast)
    Nomination.objects.filter(pk=stale.pk).update(state=Nomination.State.SUBMITTED)
    with pytest.raises(ValidationError, match="Chỉ rút đề nghị chưa gửi"):
        services.nomination_withdraw(stale, actor=cast.principal_a, reason="Nhầm")
    assert Nomination.objects.get(pk=stale.pk).state == Nomination.State.SUBMITTED
    assert not NominationEvent.objects.filter(nomination=stale, action=NominationEvent.Action.WITHDRAWN).exists()


def test_confirm_is_refused_once_the_nomination_has_left_its_unit(cast):
    n = _draft(cast)
    fields = {f["key"]: "Nội dung đầy đủ" for f in n.report_template.fields}
    n = services.nomination_save(n, actor=cast.principal_a, version=n.version, summary="Tóm tắt", report=fields)
    Nomination.objects.filter(pk=n.pk).update(state=Nomination.State.SUBMITTED)
    with pytest.raises(ValidationError, match="Chỉ xác nhận báo cáo"):
        services.nomination_confirm(n, actor=cast.principal_a)
    stored = Nomination.objects.get(pk=n.pk)
    assert stored.report_confirmed_at is None and stored.state == Nomination.State.SUBMITTED
    # In its unit, the confirmation is a step in place: recorded once in the history, no state audited.
    Nomination.objects.filter(pk=n.pk).update(state=Nomination.State.DRAFT)
    n.refresh_from_db()
    services.nomination_confirm(n, actor=cast.principal_a)
    assert Nomination.objects.get(pk=n.pk).report_confirmed_at is not None
    assert NominationEvent.objects.filter(nomination=n, action=NominationEvent.Action.CONFIRMED).count() == 1


def _state_writes(path: Path) -> list[str]:
    """Calls in a module that write a `state` outside the funnel: `.update(state=…)` or `x.state = …`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        is_update = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
        if is_update and any(k.arg == "state" for k in node.keywords):
            found.append(f"{path.name}:{node.lineno}")
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Attribute) and t.attr == "state":
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_service_writes_a_state_outside_the_funnel():
    modules = [*(ROOT / "nominations" / "services").glob("*.py"), *(ROOT / "criteria" / "services").glob("*.py")]
    assert len(modules) >= 10
    offenders = [hit for m in modules for hit in _state_writes(m)]
    assert offenders == []
