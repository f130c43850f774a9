"""One door for every state change of a workflow object (a nomination, a dossier, a decision, a
self-assessment), after pretalx's `set_submission_state`.

Each app owns its state machines (`nominations/transitions.py`, `criteria/transitions.py`): a `Machine`
names the model, the table of allowed moves (state → the states it may go to; a state that may go to
itself marks a step taken in place, such as a head confirming a report), the audit action and, when the
model has one, its history table. This module is the machinery they share and imports no higher app.

`transition` locks the row, checks the move against the table (refusing with the caller's Vietnamese
message, or a generic one), writes the new state and fields with the version bumped, then the history
event and the audit entry. `transition_many` does the same for a set of rows moved by one queryset update.
`update_audited` is the part without a move: a locked update that bumps the version and audits the
watched fields it changes (the old `_bump`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit


@dataclass(frozen=True)
class Machine:
    """A state machine: `moves[a]` is the set of states `a` may move to."""

    model: type[models.Model]
    moves: Mapping[str, frozenset[str]]
    audit_action: str
    audited: tuple[str, ...] = ("state",)
    history_model: type[models.Model] | None = None
    history_fk: str = ""
    # Fields whose value becomes the audit entry's note when a step writes them.
    note_fields: tuple[str, ...] = field(default=("reason", "return_reason"))
    # A timestamp field set to the moment of every write through the funnel ("" for none).
    stamp: str = ""

    def allows(self, source: str, target: str) -> bool:
        return target in self.moves.get(source, frozenset())

    def states(self) -> list[str]:
        return [value for value, _label in self.model._meta.get_field("state").choices]

    def label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field("state").choices).get(state, state))

    def refusal(self, source: str, target: str) -> str:
        return _("Không thể chuyển %(what)s từ trạng thái “%(from)s” sang “%(to)s”.") % {
            "what": self.model._meta.verbose_name,
            "from": self.label(source),
            "to": self.label(target),
        }


def check(machine: Machine, obj, target: str, *, refusal: str = "") -> None:
    """Refuses early, on a row the caller has locked, a move the table does not allow (before work that
    would be wasted); `transition` checks again when it makes the move."""
    if not machine.allows(obj.state, target):
        raise ValidationError(refusal or machine.refusal(obj.state, target))


def moves_table(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, frozenset[str]]:
    return {source: frozenset(targets) for source, targets in pairs}


def _atomic():
    """The caller's transaction when there is one (a refusal then leaves it usable, as a plain check
    would), else a new one: the row lock needs a transaction."""
    return nullcontext() if transaction.get_connection().in_atomic_block else transaction.atomic()


def _lock(model: type[models.Model], pk) -> models.Model:
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def _write(machine: Machine, obj, locked, fields: dict) -> None:
    """One UPDATE of `fields` and the bumped version on the locked row; `obj` then holds the row as stored
    (the locked values, then the new ones) without reading it again."""
    model = machine.model
    fields = {**fields, "version": locked.version + 1}
    if machine.stamp:
        fields.setdefault(machine.stamp, timezone.now())
    model.objects.filter(pk=obj.pk).update(**fields)
    for f in model._meta.concrete_fields:
        if f.is_relation and getattr(obj, f.attname) != getattr(locked, f.attname) and f.is_cached(obj):
            f.delete_cached_value(obj)
        setattr(obj, f.attname, getattr(locked, f.attname))
    for name, value in fields.items():
        setattr(obj, name, value)


def update_audited(machine: Machine, obj, *, note: str = "", **fields):
    """Locks `obj`'s row, writes `fields` and bumps its version, and writes an audit entry for the watched
    fields that changed. No move is checked: use `transition` for a change of state."""
    if "state" in fields and machine.moves:
        raise ValueError("A change of state goes through transition(), which checks the move.")
    with _atomic():
        locked = _lock(machine.model, obj.pk)
        before = audit.values(locked, [f for f in machine.audited if f in fields])
        _write(machine, obj, locked, fields)
        if before:
            note = note or next((fields[f] for f in machine.note_fields if fields.get(f)), "")
            audit.record_change(machine.audit_action, obj, before, unit=audit.unit_of(obj), note=note)
    return obj


def transition(machine: Machine, obj, target: str, *, refusal: str = "", history: dict | None = None, **fields):
    """Moves `obj` to `target`: locks its row, refuses a move the table does not allow (with `refusal`, or a
    generic message naming both states), writes the state, `fields` and the bumped version, then the history
    event (`history` holds its fields; machines without a history table keep the audit entry only) and
    the audit entry. The check is made on the locked row, so a move raced by another one is refused."""
    with _atomic():
        locked = _lock(machine.model, obj.pk)
        if not machine.allows(locked.state, target):
            raise ValidationError(refusal or machine.refusal(locked.state, target))
        before = audit.values(locked, machine.audited)
        _write(machine, obj, locked, {**fields, "state": target})
        if history is not None and machine.history_model is not None:
            machine.history_model.objects.create(**{machine.history_fk: obj}, **history)
        note = next((fields[f] for f in machine.note_fields if fields.get(f)), "")
        audit.record_change(machine.audit_action, obj, before, unit=audit.unit_of(obj), note=note)
    return obj


def transition_many(
    machine: Machine, objs, target: str, *, refusal: str = "", history: dict | None = None, note: str = "", **fields
) -> list:
    """Moves every object of `objs` to `target` with one queryset update: the rows are locked in primary-key
    order, each move is checked against the table (one refused move refuses them all), then each object gets
    its audit entry and, given `history`, its history event (one insert for all)."""
    objs = list(objs)
    if not objs:
        return objs
    with _atomic():
        pks = [o.pk for o in objs]
        rows = {
            pk: (state, version)
            for pk, state, version in machine.model.objects.select_for_update(of=("self",))
            .filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk", "state", "version")
        }
        for obj in objs:
            source = rows[obj.pk][0]
            if not machine.allows(source, target):
                raise ValidationError(refusal or machine.refusal(source, target))
            obj.state, obj.version = rows[obj.pk]
        after = {"state": target, **{k: v for k, v in fields.items() if k in machine.audited}}
        after = {k: audit.plain(v) for k, v in after.items()}
        for obj in objs:
            audit.record_change(
                machine.audit_action, obj, audit.values(obj, after), unit=audit.unit_of(obj), note=note, after=after
            )
        if machine.stamp:
            fields.setdefault(machine.stamp, timezone.now())
        machine.model.objects.filter(pk__in=pks).update(state=target, version=F("version") + 1, **fields)
        for obj in objs:
            obj.state, obj.version = target, obj.version + 1
            for name, value in fields.items():
                setattr(obj, name, value)
        if history is not None and machine.history_model is not None:
            machine.history_model.objects.bulk_create(
                [machine.history_model(**{machine.history_fk: obj}, **history) for obj in objs]
            )
    return objs
