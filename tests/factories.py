"""Factories for the test cast. Units are created through the service so the tree stays valid."""

from __future__ import annotations

import itertools

import factory

from units import services
from units.models import Membership, Person, Province, Role, Unit, UnitKind, User

_seq = itertools.count(1)


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def make_unit(
    kind_code: str,
    parent: Unit | None = None,
    *,
    name: str | None = None,
    code: str | None = None,
    province: Province | None = None,
    **extra,
) -> Unit:
    n = next(_seq)
    return services.unit_create(
        code=code or f"U{n:05d}",
        name=name or f"Đơn vị {n}",
        kind=kind(kind_code),
        parent=parent,
        province=province,
        **extra,
    )


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.edu.vn")
    first_name = "Người dùng"
    password = factory.PostGenerationMethodCall("set_password", "Mat-khau-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    code = factory.Sequence(lambda n: f"CB{n:06d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    category = Person.Category.TEACHER
    position = "Giáo viên"


def grant(user: User, unit: Unit, role: str) -> Membership:
    """A role, as an officer grants it. Officers and administrators must use two-step verification, so the
    cast's officers and administrators get an authenticator app, as they would at their first sign-in."""
    if role in (Role.OFFICER, Role.ADMIN):
        enroll_totp(user)
    return services.membership_grant(user=user, unit=unit, role=role)


def enroll_totp(user: User) -> str:
    """Sets up an authenticator app for `user` (allauth MFA); returns its secret, to compute codes."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def school_campaign(cast, **overrides):
    """A draft plan of Sở S in which the THCS and tiểu học schools take part (12/KH-SGDĐT, 2025–2027)."""
    import datetime as dt

    from campaigns import services as campaign_services

    fields = {
        "issuer": cast.so_s,
        "number": "12/KH-SGDĐT",
        "issued_on": dt.date(2025, 8, 1),
        "title": "Phong trào Chuyển đổi số",
        "start_date": dt.date(2025, 8, 1),
        "end_date": dt.date(2027, 12, 31),
        "participant_kinds": list(UnitKind.objects.filter(code__in=["thcs", "tieu-hoc"])),
    }
    return campaign_services.campaign_create(**{**fields, **overrides})


def yearly_target_report(campaign):
    """A draft plan's yearly target report (due 15/12 of each calendar year) and its one target, a
    percentage of 80 for 2025: (deadline, target)."""
    from campaigns import services as campaign_services

    deadline = campaign_services.deadline_save(
        campaign,
        title="Báo cáo chỉ tiêu",
        kind="target_report",
        recurrence="yearly",
        day=15,
        month=12,
        basis="calendar_year",
    )
    target = campaign_services.target_save(
        campaign, name="Tỷ lệ hồ sơ xử lý trực tuyến", kind="percent", values=[("2025", None, 80)]
    )
    return deadline, target
