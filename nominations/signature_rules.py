"""The "tờ trình và biên bản phải ký số" rule of a round (AwardRound.signatures_required).

The dossier's signed file (Submission.attachment: the tờ trình with the council's biên bản, as the unit scans
or signs it) must carry a signature that is intact, valid and trusted (units.signatures) before the head can
send it. The signer's name (from the certificate) should be the head's or a deputy's of the sending unit: if
it is someone else's, the head confirms before sending. A signature made after the dossier deadline is
flagged on the page (not refused: the deadline lock already decides whether the dossier may still go)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Obligation
from units.models import Membership, Person, Role, fold
from units.signatures import check_for_file, moment, signature_ok, summary

SIGNER_MISMATCH = "signer_mismatch"


@dataclass
class DossierSignature:
    required: bool
    check: object | None  # units.models.SignatureCheck of the attachment, None without one
    badge: str
    signature: dict | None  # the accepted signature (the head's when there is one)
    heads: list[str]  # who may sign: the head and deputies of the sending unit
    problem: str  # why sending is refused ("" when it is not)
    mismatch: str  # the warning the head confirms ("" when the signer is the head or a deputy)
    late: dt.datetime | None  # the deadline the signature came after


def _heads(unit) -> list[str]:
    """The names of the sending unit's head(s) (the current "head" role holders) and its managers on the
    staff roll (hiệu trưởng and phó hiệu trưởng, trưởng and phó phòng are cán bộ quản lý)."""
    names = []
    for m in (
        Membership.objects.current()
        .filter(unit=unit, role=Role.HEAD, revoked_at__isnull=True)
        .select_related("user__person")
    ):
        person = getattr(m.user, "person", None)
        names.append(person.full_name if person else m.user.get_full_name())
    names += Person.objects.filter(unit=unit, active=True, category=Person.Category.MANAGER).values_list(
        "full_name", flat=True
    )
    return list(dict.fromkeys(n for n in names if n))


def _same_person(certificate_name: str, name: str) -> bool:
    """Certificates often carry the name in capitals, with or without accents, sometimes with the position."""
    wanted = " ".join(fold(name).split())
    return bool(wanted) and re.search(rf"(^|\W){re.escape(wanted)}($|\W)", " ".join(fold(certificate_name).split()))


def dossier_signature(submission) -> DossierSignature:
    required = submission.round.signatures_required
    check = check_for_file(submission.attachment)
    good = [s for s in (check.signatures if check else []) if signature_ok(s)]
    heads = _heads(submission.from_unit) if good else []
    by_head = next((s for s in good if any(_same_person(s["signer"], h) for h in heads)), None)
    chosen = by_head or (good[0] if good else None)
    problem = mismatch = ""
    if required and chosen is None:
        problem = _(
            "Đợt này yêu cầu tờ trình và biên bản phải ký số: tệp bản ký của hồ sơ cần có chữ ký số toàn vẹn, "
            "hợp lệ và được tin cậy (hiện tại: %(badge)s)."
        ) % {"badge": summary(check) if submission.attachment else _("chưa đính kèm bản ký")}
    elif chosen is not None and by_head is None:
        mismatch = _(
            "Người ký số “%(signer)s” không phải thủ trưởng hoặc cấp phó của %(unit)s (%(heads)s). "
            "Thủ trưởng đánh dấu xác nhận rồi gửi lại nếu đúng là người được giao ký."
        ) % {"signer": chosen["signer"], "unit": submission.from_unit.name, "heads": ", ".join(heads) or "—"}
    late = None
    signed_at = moment(chosen["signing_time"]) if chosen else None
    if signed_at and submission.round.deadline_id:
        due = (
            Obligation.objects.filter(
                deadline_id=submission.round.deadline_id, unit=submission.from_unit, period=submission.round.period
            )
            .values_list("due_at", flat=True)
            .first()
        )
        late = due if due and signed_at > due else None
    return DossierSignature(
        required=required,
        check=check,
        badge=summary(check) if submission.attachment else "",
        signature=chosen,
        heads=heads,
        problem=problem,
        mismatch=mismatch,
        late=late,
    )


def dossier_signature_enforce(submission, *, confirmed: bool) -> None:
    """Called by the send service: refuses a dossier without the required signature, and one signed by
    someone other than the head or a deputy unless the head has confirmed."""
    if not submission.round.signatures_required:
        return
    status = dossier_signature(submission)
    if status.problem:
        raise ValidationError(status.problem)
    if status.mismatch and not confirmed:
        raise ValidationError(status.mismatch, code=SIGNER_MISMATCH)


def late_note(status: DossierSignature) -> str:
    if not status.late:
        return ""
    return _("Ký sau hạn nộp hồ sơ (%(due)s).") % {"due": timezone.localtime(status.late).strftime("%H:%M %d/%m/%Y")}


def signed_documents_share(unit, start: dt.date, end: dt.date):
    """The seed 004 target "100% chữ ký số" from data: of the unit's dossier documents dated in [start, end)
    (the tờ trình files of its dossiers, its self-assessment minutes and its evidence library's PDFs), how
    many carry a valid, trusted signature."""
    from campaigns.measures import Measured
    from criteria.models import Assessment, EvidenceItem
    from units.models import SignatureCheck
    from units.signatures import checks_for

    from .models import Submission

    window = {"created_at__date__gte": start, "created_at__date__lt": end}
    files = [s.attachment for s in Submission.objects.filter(from_unit=unit, **window).exclude(attachment="")]
    files += [
        a.minutes_file
        for a in Assessment.objects.filter(unit=unit, minutes_at__date__gte=start, minutes_at__date__lt=end).exclude(
            minutes_file=""
        )
    ]
    files += [e.file for e in EvidenceItem.objects.filter(unit=unit, **window).exclude(file="")]
    pdfs = [f for f in files if f.name.lower().endswith(".pdf")]
    checks = checks_for(pdfs)
    signed = sum(1 for f in pdfs if checks.get(f.name) and checks[f.name].status == SignatureCheck.Status.VALID)
    return Measured(count=signed, total=len(pdfs), label=_("văn bản PDF trong hồ sơ, biên bản, minh chứng"))
