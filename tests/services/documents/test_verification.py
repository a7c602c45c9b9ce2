"""What anyone holding a document can check: /v/<code> (the QR code) shows type, number, dates,
the holder's initials, status and SHA-256 and nothing more personal, in one query; an unknown
code is a 404 page; uploading the issued PDF verifies it, a copy with one byte changed fails, a
file that is not a PDF is told so next to the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.documents import issuing
from tests.services.documents.support import document_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(home_th):
    world = document_world(home_th)
    document = issuing.issue(world["case"], world["template"], world["officer_health"])
    with document.file.open("rb") as handle:
        world["pdf"] = handle.read()
    world["document"] = document
    return world


def test_the_short_qr_address_leads_to_the_readers_language(client, issued):
    code = issued["document"].code
    response = client.get(f"/v/{code}", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 302 and response["Location"] == f"/th/v/{code}"
    english = client.get(f"/en/v/{code}").content.decode()
    assert "Valid" in english


def test_the_status_page_shows_the_document_but_no_personal_data(client, issued, django_assert_max_num_queries):
    document, case = issued["document"], issued["case"]
    url = f"/th/v/{document.code}"
    client.get(url)  # warm the caches every page shares (menus, settings)
    with django_assert_max_num_queries(2):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "หนังสือรับรองการแจ้ง" in page and document.number_display in page
    assert document.sha256 in page and "ส. จ." in page  # ใจดี: a leading vowel is skipped
    assert str(document.year) in page  # Buddhist-Era dates in Thai
    assert "สมหญิง" not in page and "ใจดี" not in page and case.reference not in page
    assert "0812345678" not in page and "ไฟดับ" not in page
    assert response["X-Robots-Tag"] == "noindex"


def test_an_unknown_code_is_a_404_page(client, issued):
    for code in ("A" * 24, "short", issued["document"].code[:-1] + "?", "x" * 200):
        response = client.get(f"/th/v/{code}")
        assert response.status_code == 404
        assert "หนังสือรับรองการแจ้ง" not in response.content.decode()


def test_a_revoked_document_says_revoked_with_the_date(client, issued):
    assert "Valid" in client.get(f"/en/v/{issued['document'].code}").content.decode()  # seen before: no stale copy
    document = issuing.revoke(issued["document"], issued["officer_health"], "ร้านปิดกิจการ")
    page = client.get(f"/th/v/{document.code}").content.decode()
    assert "เพิกถอน" in page
    assert str(document.status_changed_at.year + 543) in page
    assert "ร้านปิดกิจการ" not in page and "สมหญิง" not in page
    english = client.get(f"/en/v/{document.code}").content.decode()
    assert "Revoked on" in english


def test_a_draft_is_shown_as_a_draft_not_valid(client, issued):
    draft = issuing.issue(issued["case"], issued["template"], issued["officer_health"], draft=True)
    english = client.get(f"/en/v/{draft.code}").content.decode()
    assert "Draft: not a valid document" in english


def upload(client, data, name="document.pdf", lang="en"):
    return client.post(f"/{lang}/v/", {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_the_issued_pdf_verifies(client, issued):
    response = upload(client, issued["pdf"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "exactly the document we issued" in page
    assert issued["document"].number_display in page and issued["document"].sha256 in page


def test_a_copy_with_one_byte_changed_fails(client, issued):
    changed = bytearray(issued["pdf"])
    changed[len(changed) // 2] ^= 0x01
    page = upload(client, bytes(changed)).content.decode()
    assert "Edited, or not issued by us" in page
    assert "exactly the document we issued" not in page


def test_a_pdf_signed_by_someone_else_or_unsigned_is_not_ours(client, issued):
    from pypdf import PdfWriter  # noqa: PLC0415 - only this test writes a PDF of its own

    out = __import__("io").BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    page = upload(client, out.getvalue()).content.decode()
    assert "Edited, or not issued by us" in page


def test_not_a_pdf_is_told_next_to_the_field_and_nothing_is_kept(client, issued, settings):
    before = sorted(p.name for p in (settings.PRIVATE_MEDIA_ROOT).rglob("*"))
    response = upload(client, b"GIF89a not a pdf", name="photo.pdf")
    assert response.status_code == 400
    assert "This is not a PDF file" in response.content.decode()
    thai = upload(client, b"hello", lang="th")
    assert thai.status_code == 400
    assert sorted(p.name for p in (settings.PRIVATE_MEDIA_ROOT).rglob("*")) == before


def test_a_file_over_10_mb_is_refused(client, issued):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 10))
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()


def test_verification_uploads_are_rate_limited(client, issued, settings):
    for _ in range(20):
        upload(client, b"hello")
    assert upload(client, b"hello").status_code == 429


def test_the_status_page_finds_the_code_by_its_index_in_one_query(client, issued):
    """/v/<code> must stay fast at a million documents (bench/documents.py): one query for the
    document, answered from the code's unique index, never a scan of the table."""
    url = f"/th/v/{issued['document'].code}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    lookups = [q["sql"] for q in captured.captured_queries if "documents_issueddocument" in q["sql"]]
    assert len(lookups) == 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: the plan an index gives
            cursor.execute("EXPLAIN " + lookups[0])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + lookups[0])
        plan = " ".join(" ".join(map(str, row)) for row in cursor.fetchall())
    assert "INDEX" in plan.upper() and "SCAN documents_issueddocument" not in plan, plan
