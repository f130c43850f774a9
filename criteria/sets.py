"""Indicator sets as data: the fixture files shipped in the repository, and Excel import/export.

An import never edits a set in place: it creates the next version of the family (a set already used by an
assessment must keep giving the same result). The rows are validated first and written all or nothing,
with row numbers as the spreadsheet shows them, like the unit and staff imports."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from units.importing import ImportReport, RowError, _columns, _text
from units.models import UnitKind, nfc

from .models import Criterion, CriterionGroup, Indicator, IndicatorSet

FIXTURES = Path(__file__).parent / "fixtures" / "sets"
PLACEHOLDER_MARK = "[Nội dung tạm"
COLUMNS = {
    "group": "Nhóm",
    "group_name": "Tên nhóm tiêu chí",
    "criterion": "Mã tiêu chí",
    "criterion_name": "Tên tiêu chí",
    "code": "Mã chỉ số",
    "text": "Nội dung chỉ số",
    "kind": "Kiểu nhập",
    "max_points": "Điểm tối đa",
    "options": "Tham số chấm điểm (JSON)",
    "evidence_required": "Bắt buộc minh chứng",
    "evidence_note": "Minh chứng cần có",
    "guidance": "Hướng dẫn",
}
YES = {"có", "co", "x", "1", "true", "yes"}
NO = {"không", "khong", "", "0", "false", "no"}


def set_load(data: dict) -> IndicatorSet:
    """Creates one set from a fixture dict; a set whose code exists is left untouched."""
    existing = IndicatorSet.objects.filter(code=data["code"]).first()
    if existing:
        return existing
    with transaction.atomic():
        indicator_set = IndicatorSet.objects.create(
            code=data["code"],
            family=data["family"],
            version=data.get("version", 1),
            name=nfc(data["name"]),
            decision_number=data["decision_number"],
            decision_date=parse_date(data["decision_date"]),
            valid_from=data["valid_from"],
            mandatory_caps_level=data.get("mandatory_caps_level", True),
            has_placeholders=data.get("has_placeholders", False),
        )
        indicator_set.unit_kinds.set(UnitKind.objects.filter(code__in=data.get("unit_kinds", [])))
        for group_data in data["groups"]:
            group = CriterionGroup.objects.create(
                indicator_set=indicator_set,
                number=group_data["number"],
                code=group_data["code"],
                name=nfc(group_data["name"]),
                max_points=Decimal(str(group_data.get("max_points", 100))),
                level2_min=Decimal(str(group_data.get("level2_min", 50))),
                level3_above=Decimal(str(group_data.get("level3_above", 75))),
                from_children=group_data.get("from_children", False),
            )
            for c_order, criterion_data in enumerate(group_data["criteria"]):
                criterion = Criterion.objects.create(
                    group=group, code=criterion_data["code"], name=nfc(criterion_data["name"]), order=c_order
                )
                Indicator.objects.bulk_create(
                    Indicator(
                        criterion=criterion,
                        code=i["code"],
                        text=nfc(i["text"]),
                        kind=i["kind"],
                        max_points=Decimal(str(i.get("max_points", 0))),
                        options=i.get("options", {}),
                        evidence_required=i.get("evidence_required", True),
                        evidence_note=nfc(i.get("evidence_note", "")),
                        guidance=nfc(i.get("guidance", "")),
                        is_placeholder=i.get("is_placeholder", False),
                        order=i_order,
                    )
                    for i_order, i in enumerate(criterion_data["indicators"])
                )
    return indicator_set


def load_fixture_sets(**_kwargs) -> int:
    """Loads the shipped sets that are missing (post_migrate: every install and test database has them)."""
    if not UnitKind.objects.exists():
        return 0
    have = set(IndicatorSet.objects.values_list("code", flat=True))
    created = 0
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["code"] not in have:
            set_load(data)
            created += 1
    return created


def set_for(unit_kind: UnitKind, school_year: str) -> IndicatorSet | None:
    """The newest active set for a unit kind valid in the school year."""
    return (
        IndicatorSet.objects.filter(is_active=True, unit_kinds=unit_kind, valid_from__lte=school_year)
        .order_by("-valid_from", "-version")
        .first()
    )


def set_import(
    rows: Iterable[tuple[int, dict]], *, base: IndicatorSet, actor=None, dry_run: bool = False
) -> tuple[ImportReport, IndicatorSet | None]:
    """Reads the rows of an exported (and corrected) set into the next version of `base`'s family."""
    report = ImportReport()
    groups = {g.number: g for g in base.groups.all()}
    parsed: list[tuple[int, dict]] = []
    seen_codes: set[str] = set()
    rows = _columns(list(rows), COLUMNS)
    if not rows:
        report.errors.append(RowError(1, _("Tệp không có dòng chỉ số nào.")))
    for number, values in rows:
        clean = {key: values.get(key) for key in COLUMNS}
        try:
            parsed.append((number, _indicator_row(clean, groups, seen_codes)))
            report.actions[number] = "new"
        except ValidationError as exc:
            report.errors.append(RowError(number, " ".join(exc.messages)))
        except ValueError as exc:  # a formula-looking cell
            report.errors.append(RowError(number, str(exc)))
    if report.ok:
        for group in groups.values():
            scored = sum(
                (r["max_points"] for _n, r in parsed if r["group"] == group.number and r["kind"] != "mandatory"),
                Decimal(0),
            )
            if scored > group.max_points:
                report.errors.append(
                    RowError(
                        1,
                        _("Nhóm %(g)s: tổng điểm tối đa các chỉ số là %(s)s, vượt %(m)s điểm của nhóm.")
                        % {"g": group.number, "s": scored, "m": group.max_points},
                    )
                )
    if not report.ok or dry_run:
        return report, None
    with transaction.atomic():
        version = (IndicatorSet.objects.filter(family=base.family).aggregate(v=Max("version"))["v"] or 0) + 1
        data = {
            "code": f"{base.family}-v{version}",
            "family": base.family,
            "version": version,
            "name": base.name,
            "decision_number": base.decision_number,
            "decision_date": base.decision_date.isoformat(),
            "valid_from": base.valid_from,
            "mandatory_caps_level": base.mandatory_caps_level,
            "has_placeholders": any(r["is_placeholder"] for _n, r in parsed),
            "unit_kinds": list(base.unit_kinds.values_list("code", flat=True)),
            "groups": [],
        }
        for group in groups.values():
            criteria: dict[str, dict] = {}
            for _n, r in parsed:
                if r["group"] != group.number:
                    continue
                criterion = criteria.setdefault(
                    r["criterion"], {"code": r["criterion"], "name": r["criterion_name"], "indicators": []}
                )
                criterion["indicators"].append(r)
            data["groups"].append(
                {
                    "number": group.number,
                    "code": group.code,
                    "name": next((r["group_name"] for _n, r in parsed if r["group"] == group.number), group.name)
                    or group.name,
                    "max_points": str(group.max_points),
                    "level2_min": str(group.level2_min),
                    "level3_above": str(group.level3_above),
                    "from_children": group.from_children,
                    "criteria": list(criteria.values()),
                }
            )
        new_set = set_load(data)
        IndicatorSet.objects.filter(family=base.family).exclude(pk=new_set.pk).update(is_active=False)
    report.created = len(parsed)
    report.written = True
    return report, new_set


def _indicator_row(clean: dict, groups: dict, seen_codes: set[str]) -> dict:
    errors = []
    try:
        group_number = int(str(clean["group"]).strip())
    except (TypeError, ValueError):
        group_number = None
    if group_number not in groups:
        errors.append(_("Nhóm phải là một trong: %(g)s.") % {"g": ", ".join(str(n) for n in sorted(groups))})
    code = _text(clean["code"])
    criterion = _text(clean["criterion"])
    text = _text(clean["text"])
    if not code:
        errors.append(_("Thiếu mã chỉ số."))
    elif code in seen_codes:
        errors.append(_("Mã chỉ số %(c)s bị trùng.") % {"c": code})
    seen_codes.add(code)
    if not criterion:
        errors.append(_("Thiếu mã tiêu chí."))
    if not text:
        errors.append(_("Thiếu nội dung chỉ số."))
    kind = _text(clean["kind"])
    kinds = {value: value for value in Indicator.Kind.values} | {
        str(label).lower(): value for value, label in Indicator.Kind.choices
    }
    kind = kinds.get(kind) or kinds.get(kind.lower())
    if not kind:
        errors.append(_("Kiểu nhập phải là một trong: %(k)s.") % {"k": ", ".join(Indicator.Kind.values)})
    try:
        max_points = Decimal(str(clean["max_points"] or 0).replace(",", "."))
        if max_points < 0 or max_points > 100:
            raise InvalidOperation
    except InvalidOperation:
        max_points = Decimal(0)
        errors.append(_("Điểm tối đa phải là số từ 0 đến 100."))
    options_text = _text(clean["options"])
    try:
        options = json.loads(options_text) if options_text else {}
        if not isinstance(options, dict):
            raise ValueError
    except ValueError:
        options = {}
        errors.append(_("Tham số chấm điểm phải là JSON dạng {...}."))
    if kind == Indicator.Kind.LEVELS and not options.get("choices"):
        errors.append(_('Chỉ số chọn mức cần tham số {"choices": [{"label": ..., "points": ...}]}.'))
    required = _text(clean["evidence_required"]).lower()
    if required not in YES | NO:
        errors.append(_("Bắt buộc minh chứng: ghi Có hoặc Không."))
    if errors:
        raise ValidationError(errors)
    return {
        "group": group_number,
        "group_name": _text(clean["group_name"]),
        "criterion": criterion,
        "criterion_name": _text(clean["criterion_name"]) or criterion,
        "code": code,
        "text": text,
        "kind": kind,
        "max_points": max_points,
        "options": options,
        "evidence_required": required in YES,
        "evidence_note": _text(clean["evidence_note"]),
        "guidance": _text(clean["guidance"]),
        "is_placeholder": PLACEHOLDER_MARK in text,
    }
