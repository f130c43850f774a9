"""Import of units and staff from Excel or CSV: validate every row first, then write all or nothing.

Used by the management commands (import_units, import_staff) and by the admin's import-export resources
(units/resources.py), so every path applies the same rules: Vietnamese headers, row numbers as the
spreadsheet shows them (header = row 1), NFC text, no formula-looking cells, parents resolved in the file
or the database, allowed parent kinds, no cycles, the importing user's scope, re-import updating by code
through the services (so renames and moves keep their history).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import cells, services
from .cells import looks_like_formula
from .models import Person, Posting, Unit, UnitKind, fold, nfc
from .selectors import scope_for

UNIT_COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "short_name": "Tên viết tắt",
    "governing_body": "Cơ quan chủ quản",
    "document_abbreviation": "Chữ viết tắt trong ký hiệu văn bản",
    "kind": "Loại đơn vị",
    "parent_code": "Mã đơn vị cấp trên",
    "place_name": "Địa danh",
    "address": "Địa chỉ",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
}
STAFF_COLUMNS = {
    "code": "Mã định danh",
    "full_name": "Họ và tên",
    "gender": "Giới tính",
    "date_of_birth": "Ngày sinh",
    "position": "Chức vụ",
    "category": "Đối tượng",
    "unit_code": "Mã đơn vị",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
}


class ImportFileError(Exception):
    """The file itself cannot be read (wrong type, encoding, too many rows)."""


@dataclass
class RowError:
    row: int
    message: str
    column: str = ""  # the column title when the error belongs to one cell

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    actions: dict[int, str] = field(default_factory=dict)  # row → "new" | "update" | "skip"
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "Đã nhập" if self.written else "Kiểm tra xong (chưa ghi)"
        return (
            f"{verb}: {self.created} mới, {self.updated} cập nhật, {self.moved} chuyển cấp trên, "
            f"{self.unchanged} không đổi."
        )


# --- Reading ----------------------------------------------------------------------------------------


def size_problem(size: int) -> str | None:
    """The byte limit of every import, checked before the file is read."""
    if size > settings.IMPORT_MAX_BYTES:
        mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        return f"Tệp quá lớn để nhập (tối đa {mb} MB); hãy chia thành các tệp nhỏ hơn."
    return None


def _too_many_rows() -> ImportFileError:
    limit = f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")
    return ImportFileError(f"Tệp có quá nhiều dòng (tối đa {limit} dòng); hãy chia thành các tệp nhỏ hơn.")


class _Deadline:
    """The time limit of one import (settings.IMPORT_MAX_SECONDS), checked while the rows are read."""

    def __init__(self):
        self.until = time.monotonic() + settings.IMPORT_MAX_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise ImportFileError(
                f"Tệp cần quá {settings.IMPORT_MAX_SECONDS} giây để đọc nên không được nhập; "
                "hãy chia thành các tệp nhỏ hơn."
            )


def upload_bytes(upload) -> bytes:
    """The content of an uploaded import file (admin or portal page), after the import byte limit (checked
    before reading) and the uploads' virus scan. Raises ImportFileError with one Vietnamese line."""
    from .uploads import scan_problem

    problem = size_problem(upload.size)
    if problem:
        raise ImportFileError(problem)
    upload.seek(0)
    data = upload.read()
    threat = scan_problem(upload.name, data)
    if threat:
        raise ImportFileError(threat)
    return data


def read_upload(upload) -> list[tuple[int, dict[str, object]]]:
    """An uploaded import file read with every limit of read_table."""
    return read_table(upload_bytes(upload), upload.name)


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, object]]]:
    """Rows of the first sheet (xlsx) or of a UTF-8 CSV as (row number, {header: value}).

    Every import path reads through here, so all share one set of limits, each checked before the work it
    guards: bytes (IMPORT_MAX_BYTES), the zip's unpacked size and ratio (units.uploads.zip_problem), rows
    (IMPORT_MAX_ROWS: counted in the sheet's XML before any row is parsed) and time (IMPORT_MAX_SECONDS).
    Formula cells come back as cells.FormulaCell, cells marked as text (quotePrefix, or an apostrophe
    before =, +, -, @) as cells.TextCell holding the original value."""
    problem = size_problem(len(data))
    if problem:
        raise ImportFileError(problem)
    deadline = _Deadline()
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data, deadline)
    elif name.endswith(".csv"):
        rows = _csv_rows(data, deadline)
    else:
        raise ImportFileError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
    try:
        header_row = next(rows)
    except StopIteration:
        raise ImportFileError("Tệp không có dữ liệu.") from None
    header = [nfc(str(h)) if h is not None else "" for h in header_row]
    result = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
        if number % 1000 == 0:
            deadline.check()
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    deadline.check()
    return result


def _xlsx_rows(data: bytes, deadline: _Deadline):
    from openpyxl import load_workbook

    from .uploads import zip_problem

    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    try:
        zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.") from exc
    reason = zip_problem(data)
    if reason:
        raise ImportFileError(f"Tệp không được nhập: {reason}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        counted = _count_rows(archive, _first_sheet_paths(archive), deadline)
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile and the XML parser raise many kinds for a damaged file
        raise ImportFileError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.") from exc
    if counted - 1 > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    try:
        # data_only=False: a formula cell comes back as its "=..." text and is refused, never evaluated.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except Exception as exc:
        raise ImportFileError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.") from exc
    deadline.check()
    if (sheet.max_row or 0) - 1 > settings.IMPORT_MAX_ROWS:  # the <dimension> the file declares
        raise _too_many_rows()
    return ([cells.read_xlsx_cell(cell) for cell in row] for row in sheet.iter_rows())


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")


def _first_sheet_paths(archive: zipfile.ZipFile) -> list[str]:
    """The part of the workbook's first sheet (the one read), or every worksheet part when the workbook's
    own index cannot be followed."""
    from xml.etree.ElementTree import ParseError

    # The same parser openpyxl uses on these parts a moment later (expat limits entity expansion); the
    # parts' size was bounded by the zip measurement.
    from openpyxl.xml.functions import fromstring

    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        first = book.find(f"{SHEET_NS}sheets/{SHEET_NS}sheet")
        rid = first.get(f"{REL_NS}id")
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        archive.getinfo(path)
        return [path]
    except (KeyError, AttributeError, StopIteration, ParseError):
        return [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]


def _count_rows(archive: zipfile.ZipFile, paths: list[str], deadline: _Deadline) -> int:
    """Row elements of the sheets' XML, counted on the raw stream without parsing it (the zip's unpacked
    size was measured first), so a file of too many rows is refused before any row is read."""
    most = 0
    for path in paths:
        count, carry = 0, b""
        with archive.open(path) as stream:
            while chunk := stream.read(1024 * 1024):
                chunk = carry + chunk
                cut = chunk.rfind(b"<")
                cut = cut if cut > len(chunk) - 64 else len(chunk)
                count += len(ROW_TAG.findall(chunk, 0, cut))
                carry = chunk[cut:]
                deadline.check()
        most = max(most, count + len(ROW_TAG.findall(carry)))
    return most


def _csv_rows(data: bytes, deadline: _Deadline):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("Tệp CSV phải được lưu với mã hóa UTF-8.") from exc
    if "\x00" in text:
        raise ImportFileError("Tệp CSV chứa ký tự không hợp lệ; hãy xuất lại từ Excel dạng CSV UTF-8.")
    return ([cells.read_text_cell(v) for v in row] for row in csv.reader(io.StringIO(text)))


def _columns(rows: list[tuple[int, dict]], spec: dict[str, str]) -> list[tuple[int, dict[str, object]]]:
    """Maps Vietnamese headers (with or without accents, any case) to field keys."""
    by_folded = {fold(label): key for key, label in spec.items()}
    mapped = []
    for number, values in rows:
        mapped.append((number, {by_folded[fold(h)]: v for h, v in values.items() if fold(h) in by_folded}))
    return mapped


FORMULA_MESSAGE = "ô chứa công thức hoặc ký tự điều khiển ở đầu (=, +, -, @), không được phép"
FORMULA_CELL_MESSAGE = "ô chứa công thức Excel (%s); hãy nhập giá trị, không nhập công thức"


class CellError(ValueError):
    """A value refused in one cell; `column` is its title."""

    def __init__(self, message: str, column: str = "", *, name_column: bool = True):
        super().__init__(f"cột “{column}”: {message}" if column and name_column else message)
        self.column = column


def _refuse_formula(value) -> None:
    if isinstance(value, cells.FormulaCell):
        raise ValueError(FORMULA_CELL_MESSAGE % str(value)[:40])


def _text(value, *, allow_phone: bool = False) -> str:
    if value is None:
        return ""
    _refuse_formula(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value))
    if isinstance(value, cells.TextCell):
        return text  # marked as text in the file (quotePrefix or apostrophe): the original value
    if looks_like_formula(text) and not (allow_phone and text[1:2].isdigit() and text.startswith("+")):
        raise ValueError(FORMULA_MESSAGE)
    return text


def _row_text(values: dict, spec: dict[str, str], skip: tuple[str, ...] = ()) -> dict[str, str]:
    row = {}
    for key, label in spec.items():
        if key in skip:
            continue
        try:
            row[key] = _text(values.get(key), allow_phone=key == "phone")
        except ValueError as exc:
            raise CellError(str(exc), label) from exc
    return row


def _row_error(number: int, exc: ValueError) -> RowError:
    text = str(exc)
    return RowError(number, text[0].upper() + text[1:] + ".", getattr(exc, "column", ""))


# --- Units ------------------------------------------------------------------------------------------


def import_units(rows: Iterable[tuple[int, dict]], *, actor=None, dry_run: bool = False) -> ImportReport:
    rows = _columns(list(rows), UNIT_COLUMNS)
    report = ImportReport()
    kinds = {k.code: k for k in UnitKind.objects.prefetch_related("allowed_parents")}
    kinds_by_name = {fold(k.name): k for k in kinds.values()}
    clean: dict[str, dict] = {}
    for number, values in rows:
        try:
            row = _row_text(values, UNIT_COLUMNS)
        except ValueError as exc:
            report.errors.append(_row_error(number, exc))
            continue
        missing = [UNIT_COLUMNS[k] for k in ("code", "name", "kind") if not row[k]]
        if missing:
            report.errors.append(RowError(number, f"Thiếu {', '.join(missing)}.", missing[0]))
            continue
        kind = kinds.get(row["kind"]) or kinds_by_name.get(fold(row["kind"]))
        if kind is None:
            report.errors.append(RowError(number, f"Không có loại đơn vị “{row['kind']}”.", UNIT_COLUMNS["kind"]))
            continue
        if row["code"] in clean:
            first = clean[row["code"]]["row"]
            report.errors.append(RowError(number, f"Mã đơn vị “{row['code']}” trùng với dòng {first}."))
            continue
        clean[row["code"]] = {**row, "kind": kind, "row": number}

    existing = {u.code: u for u in Unit.objects.filter(code__in=[*clean, *(r["parent_code"] for r in clean.values())])}
    scope = scope_for(actor) if actor is not None else None
    for code, row in clean.items():
        parent_code = row["parent_code"]
        if not parent_code:
            if code not in existing or existing[code].parent_id is not None:
                report.errors.append(RowError(row["row"], "Thiếu mã đơn vị cấp trên."))
            continue
        if parent_code == code:
            report.errors.append(RowError(row["row"], "Đơn vị không thể trực thuộc chính nó."))
            continue
        parent_kind = (
            clean[parent_code]["kind"] if parent_code in clean else getattr(existing.get(parent_code), "kind", None)
        )
        if parent_kind is None:
            report.errors.append(RowError(row["row"], f"Không tìm thấy đơn vị cấp trên có mã “{parent_code}”."))
            continue
        allowed = {k.pk for k in row["kind"].allowed_parents.all()}
        if allowed and parent_kind.pk not in allowed:
            report.errors.append(
                RowError(row["row"], f"Loại “{row['kind'].name}” không được trực thuộc loại “{parent_kind.name}”.")
            )
            continue
        if scope is not None:
            anchor = existing.get(parent_code) or _first_existing_ancestor(parent_code, clean, existing)
            target = existing.get(code)
            in_scope = anchor is not None and bool(scope.roles_at(anchor) & {"officer", "admin"})
            if target is not None:
                in_scope = in_scope and bool(scope.roles_at(target) & {"officer", "admin"})
            if not in_scope:
                report.errors.append(RowError(row["row"], "Đơn vị cấp trên nằm ngoài phạm vi bạn quản lý."))
                continue
    order = _parents_first(clean, report)
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    _plan_units(order, clean, existing, report)
    if dry_run:
        return report
    with transaction.atomic():
        _write_units(order, clean, actor)
    report.written = True
    return report


def _first_existing_ancestor(code: str, clean: dict, existing: dict) -> Unit | None:
    seen = set()
    while code in clean and code not in seen:
        seen.add(code)
        code = clean[code]["parent_code"]
        if code in existing:
            return existing[code]
    return existing.get(code)


def _parents_first(clean: dict, report: ImportReport) -> list[str]:
    """Codes ordered so that a parent in the file comes before its children; cycles are errors."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = path[path.index(code) :]
            report.errors.append(RowError(clean[code]["row"], f"Vòng lặp cấp trên: {' → '.join([*cycle, code])}."))
            return
        state[code] = 1
        parent = clean[code]["parent_code"]
        if parent in clean:
            visit(parent, [*path, code])
        state[code] = 2
        order.append(code)

    for code in clean:
        visit(code, [])
    return order


UNIT_TEXT_FIELDS = (
    "name",
    "short_name",
    "governing_body",
    "document_abbreviation",
    "place_name",
    "address",
    "email",
    "phone",
)


def _given(row: dict, names: tuple[str, ...]) -> list[str]:
    """On re-import an empty optional cell leaves the stored value alone; only filled cells update."""
    return [f for f in names if row[f] not in ("", None)]


def _plan_units(order, clean, existing, report: ImportReport) -> None:
    for code in order:
        row, unit = clean[code], existing.get(code)
        if unit is None:
            report.created += 1
            report.actions[row["row"]] = "new"
            continue
        moved = row["parent_code"] and (unit.parent is None or unit.parent.code != row["parent_code"])
        changed = any(row[f] != getattr(unit, f) for f in _given(row, UNIT_TEXT_FIELDS))
        if moved:
            report.moved += 1
        if changed or moved:
            report.updated += 1
            report.actions[row["row"]] = "update"
        else:
            report.unchanged += 1
            report.actions[row["row"]] = "skip"


def _write_units(order, clean, actor) -> None:
    today = timezone.localdate()
    for code in order:
        row = clean[code]
        unit = Unit.objects.select_related("parent").filter(code=code).first()
        parent = Unit.objects.filter(code=row["parent_code"]).first() if row["parent_code"] else None
        if unit is None:
            fields = {f: row[f] for f in UNIT_TEXT_FIELDS}
            services.unit_create(code=code, kind=row["kind"], parent=parent, actor=actor, **fields)
            continue
        fields = {f: row[f] for f in _given(row, UNIT_TEXT_FIELDS)}
        if parent is not None and unit.parent_id != parent.pk:
            unit = services.unit_move(unit, parent, effective=today, actor=actor, note="Nhập từ tệp")
        if any(fields[f] != getattr(unit, f) for f in fields):
            services.unit_update(unit, actor=actor, effective=today, note="Nhập từ tệp", **fields)


# --- Staff ------------------------------------------------------------------------------------------

GENDERS = {
    "nam": Person.Gender.MALE,
    "nu": Person.Gender.FEMALE,
    "m": Person.Gender.MALE,
    "f": Person.Gender.FEMALE,
}


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        _refuse_formula(value)
    except ValueError as exc:
        raise CellError(str(exc), STAFF_COLUMNS["date_of_birth"]) from exc
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(
        f"ngày sinh “{text}” không hợp lệ (dạng dd/mm/yyyy)", STAFF_COLUMNS["date_of_birth"], name_column=False
    )


PERSON_FIELDS = ("full_name", "gender", "date_of_birth", "position", "category", "email", "phone")


def import_staff(
    rows: Iterable[tuple[int, dict]], *, actor=None, dry_run: bool = False, confirm_duplicates: bool = False
) -> ImportReport:
    rows = _columns(list(rows), STAFF_COLUMNS)
    report = ImportReport()
    categories = {fold(label): value for value, label in Person.Category.choices} | {
        value: value for value in Person.Category.values
    }
    clean: dict[str, dict] = {}
    for number, values in rows:
        try:
            row = _row_text(values, STAFF_COLUMNS, skip=("date_of_birth",))
            row["date_of_birth"] = _date(values.get("date_of_birth"))
        except ValueError as exc:
            report.errors.append(_row_error(number, exc))
            continue
        missing = [STAFF_COLUMNS[k] for k in ("code", "full_name", "category", "unit_code") if not row[k]]
        if missing:
            report.errors.append(RowError(number, f"Thiếu {', '.join(missing)}.", missing[0]))
            continue
        category = categories.get(fold(row["category"])) or categories.get(row["category"])
        if category is None:
            report.errors.append(
                RowError(number, f"Đối tượng “{row['category']}” không hợp lệ.", STAFF_COLUMNS["category"])
            )
            continue
        gender = GENDERS.get(fold(row["gender"])) if row["gender"] else ""
        if gender is None:
            report.errors.append(
                RowError(number, f"Giới tính “{row['gender']}” không hợp lệ (Nam hoặc Nữ).", STAFF_COLUMNS["gender"])
            )
            continue
        if row["code"] in clean:
            report.errors.append(
                RowError(number, f"Mã định danh “{row['code']}” trùng với dòng {clean[row['code']]['row']}.")
            )
            continue
        clean[row["code"]] = {**row, "category": category, "gender": gender, "row": number}
    units = {u.code: u for u in Unit.objects.filter(code__in={r["unit_code"] for r in clean.values()})}
    people = {p.code: p for p in Person.objects.filter(code__in=list(clean)).select_related("unit")}
    scope = scope_for(actor) if actor is not None else None
    new_people: list[Person] = []
    for code, row in clean.items():
        unit = units.get(row["unit_code"])
        if unit is None:
            report.errors.append(
                RowError(row["row"], f"Không tìm thấy đơn vị có mã “{row['unit_code']}”.", STAFF_COLUMNS["unit_code"])
            )
            continue
        if scope is not None and not (scope.roles_at(unit) & {"head", "officer", "admin"}):
            report.errors.append(RowError(row["row"], "Đơn vị nằm ngoài phạm vi bạn quản lý."))
            continue
        person = people.get(code)
        if person is None:
            # Field rules checked here, per row; the codes' uniqueness was checked above (and by the database).
            candidate = Person(unit=unit, code=code, **{f: row[f] for f in PERSON_FIELDS})
            try:
                candidate.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                report.errors.append(RowError(row["row"], " ".join(exc.messages)))
                continue
            candidate.normalise_text()
            new_people.append(candidate)
            report.created += 1
            report.actions[row["row"]] = "new"
        elif person.unit_id != unit.pk or any(row[f] != getattr(person, f) for f in _given(row, PERSON_FIELDS)):
            report.updated += 1
            report.moved += person.unit_id != unit.pk
            report.actions[row["row"]] = "update"
        else:
            report.unchanged += 1
            report.actions[row["row"]] = "skip"
    if not confirm_duplicates:
        report.errors.extend(_possible_duplicates(new_people, clean, actor))
    if report.errors or dry_run:
        report.errors.sort(key=lambda e: e.row)
        return report
    today = timezone.localdate()
    fields = PERSON_FIELDS
    try:
        with transaction.atomic():
            # New staff in bulk (a province's list is tens of thousands of rows), each with its first posting.
            created = Person.objects.bulk_create(new_people, batch_size=2000)
            Posting.objects.bulk_create(
                [Posting(person=p, unit=p.unit, position=p.position, start=today) for p in created], batch_size=2000
            )
            for code, row in clean.items():
                person, unit = people.get(code), units[row["unit_code"]]
                if person is None:
                    continue
                data = {f: row[f] for f in _given(row, fields)}
                if person.unit_id != unit.pk:
                    person = services.person_transfer(person, unit, effective=today, position=row["position"])
                services.person_update(person, actor=actor, **data)
    except (ValidationError, IntegrityError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc).splitlines()[0]]
        report.errors.append(RowError(0, "; ".join(messages)))
        return report
    report.written = True
    return report


DUPLICATE_HINT = "Nếu đây là người khác, hãy nhập lại với xác nhận trùng họ tên và ngày sinh."


def _possible_duplicates(new_people: list[Person], clean: dict, actor) -> list[RowError]:
    """New rows that look like a person already on the roll in the actor's reach, or like an earlier new row of
    the file (same full name and date of birth under another code): a second record of one person splits their
    award ledger, so these rows are refused until the import is confirmed (`confirm_duplicates`)."""
    from .selectors import duplicate_key, person_possible_duplicates

    found = person_possible_duplicates(actor, [(p.full_name, p.date_of_birth) for p in new_people])
    first_row: dict[tuple, int] = {}
    errors = []
    for person in new_people:
        key = duplicate_key(person.full_name, person.date_of_birth)
        if key is None:
            continue
        row = clean[person.code]["row"]
        same = [f"{p.full_name} (mã {p.code}, {p.unit.name})" for p in found.get(key, [])]
        if key in first_row:
            same.append(f"dòng {first_row[key]} của tệp")
        else:
            first_row[key] = row
        if same:
            errors.append(
                RowError(
                    row,
                    f"Có thể trùng người đã có (cùng họ tên và ngày sinh): {'; '.join(same)}. {DUPLICATE_HINT}",
                )
            )
    return errors
