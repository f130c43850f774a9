"""Excel reports, streamed with openpyxl's write-only mode (constant memory whatever the number of rows).

Each builder reads through selectors and querysets in chunks, never through templates, and reports its
progress. Every string goes through `units.cells.safe_cell`: a value starting with =, +, -, @, tab or CR is
written as inert text, never a formula."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from campaigns.deadlines import LOCAL_TZ
from units.cells import safe_cell
from units.models import BlockMembership, Unit

CHUNK = 2000
THIN = Side(style="thin", color="999999")
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMAT = "#,##0.##"


Progress = Callable[[int, int], None]


def _cell(ws, value, *, head: bool = False, number_format: str | None = None):
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    if head:
        cell.font, cell.fill, cell.alignment, cell.border = HEAD_FONT, HEAD_FILL, HEAD_ALIGN, BORDER
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal | float):
        cell.number_format = NUMBER_FORMAT
    return cell


class Sheet:
    """A write-only sheet with a two-row header: group titles merged over their columns, then column titles;
    frozen under the header and right of the identifying columns."""

    def __init__(self, wb: Workbook, title: str, columns: list[tuple[str, str, int]], freeze_cols: int = 2):
        """columns: (group title or "", column title, width)."""
        self.ws = wb.create_sheet(title[:31])
        for i, (_group, _title, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}3"
        groups, start = [], 1
        for i in range(1, len(columns) + 1):
            if i == len(columns) or columns[i][0] != columns[i - 1][0]:
                groups.append((columns[i - 1][0], start, i))
                start = i + 1
        top = []
        for title, first, last in groups:
            top.append(_cell(self.ws, title, head=True))
            top.extend(_cell(self.ws, None, head=True) for _ in range(last - first))
            if last > first and title:
                self.ws.merged_cells.add(f"{get_column_letter(first)}1:{get_column_letter(last)}1")
        self.ws.append(top)
        self.ws.append([_cell(self.ws, t, head=True) for _g, t, _w in columns])

    def row(self, values: Iterable) -> None:
        """Plain values stream fastest; only dates need a cell object (for their dd/mm/yyyy format)."""
        self.ws.append([_cell(self.ws, v) if isinstance(v, dt.date) else safe_cell(v) for v in values])


def cover(wb: Workbook, *, title: str, scope: Unit, filters: list[tuple[str, str]], requester) -> None:
    ws = wb.create_sheet("Thông tin")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
    ws.append([_cell(ws, title, head=True)])
    ws.merged_cells.add("A1:B1")
    now = timezone.localtime(timezone.now(), LOCAL_TZ)
    rows = [
        ("Phạm vi", scope.name),
        *filters,
        ("Người yêu cầu", requester.get_full_name() or requester.username),
        ("Thời điểm tạo", now.strftime("%H:%M %d/%m/%Y")),
    ]
    for label, value in rows:
        ws.append([_cell(ws, label), _cell(ws, value)])


def _chunks(qs, size: int = CHUNK):
    """Yields lists of objects ordered by pk, one query each (keyset pagination, no OFFSET)."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _blocks(unit_ids, school_year: str) -> dict[int, str]:
    return dict(
        BlockMembership.objects.filter(unit_id__in=unit_ids, school_year=school_year).values_list(
            "unit_id", "block__name"
        )
    )


# --- Province-wide status of a campaign ---------------------------------------------------------------


def campaign_status(wb: Workbook, *, job, progress: Progress) -> str:
    from campaigns.models import Campaign, Obligation
    from campaigns.selectors import participants_status

    campaign = Campaign.objects.select_related("issuer").get(public_id=job.params["campaign"])
    period = job.params.get("period") or None
    units, fill = participants_status(campaign, user=job.requester, period=period)
    units = units.filter(path__startswith=job.unit.path)
    deadlines = list(campaign.deadlines.order_by("pk"))
    year = job.params.get("school_year", "")
    columns = [
        ("", "Mã đơn vị", 14),
        ("", "Tên đơn vị", 40),
        ("", "Loại đơn vị", 18),
        ("", "Khối thi đua", 24),
        ("", "Đơn vị cấp trên", 32),
    ]
    for d in deadlines:
        columns += [
            (d.title[:80], "Trạng thái", 16),
            (d.title[:80], "Ngày nộp", 12),
            (d.title[:80], "Số ngày muộn", 10),
        ]
    sheet = Sheet(wb, "Tình hình nộp", columns)
    total, done = units.count(), 0
    now = timezone.now()
    for batch in _chunks(units.select_related("kind", "parent")):
        rows = fill(batch)
        blocks = _blocks([u.pk for u in batch], year) if year else {}
        for row in sorted(rows, key=lambda r: (r.unit.kind.sort_order, r.unit.name)):
            u = row.unit
            values = [u.code, u.name, u.kind.name, blocks.get(u.pk, ""), u.parent.name if u.parent else ""]
            for d in deadlines:
                ob = row.obligations.get(d.pk)
                if ob is None:
                    values += ["", None, None]
                    continue
                submitted = timezone.localtime(ob.submitted_at, LOCAL_TZ).date() if ob.submitted_at else None
                late = ob.days_late(now)
                status = ob.get_status_display()
                if ob.status == Obligation.Status.OPEN and ob.is_reopened(now):
                    status = f"Đã mở lại đến {timezone.localtime(ob.reopened_until, LOCAL_TZ):%d/%m/%Y}"
                elif ob.status == Obligation.Status.OPEN and now > ob.due_at:
                    status = "Quá hạn, chưa nộp"
                elif ob.status == Obligation.Status.EXCUSED and ob.note:
                    status = f"{status}: {ob.note}"
                values += [status, submitted, late or None]
            sheet.row(values)
        done += len(batch)
        progress(done, total)
    return f"Tình hình thực hiện {campaign.number or campaign.title[:60]}"


# --- Self-assessment results --------------------------------------------------------------------------


BOOLEAN_KINDS = frozenset({"mandatory", "yes_no"})


def _prefetched(chunks: list, fetch):
    """Yields fetch(chunk) for each chunk, reading the next chunk on a second database connection while the
    caller writes the current one (the database works while Python writes). Inside a transaction (tests)
    another connection would not see the data, so chunks are then read in turn on this connection."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.in_atomic_block or connection.vendor != "postgresql" or len(chunks) < 2:
        for chunk in chunks:
            yield fetch(chunk)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            ahead = pool.submit(fetch, chunks[0])
            for chunk in chunks[1:]:
                current = ahead.result()
                ahead = pool.submit(fetch, chunk)
                yield current
            yield ahead.result()
        finally:
            pool.submit(connections.close_all).result()


def _assessment_chunk(ids: list[int], year: str):
    from django.db import connection

    from criteria.models import Answer, Assessment, CriterionEntry

    units = list(
        Assessment.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "pk",
            "unit_id",
            "unit__code",
            "unit__name",
            "unit__kind__name",
            "unit__parent__name",
            "state",
            "level_1",
            "level_2",
        )
        .annotate(p1=Cast("points_1", FloatField()), p2=Cast("points_2", FloatField()))
    )
    if connection.vendor != "postgresql":  # the SQLite demo: the same rows through the ORM
        answers = [
            (
                aid,
                iid,
                vbool,
                vchoice,
                float(vnum) if vnum is not None else None,
                round(num * 100 / den, 2) if den else None,
                float(points),
            )
            for aid, iid, vbool, vchoice, vnum, num, den, points in Answer.objects.filter(
                entry__assessment__in=ids
            ).values_list(
                "entry__assessment_id",
                "indicator_id",
                "value_bool",
                "value_choice",
                "value_number",
                "numerator",
                "denominator",
                "points",
            )
        ]
        return units, answers, _blocks([u[1] for u in units], year)
    sql = f"""
        SELECT e.assessment_id, a.indicator_id, a.value_bool, a.value_choice, a.value_number::float8,
               round(a.numerator * 100.0 / nullif(a.denominator, 0), 2)::float8, a.points::float8
        FROM {Answer._meta.db_table} a JOIN {CriterionEntry._meta.db_table} e ON e.id = a.entry_id
        WHERE e.assessment_id = ANY(%s)
    """  # noqa: S608 - table names from the models; the values are bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])
        answers = cursor.fetchall()
    return units, answers, _blocks([u[1] for u in units], year)


def assessment_results(wb: Workbook, *, job, progress: Progress) -> str:
    """One sheet per set version used. Results computed from a provisional set (placeholder content) say so:
    a "Lưu ý" sheet right after the cover and "tạm" in the sheet's name."""
    from criteria.models import PROVISIONAL_NOTE, Assessment, Indicator, IndicatorSet

    year = job.params["school_year"]
    base = Assessment.objects.filter(school_year=year, unit__path__startswith=job.unit.path, unit__is_internal=False)
    set_ids = list(base.values_list("indicator_set_id", flat=True).distinct().order_by("indicator_set_id"))
    provisional = dict(IndicatorSet.objects.filter(pk__in=set_ids).values_list("pk", "has_placeholders"))
    if any(provisional.values()):
        ws = wb.create_sheet("Lưu ý")
        ws.column_dimensions["A"].width = 110
        ws.append([_cell(ws, str(PROVISIONAL_NOTE), head=True)])
        ws.append(
            [
                _cell(
                    ws,
                    "Các trang có chữ “tạm” trong tên tính theo bộ chỉ số còn nội dung tạm: điểm và mức độ chỉ để"
                    " tham khảo, chưa căn cứ văn bản chính thức của Bộ.",
                )
            ]
        )
    total, done = base.count(), 0
    states = {value: str(label) for value, label in Assessment.State.choices}
    recognised = {Assessment.State.RECOGNISED, Assessment.State.PUBLISHED}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    by_block: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for set_id in set_ids:
        indicators = list(
            Indicator.objects.filter(criterion__group__indicator_set_id=set_id)
            .select_related("criterion__group__indicator_set")
            .order_by("criterion__group__number", "criterion__order", "order", "pk")
        )
        columns = [
            ("", "Mã đơn vị", 14),
            ("", "Tên đơn vị", 40),
            ("", "Loại", 14),
            ("", "Khối thi đua", 22),
            ("", "Đơn vị cấp trên", 30),
            ("", "Trạng thái", 14),
        ]
        for i in indicators:
            columns += [(f"Chỉ số {i.code}", "Giá trị", 9), (f"Chỉ số {i.code}", "Điểm", 7)]
        columns += [
            ("Nhóm 1", "Điểm", 8),
            ("Nhóm 1", "Mức", 6),
            ("Nhóm 2", "Điểm", 8),
            ("Nhóm 2", "Mức", 6),
        ]
        decision = indicators[0].criterion.group.indicator_set.decision_number if indicators else str(set_id)
        prefix = "KQ tạm" if provisional.get(set_id) else "KQ"
        sheet = Sheet(wb, f"{prefix} {decision}"[:31].replace("/", "-"), columns)
        kinds = {i.pk: i.kind for i in indicators}
        position = {i.pk: n for n, i in enumerate(indicators)}
        width = 2 * len(indicators)
        ids = list(base.filter(indicator_set_id=set_id).order_by("pk").values_list("pk", flat=True))
        chunks = [ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)]
        for units, rows, blocks in _prefetched(chunks, lambda chunk: _assessment_chunk(chunk, year)):
            answers: dict[int, list] = defaultdict(lambda width=width: [None] * width)
            for assessment_id, indicator_id, vbool, vchoice, vnumber, percent, points in rows:
                n = position.get(indicator_id)
                if n is None:
                    continue
                kind = kinds[indicator_id]
                if kind in BOOLEAN_KINDS:
                    value = None if vbool is None else ("Có" if vbool else "Không")
                elif kind == "levels":
                    value = vchoice
                elif kind == "percentage":
                    value = percent
                else:
                    value = vnumber
                cells = answers[assessment_id]
                cells[2 * n] = value
                cells[2 * n + 1] = points
            for pk, unit_id, code, name, kind_name, parent, state, l1, l2, p1, p2 in units:
                block = blocks.get(unit_id, "")
                sheet.row([code, name, kind_name, block, parent or "", states[state], *answers[pk], p1, l1, p2, l2])
                if state in recognised:
                    for table, key in ((by_kind, kind_name), (by_block, block or "Chưa xếp khối")):
                        table[key][0] += 1
                        table[key][l1] += 1
                        table[key][3 + l2] += 1
            done += len(units)
            progress(done, total)
    _level_summary(wb, "Theo loại đơn vị", by_kind, chart=True)
    _level_summary(wb, "Theo khối thi đua", by_block)
    return f"Kết quả tự đánh giá CĐS năm học {year}"


def _level_summary(wb: Workbook, title: str, table: dict, chart: bool = False) -> None:
    columns = [
        ("", title.replace("Theo ", "").capitalize(), 30),
        ("", "Số đơn vị được công nhận", 14),
        ("Nhóm 1", "Mức 1", 9),
        ("Nhóm 1", "Mức 2", 9),
        ("Nhóm 1", "Mức 3", 9),
        ("Nhóm 2", "Mức 1", 9),
        ("Nhóm 2", "Mức 2", 9),
        ("Nhóm 2", "Mức 3", 9),
    ]
    sheet = Sheet(wb, title, columns, freeze_cols=1)
    for name in sorted(table):
        counts = table[name]
        sheet.row([name, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]])
    if chart and table:
        ws = wb.create_sheet("Biểu đồ")
        bar = BarChart()
        bar.type, bar.grouping, bar.overlap = "col", "stacked", 100
        bar.title = "Mức độ nhóm 1 theo loại đơn vị"
        bar.y_axis.title, bar.x_axis.title = "Số đơn vị", "Loại đơn vị"
        rows = len(table)
        data = Reference(sheet.ws, min_col=3, max_col=5, min_row=2, max_row=2 + rows)
        cats = Reference(sheet.ws, min_col=1, min_row=3, max_row=2 + rows)
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(cats)
        bar.width, bar.height = 24, 12
        ws.add_chart(bar, "A1")


# --- Targets ---------------------------------------------------------------------------------------


def targets(wb: Workbook, *, job, progress: Progress) -> str:
    from campaigns.models import Campaign, Target, TargetReport

    campaign = Campaign.objects.get(public_id=job.params["campaign"])
    period = job.params.get("period", "")
    target_list = list(campaign.targets.order_by("order", "pk"))
    reports = TargetReport.objects.filter(target__campaign=campaign, unit__path__startswith=job.unit.path)
    if period:
        reports = reports.filter(period=period)
    columns = [("", "Mã đơn vị", 14), ("", "Tên đơn vị", 40), ("", "Đơn vị cấp trên", 30), ("", "Kỳ", 8)]
    for t in target_list:
        label = f"{t.code} {t.name}"[:80]
        columns += [(label, "Tử số", 9), (label, "Mẫu số", 9), (label, "Giá trị", 9)]
    sheet = Sheet(wb, "Theo đơn vị", columns)
    position = {t.pk: n for n, t in enumerate(target_list)}
    unit_ids = reports.values("unit_id").distinct()
    units = Unit.objects.filter(pk__in=unit_ids).select_related("parent")
    total, done = units.count(), 0
    per_parent: dict[tuple, list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0, 0])
    for batch in _chunks(units):
        cells: dict[tuple, list] = defaultdict(lambda: [None] * (3 * len(target_list)))
        for r in reports.filter(unit__in=batch).select_related("target"):
            n = position[r.target_id]
            value = r.value
            if r.target.kind == Target.Kind.PERCENT and r.denominator:
                value = round(r.numerator * 100 / r.denominator, 2)
            cells[(r.unit_id, r.period)][3 * n : 3 * n + 3] = [r.numerator, r.denominator, value]
        by_pk = {u.pk: u for u in batch}
        for (unit_id, p), values in sorted(cells.items(), key=lambda kv: (by_pk[kv[0][0]].name, kv[0][1])):
            u = by_pk[unit_id]
            sheet.row([u.code, u.name, u.parent.name if u.parent else "", p, *values])
            for t in target_list:
                n = position[t.pk]
                num, den = values[3 * n], values[3 * n + 1]
                agg = per_parent[(u.parent.name if u.parent else "", t.pk, p)]
                if num is not None and den:
                    agg[0] += num
                    agg[1] += den
                if values[3 * n + 2] is not None:
                    agg[3] += 1
        done += len(batch)
        progress(done, total)
    agg_sheet = Sheet(
        wb,
        "Tổng hợp theo cấp trên",
        [
            ("", "Đơn vị cấp trên", 40),
            ("", "Chỉ tiêu", 50),
            ("", "Kỳ", 8),
            ("", "Tổng tử số", 12),
            ("", "Tổng mẫu số", 12),
            ("", "Tỷ lệ (%)", 10),
            ("", "Số đơn vị báo cáo", 12),
        ],
        freeze_cols=1,
    )
    names = {t.pk: f"{t.code} {t.name}" for t in target_list}
    for (parent, target_id, p), (num, den, _met, reported) in sorted(per_parent.items(), key=lambda kv: kv[0]):
        rate = round(num * 100 / den, 2) if den else None
        agg_sheet.row([parent, names[target_id], p, num or None, den or None, rate, reported])
    return f"Tiến độ chỉ tiêu — {campaign.number or campaign.title[:60]}"


# --- Nominations: danh sách trích ngang -----------------------------------------------------------------


def nominations(wb: Workbook, *, job, progress: Progress) -> str:
    from nominations.models import AwardRound, Nomination

    award_round = AwardRound.objects.get(public_id=job.params["round"])
    rows = (
        Nomination.objects.filter(round=award_round, unit__path__startswith=job.unit.path)
        .exclude(state__in=[Nomination.State.DRAFT, Nomination.State.WITHDRAWN])
        .select_related("award_form", "nominee_person", "unit", "level")
        .annotate(vote_total=Sum("votes__votes_for", filter=Q(votes__meeting__closed_at__isnull=False)))
    )
    if job.params.get("award_form"):
        rows = rows.filter(award_form_id=job.params["award_form"])
    columns = [
        ("", "STT", 6),
        ("", "Họ và tên / tên tập thể", 34),
        ("", "Ngày sinh", 12),
        ("", "Giới tính", 9),
        ("", "Chức vụ, đơn vị công tác", 40),
        ("", "Tóm tắt thành tích", 60),
        ("", "Hình thức đề nghị", 30),
        ("", "Ghi chú", 24),
    ]
    forms = rows.values("award_form_id", "subject").annotate(n=Count("pk")).order_by("award_form_id", "subject")
    total, done = rows.count(), 0
    sheet = Sheet(wb, "Danh sách trích ngang", columns, freeze_cols=2)
    for group in forms:
        subject_label = "Tập thể" if group["subject"] == "collective" else "Cá nhân"
        part = rows.filter(award_form_id=group["award_form_id"], subject=group["subject"]).order_by(
            "-vote_total", "unit__path", "pk"
        )
        first = True
        for stt, n in enumerate(part.iterator(chunk_size=CHUNK), start=1):
            if first:
                sheet.row([f"{subject_label} — {n.award_form.name}"])
                first = False
            person = n.nominee_person
            sheet.row(
                [
                    stt,
                    n.nominee_name,
                    person.date_of_birth if person and person.date_of_birth else None,
                    person.get_gender_display() if person and person.gender else "",
                    n.nominee_position or n.unit.name,
                    n.summary,
                    n.award_form.name,
                    f"{n.get_state_display()} ({n.level.name})",
                ]
            )
            done += 1
            if done % 500 == 0:
                progress(done, total)
    progress(total, total)
    return f"Danh sách trích ngang — {award_round.name[:120]}"


BUILDERS = {
    "campaign_status": campaign_status,
    "assessment_results": assessment_results,
    "targets": targets,
    "nominations": nominations,
}
