"""Checks every uploaded file the same way, by content (never by the name alone): empty, too large, a type
the page does not accept, a PDF with scripts, or a file the virus scanner flags. Returns a Vietnamese
message for the page, or None with the detected content type.

The scanner is a hook (settings.UPLOAD_SCANNER, a dotted path to `scan(data: bytes) -> str | None`); the
built-in one recognises the EICAR test signature so the refusal path is exercised; production points it at
clamd or the province's antivirus gateway."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from units.signatures import check_content as check_signatures

EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
LABELS = {"pdf": "PDF", "image": "ảnh (JPG, PNG)", "office": "Word, Excel, PowerPoint"}


@dataclass
class Checked:
    content_type: str
    extension: str
    size: int


class OversizeUpload(UploadedFile):
    """A file refused while it arrived: no content, its size as far as it was counted (over the limit)."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(file=io.BytesIO(b""), name=name, content_type=content_type, size=size)


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS. Counts each file's bytes as they arrive; past UPLOAD_MAX_BYTES it stops
    passing them on, so nothing more is kept in memory or on disk, and the file reaches the view as an empty
    OversizeUpload whose size is over the limit: `check_upload` then says "quá lớn" on the page, and the rest
    of the form is kept. (The reverse proxy's body limit, e.g. nginx client_max_body_size, stops larger
    requests before they reach the application.)"""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > settings.UPLOAD_MAX_BYTES:
            return None  # swallowed: the handlers after this one store nothing more
        return raw_data

    def file_complete(self, file_size):
        if self.seen > settings.UPLOAD_MAX_BYTES:
            return OversizeUpload(self.file_name, self.content_type, self.seen)
        return None


def builtin_scan(data: bytes) -> str | None:
    return "EICAR-Test-Signature" if EICAR in data else None


def clamd_scan(data: bytes) -> str | None:
    """Scans with ClamAV's daemon (settings.CLAMD_ADDRESS: tcp://host:3310 or unix:///path/clamd.ctl) through
    its INSTREAM command. Fails closed: when clamd cannot be reached the upload is refused with a reason to
    try again, never accepted unscanned."""
    import socket
    import struct

    address = settings.CLAMD_ADDRESS
    try:
        if address.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target = address[len("unix://") :]
        else:
            host, _sep, port = address.removeprefix("tcp://").rpartition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (host or "127.0.0.1", int(port))
        with sock:
            sock.settimeout(settings.CLAMD_TIMEOUT)
            sock.connect(target)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 64 * 1024):
                chunk = data[start : start + 64 * 1024]
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except (OSError, ValueError):
        return _("máy quét virus không phản hồi; hãy thử lại sau ít phút")
    text = reply.rstrip(b"\0").decode("utf-8", "replace")  # "stream: OK" / "stream: Eicar-Signature FOUND"
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip() or "FOUND"
    if text.endswith("OK"):
        return None
    return _("máy quét virus báo lỗi (%(reply)s)") % {"reply": text[:80]}


def _sniff(data: bytes) -> tuple[str, str, str] | None:
    """(family, content type, extension) from the first bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg", "jpg"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "office", "application/msword", "doc"  # legacy Office (doc/xls/ppt): one container format
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, (content_type, extension) in OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    if any(n.lower().endswith("vbaproject.bin") for n in names):
                        return None  # macros: refused like scripts in a PDF
                    return "office", content_type, extension
    return None


def check_upload(upload, accept: tuple[str, ...] = ("pdf", "image", "office")) -> tuple[str | None, Checked | None]:
    if upload is None:
        return _("Hãy chọn tệp."), None
    if upload.size == 0:
        return _("Tệp “%(name)s” rỗng.") % {"name": upload.name}, None
    if upload.size > settings.UPLOAD_MAX_BYTES:
        return _("Tệp “%(name)s” quá lớn (tối đa %(mb)s MB).") % {
            "name": upload.name,
            "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        }, None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    threat = import_string(settings.UPLOAD_SCANNER)(data)
    if threat:
        return _("Tệp “%(name)s” bị phần mềm diệt virus chặn (%(threat)s).") % {
            "name": upload.name,
            "threat": threat,
        }, None
    sniffed = _sniff(data)
    allowed = ", ".join(LABELS[a] for a in accept)
    if sniffed is None or sniffed[0] not in accept:
        return _(
            "Tệp “%(name)s” không đúng loại được nhận (%(allowed)s). Hệ thống kiểm tra nội dung tệp, "
            "không chỉ phần mở rộng; tệp Office có macro không được nhận."
        ) % {"name": upload.name, "allowed": allowed}, None
    if sniffed[0] == "pdf" and any(marker in data for marker in PDF_ACTIVE):
        return _(
            "Tệp PDF “%(name)s” chứa mã lệnh (JavaScript) hoặc tệp nhúng nên không được nhận. "
            "Hãy in lại ra PDF thường rồi tải lên."
        ) % {"name": upload.name}, None
    if sniffed[0] == "pdf":
        check_signatures(data)  # stored by content hash; pages show it beside the file (units.signatures)
    return None, Checked(content_type=sniffed[1], extension=sniffed[2], size=upload.size)
