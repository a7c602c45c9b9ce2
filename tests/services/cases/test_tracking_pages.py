"""The resident's tracking page: what anyone with the reference sees, what needs the second
factor, rate limiting and the neutral answer for unknown references."""

import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.utils.html import escape

from forms_builder.models import SubmissionFile
from services.cases import workflow
from services.cases.models import CaseStatus
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def test_public_page_shows_status_timeline_and_no_personal_data(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    workflow.add_note(case, "บ้านนี้ร้องเรียนบ่อย", world["officer_works"])
    workflow.reply(case, "ทีมช่างจะเข้าไปตรวจสอบพรุ่งนี้", world["officer_works"], public=True)
    workflow.reply(case, "คุณสมหญิงช่วยส่งรูปเสาไฟเพิ่ม", world["officer_works"])  # not ticked public
    response = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th")
    html = response.content.decode()
    assert response.status_code == 200
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in html
    assert "เจ้าหน้าที่รับเรื่องของคุณแล้ว" in html  # resident-facing label of "accepted"
    assert "ทีมช่างจะเข้าไปตรวจสอบพรุ่งนี้" in html
    assert "2569" in html  # Buddhist-Era dates
    for private in (
        "บ้านนี้ร้องเรียนบ่อย",
        "สมหญิง",
        "0812345678",
        "ซอย 3 หมู่ 2",
        "ไฟดับหน้าบ้านเลขที่ 12",
        "ช่วยส่งรูปเสาไฟเพิ่ม",
    ):
        assert private not in html


def test_tracking_page_is_a_few_indexed_queries(client, world, django_assert_max_num_queries):
    """One lookup by reference (which also says whether there is any invoice) and one for the
    public timeline: the office of the host is kept across requests like a page's (portal.
    pagecache), no query per event, none for invoices when the case has none."""
    case, _ = submit(world["form"])
    for index in range(5):
        workflow.reply(case, f"ข้อความ {index}", world["officer_works"], public=True)
    client.get(f"/t/{case.reference}")  # warm the caches every page shares (menus, settings)
    with django_assert_max_num_queries(2) as captured:
        response = client.get(f"/t/{case.reference}")
    assert response.status_code == 200
    assert "ข้อความ 4" in response.content.decode()
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum('FROM "services_case"' in q for q in sql) == 1
    assert sum('FROM "services_caseevent"' in q for q in sql) == 1
    assert not any('FROM "wagtailcore_site"' in q for q in sql)
    assert not any('FROM "services_invoice"' in q.split("EXISTS")[0] for q in sql)


def test_english_labels(client, world):
    case, _ = submit(world["form"])
    response = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="en")
    assert "We have your request" in response.content.decode()


def test_unknown_and_malformed_references_get_the_same_neutral_page(client, world):
    case, _ = submit(world["form"])
    from services.cases import references

    unknown = references.generate("BSR", 2026)
    mistyped = case.reference[:-1] + ("A" if case.reference[-1] != "A" else "B")
    pages = [client.get(f"/t/{ref}", HTTP_ACCEPT_LANGUAGE="th") for ref in (unknown, mistyped, "nonsense", "<b>x")]
    assert {p.status_code for p in pages} == {200}
    typed = (unknown, mistyped, "nonsense", "<b>x")
    # The language switch's CSRF token is masked afresh on every response, known case or not.
    bodies = {
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", p.content.decode())
        .replace(quote(ref), "")
        .replace(escape(ref), "")
        .replace(ref, "")
        for p, ref in zip(pages, typed, strict=True)
    }
    assert len(bodies) == 1
    assert "ไม่พบคำร้อง" in bodies.pop()


def test_track_form_redirects_to_the_tracking_page(client, world):
    case, _ = submit(world["form"])
    response = client.get("/th/track/", {"ref": case.reference.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response["Location"] == f"/t/{case.reference}"
    assert client.get("/th/track/").status_code == 200
    mistyped = case.reference[:-1] + ("A" if case.reference[-1] != "A" else "B")
    assert "ไม่พบคำร้อง" in client.get("/th/track/", {"ref": mistyped}).content.decode()


def test_lookups_are_rate_limited_per_ip(client, world, settings):
    case, _ = submit(world["form"])
    from services.cases import views as views_tracking

    settings.CASE_TRACK_RATE = (5, 600)
    original = views_tracking.LOOKUP_LIMIT
    views_tracking.LOOKUP_LIMIT = (5, 600)
    try:
        codes = [client.get(f"/t/{case.reference}").status_code for _ in range(7)]
        other_ip = client.get(f"/t/{case.reference}", REMOTE_ADDR="10.0.0.9").status_code
    finally:
        views_tracking.LOOKUP_LIMIT = original
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429, 429]
    assert other_ip == 200


def test_verified_resident_sees_answers_files_and_can_reply_rate_and_reopen(client, world):
    case, _ = submit(world["form"], email="somying@example.com")
    stored = SubmissionFile(
        submission=case.submission, field_key="photo", original_name="lamp.jpg", content_type="image/jpeg", size=4
    )
    stored.file.save("lamp.jpg", ContentFile(b"JPEG"), save=True)
    url = f"/t/{case.reference}"
    # A guessed code: refused, no answers shown.
    response = client.post(url, {"code": "999999"})
    assert response.status_code == 400
    assert "ไฟดับหน้าบ้านเลขที่ 12" not in response.content.decode()
    assert client.get(f"{url}/files/{stored.pk}").status_code == 403
    # The tracking link from the receipt.
    response = client.get(open_link(client, case)["Location"])
    html = response.content.decode()
    assert "ไฟดับหน้าบ้านเลขที่ 12" in html
    assert "lamp.jpg" in html
    download = client.get(f"{url}/files/{stored.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"JPEG"
    # Reply while the office waits for the resident: the case moves on.
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.change_status(case, CaseStatus.WAITING, message="ขอรูปเพิ่ม")
    client.post(f"{url}/reply", {"message": "ส่งรูปทางไลน์แล้ว"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    # The satisfaction questionnaire (services/feedback) is offered once resolved, answered once;
    # its "overall" is the case's rating.
    workflow.change_status(case, CaseStatus.RESOLVED, message="ซ่อมแล้ว")
    questionnaire = f"/th/feedback/case/{case.reference}/"
    answers = {"ease": "5", "speed": "4", "staff": "5", "overall": "5"}
    assert client.post(questionnaire, {**answers, "overall": "9"}).status_code == 400
    assert client.post(questionnaire, {**answers, "comment": "เร็วมาก"}).status_code == 200
    again = client.post(questionnaire, {**answers, "overall": "1"}).content.decode()
    assert "<h1>ตอบแล้ว</h1>" in again  # the "already answered" page; nothing written
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (5, "เร็วมาก")
    # Reopen with a reason.
    assert client.post(f"{url}/reopen", {"reason": ""}).status_code == 400
    client.post(f"{url}/reopen", {"reason": "ไฟดับอีก"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_last_four_digits_or_the_email_alone_open_nothing_any_more(client, world):
    """Issue 16: REF + the phone's last four digits (or the e-mail) used to open the details."""
    case, _ = submit(world["form"], email="somying@example.com")
    for secret in ("5678", "somying@example.com"):
        response = client.post(f"/t/{case.reference}", {"secret": secret, "code": secret}, follow=True)
        assert "ไฟดับหน้าบ้านเลขที่ 12" not in response.content.decode()


def test_actions_need_verification(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.change_status(case, CaseStatus.RESOLVED)
    answers = {"ease": "5", "speed": "4", "staff": "5", "overall": "5"}
    # The questionnaire sends whoever has not opened the private part to the tracking page first.
    response = client.post(f"/th/feedback/case/{case.reference}/", answers)
    assert response.status_code == 302 and response["Location"].startswith(f"/t/{case.reference}")
    case.refresh_from_db()
    assert case.rating is None


def test_home_page_track_box_appears(client, world):
    response = client.get("/th/")
    assert 'action="/th/track/"' in response.content.decode()
