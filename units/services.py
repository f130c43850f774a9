"""Writes for units, people, roles and blocks. One transaction each; every rule is checked here.

Callers pass the acting user; permission is checked by the view (rules) and the invariants here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, selectors
from .models import (
    BlockMembership,
    EmulationBlock,
    Membership,
    Person,
    Posting,
    Province,
    Role,
    Unit,
    UnitKind,
    UnitVersion,
    User,
    nfc,
    school_year_of,
)


def _check_parent_kind(kind: UnitKind, parent: Unit | None) -> None:
    if parent is None:
        return
    allowed = set(kind.allowed_parents.values_list("pk", flat=True))
    if allowed and parent.kind_id not in allowed:
        raise ValidationError(
            _("Loại “%(kind)s” không được trực thuộc “%(parent)s” (loại “%(parent_kind)s”).")
            % {"kind": kind.name, "parent": parent.name, "parent_kind": parent.kind.name}
        )


def _open_version(unit: Unit, *, reason: str, valid_from: dt.date | None, actor=None, note: str = "") -> None:
    UnitVersion.objects.create(
        unit=unit,
        name=unit.name,
        short_name=unit.short_name,
        parent=unit.parent,
        parent_name=unit.parent.name if unit.parent else "",
        governing_body=unit.governing_body,
        document_abbreviation=unit.document_abbreviation,
        province=unit.province,
        valid_from=valid_from,
        reason=reason,
        note=nfc(note),
        recorded_by=actor,
    )


def _close_current_version(unit: Unit, on: dt.date) -> None:
    UnitVersion.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=on)


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None,
    province: Province | None = None,
    short_name: str = "",
    place_name: str = "",
    address: str = "",
    email: str = "",
    phone: str = "",
    active_from: dt.date | None = None,
    governing_body: str = "",
    document_abbreviation: str = "",
    actor=None,
) -> Unit:
    """Adds a unit under `parent` (or as a root). The kind must be allowed under the parent's kind;
    the province is inherited from the parent."""
    code = nfc(code)
    if not code:
        raise ValidationError(_("Mã đơn vị không được để trống."))
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(_("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code})
    _check_parent_kind(kind, parent)
    fields = {
        "code": code,
        "name": nfc(name),
        "short_name": nfc(short_name),
        "kind": kind,
        "parent": parent,
        "province": parent.province if parent and parent.province_id else province,
        "place_name": nfc(place_name) or (parent.place_name if parent else ""),
        "address": nfc(address),
        "governing_body": nfc(governing_body),
        "document_abbreviation": nfc(document_abbreviation),
        "email": email,
        "phone": phone,
        "active_from": active_from,
    }
    if parent is None:
        unit = Unit.objects.add_root(fields)
    else:
        unit = Unit.objects.add_child(parent, fields)
    _open_version(unit, reason=UnitVersion.Reason.CREATED, valid_from=active_from, actor=actor)
    audit.record("unit.created", unit, unit=unit, actor=actor, after={"code": unit.code, "parent": audit.plain(parent)})
    return unit


UNIT_FIELDS = (
    "name",
    "short_name",
    "governing_body",
    "document_abbreviation",
    "place_name",
    "address",
    "email",
    "phone",
)
# What documents print about the unit: a change of any of them opens a new history row.
DOCUMENT_FIELDS = ("name", "short_name", "governing_body", "document_abbreviation")


@transaction.atomic
def unit_update(unit: Unit, *, actor=None, effective: dt.date | None = None, note: str = "", **changes) -> Unit:
    """Updates contact details; a change of what documents print (name, short name, governing body,
    abbreviation) closes the current history row so that documents dated before `effective` keep the old
    header."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = audit.values(unit, UNIT_FIELDS)
    renamed = False
    for field in UNIT_FIELDS:
        if field in changes:
            value = nfc(changes[field]) if field not in ("email",) else changes[field]
            if field in DOCUMENT_FIELDS and value != getattr(unit, field):
                renamed = True
            setattr(unit, field, value)
    if not unit.name:
        raise ValidationError(_("Tên đơn vị không được để trống."))
    unit.save()
    audit.record_change("unit.changed", unit, before, unit=unit, note=note)
    if renamed:
        on = effective or timezone.localdate()
        _close_current_version(unit, on)
        _open_version(unit, reason=UnitVersion.Reason.RENAMED, valid_from=on, actor=actor, note=note)
    return unit


@transaction.atomic
def unit_move(unit: Unit, new_parent: Unit, *, effective: dt.date, actor=None, note: str = "", reason=None) -> Unit:
    """Re-parents a unit with its whole subtree (e.g. schools moved from an abolished Phòng to the Sở
    on 01/07/2025). History keeps the former parent; if the new parent is in another province, the
    subtree moves to that province."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(_("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."))
    if unit.parent_id == new_parent.pk:
        raise ValidationError(_("Đơn vị đã trực thuộc “%(parent)s”.") % {"parent": new_parent.name})
    _check_parent_kind(unit.kind, new_parent)
    old_parent = unit.parent
    Unit.objects.move(unit, new_parent, "last-child")
    unit = Unit.objects.get(pk=unit.pk)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    if new_parent.province_id != unit.province_id:
        Unit.objects.filter(path__startswith=unit.path).update(province=new_parent.province_id)
    unit.refresh_from_db()
    _leave_blocks_outside(unit, school_year_of(effective))
    _close_current_version(unit, effective)
    _open_version(unit, reason=reason or UnitVersion.Reason.MOVED, valid_from=effective, actor=actor, note=note)
    audit.record(
        "unit.moved",
        unit,
        unit=unit,
        actor=actor,
        before={"parent": audit.plain(old_parent)},
        after={"parent": audit.plain(new_parent), "effective": effective.isoformat()},
        note=note,
    )
    return unit


def _leave_blocks_outside(unit: Unit, from_year: str) -> int:
    """A moved unit (and its subtree) leaves the blocks of the year of the move and later whose organiser no
    longer contains it: blocks belong to their organiser's province. Earlier years stay as history (the
    block's page shows the member as moved)."""
    stale = [
        m.pk
        for m in BlockMembership.objects.filter(unit__path__startswith=unit.path, school_year__gte=from_year)
        .select_related("unit", "organiser")
        .only("pk", "unit__path", "organiser__path")
        if not m.unit.path.startswith(m.organiser.path)
    ]
    BlockMembership.objects.filter(pk__in=stale).delete()
    return len(stale)


@transaction.atomic
def unit_merge(source: Unit, target: Unit, *, effective: dt.date, actor=None, note: str = "") -> Unit:
    """Merges `source` into `target`: its children move under the target, the source stops on
    `effective` and points to the target. Past campaigns, scores and awards stay on the source."""
    if source.pk == target.pk:
        raise ValidationError(_("Không thể sáp nhập một đơn vị vào chính nó."))
    if target.path.startswith(source.path):
        raise ValidationError(_("Không thể sáp nhập vào đơn vị cấp dưới của chính nó."))
    for child in list(Unit.objects.filter(parent=source).order_by("path")):
        unit_move(child, target, effective=effective, actor=actor, note=note)
    source = Unit.objects.select_for_update().get(pk=source.pk)
    source.active_to = effective
    source.merged_into = target
    source.save()
    _close_current_version(source, effective)
    UnitVersion.objects.create(
        unit=source,
        name=source.name,
        short_name=source.short_name,
        parent=source.parent,
        parent_name=source.parent.name if source.parent else "",
        governing_body=source.governing_body,
        document_abbreviation=source.document_abbreviation,
        province=source.province,
        valid_from=effective,
        valid_to=effective,
        reason=UnitVersion.Reason.MERGED,
        note=nfc(note) or _("Sáp nhập vào %(target)s") % {"target": target.name},
        recorded_by=actor,
    )
    return source


# --- People -----------------------------------------------------------------------------------------


PERSON_FIELDS = ("code", "full_name", "gender", "date_of_birth", "position", "category", "email", "phone")


class PossibleDuplicatePerson(ValidationError):
    """A new person's full name and date of birth match people already on the roll (`matches`)."""

    def __init__(self, matches: list[Person]):
        self.matches = matches
        super().__init__(
            _(
                "Đã có %(n)s cán bộ trùng họ tên và ngày sinh: %(names)s. Nếu đây là cùng một người, hãy mở hồ sơ "
                "đã có (chuyển đơn vị nếu cần) thay vì tạo mới; nếu là người khác, đánh dấu “Vẫn tạo” rồi lưu lại."
            )
            % {
                "n": len(matches),
                "names": "; ".join(f"{p.full_name} ({p.code}, {p.unit.name})" for p in matches),
            }
        )


@transaction.atomic
def person_create(
    *, unit: Unit, actor=None, start: dt.date | None = None, confirm_duplicate: bool = False, **data
) -> Person:
    """Adds a person to a unit's roll. A second record of the same person (same full name and date of birth,
    in the same unit or under a new code elsewhere in the actor's reach) splits their award ledger and hides
    the "no same award within N years" check, so it is refused until the caller confirms it is someone else."""
    if not confirm_duplicate:
        found = selectors.person_possible_duplicates(actor, [(data.get("full_name", ""), data.get("date_of_birth"))])
        matches = [p for people in found.values() for p in people]
        if matches:
            raise PossibleDuplicatePerson(matches)
    person = Person(unit=unit, **{k: v for k, v in data.items() if k in PERSON_FIELDS})
    person.full_clean()
    person.save()
    Posting.objects.create(person=person, unit=unit, position=person.position, start=start)
    return person


@transaction.atomic
def person_update(person: Person, *, actor=None, **data) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    position_changed = "position" in data and nfc(data["position"]) != person.position
    for key, value in data.items():
        if key in (*PERSON_FIELDS, "active"):
            setattr(person, key, value)
    person.full_clean()
    person.save()
    if position_changed:
        today = timezone.localdate()
        Posting.objects.filter(person=person, end__isnull=True).update(end=today)
        Posting.objects.create(person=person, unit=person.unit, position=person.position, start=today)
    return person


@transaction.atomic
def person_transfer(person: Person, new_unit: Unit, *, effective: dt.date, position: str = "", actor=None) -> Person:
    """Moves a person to another unit; the posting history keeps where they were."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.unit_id == new_unit.pk:
        raise ValidationError(_("Cán bộ đã thuộc đơn vị này."))
    Posting.objects.filter(person=person, end__isnull=True).update(end=effective)
    person.unit = new_unit
    if position:
        person.position = position
    person.save()
    Posting.objects.create(person=person, unit=new_unit, position=person.position, start=effective)
    return person


@transaction.atomic
def person_create_account(person: Person, *, username: str, email: str) -> User:
    """Gives a staff member a login with no usable password (they set one through the reset e-mail)."""
    parts = person.full_name.rsplit(" ", 1)
    user = User(
        username=username.strip(),
        email=email,
        first_name=parts[-1],
        last_name=parts[0] if len(parts) > 1 else "",
    )
    user.set_unusable_password()
    user.save()
    person.user = user
    if not person.email:
        person.email = email
    person.save(update_fields=["user", "email", "updated_at"])
    audit.record("account.created", user, unit=person.unit_id, after={"username": user.username, "email": email})
    return user


def account_send_password_setup(request, email: str) -> None:
    """E-mails the password-setting link (allauth's reset flow, Vietnamese templates)."""
    from allauth.account.forms import ResetPasswordForm

    form = ResetPasswordForm(data={"email": email})
    if form.is_valid():
        form.save(request)


# --- Roles ------------------------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *,
    user,
    unit: Unit,
    role: str,
    actor=None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Membership:
    """Gives `user` a role at `unit`. Granting the same open role twice is a no-op returning the row. An
    acting user grants only to accounts inside their own scope (selectors.accounts_in_scope)."""
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if actor is not None and not selectors.accounts_in_scope(actor).filter(pk=user.pk).exists():
        raise ValidationError(grant_not_found_message(user.get_username()))
    if valid_from and valid_to and valid_to <= valid_from:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    existing = Membership.objects.filter(user=user, unit=unit, role=role, revoked_at__isnull=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            m = Membership.objects.create(
                user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to, granted_by=actor
            )
            audit.record(
                "membership.granted",
                m,
                unit=unit,
                actor=actor,
                after={"user": user.get_username(), "role": role, **audit.values(m, ("valid_from", "valid_to"))},
                repr_text=_membership_repr(m),
            )
            return m
    except IntegrityError:
        # A concurrent grant of the same role won the race: return the row it created.
        return Membership.objects.get(user=user, unit=unit, role=role, revoked_at__isnull=True)


def grant_not_found_message(login: str) -> str:
    """One answer for a name nobody has and for an account outside the granting user's scope."""
    return _(
        "Không tìm thấy tài khoản hoặc cán bộ “%(login)s” trong phạm vi đơn vị bạn quản lý. Người chưa có tài "
        "khoản: nhập thư điện tử ghi trong hồ sơ cán bộ của họ để gửi thư mời."
    ) % {"login": login}


@dataclass(frozen=True)
class GrantResult:
    membership: Membership
    invited: Person | None = None  # the person whose account the grant created (they get a set-password e-mail)


@transaction.atomic
def membership_grant_by_login(
    *,
    login: str,
    unit: Unit,
    role: str,
    actor,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> GrantResult:
    """Grants a role to the account named `login` (username or e-mail) inside the actor's scope, or, when
    `login` is the e-mail on the staff record of a person in that scope who has no account yet, creates their
    account (an invitation: they set a password from the e-mail) and grants the role to it. Anything else,
    unknown or outside the scope, gets the same refusal."""
    login = (login or "").strip()
    user = selectors.account_for_grant(actor, login)
    invited = None
    if user is None:
        invited = selectors.person_for_invitation(actor, login)
        if invited is None or User.objects.filter(email__iexact=login).exists():
            raise ValidationError(grant_not_found_message(login))
        username = invited.email.lower()
        if User.objects.filter(username__iexact=username).exists():
            username = f"{username}.{invited.public_id.lower()}"
        user = person_create_account(invited, username=username, email=invited.email)
    membership = membership_grant(
        user=user, unit=unit, role=role, actor=actor, valid_from=valid_from, valid_to=valid_to
    )
    return GrantResult(membership, invited)


@transaction.atomic
def membership_revoke(membership: Membership, *, actor=None) -> Membership:
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.revoked_at is not None:
        return m
    today = timezone.localdate()
    m.revoked_at = timezone.now()
    m.revoked_by = actor
    if m.valid_to is None or m.valid_to > today:
        m.valid_to = today if (m.valid_from is None or m.valid_from < today) else None
    m.save(update_fields=["revoked_at", "revoked_by", "valid_to"])
    audit.record(
        "membership.revoked",
        m,
        unit=m.unit_id,
        actor=actor,
        before={"user": m.user.get_username(), "role": m.role},
        after={"valid_to": audit.plain(m.valid_to)},
        repr_text=_membership_repr(m),
    )
    return m


def _membership_repr(m: Membership) -> str:
    return f"{m.user.get_username()} — {m.get_role_display()} — {m.unit.name}"


# --- Blocks -----------------------------------------------------------------------------------------


@transaction.atomic
def block_save(
    *, organiser: Unit, school_year: str, name: str, description: str = "", members=(), block=None
) -> EmulationBlock:
    """Creates or updates a block and sets its members. Members must lie under the organiser and may
    belong to only one of the organiser's blocks in a school year."""
    members = list(members)
    outside = [u.name for u in members if not u.path.startswith(organiser.path) or u.pk == organiser.pk]
    if outside:
        raise ValidationError(
            _("Các đơn vị sau không trực thuộc %(org)s: %(names)s")
            % {"org": organiser.name, "names": ", ".join(outside)}
        )
    if block is None:
        block = EmulationBlock(organiser=organiser, province=organiser.province)
    block.school_year = school_year
    block.name = name
    block.description = description
    block.full_clean()
    taken = (
        BlockMembership.objects.filter(organiser=organiser, school_year=school_year, unit__in=members)
        .exclude(block_id=block.pk)
        .select_related("unit", "block")
    )
    if taken:
        raise ValidationError(
            _("Mỗi đơn vị chỉ thuộc một khối trong năm học. Đã thuộc khối khác: %(names)s")
            % {"names": ", ".join(f"{m.unit.name} ({m.block.name})" for m in taken)}
        )
    block.save()
    BlockMembership.objects.filter(block=block).exclude(unit__in=members).delete()
    have = set(BlockMembership.objects.filter(block=block).values_list("unit_id", flat=True))
    BlockMembership.objects.bulk_create(
        [
            BlockMembership(block=block, unit=u, school_year=school_year, organiser_id=organiser.pk)
            for u in members
            if u.pk not in have
        ]
    )
    return block
