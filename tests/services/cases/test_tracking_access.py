"""Issue 16, section 1: the resident's details behind /t/<REFERENCE> open with the tracking link
or a one-time code, never with four guessable digits, and guesses are limited per case however
many addresses they come from."""

import re

import pytest
from django.core.files.base import ContentFile

from forms_builder.models import Submission, SubmissionFile
from services.cases import access, workflow
from services.cases.models import CaseAccess, CaseEvent, CaseStatus
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db

DETAILS = "ไฟดับหน้าบ้านเลขที่ 12"  # the resident's own answer, in the factory's submission


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def shows_details(client, case):
    return DETAILS in client.get(f"/t/{case.reference}").content.decode()


def test_guessing_the_last_four_digits_from_many_addresses_never_reveals_details(client, world):
    """The hostile test found the right four digits after 534 guesses from 56 addresses."""
    case, _ = submit(world["form"], email="somying@example.com")
    guesses = ["5678", "1234", "0812345678", "somying@example.com", "๕๖๗๘"]
    for number, guess in enumerate(guesses * 12):
        response = client.post(
            f"/t/{case.reference}", {"secret": guess, "code": guess}, REMOTE_ADDR=f"10.1.{number // 250}.{number % 250}"
        )
        assert response.status_code in (400, 429)
        assert DETAILS not in response.content.decode()
    assert not shows_details(client, case)


def test_the_receipts_link_opens_the_details_and_then_leaves_the_address_bar(client, world):
    case, receipt = submit(world["form"])
    assert re.fullmatch(rf"/t/{case.reference}/[A-Za-z0-9_-]{{22}}", receipt.private_tracking_url)
    assert not shows_details(client, case)

    response = client.get(receipt.private_tracking_url)

    assert response.status_code == 302
    assert response["Location"] == f"/t/{case.reference}#your-request"  # the secret leaves the address bar
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    page = client.get(f"/t/{case.reference}")
    assert DETAILS in page.content.decode()
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_the_link_is_stored_only_as_a_hash(world):
    case, receipt = submit(world["form"])
    secret = receipt.private_tracking_url.rsplit("/", 1)[1]
    stored = CaseAccess.objects.get(case=case)
    assert stored.link_hash and secret not in stored.link_hash
    assert stored.link_hash == access.link_digest(secret)
    submission = Submission.objects.get(pk=case.submission_id)
    assert secret not in submission.tracking_url  # the form engine's stored copy is the plain page


def test_a_wrong_link_is_refused_with_a_clear_word_and_opens_nothing(client, world):
    case, _ = submit(world["form"])
    response = client.get(f"/t/{case.reference}/{'A' * 22}", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert DETAILS not in html
    assert "ลิงก์นี้ใช้เปิดคำร้องนี้ไม่ได้แล้ว" in html


def test_staff_reissue_a_link_the_old_one_dies_and_the_timeline_says_so(client, world):
    case, receipt = submit(world["form"])
    client.force_login(world["officer_works"])
    response = client.post(f"/admin/cases/{case.pk}/", {"action": "link"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_link = re.search(rf"http://testserver(/t/{case.reference}/[A-Za-z0-9_-]{{22}})", html).group(1)
    assert "<svg" in html  # a QR code to print for the resident
    event = case.events.get(kind=CaseEvent.Kind.LINK_REISSUED)
    assert event.actor == world["officer_works"] and not event.public
    assert "ออกลิงก์ติดตามใหม่" in client.get(f"/admin/cases/{case.pk}/").content.decode()
    client.logout()

    old = client.get(receipt.private_tracking_url)
    assert old["Location"].startswith(f"/t/{case.reference}?link=old")
    assert not shows_details(client, case)
    client.get(new_link)
    assert shows_details(client, case)


def test_ten_wrong_codes_from_ten_addresses_pause_the_case_and_the_timeline_records_it(client, world):
    case, receipt = submit(world["form"])
    statuses = [
        client.post(f"/t/{case.reference}", {"code": f"{n:06d}"}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code
        for n in range(access.CASE_FAILURES)
    ]
    assert statuses == [400] * (access.CASE_FAILURES - 1) + [429]
    [paused] = case.events.filter(kind=CaseEvent.Kind.VERIFY_PAUSED)
    assert not paused.public and "10" in paused.message
    # The resident meets a clear message, not an error page; a new address changes nothing.
    page = client.post(f"/t/{case.reference}", {"code": "123456"}, REMOTE_ADDR="198.51.100.7")
    assert page.status_code == 429
    assert "ระงับ" in page.content.decode() or "ไม่รับรหัส" in page.content.decode()
    assert client.post(f"/t/{case.reference}/code", {"via": "phone"}, REMOTE_ADDR="198.51.100.8").status_code == 429
    # Staff see it on the case's timeline.
    client.force_login(world["officer_works"])
    assert "ระงับการยืนยันตัวตน" in client.get(f"/admin/cases/{case.pk}/").content.decode()
    client.logout()
    # The receipt's link still opens the request: the pause is about guessing, not the owner.
    client.get(receipt.private_tracking_url)
    assert shows_details(client, case)


def test_thai_and_full_width_digits_in_the_code_field_give_a_message_not_a_500(client, world):
    case, _ = submit(world["form"])
    for typed in ("๑๒๓๔๕๖", "１２３４５６", "๑๒๓", "12a456", "\u200b"):
        response = client.post(f"/t/{case.reference}", {"code": typed})
        assert response.status_code == 400, typed
        assert 'class="error-message"' in response.content.decode()


def test_verified_pages_and_downloads_are_never_cached(client, world):
    case, _ = submit(world["form"])
    stored = SubmissionFile(
        submission=case.submission, field_key="photo", original_name="lamp.pdf", content_type="application/pdf", size=4
    )
    stored.file.save("lamp.pdf", ContentFile(b"%PDF"), save=True)
    open_link(client, case)
    for url in (f"/t/{case.reference}", f"/t/{case.reference}/files/{stored.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    error = client.post(f"/t/{case.reference}/reply", {"message": "\u200b\u200b"})
    assert error.status_code == 400 and "no-store" in error["Cache-Control"]


def test_replies_are_the_residents_unless_the_officer_ticks_public(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.reply(case, "ขอเลขที่บ้านของคุณสมหญิงเพิ่มเติม", world["officer_works"])
    workflow.reply(case, "ทีมช่างจะออกตรวจพื้นที่ทั้งหมู่บ้านพรุ่งนี้", world["officer_works"], public=True)
    workflow.resident_reply(case, "บ้านเลขที่ 12/3 ค่ะ")
    public = client.get(f"/t/{case.reference}").content.decode()
    assert "ทีมช่างจะออกตรวจพื้นที่ทั้งหมู่บ้านพรุ่งนี้" in public
    assert "ขอเลขที่บ้านของคุณสมหญิงเพิ่มเติม" not in public and "12/3" not in public
    open_link(client, case)
    verified = client.get(f"/t/{case.reference}").content.decode()
    for text in ("ขอเลขที่บ้านของคุณสมหญิงเพิ่มเติม", "ทีมช่างจะออกตรวจพื้นที่ทั้งหมู่บ้านพรุ่งนี้", "12/3"):
        assert text in verified


def test_residents_text_fields_refuse_invisible_only_and_control_characters(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    open_link(client, case)
    blank = client.post(f"/t/{case.reference}/reply", {"message": "\u200b\ufeff "})
    assert blank.status_code == 400 and "พิมพ์ข้อความ" in blank.content.decode()
    workflow.change_status(case, CaseStatus.RESOLVED, message="ซ่อมแล้ว")
    control = client.post(
        f"/th/feedback/case/{case.reference}/",
        {"ease": "5", "speed": "4", "staff": "5", "overall": "5", "comment": "ดีมาก\x1b[31m"},
    )
    assert control.status_code == 400
    case.refresh_from_db()
    assert case.rating is None
    assert not case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).exists()


def test_the_verified_page_costs_a_few_queries_whatever_the_timeline(client, world, django_assert_max_num_queries):
    """No query per event: the resident's timeline (public and resident-only) is one query."""
    case, _ = submit(world["form"])
    for index in range(5):
        workflow.reply(case, f"ข้อความถึงคุณ {index}", world["officer_works"])
    open_link(client, case)
    client.get(f"/t/{case.reference}")  # warm the caches every page shares (menus, settings)
    with django_assert_max_num_queries(7) as captured:  # measured 7: session, case, events, answers, files…
        response = client.get(f"/t/{case.reference}")
    assert "ข้อความถึงคุณ 4" in response.content.decode()
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum('FROM "services_caseevent"' in q for q in sql) == 1
