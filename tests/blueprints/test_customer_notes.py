"""Notes with attachments on the timeline; upload checks; downloads; saved views."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest

from crm.extensions import db
from crm.models import Attachment, Company, Note, SavedView
from tests.blueprints.customer_helpers import count, fetch, make_company, make_contact

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post_note(client, url, body="Visited today", files=(), data_key=None, **kw):
    data = {"body": body, "files": [(io.BytesIO(content), name) for name, content in files]}
    if data_key is not None:
        data["client_key"] = data_key
    return client.post(url, data=data, content_type="multipart/form-data", **kw)


def test_note_with_photo_on_the_timeline(app, hx, client, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    response = _post_note(hx, f"/companies/{company}/notes", files=[("shop.png", PNG),
                                                                    ("offer.docx", _docx())])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="timeline"' in body and "Visited today" in body and "shop.png" in body
    assert "<html" not in body and "toast" in response.headers["HX-Trigger"]
    assert fetch(app, Company, company).last_contact_at is not None
    with app.app_context():
        attachment = db.session.scalar(db.select(Attachment).where(
            Attachment.filename == "shop.png"))
        stored = os.path.join(app.instance_path, "uploads", *attachment.storage_key.split("/"))
        assert os.path.exists(stored) and "static" not in stored
        attachment_id = attachment.id
    download = client.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(f"/companies/{company}")
    assert "shop.png" in page.get_data(as_text=True)


def test_full_page_note_redirects(app, client, login_as):
    rep = login_as("rep")
    person = make_contact(app, rep, "张伟")
    response = _post_note(client, f"/contacts/{person}/notes", files=[("a.pdf", PDF)])
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/contacts/{person}")
    assert count(app, Note) == 1


def _stored_files(app) -> int:
    return sum(len(files) for _d, _s, files in os.walk(os.path.join(app.instance_path,
                                                                    "uploads")))


@pytest.mark.parametrize("name, content", [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("report.pdf.html", PDF),
    ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    ("fake.png", b"<html>not a png</html>"),
    ("notes.txt", b"<!DOCTYPE html><html></html>"),
    ("bom.txt", b"\xef\xbb\xbf<html><script>alert(1)</script></html>"),
    ("bom-space.txt", b"\xef\xbb\xbf \n\xef\xbb\xbf<svg onload=alert(1)>"),
    ("bom-xml.txt", b"\xef\xbb\xbf<?xml version='1.0'?><svg/>"),
    ("x.exe.png", PNG),
    ("empty.pdf", b""),
    ("macro.docm", _docx()),
])
def test_refused_files_save_nothing(app, hx, login_as, name, content):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    before = _stored_files(app)
    response = _post_note(hx, f"/companies/{company}/notes", files=[(name, content)])
    assert response.status_code == 422
    assert 'id="err-files"' in response.get_data(as_text=True)
    assert count(app, Note) == 0 and count(app, Attachment) == 0
    assert _stored_files(app) == before


def test_plain_text_with_a_byte_order_mark_is_accepted(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    response = _post_note(hx, f"/companies/{company}/notes",
                          files=[("notes.txt", "\ufeff拜访记录 <b>".encode())])
    assert response.status_code == 200 and count(app, Attachment) == 1


def test_too_large_file_is_refused(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    app.config["CRM"]["MAX_UPLOAD_MB"], limit = 1, app.config["CRM"]["MAX_UPLOAD_MB"]
    try:
        big = PDF + b"0" * (1024 * 1024)
        response = _post_note(hx, f"/companies/{company}/notes", files=[("big.pdf", big)])
    finally:
        app.config["CRM"]["MAX_UPLOAD_MB"] = limit
    assert response.status_code == 422 and "larger than 1 MB" in response.get_data(as_text=True)


def test_empty_note_is_refused(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    response = _post_note(hx, f"/companies/{company}/notes", body="  ")
    assert response.status_code == 422 and "Write a note" in response.get_data(as_text=True)


def test_note_markup_is_escaped(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    response = _post_note(hx, f"/companies/{company}/notes", body="<img src=x onerror=alert(1)>")
    assert "<img src=x" not in response.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.get_data(as_text=True)


def test_attachment_of_another_reps_customer_is_404(app, client, hx, login_as, make_user):
    owner = login_as("rep")
    company = make_company(app, owner, "Acme")
    _post_note(hx, f"/companies/{company}/notes", files=[("a.png", PNG)])
    with app.app_context():
        attachment_id = db.session.scalar(db.select(Attachment.id))
    login_as("rep")
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.get("/attachments/99999").status_code == 404


def test_saved_views_save_list_and_delete(app, client, login_as, make_user):
    login_as("rep")
    response = client.post("/companies/views", data={"name": "VIP 广东",
                                                     "query": "tier=high&province=广东&after=9"})
    assert response.status_code == 302 and "after" not in response.headers["Location"]
    page = client.get("/companies?tier=high").get_data(as_text=True)
    assert "VIP 广东" in page
    with app.app_context():
        view = db.session.scalar(db.select(SavedView))
        assert view.area == "company" and "after" not in view.query
        view_id = view.id
    login_as("rep")
    assert client.post(f"/companies/views/{view_id}/delete").status_code == 404
    assert count(app, SavedView) == 1


def _notes_of(app, company_id: int) -> list[str]:
    with app.app_context():
        bodies = list(db.session.scalars(db.select(Note.body).where(
            Note.record_id == db.select(Company.record_id).where(
                Company.id == company_id).scalar_subquery())))
        db.session.remove()
    return bodies


def test_a_note_sent_again_with_its_key_is_saved_once(app, hx, login_as):
    """A note written offline is resent when back online; if the first send reached the
    server but its answer was lost, the retry with the same client_key must not duplicate."""
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    page = hx.get(f"/companies/{company}").get_data(as_text=True)
    assert 'name="client_key"' in page
    key = "0b7c4a52-8d1e-4f3a-9c2b-5e6f7a8b9c0d"
    url = f"/companies/{company}/notes"
    first = hx.post(url, data={"body": "写于地铁上", "client_key": key})
    again = hx.post(url, data={"body": "写于地铁上", "client_key": key})
    assert first.status_code == 200 and again.status_code == 200
    assert _notes_of(app, company) == ["写于地铁上"]
    # the answer carries a fresh key for the next note
    assert key not in again.get_data(as_text=True)
    other = hx.post(url, data={"body": "second", "client_key": key.replace("0b7c", "1b7c")})
    assert other.status_code == 200 and sorted(_notes_of(app, company)) == ["second", "写于地铁上"]


def test_a_damaged_client_key_is_refused_with_a_message(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    response = hx.post(f"/companies/{company}/notes",
                       data={"body": "hello", "client_key": "<script>"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Send the note again" in body and "&lt;script&gt;" not in body and "<script>" not in body
    assert _notes_of(app, company) == []
    fresh = re.search(r'name="client_key"[^>]*value="([0-9a-f-]{36})"', body)
    assert fresh, "the form comes back with a new, valid key"
    again = hx.post(f"/companies/{company}/notes",
                    data={"body": "hello", "client_key": fresh.group(1)})
    assert again.status_code == 200 and _notes_of(app, company) == ["hello"]


@pytest.mark.parametrize("sent, kept", [
    ("re\x00port.pdf", "report.pdf"),
    ("tab\tesc\x1b.pdf", "tabesc.pdf"),
    ("\u202egpj.pdf", "gpj.pdf"),
    ("\x7fnotes\x85.pdf", "notes.pdf"),
])
def test_control_characters_leave_the_file_name(app, client, hx, login_as, sent, kept):
    """A name with NUL or other control characters is cleaned on upload (PostgreSQL refused
    the NUL with a 500 and the file stayed on disk) and downloads under the clean name."""
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    before = _stored_files(app)
    response = _post_note(hx, f"/companies/{company}/notes", files=[(sent, PDF)])
    assert response.status_code == 200
    with app.app_context():
        attachment = db.session.scalar(db.select(Attachment))
        assert attachment.filename == kept
        attachment_id = attachment.id
        db.session.remove()
    download = client.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert kept in download.headers["Content-Disposition"]
    assert _stored_files(app) == before + 1


def test_a_stored_name_with_control_characters_still_downloads(app, client, hx, login_as):
    """Files saved before names were cleaned download under the clean name."""
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    _post_note(hx, f"/companies/{company}/notes", files=[("offer.pdf", PDF)])
    with app.app_context():
        attachment = db.session.scalar(db.select(Attachment))
        attachment.filename = "off\ner\x07.pdf"
        db.session.commit()
        attachment_id = attachment.id
        db.session.remove()
    download = client.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and "offer.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("failing", ["flush", "commit"])
def test_a_note_that_fails_leaves_no_file_behind(app, hx, login_as, failing):
    """The database refusing the note (at its flush or its commit) leaves the upload folder
    as it was: the files are written only after the rows flush, and removed on failure."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    before = _stored_files(app)

    def refuse(*_args):
        raise RuntimeError("the database refused the note")

    target, name = (Attachment, "before_insert") if failing == "flush" \
        else (Session, "before_commit")
    event.listen(target, name, refuse)
    try:
        with pytest.raises(RuntimeError):
            _post_note(hx, f"/companies/{company}/notes",
                       files=[("a.pdf", PDF), ("b.png", PNG)])
    finally:
        event.remove(target, name, refuse)
    assert _stored_files(app) == before
    assert count(app, Note) == 0 and count(app, Attachment) == 0


def test_a_key_used_on_another_customer_is_refused_with_a_message(app, hx, login_as):
    """Keys are unique across records: reusing one on another customer (a damaged offline
    queue) answers 422 with the note kept in the form and a fresh key, never a 500."""
    rep = login_as("rep")
    first, second = make_company(app, rep, "Acme"), make_company(app, rep, "Beta")
    key = "0b7c4a52-8d1e-4f3a-9c2b-5e6f7a8b9c0d"
    assert hx.post(f"/companies/{first}/notes",
                   data={"body": "first", "client_key": key}).status_code == 200
    before = _stored_files(app)
    response = _post_note(hx, f"/companies/{second}/notes", body="拜访了仓库",
                          files=[("a.pdf", PDF)], data_key=key)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "already sent for another customer" in body and "拜访了仓库" in body
    assert key not in body
    assert _notes_of(app, second) == [] and _notes_of(app, first) == ["first"]
    assert _stored_files(app) == before and count(app, Attachment) == 0
    fresh = re.search(r'name="client_key"[^>]*value="([0-9a-f-]{36})"', body).group(1)
    again = hx.post(f"/companies/{second}/notes", data={"body": "拜访了仓库", "client_key": fresh})
    assert again.status_code == 200 and _notes_of(app, second) == ["拜访了仓库"]


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_key_is_refused_with_a_message(app, hx, login_as, blank):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    for _attempt in range(2):
        response = hx.post(f"/companies/{company}/notes",
                           data={"body": "hello", "client_key": blank})
        assert response.status_code == 422
        assert "Send the note again" in response.get_data(as_text=True)
    assert _notes_of(app, company) == []
