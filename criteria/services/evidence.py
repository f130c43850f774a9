"""The unit's evidence library: files checked like every upload and stored once, or links."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from units.models import Unit, nfc
from units.uploads import check_upload

from ..models import EvidenceItem


def evidence_upload(unit: Unit, upload, *, title: str, issued_on: dt.date | None, actor) -> EvidenceItem:
    """Stores a file in the unit's library after the content, size and virus checks; the same file uploaded
    twice is kept once."""
    problem, checked = check_upload(upload)
    if problem:
        raise ValidationError(problem)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    same = EvidenceItem.objects.filter(unit=unit, sha256=digest.hexdigest()).first()
    if same:
        same.reused = True  # the same file is already in the library: that item is used, nothing is stored twice
        return same
    item = EvidenceItem(
        unit=unit,
        title=nfc(title.strip() or upload.name)[:300],
        issued_on=issued_on,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    item.file.save(f"{item.public_id}.{checked.extension}", upload, save=False)
    item.save()
    return item


def evidence_link(unit: Unit, *, url: str, title: str, issued_on: dt.date | None, actor) -> EvidenceItem:
    if not url.startswith(("https://", "http://")):
        raise ValidationError(_("Liên kết phải bắt đầu bằng https:// hoặc http://."))
    return EvidenceItem.objects.create(
        unit=unit, url=url, title=nfc(title.strip() or url)[:300], issued_on=issued_on, uploaded_by=actor
    )
