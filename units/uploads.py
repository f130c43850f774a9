"""Checks every uploaded file the same way, by content (never by the name alone): empty, too large, a type
the page does not accept, a zip-based document that unpacks to too much (a "zip bomb"), a PDF with scripts,
or a file the virus scanner flags. Returns a Vietnamese
message for the page, or None with the detected content type.

The scanner is a hook (settings.UPLOAD_SCANNER, a dotted path to `scan(data: bytes) -> str | None`); the
built-in one recognises the EICAR test signature so the refusal path is exercised; production points it at
clamd or the province's antivirus gateway."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
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


def zip_problem(data: bytes) -> str | None:
    """Measures a zip container (xlsx, docx, pptx, odt...) before anything unpacks it: the sizes its directory
    declares, then the real size of every member, inflated from its compressed bytes without trusting the
    declaration and stopped as soon as the limit is passed, and the compression ratio. Returns a Vietnamese
    reason, or None. Nothing larger than the limit is ever held in memory."""
    limit, max_ratio = settings.ZIP_MAX_UNPACKED_BYTES, settings.ZIP_MAX_RATIO
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _("tệp nén bị hỏng")
    if len(members) > settings.ZIP_MAX_MEMBERS:
        return _("tệp nén chứa quá nhiều thành phần (%(n)s, tối đa %(max)s)") % {
            "n": len(members),
            "max": settings.ZIP_MAX_MEMBERS,
        }
    declared = sum(m.file_size for m in members)
    real = 0
    if declared <= limit:
        for member in members:
            size = _inflated_size(data, member, limit - real)
            if size is None:
                return _("tệp nén dùng kiểu nén không được hỗ trợ hoặc bị hỏng")
            real += size
            if real > limit:
                break
    unpacked = max(declared, real)
    ratio = unpacked / max(len(data), 1)
    if unpacked > limit or (unpacked > settings.ZIP_RATIO_FLOOR_BYTES and ratio > max_ratio):
        return _(
            "tệp nén bung ra tới %(size)s MB (gấp %(ratio)s lần kích thước tệp), vượt giới hạn %(max)s MB "
            "hoặc %(max_ratio)s lần: đây có thể là “bom giải nén”"
        ) % {
            "size": f"{unpacked / (1024 * 1024):,.0f}".replace(",", "."),
            "ratio": f"{ratio:,.0f}".replace(",", "."),
            "max": limit // (1024 * 1024),
            "max_ratio": max_ratio,
        }
    return None


def _inflated_size(data: bytes, member: zipfile.ZipInfo, cap: int) -> int | None:
    """Bytes that `member` really unpacks to (counting stops just past `cap`); None when unreadable."""
    start = member.header_offset
    if data[start : start + 4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    body_start = start + 30 + name_len + extra_len
    body = memoryview(data)[body_start : body_start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        return len(body)
    if member.compress_type != zipfile.ZIP_DEFLATED:
        return None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    try:
        for offset in range(0, len(body), 64 * 1024):
            pending = bytes(body[offset : offset + 64 * 1024])
            while pending:
                total += len(inflater.decompress(pending, 1024 * 1024))
                if total > cap:
                    return total
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        return None
    return total


def _sniff(data: bytes) -> tuple[str, str, str] | None:
    """(family, content type, extension) from the first bytes, or None. A zip is identified from its
    directory only (nothing is unpacked here). Office files with macros are the family "macro"."""
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
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            for prefix, (content_type, extension) in OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    if any(n.lower().endswith("vbaproject.bin") for n in names):
                        return "macro", content_type, extension
                    return "office", content_type, extension
    return None


def _accepted(accept: tuple[str, ...]) -> str:
    return ", ".join(str(LABELS[a]) for a in accept)


# Each check: (file name, its bytes, what _sniff found, what the field accepts) -> a message or None.
# check_upload runs them in order and stops at the first message; a new kind of check is one more function.


def _container_problem(name, data, sniffed, accept) -> str | None:
    """A zip-based document is measured before anything (the virus scanner included) unpacks it."""
    if "office" not in accept or not data.startswith(b"PK\x03\x04"):
        return None
    reason = zip_problem(data)
    if reason:
        return _("Tệp “%(name)s” không được nhận: %(reason)s. Ô này nhận: %(allowed)s.") % {
            "name": name,
            "reason": reason,
            "allowed": _accepted(accept),
        }
    return None


def scan_problem(name: str, data: bytes) -> str | None:
    """The virus-scan hook (settings.UPLOAD_SCANNER), shared by uploads and imported files."""
    threat = import_string(settings.UPLOAD_SCANNER)(data)
    if threat:
        return _("Tệp “%(name)s” bị phần mềm diệt virus chặn (%(threat)s).") % {"name": name, "threat": threat}
    return None


def _virus_problem(name, data, sniffed, accept) -> str | None:
    return scan_problem(name, data)


def _type_problem(name, data, sniffed, accept) -> str | None:
    if sniffed is not None and sniffed[0] in accept:
        return None
    if sniffed is not None and sniffed[0] == "macro" and "office" in accept:
        return _(
            "Tệp “%(name)s” là tệp Office có macro nên không được nhận; hãy lưu lại dạng không macro "
            "(.docx, .xlsx, .pptx) rồi tải lên."
        ) % {"name": name}
    return _(
        "Tệp “%(name)s” không đúng loại được nhận (%(allowed)s). Hệ thống kiểm tra nội dung tệp, "
        "không chỉ phần mở rộng."
    ) % {"name": name, "allowed": _accepted(accept)}


def _pdf_script_problem(name, data, sniffed, accept) -> str | None:
    if sniffed[0] == "pdf" and any(marker in data for marker in PDF_ACTIVE):
        return _(
            "Tệp PDF “%(name)s” chứa mã lệnh (JavaScript) hoặc tệp nhúng nên không được nhận. "
            "Hãy in lại ra PDF thường rồi tải lên."
        ) % {"name": name}
    return None


UPLOAD_CHECKS = (_container_problem, _virus_problem, _type_problem, _pdf_script_problem)


def check_upload(upload, accept: tuple[str, ...] = ("pdf", "image", "office")) -> tuple[str | None, Checked | None]:
    """The one place every uploaded file is checked before it is stored: presence, size, then UPLOAD_CHECKS.
    Every refusal that concerns the type names what this field (`accept`) takes."""
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
    sniffed = _sniff(data)
    for check in UPLOAD_CHECKS:
        problem = check(upload.name, data, sniffed, accept)
        if problem:
            return problem, None
    if sniffed[0] == "pdf":
        check_signatures(data)  # stored by content hash; pages show it beside the file (units.signatures)
    return None, Checked(content_type=sniffed[1], extension=sniffed[2], size=upload.size)
