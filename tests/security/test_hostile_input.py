"""Hostile input, end to end: what a resident types goes through the real wizard and the real
intake into a case, and comes out escaped in the officer's case page and the resident's tracking
page; SQL-like strings, path-traversal file names, null bytes, mixed scripts and emoji are stored
as typed or refused with a message; huge and broken request bodies get a 400; a replayed final
step does not file twice. Never a 500 (the test client re-raises server errors, so any would fail
the test)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forms_builder.models import Submission, SubmissionFile
from services.cases import workflow
from services.cases.models import Case
from tests.forms_builder.helpers import jpeg_bytes
from tests.forms_builder.test_forms_wizard import complaint_steps, start
from tests.services.cases.support import open_link

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE services_case; -- ' OR '1'='1"
MIXED = "สมศรี ใจดี مرحبا Ĳ 😀👍🏽 \u202egnp.exe"  # Thai, Arabic, ligature, emoji, right-to-left override
PAYLOADS = (SCRIPT, ATTRIBUTE, SQL, MIXED)


@pytest.fixture
def intake(settings):
    settings.FORMS_BUILDER_INTAKE = "services.cases.intake.open_case"  # the real case queue, not the e-forms stub


@pytest.fixture
def admin_client(client, django_user_model):
    from django.test import Client

    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    return staff


def file_complaint(client, page, details, name, place, photo_name="hole.jpg"):
    f = start(client, page)
    what, where, who = complaint_steps(f)
    files = {"photos": SimpleUploadedFile(photo_name, jpeg_bytes(), "image/jpeg")}
    f.post(what, {"category": "road", "details": details}, files=files)
    f.post(where, {"location__text": place})
    f.post(who, {"full_name": name, "phone": "0812345678", "consent": "on"})
    response = f.post("check")
    return f, response


def assert_escaped(html, payload):
    """The payload is on the page only in escaped form: no tag or attribute it could open."""
    assert (
        SCRIPT not in html
        and "<img src=x" not in html
        and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    )
    if payload in (SCRIPT, ATTRIBUTE):
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        assert escaped in html or escaped.replace("&quot;", "&#x27;") in html or escaped.replace("&quot;", '"') in html


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "attribute", "sql", "mixed"])
def test_payloads_are_stored_as_typed_and_shown_escaped(client, admin_client, make_form, intake, payload):
    page = make_form("complaint-form")
    f, response = file_complaint(client, page, details=f"ถนนพัง {payload}", name=f"ผู้แจ้ง {payload}"[:100], place=payload)
    assert response.status_code == 302, response.content.decode()[:500]
    submission = Submission.objects.get()
    assert submission.answers["details"] == f"ถนนพัง {payload}"  # stored exactly, not "sanitised"
    case = Case.objects.get(submission=submission)
    # The officer's page and a reply with the same payload.
    html = admin_client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert_escaped(html, payload)
    assert "ถนนพัง" in html
    workflow.reply(case, f"ตอบกลับ {payload}")
    # The resident's tracking page, verified, with their own reply and rating comment.
    open_link(client, case)
    client.post(f"/t/{case.reference}/reply", {"message": f"ข้อความ {payload}"})
    tracking = client.get(f"/t/{case.reference}").content.decode()
    assert_escaped(tracking, payload)
    assert "ตอบกลับ" in tracking
    assert_escaped(admin_client.get(f"/admin/cases/{case.pk}/").content.decode(), payload)
    # The queue and its search with the payload, and the tables are all still there.
    assert_escaped(admin_client.get("/admin/cases/", {"q": payload}).content.decode(), payload)
    assert Case.objects.count() == 1


def test_sql_like_and_null_byte_lookups_get_the_neutral_answer(client, admin_client, home_th):
    for ref in (SQL, "BSR-69-%00", "../../etc/passwd", "A" * 5000, MIXED):
        response = client.get("/th/track/", {"ref": ref})
        assert response.status_code in (200, 400)
    assert client.get("/t/BSR%00-69").status_code in (200, 400, 403, 404)
    assert admin_client.get("/admin/cases/", {"q": "x\x00y"}).status_code in (200, 400)
    assert admin_client.get("/admin/cases/", {"q": SQL, "status": "'; --", "department": "1 OR 1=1"}).status_code in (
        200,
        400,
    )


def test_null_bytes_in_form_fields_are_refused_with_a_message(client, make_form, intake):
    page = make_form("complaint-form")
    f = start(client, page)
    what, _where, _who = complaint_steps(f)
    response = f.post(what, {"category": "road", "details": "ถนน\x00พัง"})
    assert response.status_code in (200, 302, 400)
    assert f.current() == what  # not accepted
    assert not Submission.objects.exists()


def test_path_traversal_file_names_are_cut_to_a_plain_name(client, make_form, intake, settings):
    page = make_form("complaint-form")
    f, response = file_complaint(client, page, "ถนนพัง", "สมศรี", "หน้าวัด", photo_name="../../../../etc/cron.d/x.jpg")
    assert response.status_code == 302
    upload = SubmissionFile.objects.get()
    assert "/" not in upload.original_name and ".." not in upload.original_name
    assert upload.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert re.fullmatch(
        r"(submissions|pending)/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", upload.file.name
    )  # our name, not theirs


def test_a_replayed_final_step_does_not_file_twice(client, make_form, intake):
    page = make_form("complaint-form")
    f, first = file_complaint(client, page, "ถนนพัง", "สมศรี", "หน้าวัด")
    token = f._token
    again = f.post("check", token=token)
    assert again.status_code in (200, 302, 400)
    assert Submission.objects.count() == 1 and Case.objects.count() == 1


def test_huge_bodies_are_refused(client, make_form, settings):
    page = make_form("complaint-form")
    start(client, page)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    big = client.post(page.post_url, {"x": "ก" * 200_000})
    assert big.status_code == 400
    many = client.post(page.post_url, {f"f{n}": "1" for n in range(1200)})
    assert many.status_code == 400
    # The tracking form is a GET form: a huge POST body is never parsed, never a 500.
    assert client.post("/th/track/", {"ref": "ก" * 200_000}).status_code in (200, 400, 405)


def test_broken_multipart_is_a_400(client, make_form):
    page = make_form("complaint-form")
    start(client, page)
    for body, content_type in (
        (b'--nope\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', "multipart/form-data; boundary=other"),
        (b"garbage", "multipart/form-data"),
        (b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.jpg"\r\n', "multipart/form-data; boundary=b"),
    ):
        response = client.generic("POST", page.post_url, body, content_type=content_type)
        assert response.status_code in (400, 403), response.status_code
