"""Report jobs: request (scope and rate checked), build (idempotent, with progress), expire, recover.

A job's body can run more than once (a retried task, a message redelivered after a worker died, the
recovery sweep): it claims the job under a row lock, skips a job already done, and always writes the same
file name, replacing what a broken run left, so there is never a second file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from units import notify
from units.models import Message, Unit
from units.signatures import seal_configured

from . import documents, excel
from .models import ReportJob

log = logging.getLogger(__name__)
State = ReportJob.State
ACTIVE = (State.QUEUED, State.RUNNING)


def _enqueue(job: ReportJob) -> None:
    from .tasks import build_report

    transaction.on_commit(lambda: build_report.delay(job.pk))


def job_request(user, *, kind: str, unit: Unit, params: dict, now: dt.datetime | None = None) -> ReportJob:
    """Queues a report for the requester over a unit they reach (the view checked it). A user has at most
    REPORT_MAX_ACTIVE jobs waiting or running, and at most REPORT_MAX_PER_HOUR a rolling hour; the same
    report asked again while it is still being built returns that job instead of a second one."""
    now = now or timezone.now()
    if kind not in ReportJob.Kind.values:
        raise ValidationError(_("Loại báo cáo không hợp lệ."))
    with transaction.atomic():
        same = (
            ReportJob.objects.select_for_update()
            .filter(requester=user, kind=kind, unit=unit, params=params, state__in=ACTIVE)
            .first()
        )
        if same is not None:
            return same
        active = ReportJob.objects.filter(requester=user, state__in=ACTIVE).count()
        if active >= settings.REPORT_MAX_ACTIVE:
            raise ValidationError(
                _("Bạn đang có %(n)s báo cáo chưa tạo xong. Hãy chờ chúng xong rồi yêu cầu tiếp.") % {"n": active}
            )
        recent = ReportJob.objects.filter(requester=user, created_at__gte=now - dt.timedelta(hours=1)).count()
        if recent >= settings.REPORT_MAX_PER_HOUR:
            raise ValidationError(
                _("Bạn đã yêu cầu %(n)s báo cáo trong một giờ qua: hãy dùng lại các tệp đã tạo hoặc thử lại sau.")
                % {"n": recent}
            )
        job = ReportJob.objects.create(
            requester=user, unit=unit, kind=kind, params=params, title=ReportJob.Kind(kind).label, heartbeat_at=now
        )
        _enqueue(job)
    return job


def _claim(job_id: int) -> ReportJob | None:
    """Marks the job running (one more attempt) unless it is done; None when there is nothing to do."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("unit", "requester").filter(pk=job_id).first()
        if job is None or job.state == State.DONE:
            return None
        job.state, job.progress, job.message = State.RUNNING, 0, ""
        job.started_at = job.heartbeat_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["state", "progress", "message", "started_at", "heartbeat_at", "attempts"])
        return job


def _progress_updater(job: ReportJob):
    last = {"percent": -1, "at": 0.0}

    def update(done: int, total: int) -> None:
        percent = min(99, int(done * 100 / total)) if total else 99
        now = timezone.now().timestamp()
        if percent > last["percent"] and (percent - last["percent"] >= 2 or now - last["at"] > 2):
            ReportJob.objects.filter(pk=job.pk).update(progress=percent, heartbeat_at=timezone.now())
            last["percent"], last["at"] = percent, now

    return update


def job_run(job_id: int) -> ReportJob | None:
    """Builds the job's file (idempotent). A failure the user can act on is recorded on the job with a plain
    message; unexpected errors are re-raised for the task to retry, the job keeps the message meanwhile."""
    job = _claim(job_id)
    if job is None:
        return None
    update = _progress_updater(job)
    try:
        if job.is_excel:
            wb = Workbook(write_only=True)
            excel.cover(
                wb,
                title=str(ReportJob.Kind(job.kind).label),
                scope=job.unit,
                filters=describe(job.params),
                requester=job.requester,
            )
            title = excel.BUILDERS[job.kind](wb, job=job, progress=update)
            buffer = io.BytesIO()
            wb.save(buffer)
            content = buffer.getvalue()
        else:
            title, content = documents.BUILDERS[job.kind](job, update)
    except (KeyError, LookupError, ValueError, ValidationError) as exc:
        log.warning("report %s failed: %s", job.pk, exc)
        ReportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED,
            finished_at=timezone.now(),
            message=_("Không tạo được báo cáo: dữ liệu được chọn không còn hoặc không hợp lệ (%(e)s).")
            % {"e": str(exc)[:200]},
        )
        _notify(job, ok=False)
        return ReportJob.objects.get(pk=job.pk)
    except Exception as exc:
        ReportJob.objects.filter(pk=job.pk).update(
            message=_("Gặp lỗi tạm thời, hệ thống đang thử lại (%(e)s).") % {"e": type(exc).__name__}
        )
        raise
    _store(job, content)
    now = timezone.now()
    ReportJob.objects.filter(pk=job.pk).update(
        state=State.DONE,
        progress=100,
        title=title[:300],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        sealed=not job.is_excel and seal_configured(),
        finished_at=now,
        expires_at=now + dt.timedelta(days=settings.REPORT_RETENTION_DAYS),
        message="",
    )
    job.refresh_from_db()
    _notify(job, ok=True)
    return job


def describe(params: dict) -> list[tuple[str, str]]:
    """The filters as a reader of the cover sheet understands them: Vietnamese labels, names not ids."""
    from campaigns.models import Campaign
    from nominations.models import AwardRound

    rows = []
    if "campaign" in params:
        c = Campaign.objects.filter(public_id=params["campaign"]).first()
        rows.append((_("Kế hoạch"), f"{c.number} — {c.title}" if c else params["campaign"]))
    if "round" in params:
        r = AwardRound.objects.filter(public_id=params["round"]).first()
        rows.append((_("Đợt xét khen thưởng"), r.name if r else params["round"]))
    for key, label in (("school_year", _("Năm học")), ("period", _("Kỳ"))):
        if params.get(key):
            rows.append((label, str(params[key])))
    return rows


def _store(job: ReportJob, content: bytes) -> None:
    """Writes the job's one file under a fixed name, replacing what an earlier attempt left."""
    name = f"reports/{job.filename}"
    storage = ReportJob._meta.get_field("file").storage
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    ReportJob.objects.filter(pk=job.pk).update(file=saved)


def _notify(job: ReportJob, *, ok: bool) -> None:
    notify.notify(
        recipient=job.requester,
        kind=Message.Kind.EVENT,
        subject=(_("Báo cáo đã sẵn sàng: %(t)s") if ok else _("Không tạo được báo cáo: %(t)s"))
        % {"t": (job.title or job.get_kind_display())[:200]},
        body=_("Tải về trong %(d)s ngày tại trang “Xuất báo cáo”.") % {"d": settings.REPORT_RETENTION_DAYS}
        if ok
        else job.message or _("Hãy thử lại hoặc liên hệ quản trị hệ thống."),
        key=f"report:{job.pk}:{'done' if ok else 'failed'}",
        url=reverse("reports:job", args=[job.public_id]),
        unit=job.unit,
    )


def jobs_expire(now: dt.datetime | None = None) -> int:
    """Deletes the files of jobs past their expiry (the rows stay, marked expired, for the history)."""
    now = now or timezone.now()
    count = 0
    for job in ReportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(file="", message=_("Tệp đã hết hạn lưu trữ và được xóa."))
        count += 1
    return count


def jobs_recover(now: dt.datetime | None = None) -> int:
    """Re-queues jobs whose worker vanished: running with no progress for REPORT_STALE_SECONDS, or queued
    that long (a lost message). The task body is idempotent, so a job that was merely slow is harmless."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    jobs = list(ReportJob.objects.filter(state__in=ACTIVE, heartbeat_at__lt=stale))
    for job in jobs:
        if job.attempts >= settings.REPORT_MAX_ATTEMPTS:
            ReportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED, message=_("Không tạo được báo cáo sau nhiều lần thử. Hãy yêu cầu lại.")
            )
            continue
        ReportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, heartbeat_at=now)
        _enqueue(job)
    return len(jobs)
