"""Indicator sets as data: the fixture files shipped in the repository, and Excel import/export.

An import never edits a set in place: it creates the next version of the family (a set already used by an
assessment must keep giving the same result). The rows are validated first and written all or nothing,
with row numbers as the spreadsheet shows them, like the unit and staff imports."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from units import audit
from units.importing import ImportReport, RowError, _columns, _text
from units.models import Province, UnitKind, nfc
from units.selectors import scope_for

from . import rules as set_rules
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
    "group_max": "Tổng điểm nhóm",
    "level2_min": "Mức độ 2 từ (điểm)",
    "level3_above": "Mức độ 3 khi trên (điểm)",
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
            is_active=data.get("is_active", True),
            province=data.get("province"),
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


def set_for(unit_kind: UnitKind, school_year: str, province_id: int | None = None) -> IndicatorSet | None:
    """The set a new assessment of a unit of this kind (in this province) takes: the province's own active
    version if it has one, else the newest active national version valid in the school year."""
    return (
        IndicatorSet.objects.filter(is_active=True, unit_kinds=unit_kind, valid_from__lte=school_year)
        .filter(Q(province__isnull=True) | Q(province_id=province_id))
        .order_by(F("province_id").asc(nulls_last=True), "-valid_from", "-version")
        .first()
    )


# --- Consistency: what a set must prove before it can be activated --------------------------------------


@dataclass
class GroupFacts:
    """What the consistency rules read of one group, from a stored set or from an uploaded file."""

    number: int
    name: str
    max_points: Decimal | None
    level2_min: Decimal | None
    level3_above: Decimal | None
    scored: Decimal = Decimal(0)
    mandatory: list[str] = field(default_factory=list)


def consistency(groups: list[GroupFacts]) -> tuple[list[str], list[str]]:
    """(errors, notes). Errors: a group's scored maxima do not sum to its stated total, or its level
    thresholds are missing or out of order. Notes: the mandatory conditions of each group (flagged for
    the reader: a failed one caps the group at level 1), or that a group has none."""
    errors, notes = [], []
    for g in groups:
        label = _("Nhóm %(g)s") % {"g": g.number}
        if g.max_points is None or g.max_points <= 0:
            errors.append(_("%(g)s: thiếu tổng điểm của nhóm.") % {"g": label})
        elif g.scored != g.max_points:
            errors.append(
                _("%(g)s: tổng điểm tối đa các chỉ số là %(s)s, phải bằng %(m)s điểm của nhóm.")
                % {"g": label, "s": _number(g.scored), "m": _number(g.max_points)}
            )
        if g.level2_min is None or g.level3_above is None:
            errors.append(_("%(g)s: thiếu ngưỡng điểm mức độ 2 hoặc mức độ 3.") % {"g": label})
        elif g.max_points and not (0 < g.level2_min <= g.level3_above < g.max_points):
            errors.append(
                _("%(g)s: ngưỡng không hợp lệ (mức độ 2 từ %(a)s, mức độ 3 khi trên %(b)s, tối đa %(m)s).")
                % {"g": label, "a": _number(g.level2_min), "b": _number(g.level3_above), "m": _number(g.max_points)}
            )
        if g.mandatory:
            notes.append(
                _("%(g)s: %(n)s điều kiện bắt buộc (%(codes)s).")
                % {"g": label, "n": len(g.mandatory), "codes": ", ".join(g.mandatory)}
            )
        else:
            notes.append(_("%(g)s: không có điều kiện bắt buộc nào — hãy đối chiếu với văn bản.") % {"g": label})
    return errors, notes


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def set_facts(indicator_set: IndicatorSet) -> list[GroupFacts]:
    facts = []
    for group in indicator_set.groups.all():
        indicators = list(Indicator.objects.filter(criterion__group=group).values_list("code", "kind", "max_points"))
        facts.append(
            GroupFacts(
                number=group.number,
                name=group.name,
                max_points=group.max_points,
                level2_min=group.level2_min,
                level3_above=group.level3_above,
                scored=sum((m for _c, k, m in indicators if k != Indicator.Kind.MANDATORY), Decimal(0)),
                mandatory=[c for c, k, _m in indicators if k == Indicator.Kind.MANDATORY],
            )
        )
    return facts


# --- Governance: who writes and who switches a version on ----------------------------------------------


def _owner_province(actor, base: IndicatorSet) -> Province | None:
    """Where a version imported by `actor` applies: national for a national role, else the officer's own
    province (the base's, when the officer governs it). Anyone else may not import."""
    if actor is None or set_rules.is_national(actor):
        return None
    provinces = set_rules.set_provinces(actor)
    if base.province_id in provinces:
        return base.province
    if len(provinces) == 1:
        return Province.objects.get(pk=next(iter(provinces)))
    raise PermissionDenied(_("Chỉ cán bộ phụ trách thi đua của Bộ hoặc của Sở mới được nhập bộ chỉ số."))


def _audit_unit(actor, indicator_set: IndicatorSet):
    """The unit whose officers read the entry: the actor's governing unit (none: system administrators)."""
    for grant in scope_for(actor).grants if actor is not None else ():
        if grant.role in set_rules.SET_ROLES and grant.province_id == indicator_set.province_id:
            return grant.unit_id
    return None


def set_activate(indicator_set: IndicatorSet, *, actor) -> IndicatorSet:
    """Switches this version on where it applies (nationally, or in its province only) and the other
    versions of the family there off. Only who governs it may; only a consistent set may. Audited."""
    if actor is not None and not set_rules.governs_set(actor, indicator_set):
        raise PermissionDenied(_("Bộ chỉ số này do cấp khác quản lý; bạn không kích hoạt được."))
    errors, _notes = consistency(set_facts(indicator_set))
    if errors:
        raise ValidationError([_("Chưa kích hoạt được: bộ chỉ số chưa nhất quán."), *errors])
    with transaction.atomic():
        locked = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
        same_place = IndicatorSet.objects.filter(family=locked.family, province_id=locked.province_id)
        before = list(same_place.filter(is_active=True).values_list("code", flat=True))
        same_place.exclude(pk=locked.pk).update(is_active=False)
        IndicatorSet.objects.filter(pk=locked.pk).update(is_active=True)
        audit.record(
            "indicator_set.activated",
            locked,
            unit=_audit_unit(actor, locked),
            actor=actor,
            before={"active": before},
            after={"active": [locked.code]},
            note=str(locked.province or _("toàn quốc")),
        )
    indicator_set.refresh_from_db()
    return indicator_set


def set_withdraw(indicator_set: IndicatorSet, *, actor) -> IndicatorSet:
    """Stops a province's own version: its new assessments go back to the national version. A national
    version is replaced by activating another, never withdrawn (schools would be left with no set)."""
    if indicator_set.province_id is None:
        raise ValidationError(_("Bộ chỉ số toàn quốc không rút được; hãy kích hoạt phiên bản thay thế."))
    if actor is not None and not set_rules.governs_set(actor, indicator_set):
        raise PermissionDenied(_("Bộ chỉ số này do cấp khác quản lý; bạn không thay đổi được."))
    with transaction.atomic():
        updated = IndicatorSet.objects.filter(pk=indicator_set.pk, is_active=True).update(is_active=False)
        if updated:
            audit.record(
                "indicator_set.withdrawn",
                indicator_set,
                unit=_audit_unit(actor, indicator_set),
                actor=actor,
                before={"active": [indicator_set.code]},
                after={"active": []},
                note=str(indicator_set.province),
            )
    indicator_set.refresh_from_db()
    return indicator_set


# --- Import -----------------------------------------------------------------------------------------


class WholeFileError(RowError):
    """An error of the file as a whole (a group's total, its thresholds): no row number to show."""

    def __str__(self) -> str:
        return self.message


@dataclass
class SetPreview:
    """What an uploaded file would become, before anything is written."""

    report: ImportReport
    groups: list[GroupFacts] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # {"code", "what": added|removed|changed, "fields": [...]}
    province: Province | None = None
    has_placeholders: bool = False


def set_import(
    rows: Iterable[tuple[int, dict]], *, base: IndicatorSet, actor=None, dry_run: bool = False
) -> tuple[ImportReport, IndicatorSet | None]:
    """Reads the rows of an exported (and corrected) set into the next version of `base`'s family, as an
    inactive version: activation is a separate step (`set_activate`). The version is national when a
    national role imports it, else the officer's province's own."""
    preview, new_set = set_import_preview(rows, base=base, actor=actor, dry_run=dry_run)
    return preview.report, new_set


def set_import_preview(
    rows: Iterable[tuple[int, dict]], *, base: IndicatorSet, actor=None, dry_run: bool = True
) -> tuple[SetPreview, IndicatorSet | None]:
    province = _owner_province(actor, base)
    report = ImportReport()
    preview = SetPreview(report=report, province=province)
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
        preview.groups = _file_groups(parsed, groups, report)
    if report.ok:
        errors, preview.notes = consistency(preview.groups)
        report.errors.extend(WholeFileError(0, e) for e in errors)
    if report.ok:
        preview.changes = _changes(base, parsed, preview.groups)
        preview.has_placeholders = any(r["is_placeholder"] for _n, r in parsed)
    if not report.ok or dry_run:
        return preview, None
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
            "has_placeholders": preview.has_placeholders,
            "unit_kinds": list(base.unit_kinds.values_list("code", flat=True)),
            "is_active": False,
            "province": province,
            "groups": [],
        }
        by_number = {g.number: g for g in preview.groups}
        for group in groups.values():
            criteria: dict[str, dict] = {}
            for _n, r in parsed:
                if r["group"] != group.number:
                    continue
                criterion = criteria.setdefault(
                    r["criterion"], {"code": r["criterion"], "name": r["criterion_name"], "indicators": []}
                )
                criterion["indicators"].append(r)
            facts = by_number[group.number]
            data["groups"].append(
                {
                    "number": group.number,
                    "code": group.code,
                    "name": facts.name,
                    "max_points": str(facts.max_points),
                    "level2_min": str(facts.level2_min),
                    "level3_above": str(facts.level3_above),
                    "from_children": group.from_children,
                    "criteria": list(criteria.values()),
                }
            )
        new_set = set_load(data)
        audit.record(
            "indicator_set.imported",
            new_set,
            unit=_audit_unit(actor, new_set),
            actor=actor,
            after={"code": new_set.code, "indicators": len(parsed), "base": base.code},
            note=str(province or _("toàn quốc")),
        )
    report.created = len(parsed)
    report.written = True
    return preview, new_set


def _decimal_cell(value, label: str, errors: list[str]) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        errors.append(_("%(c)s phải là số.") % {"c": label})
        return None


def _file_groups(parsed: list[tuple[int, dict]], groups: dict, report: ImportReport) -> list[GroupFacts]:
    """The groups as the file states them. Group total and thresholds come from the file's group columns;
    an older file without those columns keeps the base version's (still checked)."""
    has_group_columns = any(r["group_max"] is not None or r["level2_min"] is not None for _n, r in parsed)
    facts = []
    for group in groups.values():
        mine = [(n, r) for n, r in parsed if r["group"] == group.number]
        stated = {}
        for key in ("group_max", "level2_min", "level3_above"):
            values = {r[key] for _n, r in mine if r[key] is not None}
            if len(values) > 1:
                report.errors.append(
                    RowError(
                        mine[0][0],
                        _("Nhóm %(g)s: cột “%(c)s” ghi nhiều giá trị khác nhau (%(v)s).")
                        % {"g": group.number, "c": COLUMNS[key], "v": ", ".join(_number(v) for v in sorted(values))},
                    )
                )
            stated[key] = next(iter(values)) if values else None
        if not has_group_columns:
            stated = {"group_max": group.max_points, "level2_min": group.level2_min, "level3_above": group.level3_above}
        facts.append(
            GroupFacts(
                number=group.number,
                name=next((r["group_name"] for _n, r in mine if r["group_name"]), group.name),
                max_points=stated["group_max"],
                level2_min=stated["level2_min"],
                level3_above=stated["level3_above"],
                scored=sum((r["max_points"] for _n, r in mine if r["kind"] != Indicator.Kind.MANDATORY), Decimal(0)),
                mandatory=[r["code"] for _n, r in mine if r["kind"] == Indicator.Kind.MANDATORY],
            )
        )
    return facts


DIFF_FIELDS = {
    "criterion": _lazy("tiêu chí"),
    "text": _lazy("nội dung"),
    "kind": _lazy("kiểu nhập"),
    "max_points": _lazy("điểm tối đa"),
    "options": _lazy("tham số chấm điểm"),
    "evidence_required": _lazy("bắt buộc minh chứng"),
}


def _changes(base: IndicatorSet, parsed: list[tuple[int, dict]], groups: list[GroupFacts]) -> list[dict]:
    """The difference between the file and `base`, indicator by indicator (and group by group)."""
    changes = []
    for old, new in zip(set_facts(base), groups, strict=False):
        fields = [
            f"{label}: {before} → {after}"
            for label, before, after in (
                (_("tên nhóm"), old.name, new.name),
                (_("tổng điểm"), _number(old.max_points), _number(new.max_points or Decimal(0))),
                (_("mức độ 2 từ"), _number(old.level2_min), _number(new.level2_min or Decimal(0))),
                (_("mức độ 3 khi trên"), _number(old.level3_above), _number(new.level3_above or Decimal(0))),
            )
            if before != after
        ]
        if fields:
            changes.append({"code": _("Nhóm %(g)s") % {"g": new.number}, "what": "changed", "fields": fields})
    current = {
        i.code: i for i in Indicator.objects.filter(criterion__group__indicator_set=base).select_related("criterion")
    }
    for _n, r in parsed:
        old = current.pop(r["code"], None)
        if old is None:
            changes.append({"code": r["code"], "what": "added", "fields": [r["text"][:120]]})
            continue
        pairs = {
            "criterion": (old.criterion.code, r["criterion"]),
            "text": (old.text, r["text"]),
            "kind": (old.kind, r["kind"]),
            "max_points": (_number(old.max_points), _number(r["max_points"])),
            "options": (old.options or {}, r["options"]),
            "evidence_required": (old.evidence_required, r["evidence_required"]),
        }
        fields = [
            f"{DIFF_FIELDS[key]}: {_short(before)} → {_short(after)}"
            for key, (before, after) in pairs.items()
            if before != after
        ]
        if fields:
            changes.append({"code": r["code"], "what": "changed", "fields": fields})
    for code, old in current.items():
        changes.append({"code": code, "what": "removed", "fields": [old.text[:120]]})
    return changes


def _short(value) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


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
    group_values = {
        key: _decimal_cell(clean[key], COLUMNS[key], errors) for key in ("group_max", "level2_min", "level3_above")
    }
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
        **group_values,
    }
