"""Notes with attachments and photos on any record.

Files are checked by their first bytes (not by the name or the browser's content type),
stored under the instance folder (never under static) with a random name, and served only as
downloads. Allowed: images (JPEG, PNG, WebP, GIF, HEIC), PDF, plain text and Office files
(docx, xlsx, pptx). HTML, SVG, scripts and double extensions such as report.pdf.html are
refused.
"""

from __future__ import annotations

import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crm.database import utcnow
from crm.extensions import db
from crm.models import Attachment, Note

MAX_FILES = 10
MAX_BODY = 5000
_NAME_LENGTH = 200

# extension -> content type; Office types are recognised as zip files with their folder.
TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "gif": "image/gif", "heic": "image/heic", "heif": "image/heif", "pdf": "application/pdf",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_DANGEROUS_PARTS = {"html", "htm", "xhtml", "svg", "svgz", "js", "mjs", "exe", "bat", "cmd",
                    "sh", "php", "jsp", "asp", "aspx", "hta", "xml", "shtml", "com", "scr"}
_UTF8_BOM = b"\xef\xbb\xbf"
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


class UploadRefused(ValueError):
    """A file was refused; `code` selects the message (too_large, type, empty, too_many)."""

    def __init__(self, code: str, filename: str = ""):
        super().__init__(code)
        self.code = code
        self.filename = filename


@dataclass
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def max_upload_bytes() -> int:
    return int(current_app.config["CRM"].get("MAX_UPLOAD_MB") or 16) * 1024 * 1024


def _extension(filename: str) -> tuple[str, list[str]]:
    parts = filename.lower().rsplit("/", 1)[-1].split(".")
    return (parts[-1] if len(parts) > 1 else ""), parts[1:-1]


def _magic_matches(ext: str, data: bytes) -> bool:
    head = data[:16]
    checks = {
        "jpg": head.startswith(b"\xff\xd8\xff"), "jpeg": head.startswith(b"\xff\xd8\xff"),
        "png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        "gif": head[:6] in (b"GIF87a", b"GIF89a"),
        "webp": head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        "heic": head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1",
                                                        b"heif", b"hevc"),
        "pdf": head.startswith(b"%PDF-"),
    }
    checks["heif"] = checks["heic"]
    if ext in checks:
        return checks[ext]
    if ext == "txt":
        return _is_plain_text(data)
    if ext in _OFFICE_FOLDERS:
        return _is_office(data, _OFFICE_FOLDERS[ext])
    return False


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _text_start(data).lower().startswith(_MARKUP_STARTS)


def _text_start(data: bytes) -> bytes:
    """The first bytes after any byte-order marks and white space: a browser reads
    "\ufeff<html>" as HTML, so markup behind a BOM is markup."""
    head = data[:4096]
    while True:
        stripped = head.lstrip().removeprefix(_UTF8_BOM)
        if stripped == head:
            return head[:20]
        head = stripped


def _is_office(data: bytes, folder: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


# Characters a file name never keeps: control characters (NUL, newlines: PostgreSQL refuses
# NUL, and a download header cannot carry them), lone surrogates and the bidirectional
# overrides that make "gpj.exe" read as "exe.jpg".
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_filename(raw: str | None) -> str:
    """The name a file is stored and downloaded under: no folders, no control or direction
    characters, at most 200 characters, never empty."""
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs")
                   and ch not in _BIDI_CONTROLS).strip()
    return name[-_NAME_LENGTH:].strip() or "file"


def check_file(upload: FileStorage) -> CheckedFile:
    """Read and check one uploaded file, or raise UploadRefused."""
    filename = clean_filename(upload.filename)
    data = upload.stream.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise UploadRefused("too_large", filename)
    if not data:
        raise UploadRefused("empty", filename)
    ext, inner = _extension(filename)
    if ext not in TYPES or _DANGEROUS_PARTS.intersection(inner) \
            or not _magic_matches(ext, data):
        raise UploadRefused("type", filename)
    return CheckedFile(filename, TYPES[ext], data)


def check_files(uploads: list[FileStorage]) -> list[CheckedFile]:
    uploads = [u for u in uploads if u and u.filename]
    if len(uploads) > MAX_FILES:
        raise UploadRefused("too_many")
    return [check_file(u) for u in uploads]


def upload_dir() -> str:
    return os.path.join(current_app.instance_path, "uploads")


def storage_path(storage_key: str) -> str:
    return os.path.join(upload_dir(), *storage_key.split("/"))


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "xb") as fh:
        fh.write(data)


def already_saved(subject, client_key: str | None) -> bool:
    """Whether a note sent with this key was saved on this record already (a retry)."""
    if not client_key:
        return False
    return db.session.scalar(select(Note.id).where(
        Note.client_key == client_key, Note.record_id == subject.record_id)) is not None


def key_used_elsewhere(subject, client_key: str | None) -> bool:
    """Whether a note on another record holds this key (keys are unique across records)."""
    if not client_key:
        return False
    return db.session.scalar(select(Note.id).where(
        Note.client_key == client_key, Note.record_id != subject.record_id)) is not None


def add_note(subject, body: str, files: list[CheckedFile], *, user,
             client_key: str | None = None, follow_up: dict | None = None,
             ) -> tuple[Note, list[str]]:
    """Add a note (and its files) to a record; returns the note and the stored file paths,
    which the caller deletes if the commit fails. `client_key` (from the browser) is
    unique: a second note with the same key fails at commit with an IntegrityError.
    `follow_up` (method, outcome, happened_at, next_contact_at; for a visit check-in also
    check_in, latitude, longitude, location_accuracy) makes it a follow-up: the
    record's last contact moves to when it happened and the next contact is a reminder.

    The rows are flushed before any file is written, and a failed write removes what it
    wrote, so a note that fails here leaves nothing on disk."""
    from crm.records.service import touch
    from crm.services import follow_ups

    follow_up = follow_up or {}
    note = Note(body=body.strip()[:MAX_BODY], created_by=user.id, client_key=client_key or None,
                record_id=subject.record_id, method=follow_up.get("method") or None,
                outcome=follow_up.get("outcome") or None,
                happened_at=follow_up.get("happened_at"),
                next_contact_at=follow_up.get("next_contact_at"),
                check_in=follow_up.get("check_in"), latitude=follow_up.get("latitude"),
                longitude=follow_up.get("longitude"),
                location_accuracy=follow_up.get("location_accuracy"))
    keys = [f"{utcnow():%Y/%m}/{secrets.token_hex(16)}" for _file in files]
    for checked, key in zip(files, keys, strict=True):
        note.attachments.append(Attachment(
            filename=checked.filename, content_type=checked.content_type,
            size=len(checked.data), storage_key=key))
    db.session.add(note)
    touch(subject, note.happened_at)
    db.session.flush()
    follow_ups.schedule_next_contact(note, user)
    db.session.flush()
    stored: list[str] = []
    try:
        for checked, key in zip(files, keys, strict=True):
            stored.append(storage_path(key))
            _write(stored[-1], checked.data)
    except BaseException:
        discard_files(stored)
        raise
    return note, stored


def discard_files(paths: list[str]) -> None:
    """Remove files written for a note whose transaction did not commit."""
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        except OSError:
            current_app.logger.warning("could not remove orphan upload %s", path)
