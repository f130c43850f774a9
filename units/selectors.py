"""Reads, scoped to the caller. This module is the one place where "what may this user see" is computed.

A user's reach comes from their current memberships: a role at unit U reaches U and U's internal
sub-units (teams, divisions); reviewer, officer and admin roles reach U's whole subtree. Every list
and lookup in the portal filters through `Scope.q()`; views never filter by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    SUBTREE_ROLES,
    AuditEntry,
    BlockMembership,
    DocumentType,
    EmulationBlock,
    Membership,
    Person,
    Role,
    Unit,
    UnitKind,
    UnitVersion,
    User,
    fold,
    nfc,
)


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    unit_depth: int
    province_id: int | None


@dataclass
class Scope:
    """What a user reaches. Built once per request from one query (see `scope_for`)."""

    user_id: int | None
    is_superuser: bool = False
    grants: tuple[Grant, ...] = ()
    _roles_cache: dict = field(default_factory=dict, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def q(self, prefix: str = "") -> Q:
        """A filter over units (or over objects whose unit is reached through `prefix`, e.g. "unit__")."""
        if self.is_superuser:
            return Q()
        if not self.grants:
            return Q(pk__in=[])
        clause = Q()
        for grant in self.grants:
            if grant.role in SUBTREE_ROLES:
                clause |= Q(**{f"{prefix}path__startswith": grant.unit_path})
            else:
                clause |= Q(**{f"{prefix}pk": grant.unit_id}) | Q(
                    **{
                        f"{prefix}path__startswith": grant.unit_path,
                        f"{prefix}depth": grant.unit_depth + 1,
                        f"{prefix}is_internal": True,
                    }
                )
        return clause

    def below_q(self, path_field: str, roles: Iterable[str] | None = None) -> Q:
        """Objects whose unit path (`path_field`) lies in the subtree of one of the user's grants (of `roles`
        only, when given); matches nothing without such a grant."""
        clause = Q(pk__in=[])
        for grant in self.grants:
            if roles is None or grant.role in roles:
                clause |= Q(**{f"{path_field}__startswith": grant.unit_path})
        return clause

    def roles_at(self, unit: Unit) -> frozenset[str]:
        """The roles that apply to `unit`: own-unit roles held there (or at the unit an internal team
        belongs to), and subtree roles held at the unit or any ancestor."""
        key = unit.pk
        if key in self._roles_cache:
            return self._roles_cache[key]
        roles: set[str] = set()
        if self.is_superuser:
            roles.add(Role.ADMIN)
        for grant in self.grants:
            if grant.role in SUBTREE_ROLES:
                if unit.path.startswith(grant.unit_path):
                    roles.add(grant.role)
            elif grant.unit_id == unit.pk or (
                unit.is_internal and unit.depth == grant.unit_depth + 1 and unit.path.startswith(grant.unit_path)
            ):
                roles.add(grant.role)
        result = frozenset(roles)
        self._roles_cache[key] = result
        return result

    def reaches(self, unit: Unit) -> bool:
        return bool(self.roles_at(unit))

    def reachable_pks(self, units) -> set[int]:
        """The ids of those `units` this scope may open (to render the others without a link)."""
        return {u.pk for u in units if self.reaches(u)}

    def roles_at_ancestor_only(self, unit: Unit) -> frozenset[str]:
        """Subtree roles held strictly above `unit` (the reviewer's view of a child)."""
        return frozenset(
            g.role
            for g in self.grants
            if g.role in SUBTREE_ROLES and unit.path.startswith(g.unit_path) and g.unit_path != unit.path
        )

    def roles_held_at(self, unit: Unit) -> frozenset[str]:
        """Roles granted at exactly this unit (a system admin holds admin everywhere)."""
        roles = {g.role for g in self.grants if g.unit_id == unit.pk}
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    @property
    def all_roles(self) -> frozenset[str]:
        roles = {g.role for g in self.grants}
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    @property
    def unit_ids(self) -> list[int]:
        return list(dict.fromkeys(g.unit_id for g in self.grants))


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return Scope(user_id=None)
    cached = getattr(user, "_thidua_scope", None)
    if cached is not None:
        return cached
    rows = (
        Membership.objects.current()
        .filter(user=user, revoked_at__isnull=True)
        .values_list("role", "unit_id", "unit__path", "unit__depth", "unit__province_id")
    )
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        grants=tuple(Grant(*row) for row in rows),
    )
    user._thidua_scope = scope
    return scope


# --- Units ------------------------------------------------------------------------------------------


def unit_visible_qs(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_for(user).q())


def unit_get_for_user(user, code: str) -> Unit:
    """The unit with this code if the user reaches it; 404 otherwise (another tenant's unit looks absent)."""
    unit = Unit.objects.select_related("kind", "province", "parent").filter(code=code).first()
    if unit is None or not scope_for(user).reaches(unit):
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def unit_roots_for_user(user) -> QuerySet[Unit]:
    """The top units of what the user reaches: the unit of each grant (its subtree hangs below it)."""
    scope = scope_for(user)
    qs = Unit.objects.select_related("kind")
    if scope.is_superuser:
        return qs.filter(depth=1).order_by("name")
    return qs.filter(pk__in=scope.unit_ids).order_by("depth", "name")


def unit_children(unit: Unit) -> QuerySet[Unit]:
    """The children of a unit the user may see. Only those the user reaches are links (`Scope.reachable_pks`):
    a council secretary at a Phòng sees its schools' names, never a link that would answer 404."""
    return Unit.objects.filter(parent=unit).select_related("kind").order_by("kind__sort_order", "name")


def unit_search(user, text: str, kind_code: str | None = None) -> QuerySet[Unit]:
    """Search by code or name, with or without diacritics, within the user's reach."""
    qs = unit_visible_qs(user).select_related("kind", "parent")
    for word in fold(text).split():
        qs = qs.filter(search_text__contains=word)
    if kind_code:
        qs = qs.filter(kind__code=kind_code)
    return qs.order_by("depth", "name")


def ancestor_paths(paths: Iterable[str]) -> set[str]:
    """Every prefix path of the given paths (the units themselves and all their ancestors)."""
    steplen = Unit.steplen
    result: set[str] = set()
    for path in paths:
        result.update(path[: steplen * i] for i in range(1, len(path) // steplen + 1))
    return result


def unit_ancestors(unit: Unit) -> list[Unit]:
    """Ancestors from the root down, in one query on the path prefixes."""
    paths = ancestor_paths([unit.path]) - {unit.path}
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def users_with_roles(unit_id: int, roles: Iterable[str]) -> list[User]:
    """Users holding one of `roles` at the unit now (not revoked): who a notification about it goes to."""
    return list(
        User.objects.filter(
            memberships__unit_id=unit_id, memberships__role__in=list(roles), memberships__revoked_at__isnull=True
        ).distinct()
    )


def unit_subtree_counts(unit: Unit) -> dict[str, int]:
    """Number of units of each kind below `unit` (one grouped query)."""
    rows = (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, active_to__isnull=True)
        .values("kind__name", "kind__sort_order")
        .annotate(n=Count("pk"))
        .order_by("kind__sort_order")
    )
    return {row["kind__name"]: row["n"] for row in rows}


def unit_history(unit: Unit) -> QuerySet[UnitVersion]:
    return UnitVersion.objects.filter(unit=unit).select_related("parent").order_by("-valid_from", "-pk")


def unit_blocks(unit: Unit) -> QuerySet[BlockMembership]:
    return BlockMembership.objects.filter(unit=unit).select_related("block").order_by("-school_year")


# --- People -----------------------------------------------------------------------------------------


def person_list(unit: Unit, *, text: str = "", category: str = "", include_inactive: bool = False):
    qs = Person.objects.filter(unit=unit).select_related("user")
    if not include_inactive:
        qs = qs.filter(active=True)
    for word in fold(text).split():
        qs = qs.filter(search_text__contains=word)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("full_name", "pk")


def person_get_for_user(user, public_id: str) -> Person:
    person = (
        Person.objects.select_related("unit", "unit__kind", "user")
        .prefetch_related(Prefetch("postings", queryset=_postings()))
        .filter(public_id=public_id)
        .first()
    )
    if person is None or not scope_for(user).reaches(person.unit):
        raise Http404("Không tìm thấy cán bộ.")
    return person


def person_possible_duplicates(
    user, people: Iterable[tuple[str, dt.date | None]]
) -> dict[tuple[str, dt.date], list[Person]]:
    """Existing people with the same full name (ignoring case and spacing) and the same date of birth, keyed by
    `duplicate_key`. Only people on units the user reaches are looked at (None: a system job, everyone), so the
    warning never shows another province's staff. One query, narrowed in SQL by the names and the dates."""
    wanted = {(key, name) for name, born in people if (key := duplicate_key(name, born)) is not None}
    if not wanted:
        return {}
    spellings = set()
    for _key, name in wanted:
        written = " ".join(nfc(name).split())
        spellings |= {written, written.title(), written.lower(), written.upper()}
    qs = Person.objects.filter(date_of_birth__in={key[1] for key, _name in wanted}, full_name__in=spellings)
    if user is not None:
        qs = qs.filter(scope_for(user).q("unit__"))
    keys = {key for key, _name in wanted}
    found: dict[tuple[str, dt.date], list[Person]] = {}
    for person in qs.select_related("unit").order_by("full_name", "pk"):
        key = duplicate_key(person.full_name, person.date_of_birth)
        if key in keys:
            found.setdefault(key, []).append(person)
    return found


def duplicate_key(full_name: str, date_of_birth: dt.date | None) -> tuple[str, dt.date] | None:
    """What makes two staff records look like one person: the full name (NFC, any case and spacing) and the
    date of birth. None without a date of birth: a name alone is too common to warn about."""
    name = " ".join(nfc(full_name).casefold().split())
    return (name, date_of_birth) if name and date_of_birth else None


def _postings():
    from .models import Posting

    return Posting.objects.select_related("unit").order_by("-start", "-pk")


# --- Memberships ------------------------------------------------------------------------------------


def membership_list(unit: Unit, *, include_past: bool = False) -> QuerySet[Membership]:
    qs = Membership.objects.filter(unit=unit).select_related("user", "user__person", "granted_by", "revoked_by")
    if not include_past:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("revoked_at", "role", "user__last_name", "user__username")


def accounts_in_scope(user) -> QuerySet[User]:
    """Active accounts inside the user's scope: of a person on the roll of a unit the user reaches, or holding
    a current role at such a unit. Roles are granted to these accounts only, so one province cannot attach
    (or even find) another province's account."""
    scope = scope_for(user)
    accounts = User.objects.filter(is_active=True)
    if scope.is_superuser:
        return accounts
    reached = Unit.objects.filter(scope.q())
    holders = Membership.objects.current().filter(revoked_at__isnull=True, unit__in=reached).values("user_id")
    return accounts.filter(Q(person__unit__in=reached) | Q(pk__in=holders))


def account_for_grant(user, login: str) -> User | None:
    """The account a role may be granted to, named by username or e-mail, among `accounts_in_scope(user)`.
    None when nobody has that name and when its holder lies outside the scope alike: the caller answers both
    with one message, so the page tells nothing about who exists elsewhere."""
    login = (login or "").strip()
    if not login:
        return None
    accounts = accounts_in_scope(user)
    by_name = accounts.filter(username__iexact=login).first()
    if by_name is not None:
        return by_name
    by_email = list(accounts.filter(email__iexact=login).distinct()[:2])
    return by_email[0] if len(by_email) == 1 else None


def person_for_invitation(user, email: str) -> Person | None:
    """The one active person without an account whose staff record, on a unit the user reaches, carries this
    e-mail: an invitation creates their account inside the scope."""
    email = (email or "").strip()
    if "@" not in email:
        return None
    people = list(
        Person.objects.filter(
            scope_for(user).q("unit__"), email__iexact=email, user__isnull=True, active=True
        ).select_related("unit")[:2]
    )
    return people[0] if len(people) == 1 else None


def membership_get_for_user(user, public_id: str) -> Membership:
    m = Membership.objects.select_related("unit", "user").filter(public_id=public_id).first()
    if m is None or not scope_for(user).reaches(m.unit):
        raise Http404("Không tìm thấy phân quyền.")
    return m


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(user=user, revoked_at__isnull=True)
        .select_related("unit", "unit__kind", "unit__province")
        .order_by("unit__depth", "role")
    )


# --- Blocks -----------------------------------------------------------------------------------------


def _blocks_visible(user) -> QuerySet[EmulationBlock]:
    """Blocks the user organises (or reaches the organiser of), and blocks one of their units is in."""
    scope = scope_for(user)
    if scope.is_superuser:
        return EmulationBlock.objects.all()
    member_of = BlockMembership.objects.filter(unit__in=Unit.objects.filter(scope.q())).values("block_id")
    return EmulationBlock.objects.filter(scope.q("organiser__") | Q(pk__in=member_of))


def block_list_for_user(user, school_year: str | None = None) -> QuerySet[EmulationBlock]:
    qs = _blocks_visible(user).select_related("organiser", "province").annotate(member_count=Count("memberships"))
    if school_year:
        qs = qs.filter(school_year=school_year)
    return qs.order_by("-school_year", "organiser__name", "name")


def block_get_for_user(user, public_id: str) -> EmulationBlock:
    block = _blocks_visible(user).select_related("organiser", "province").filter(public_id=public_id).first()
    if block is None:
        raise Http404("Không tìm thấy khối thi đua.")
    return block


def block_members(block: EmulationBlock) -> QuerySet[Unit]:
    """The members, each with `moved`: it no longer lies under the block's organiser (moved to another
    Sở or province after the block's year); a moved member is history, never a current member."""
    return (
        Unit.objects.filter(block_memberships__block=block)
        .select_related("kind", "parent")
        .annotate(
            moved=Case(
                When(path__startswith=block.organiser.path, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
        .order_by("moved", "name")
    )


def block_members_for_user(user, block: EmulationBlock) -> list[Unit]:
    """The members as `user` reads them: `linkable` only for a member the user reaches and that has not moved
    (a link to another province's unit would answer 404)."""
    scope = scope_for(user)
    members = list(block_members(block))
    for unit in members:
        unit.linkable = not unit.moved and scope.reaches(unit)
    return members


def units_by_ids(ids: Iterable[int]) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=list(ids))


# --- Audit log --------------------------------------------------------------------------------------

AUDIT_READER_ROLES = frozenset({Role.OFFICER, Role.ADMIN})


def audit_reader(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or any(g.role in AUDIT_READER_ROLES for g in scope.grants)


def audit_entries_for_user(user) -> QuerySet[AuditEntry]:
    """Entries an officer or administrator may read: those of units in their subtrees. Entries about no
    unit (e.g. a failed login with an unknown name) are for system administrators only."""
    scope = scope_for(user)
    qs = AuditEntry.objects.select_related("unit").order_by("-pk")
    return qs if scope.is_superuser else qs.filter(scope.below_q("unit__path", AUDIT_READER_ROLES))


def audit_changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field label, before, after) rows with choice values shown by their labels."""
    try:
        model = apps.get_model(entry.object_type) if entry.object_type else None
    except LookupError:
        model = None
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        label, choices = name, {}
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a key that is not a field, e.g. "awardees"
                pass
            else:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        old, new = before.get(name, ""), after.get(name, "")
        if choices:
            old, new = choices.get(old, old), choices.get(new, new)
        rows.append((AUDIT_KEYS.get(name, label), old, new))
    return rows


AUDIT_KEYS = {
    "role": _("Vai trò"),
    "user": _("Tài khoản"),
    "value": _("Giá trị"),
    "awardees": _("Số người/tập thể được khen"),
    "login": _("Tên đăng nhập đã nhập"),
    "ip": _("Địa chỉ IP"),
    "type": _("Loại"),
    "effective": _("Từ ngày"),
    "parent": _("Đơn vị cấp trên"),
    "username": _("Tên đăng nhập"),
}


def _version_on(unit: Unit, on: dt.date) -> UnitVersion | None:
    """The unit's closed history row covering `on` (valid_to is exclusive); None when `on` falls in the
    current period or before any recorded one, where the unit's own fields are what documents print."""
    return (
        UnitVersion.objects.filter(unit=unit, valid_to__isnull=False, valid_to__gt=on)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .select_related("parent__kind")
        .order_by("valid_to", "-pk")
        .first()
    )


def document_header(unit: Unit, on: dt.date | None = None) -> dict:
    """The issuing body block of a document for officials (NĐ 30/2020) dated `on` (default: today), with
    the names valid on that date (old documents keep old names, from the unit's history):
    - `governing`: the direct governing body (cơ quan chủ quản trực tiếp) on the line above: the unit's own
      `governing_body` when one is recorded (a People's Committee outside the education tree: UBND tỉnh above
      a Sở, UBND huyện above a Phòng, the commune's after 01/07/2025), otherwise the parent unit (a school's
      Phòng or Sở); never the ministry above a Sở;
    - `unit`: the issuing unit's name; `short`: its abbreviation in số/ký hiệu; `place`: the place name."""
    on = on or timezone.localdate()
    version = _version_on(unit, on)
    state = version or unit
    parent = state.parent
    governing = state.governing_body
    if not governing and parent is not None and parent.kind.category != UnitKind.Category.MINISTRY:
        parent_version = _version_on(parent, on)
        governing = (parent_version or parent).name
    return {
        "governing": governing,
        "parent": governing,  # the former key, for templates not yet reading `governing`
        "unit": state.name,
        "short": state.document_abbreviation,
        "place": unit.place_name or "",
    }


def document_number(header: dict, doc_type: DocumentType, number: str = "") -> str:
    """A document's own số/ký hiệu: the number recorded for this document, or, while it has none, the NĐ 30
    blank to fill in at issuance ("……/BC-THCSPL"), never the number of another document."""
    return (number or "").strip() or f"……/{DocumentType(doc_type).value}-{header['short'] or '……'}"


# --- The home page's work list ------------------------------------------------------------------------

# Units whose head reviews what the units below send (a Trưởng phòng, a Giám đốc Sở), unlike a school's head.
REVIEWING_CATEGORIES = frozenset({UnitKind.Category.MINISTRY, UnitKind.Category.DEPARTMENT, UnitKind.Category.OFFICE})


@dataclass(frozen=True)
class WorkRoles:
    """The user's roles sorted into the families the home page's panels serve, read once per request."""

    memberships: tuple[Membership, ...]
    own_units: tuple[Unit, ...]  # every unit where the user holds a role: what they owe themselves
    acting_units: tuple[Unit, ...]  # schools and teams where they draft, assess, nominate
    reviewing_units: tuple[Unit, ...]  # units that review what their children send
    officer_units: tuple[Unit, ...]  # units whose province-wide progress they follow

    @property
    def is_empty(self) -> bool:
        return not self.memberships


def work_roles(request) -> WorkRoles:
    cached = getattr(request, "_work_roles", None)
    if cached is not None:
        return cached
    rows = tuple(memberships_of(request.user)) if request.user.is_authenticated else ()

    def units(keep) -> tuple[Unit, ...]:
        return tuple({m.unit_id: m.unit for m in rows if keep(m)}.values())

    reviewing_roles = {Role.REVIEWER, Role.OFFICER, Role.ADMIN}
    result = WorkRoles(
        memberships=rows,
        own_units=units(lambda m: True),
        acting_units=units(
            lambda m: m.role not in reviewing_roles and m.unit.kind.category not in REVIEWING_CATEGORIES
        ),
        reviewing_units=units(
            lambda m: (
                m.role in reviewing_roles or (m.role == Role.HEAD and m.unit.kind.category in REVIEWING_CATEGORIES)
            )
        ),
        officer_units=units(lambda m: m.role in (Role.OFFICER, Role.ADMIN)),
    )
    request._work_roles = result
    return result


def subtree_q(units, field: str = "unit", *, strict: bool = True) -> Q:
    """Rows whose `field` unit lies under any of `units` (strictly below them unless strict=False)."""
    q = Q(pk__in=[])
    for unit in units:
        below = Q(**{f"{field}__path__startswith": unit.path})
        q |= below & ~Q(**{field: unit}) if strict else below
    return q
