"""PDF documents in the NĐ 30/2020 layout (quốc hiệu, tiêu ngữ, issuing body, số/ký hiệu, địa danh and
date, trích yếu, body, nơi nhận, the signer's position and name), rendered by WeasyPrint from templates that
receive plain data (built here from selectors; the templates never query). Each document is registered
(`IssuedDocument`) and carries its verification code and a QR linking to the public verification page."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from units.models import DocumentType
from units.selectors import document_header, document_number
from units.signatures import seal_pdf

from .models import IssuedDocument, ReportJob

Progress = Callable[[int, int], None]


def _qr(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def register(job: ReportJob, *, kind: str, number: str, issued_on, issuer: str, title: str) -> dict:
    """The document's verification record (one per job and document, so a re-run reuses it)."""
    doc, _created = IssuedDocument.objects.get_or_create(
        job=job,
        kind=kind,
        number=number,
        title=title[:500],
        defaults={"issued_on": issued_on, "issuer_name": issuer},
    )
    url = settings.SITE_URL.rstrip("/") + reverse("reports:verify", args=[doc.code])
    return {"code": doc.code, "url": url, "qr": _qr(url)}


def issued_file(doc: IssuedDocument) -> dict:
    """What the verification page says about the file a document was issued in: sealed by the portal or
    not, and whether a hash of the original is kept to compare a copy with."""
    job = doc.job
    return {
        "sealed": bool(job and job.sealed),
        "sha256": job.sha256 if job else "",
        "built_at": job and job.finished_at,
    }


def compare_with_issued(doc: IssuedDocument, data: bytes) -> dict:
    """A file a person holds, against the document's original: the same bytes (SHA-256) or not, and what its
    digital signatures say (checked, not stored: the page is public)."""
    from units.models import SignatureCheck
    from units.signatures import summary, verify_pdf

    digest = hashlib.sha256(data).hexdigest()
    original = issued_file(doc)["sha256"]
    verdict = verify_pdf(data)
    check = SignatureCheck(sha256=digest, status=verdict.status, signatures=verdict.signatures)
    return {
        "sha256": digest,
        "known": bool(original),
        "matches": bool(original) and digest == original,
        "is_pdf": verdict.is_pdf,
        "signatures": summary(check) if verdict.is_pdf else "",
        "check": check,
    }


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return seal_pdf(HTML(string=html, base_url=settings.SITE_URL).write_pdf())


def _render(template: str, context: dict) -> bytes:
    return pdf_from_html(render_to_string(template, context))


def dossier(job: ReportJob, progress: Progress) -> tuple[str, bytes]:
    """A submission's dossier: tờ trình, biên bản of the council, danh sách trích ngang, and a báo cáo thành
    tích per nominee of the unit."""
    from nominations import selectors as nomination_selectors
    from nominations.models import CouncilVote, Submission

    sub = Submission.objects.select_related("round__campaign", "from_unit__parent__kind", "to_unit").get(
        public_id=job.params["submission"]
    )
    items = list(
        sub.items.select_related(
            "nomination__award_form", "nomination__unit", "nomination__nominee_person", "nomination__report_template"
        ).order_by("nomination__award_form__name", "nomination__subject", "rank", "pk")
    )
    nominations = [i.nomination for i in items]
    votes = nomination_selectors.passed_votes(sub.round, sub.from_unit, [n.pk for n in nominations])
    meeting = next(iter(votes.values())).meeting if votes else None
    meeting_votes = (
        list(
            CouncilVote.objects.filter(meeting=meeting)
            .select_related("nomination__award_form")
            .order_by("nomination__award_form__name", "nomination__subject", "rank")
        )
        if meeting
        else []
    )
    forms = sorted({n.award_form.name for n in nominations})
    collectives = sum(1 for n in nominations if n.subject == "collective")
    reports = []
    for index, n in enumerate(nominations, start=1):
        template = n.report_template
        sections = [
            {"title": s.get("title"), "fields": [(f["label"], n.report.get(f["key"], "")) for f in s.get("fields", [])]}
            for s in (template.sections if template else [])
        ]
        reports.append({"n": n, "sections": sections})
        progress(index, len(nominations) + 1)
    # Names as they were on the tờ trình's date; each document of the dossier has its own number: the tờ
    # trình's as recorded, the council's minutes the blank "……/BB-…" (the list is an annex of the tờ trình).
    header = document_header(sub.from_unit, sub.signed_on)
    numbers = {
        "submission": document_number(header, DocumentType.SUBMISSION, sub.number),
        "minutes": document_number(header, DocumentType.MINUTES),
    }
    verification = register(
        job,
        kind="Tờ trình đề nghị khen thưởng",
        number=sub.number,
        issued_on=sub.signed_on,
        issuer=header["unit"],
        title=sub.excerpt or f"V/v đề nghị khen thưởng {sub.round.name}",
    )
    pdf = _render(
        "reports/pdf/dossier.html",
        {
            "sub": sub,
            "header": header,
            "numbers": numbers,
            "items": items,
            "forms": forms,
            "collectives": collectives,
            "individuals": len(nominations) - collectives,
            "meeting": meeting,
            "meeting_votes": meeting_votes,
            "reports": reports,
            "verification": verification,
            "today": timezone.localdate(),
        },
    )
    return f"Hồ sơ đề nghị khen thưởng {sub.number or ''} — {sub.from_unit.name}", pdf


def decision(job: ReportJob, progress: Progress) -> tuple[str, bytes]:
    """The quyết định with its annexed list (Điều 1–3), then one certificate page per awardee (unless the
    job asks for the decision alone: `certificates: false`)."""
    title, html = decision_html(job, progress)
    return title, pdf_from_html(html)


def decision_html(job: ReportJob, progress: Progress) -> tuple[str, str]:
    from nominations.models import Decision

    obj = Decision.objects.select_related("unit__parent__kind", "award_form", "round__campaign").get(
        public_id=job.params["decision"]
    )
    rows = list(obj.nominations.select_related("unit", "certificate").order_by("subject", "pk"))
    verification = register(
        job,
        kind="Quyết định khen thưởng",
        number=obj.number,
        issued_on=obj.signed_on,
        issuer=obj.authority_name,
        title=f"Về việc tặng {obj.award_form.name}",
    )
    certificates = []
    for index, n in enumerate(rows if job.params.get("certificates", True) else [], start=1):
        cert = getattr(n, "certificate", None)
        certificates.append(
            {
                "n": n,
                "cert": cert,
                "verification": register(
                    job,
                    kind=obj.award_form.name,
                    number=cert.number if cert else "",
                    issued_on=obj.signed_on,
                    issuer=obj.authority_name,
                    title=f"{obj.award_form.name} — {n.nominee_name}",
                ),
            }
        )
        progress(index, len(rows) + 1)
    html = render_to_string(
        "reports/pdf/decision.html",
        {
            "d": obj,
            "header": document_header(obj.unit, obj.signed_on),
            "rows": rows,
            "certificates": certificates,
            "verification": verification,
        },
    )
    return f"Quyết định {obj.number} — {obj.award_form.name}", html


def assessment(job: ReportJob, progress: Progress) -> tuple[str, bytes]:
    """The unit's self-assessment report: result per group and indicator with evidence, signed by the head."""
    from criteria import selectors as criteria_selectors
    from criteria.models import PROVISIONAL_NOTE, Assessment

    obj = Assessment.objects.select_related("unit__parent__kind", "indicator_set", "approved_by").get(
        public_id=job.params["assessment"]
    )
    result = criteria_selectors.assessment_result(obj)
    rows = criteria_selectors.answers_snapshot(obj)
    progress(1, 2)
    title = f"Kết quả tự đánh giá mức độ chuyển đổi số năm học {obj.school_year}"
    if obj.indicator_set.is_provisional:
        # The QR's verification page shows the title: it must not certify a provisional result as official.
        title += f" ({PROVISIONAL_NOTE})"
    # The report is a document of its own: the approval decision's number is cited in its body, never
    # printed as the report's number. The portal records no number for the report, so it prints the blank.
    header = document_header(obj.unit, obj.approval_date)
    verification = register(
        job,
        kind="Báo cáo tự đánh giá mức độ chuyển đổi số",
        number="",
        issued_on=obj.approval_date,
        issuer=header["unit"],
        title=title,
    )
    pdf = _render(
        "reports/pdf/assessment.html",
        {
            "a": obj,
            "header": header,
            "number": document_number(header, DocumentType.REPORT),
            "result": result,
            "rows": rows,
            "verification": verification,
            "today": timezone.localdate(),
        },
    )
    return f"Báo cáo tự đánh giá {obj.school_year} — {obj.unit.name}", pdf


BUILDERS = {"dossier_pdf": dossier, "decision_pdf": decision, "assessment_pdf": assessment}
