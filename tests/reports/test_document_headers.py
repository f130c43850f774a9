"""Issue 17, Documents: every PDF the portal prints names its issuing unit under its direct governing body
(NĐ 30/2020: a school under its Phòng or Sở, a Phòng under its UBND huyện, a Sở under its UBND tỉnh), with the
names valid on the document's date, and every document carries its own số/ký hiệu (or the blank to fill in),
never the number of another document."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from criteria import services as criteria_services
from criteria.models import Assessment
from nominations import services as nomination_services
from nominations.models import Decision
from reports import services
from reports.models import IssuedDocument, ReportJob
from units import selectors as unit_selectors
from units import services as unit_services

from ..nominations.helpers import YEAR, as_user, campaign_000, council_pass, dossier, heads, ready

pytestmark = [pytest.mark.django_db, pytest.mark.seedrules]

UBND_HUYEN = "Ủy ban nhân dân huyện Phú Điền"
UBND_TINH = "Ủy ban nhân dân tỉnh Sông Xanh"
SINCE = dt.date(2020, 1, 1)


def _text(pdf: bytes) -> str:
    """The PDF's text, NFC, with line breaks made spaces (a long name may wrap)."""
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", raw).split())


def _run(user, kind, unit, params) -> str:
    job = services.job_request(user, kind=kind, unit=unit, params=params)
    services.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.message
    with job.file.open("rb") as f:
        return _text(f.read())


def _document_data(cast) -> None:
    """The governing bodies outside the education tree and the units' abbreviations, recorded since 2020."""
    for unit, data in (
        (cast.so_s, {"governing_body": UBND_TINH, "document_abbreviation": "SGDĐT"}),
        (cast.phong_p, {"governing_body": UBND_HUYEN, "document_abbreviation": "PGDĐT"}),
        (cast.school_a, {"document_abbreviation": "THCSAB"}),
    ):
        unit_services.unit_update(unit, effective=SINCE, note="Dữ liệu văn bản", **data)
        unit.refresh_from_db()


def _round(cast):
    h = heads(cast)
    return nomination_services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])


def _decision_pdf(cast, award_round, unit, user, *, number: str, signed_on: dt.date) -> str:
    decision = Decision.objects.create(
        round=award_round,
        unit=unit,
        award_form=award_round.award_forms.get(),
        number=number,
        signed_on=signed_on,
        authority_name="Thủ trưởng cơ quan",
        signer_name="Nguyễn Văn Ký",
        signer_position="Thủ trưởng",
    )
    return _run(user, "decision_pdf", unit, {"decision": decision.public_id, "certificates": False})


def test_a_phong_document_is_headed_by_its_ubnd_not_the_so(cast):
    _document_data(cast)
    text = _decision_pdf(
        cast, _round(cast), cast.phong_p, cast.reviewer_p, number="45/QĐ-PGDĐT", signed_on=dt.date(2026, 10, 15)
    )
    assert "ỦY BAN NHÂN DÂN HUYỆN PHÚ ĐIỀN" in text
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN PHÚ ĐIỀN" in text
    assert "SỞ GIÁO DỤC" not in text  # the Sở is no governing body of a Phòng's documents
    assert "Số: 45/QĐ-PGDĐT" in text


def test_a_so_document_is_headed_by_the_provincial_ubnd(cast):
    _document_data(cast)
    text = _decision_pdf(
        cast, _round(cast), cast.so_s, cast.officer_s, number="125/QĐ-SGDĐT", signed_on=dt.date(2026, 10, 15)
    )
    assert "ỦY BAN NHÂN DÂN TỈNH SÔNG XANH SỞ GIÁO DỤC VÀ ĐÀO TẠO SÔNG XANH" in text
    assert "BỘ GIÁO DỤC" not in text


def test_a_school_dossier_is_headed_by_its_phong_and_each_document_has_its_own_number(cast):
    """The tờ trình without a number yet prints the NĐ 30 blank with its type and the school's abbreviation;
    the council's minutes print their own blank (BB), not the tờ trình's number."""
    _document_data(cast)
    award_round = _round(cast)
    n = nomination_services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=award_round.award_forms.get(),
        subject="individual",
        person=cast.person_teacher_a,
        summary="Tiên phong học liệu số",
    )
    ready(n, cast.principal_a, summary="Tiên phong học liệu số")
    council_pass(award_round, cast.school_a, cast.principal_a)
    sub = dossier(award_round, cast.school_a, cast.principal_a, number="")
    text = _run(cast.principal_a, "dossier_pdf", cast.school_a, {"submission": sub.public_id})
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN PHÚ ĐIỀN TRƯỜNG THCS AN BÌNH" in text
    assert "ỦY BAN NHÂN DÂN" not in text  # the district's committee governs the Phòng, not the school
    assert "Số: ……/TTr-THCSAB" in text
    assert "Số: ……/BB-THCSAB" in text
    assert "Kèm theo Tờ trình số ……/TTr-THCSAB" in text

    # Once the tờ trình has its number, the minutes still keep their own.
    sub = nomination_services.submission_update(
        sub, actor=cast.principal_a, version=sub.version, number="15/TTr-THCSAB"
    )
    ReportJob.objects.all().delete()
    text = _run(cast.principal_a, "dossier_pdf", cast.school_a, {"submission": sub.public_id})
    assert "Số: 15/TTr-THCSAB" in text and "Số: ……/BB-THCSAB" in text
    assert text.count("15/TTr-THCSAB") == 2  # the tờ trình and the list annexed to it, nothing else


def test_a_report_does_not_take_the_approval_decisions_number(cast):
    _document_data(cast)
    assessment = criteria_services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.APPROVED, approval_number="12/QĐ-THCSAB", approval_date=dt.date(2026, 6, 5)
    )
    text = _run(cast.principal_a, "assessment_pdf", cast.school_a, {"assessment": assessment.public_id})
    assert "Số: ……/BC-THCSAB" in text
    assert "Số: 12/QĐ-THCSAB" not in text
    assert "Căn cứ Quyết định số 12/QĐ-THCSAB ngày 05/06/2026" in text  # cited as what it is
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN PHÚ ĐIỀN" in text
    doc = IssuedDocument.objects.get(kind="Báo cáo tự đánh giá mức độ chuyển đổi số")
    assert doc.number != "12/QĐ-THCSAB"


def test_the_draft_minutes_number_comes_from_the_units_abbreviation(cast):
    _document_data(cast)
    assessment = criteria_services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    r = as_user(cast.principal_a).get(reverse("criteria:minutes", args=[assessment.public_id]))
    text = _text(b"".join(r.streaming_content))
    assert "Số: ……/BB-THCSAB" in text
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN PHÚ ĐIỀN TRƯỜNG THCS AN BÌNH" in text


def test_documents_dated_before_a_change_keep_the_old_names(cast):
    """A Phòng whose governing body changed on 01/07/2025 (the district abolished), a school renamed on
    01/10/2025 and a school moved from the Phòng to the Sở on 01/07/2025: each document shows the names of
    its own date."""
    _document_data(cast)
    unit_services.unit_update(
        cast.phong_p, effective=dt.date(2025, 7, 1), governing_body="Ủy ban nhân dân xã Phú Điền", note="NQ 202/2025"
    )
    unit_services.unit_update(cast.school_a, effective=dt.date(2025, 10, 1), name="Trường THCS Nguyễn Du")
    unit_services.unit_move(cast.school_b, cast.so_s, effective=dt.date(2025, 7, 1))
    for unit in (cast.phong_p, cast.school_a, cast.school_b):
        unit.refresh_from_db()

    award_round = _round(cast)
    before = _decision_pdf(
        cast, award_round, cast.phong_p, cast.reviewer_p, number="10/QĐ-PGDĐT", signed_on=dt.date(2025, 6, 15)
    )
    after = _decision_pdf(
        cast, award_round, cast.phong_p, cast.reviewer_p, number="20/QĐ-PGDĐT", signed_on=dt.date(2025, 10, 15)
    )
    assert "ỦY BAN NHÂN DÂN HUYỆN PHÚ ĐIỀN" in before and "XÃ PHÚ ĐIỀN" not in before
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ ĐIỀN" in after and "HUYỆN PHÚ ĐIỀN PHÒNG" not in after

    # The school's tờ trình of 25/09/2025 bears the name it had then.
    sub = dossier(award_round, cast.school_a, cast.principal_a, number="15/TTr-THCSAB")
    text = _run(cast.principal_a, "dossier_pdf", cast.school_a, {"submission": sub.public_id})
    assert "TRƯỜNG THCS AN BÌNH" in text and "NGUYỄN DU" not in text.upper()
    # …and so does its verification record, which the QR's public page shows.
    assert IssuedDocument.objects.get(kind="Tờ trình đề nghị khen thưởng").issuer_name == "Trường THCS An Bình"
    assert unit_selectors.document_header(cast.school_a, dt.date(2025, 10, 2))["unit"] == "Trường THCS Nguyễn Du"

    # The moved school: its Phòng above documents before the move, the Sở after.
    assert unit_selectors.document_header(cast.school_b, dt.date(2025, 6, 30))["governing"] == cast.phong_p.name
    assert unit_selectors.document_header(cast.school_b, dt.date(2025, 7, 1))["governing"] == cast.so_s.name


def test_a_document_without_a_number_prints_the_blank_never_another_number(cast):
    from units.models import DocumentType
    from units.selectors import document_header, document_number

    header = document_header(cast.school_b)
    assert header["short"] == ""  # no abbreviation recorded: the blank shows where it goes
    assert document_number(header, DocumentType.REPORT) == "……/BC-……"
    assert document_number(header, DocumentType.SUBMISSION, " 07/TTr-THBM ") == "07/TTr-THBM"
    assert {t.value for t in DocumentType} >= {"TTr", "BB", "BC", "QĐ", "DS", "KH"}
