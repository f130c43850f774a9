"""Generated PDFs sealed with the deployment's certificate (PAdES) when SIGNATURE_SEAL_P12 is set; the public
verification page says whether a file is the sealed original."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import services
from reports.models import IssuedDocument, ReportJob
from units.models import SignatureCheck
from units.signatures import verify_pdf

from ..nominations.helpers import dossier
from ..reports.test_exports import _teacher_nominated
from .pki import make_pki

pytestmark = [pytest.mark.signatures, pytest.mark.django_db]


@pytest.fixture(scope="module")
def pki():
    return make_pki("Seal")


def _dossier_pdf(cast) -> ReportJob:
    award_round, _n = _teacher_nominated(cast)
    sub = dossier(award_round, cast.school_a, cast.principal_a, number="15/TTr-THCSAB")
    job = services.job_request(
        cast.principal_a, kind="dossier_pdf", unit=cast.school_a, params={"submission": sub.public_id}
    )
    services.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.message
    return job


def test_generated_pdf_is_sealed_and_the_page_recognises_the_original(cast, client, pki, tmp_path, settings):
    seal = pki.signer("Cổng thi đua Sở GD&ĐT Sông Xanh", "Sở Giáo dục và Đào tạo Sông Xanh")
    (tmp_path / "seal.p12").write_bytes(pki.p12(seal, b"mat-khau"))
    (tmp_path / "roots.pem").write_bytes(pki.root.pem)
    settings.SIGNATURE_SEAL_P12 = str(tmp_path / "seal.p12")
    settings.SIGNATURE_SEAL_PASSPHRASE = "mat-khau"
    settings.SIGNATURE_TRUST_ROOTS = str(tmp_path / "roots.pem")
    settings.MEDIA_ROOT = str(tmp_path / "media")

    job = _dossier_pdf(cast)
    with job.file.open("rb") as f:
        data = f.read()
    verdict = verify_pdf(data)
    assert verdict.status == SignatureCheck.Status.VALID
    [sig] = verdict.signatures
    assert sig["signer"] == "Cổng thi đua Sở GD&ĐT Sông Xanh" and sig["trusted"] and not sig["modified_after"]
    assert job.sealed and len(job.sha256) == 64

    doc = IssuedDocument.objects.get(job=job, kind="Tờ trình đề nghị khen thưởng")
    url = reverse("reports:verify", args=[doc.code])
    page = client.get(url).content.decode()
    assert "được cổng đóng dấu số (PAdES)" in page and job.sha256 in page
    page = client.post(url, {"tep": SimpleUploadedFile("ho-so.pdf", data)}).content.decode()
    assert "Tệp trùng khớp với bản gốc" in page and "Đây là bản gốc đã đóng dấu số." in page
    assert "Đã ký số: Cổng thi đua Sở GD&amp;ĐT Sông Xanh" in page and "— hợp lệ" in page
    changed = data.replace(b"%%EOF", b"%%EOF\n% sua", 1)
    page = client.post(url, {"tep": SimpleUploadedFile("ho-so.pdf", changed)}).content.decode()
    assert "KHÔNG trùng khớp với bản gốc" in page
    page = client.post(url, {}).content.decode()
    assert "Hãy chọn tệp cần đối chiếu." in page


def test_without_a_seal_pdfs_are_as_before_and_the_page_says_so(cast, client, tmp_path, settings):
    settings.SIGNATURE_SEAL_P12 = ""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    job = _dossier_pdf(cast)
    with job.file.open("rb") as f:
        data = f.read()
    assert verify_pdf(data).signatures == [] and not job.sealed
    doc = IssuedDocument.objects.get(job=job, kind="Tờ trình đề nghị khen thưởng")
    url = reverse("reports:verify", args=[doc.code])
    assert "Văn bản này không được đóng dấu số" in client.get(url).content.decode()
    page = client.post(url, {"tep": SimpleUploadedFile("ho-so.pdf", data)}).content.decode()
    assert "Tệp trùng khớp với bản gốc" in page and "Đây là bản gốc đã đóng dấu số." not in page
    assert "không có chữ ký số" in page
