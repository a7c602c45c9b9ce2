"""The resident's journey through a multi-step form, through the test client."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from PIL import Image

from forms_builder.models import PendingUpload, Submission, SubmissionFile
from tests.forms_builder.helpers import PDF_BYTES, Filler, jpeg_bytes

pytestmark = pytest.mark.django_db


def complaint_steps(f):
    return [s["name"] for s in f.definition["steps"]]


def start(client, page):
    f = Filler(client, page)
    assert client.get(page.url).status_code == 200
    return f


def fill_complaint(client, page, photo=True):
    f = start(client, page)
    what, where, who = complaint_steps(f)
    files = {"photos": SimpleUploadedFile("hole.jpg", jpeg_bytes(), "image/jpeg")} if photo else {}
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"}, files=files)
    f.post(where, {"location__text": "หน้าวัดบ้านสวน", "location__lat": "18.7901", "location__lng": "98.9812"})
    f.post(who, {"full_name": "สมศรี ใจดี", "phone": "081 234 5678", "consent": "on"})
    return f


def test_complete_submission_stores_everything_and_shows_the_receipt(client, make_form, settings):
    page = make_form("complaint-form")
    f = fill_complaint(client, page)
    check = client.get(page.url)
    response = f.post("check")
    assert "ถนนเป็นหลุมลึก" in check.content.decode() and "hole.jpg" in check.content.decode()

    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/sent/{submission.reference}/")
    assert submission.reference == f"T-{submission.pk:05d}"
    assert submission.answers["category"] == "road"
    assert submission.answers["location"] == {"text": "หน้าวัดบ้านสวน", "lat": "18.7901", "lng": "98.9812"}
    assert submission.contact_name == "สมศรี ใจดี" and submission.contact_phone == "0812345678"
    assert str(submission.latitude) == "18.790100" and submission.location_text == "หน้าวัดบ้านสวน"
    assert submission.consent_version == "2569-1" and submission.channel == "web" and submission.filed_by is None
    assert [s["title"] for s in submission.form_snapshot["steps"]] == ["เรื่องที่แจ้ง", "สถานที่", "ผู้แจ้ง"]

    stored = SubmissionFile.objects.get()
    path = stored.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path and str(settings.MEDIA_ROOT) not in path
    with Image.open(path) as image:
        assert not image.getexif(), "EXIF (phone make/model, GPS) must be stripped"
    assert not PendingUpload.objects.exists()

    receipt = client.get(response["Location"]).content.decode()
    assert f'class="fb-reference">{submission.reference}<' in receipt
    assert "<svg" in receipt and "<script" not in receipt.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "2569" in receipt  # expected date 1 Dec 2026 in the Buddhist Era
    assert f"/t/{submission.reference}" in receipt
    assert "หน้าวัดบ้านสวน" in receipt  # printable answers


def test_a_step_renders_in_at_most_10_queries(client, make_form, django_assert_max_num_queries):
    page = make_form("complaint-form")
    client.get(page.url)  # warm per-process caches (site root paths), as a running server has them
    with django_assert_max_num_queries(10):
        assert client.get(page.url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_complete_four_step_submission_takes_at_most_60_queries(client, make_form, home_th):
    """Committed transactions, as in production (the default test transaction adds savepoints)."""
    page = make_form("complaint-form")
    client.get(page.url)
    client.get(f"{page.url}?restart=1")
    f = Filler(client, page)
    what, where, who = complaint_steps(f)
    with CaptureQueriesContext(connection) as queries:
        f._token = re.search(r'name="wizard_token" value="([^"]+)"', client.get(page.url).content.decode())[1]
        f.post(
            what, {"category": "road", "details": "หลุม"}, files={"photos": SimpleUploadedFile("a.jpg", jpeg_bytes())}
        )
        f.post(where, {"location__text": "หน้าวัด"})
        f.post(who, {"full_name": "สมศรี ใจดี", "phone": "0812345678", "consent": "on"})
        response = f.post("check")
    assert response.status_code == 302 and Submission.objects.count() == 1
    assert len(queries) <= 60, [q["sql"][:80] for q in queries.captured_queries]


def test_errors_sit_next_to_their_field_in_thai_and_keep_answers_and_files(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    what = complaint_steps(f)[0]
    response = f.post(
        what, {"category": "garbage", "details": ""}, files={"photos": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "พบข้อผิดพลาด" in html  # the error summary, in Thai
    block = html[html.index('id="q-details"') :]
    assert "กรุณาตอบคำถามนี้" in block[: block.index("</div>")]
    assert 'aria-describedby="hint-details error-details"' in html
    assert re.search(r'value="garbage"[^>]*checked', html)
    assert "a.jpg" in html and re.search(r'type="checkbox"[^>]*value="[0-9a-f-]{36}"[^>]*checked', html)
    # Correcting the text alone is enough: the photo is still there.
    kept = PendingUpload.objects.get()
    f.post(what, {"category": "garbage", "details": "ขยะล้น", "photos": str(kept.pk)})
    assert f.current() == complaint_steps(f)[1]


def test_english_page_gives_english_errors(client, make_form):
    _th, page_en = make_form("complaint-form", english=True)
    f = start(client, page_en)
    response = f.post(complaint_steps(f)[0], {"category": "", "details": ""})
    html = response.content.decode()
    assert "There is a problem" in html and "Choose one option." in html and "Answer this question." in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.jpg", b"MZ\x90\x00 this is an executable pretending to be a photo" * 10, "not an allowed file"),
        ("doc.pdf", PDF_BYTES, "not an allowed file"),  # a real PDF, but this question takes photos only
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "could not be read as a photo"),
    ],
)
def test_wrong_type_is_refused_by_content_with_the_limits_stated(client, make_form, name, content, message):
    page = make_form("complaint-form")
    f = start(client, page)
    response = f.post(
        complaint_steps(f)[0], {"category": "road", "details": "x"}, files={"photos": SimpleUploadedFile(name, content)}
    )
    html = response.content.decode()
    assert message in html or "ไม่ใช่ไฟล์" in html or "อ่านเป็นรูปภาพไม่ได้" in html
    assert not PendingUpload.objects.exists()
    assert f.current() == complaint_steps(f)[0]


def test_too_large_a_file_is_refused_with_the_limit(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    big = jpeg_bytes() + b"\x00" * (5 * 1024 * 1024)
    response = f.post(
        complaint_steps(f)[0],
        {"category": "road", "details": "x"},
        files={"photos": SimpleUploadedFile("big.jpg", big)},
    )
    error = re.search(r'id="error-photos">(.*?)</p>', response.content.decode(), re.S)[1]
    assert "big.jpg ใหญ่เกิน 5 MB" in error
    assert not PendingUpload.objects.exists()


@override_settings(FORMS_BUILDER_MAX_UPLOAD_MB=1)
def test_upload_is_cut_off_while_streaming_past_the_cap(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    big = jpeg_bytes() + b"\x00" * (2 * 1024 * 1024)
    response = f.post(
        complaint_steps(f)[0],
        {"category": "road", "details": "x"},
        files={"photos": SimpleUploadedFile("big.jpg", big)},
    )
    error = re.search(r'id="error-photos">(.*?)</p>', response.content.decode(), re.S)[1]
    assert response.status_code == 200 and "มีไฟล์ใหญ่เกิน 5 MB" in error
    assert not PendingUpload.objects.exists()


def test_pdf_accepted_where_allowed(client, make_form):
    page = make_form("food-shop-notification-form")
    f = start(client, page)
    shop, owner, documents = complaint_steps(f)
    address = {
        "shop_address__house": "12",
        "shop_address__subdistrict": "บ้านสวน",
        "shop_address__district": "เมือง",
        "shop_address__province": "เชียงใหม่",
        "shop_address__postcode": "50000",
    }
    f.post(shop, {"shop_name": "ครัวป้าแดง", "shop_kind": "restaurant", "shop_area": "40", **address})
    f.post(owner, {"full_name": "แดง ดี", "national_id": "1-1017-00230-70-8", "phone": "0891234567"})
    f.post(documents, {"consent": "on"}, files={"id_copy": SimpleUploadedFile("id.pdf", PDF_BYTES)})
    assert f.current() == "check"
    f.post("check")
    submission = Submission.objects.get()
    assert submission.files.get().content_type == "application/pdf"
    assert submission.answers["national_id"] == "1101700230708"
    assert submission.answers["shop_address"]["postcode"] == "50000"


def test_posting_a_later_step_first_returns_to_the_first_incomplete(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    what, where, who = complaint_steps(f)
    response = f.post(who, {"full_name": "x", "phone": "0812345678", "consent": "on"})
    assert response.status_code == 302
    assert f.current() == what
    assert "กรุณาตอบขั้นตอนนี้ก่อน" in client.get(page.url).content.decode()
    assert f.post("check").status_code == 302 and not Submission.objects.exists()


def test_tampered_or_replayed_posts_are_refused(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    what = complaint_steps(f)[0]
    response = f.post(what, {"category": "road", "details": "x"}, token="forged")
    assert response.status_code == 400 and f.current() == what
    response = client.post(page.url, {"wizard_token": f.token(), f"{what}-category": "road"})  # no management form
    assert response.status_code == 400

    f = fill_complaint(client, page, photo=False)
    token = f.token()
    first = f.post("check")
    assert Submission.objects.count() == 1
    replay = f.post("check", token=token)
    assert replay.status_code == 302 and replay["Location"] == first["Location"]
    assert Submission.objects.count() == 1


def test_someone_elses_upload_cannot_be_attached(client, make_form):
    page = make_form("complaint-form")
    other = PendingUpload.objects.create(
        owner="someone-else", field_key="photos", original_name="their.jpg", content_type="image/jpeg", size=1
    )
    f = start(client, page)
    response = f.post(complaint_steps(f)[0], {"category": "road", "details": "x", "photos": str(other.pk)})
    assert "their.jpg" not in response.content.decode()
    assert f.current() == complaint_steps(f)[1]  # the forged id is simply ignored
    assert "photos" not in f.client.session[f"wizard_{f.prefix}"]["extra_data"]["answers"][complaint_steps(f)[0]]


def test_back_keeps_answers_and_change_returns_to_check(client, make_form):
    page = make_form("complaint-form")
    f = fill_complaint(client, page, photo=False)
    what, where, who = complaint_steps(f)
    check = client.get(page.url).content.decode()
    assert f"?step={where}" in check  # a Change link per step
    page_where = client.get(f"{page.url}?step={where}").content.decode()
    assert "หน้าวัดบ้านสวน" in page_where
    f.post(where, {"location__text": "หน้าโรงเรียน"})
    assert f.current() == "check"  # straight back to the check page
    assert "หน้าโรงเรียน" in client.get(page.url).content.decode()
    # Back from step 3 to step 2 shows what was typed there.
    response = f.post("check", extra={"wizard_goto_step": who})
    assert f.current() == who and "สมศรี ใจดี" in response.content.decode()
    # Back from a step keeps what was typed on it too.
    response = f.post(who, {"full_name": "สมศรี ใจดีมาก", "phone": "0812345678"}, extra={"wizard_goto_step": where})
    assert f.current() == where and "หน้าโรงเรียน" in response.content.decode()
    assert "สมศรี ใจดีมาก" in client.get(f"{page.url}?step={who}").content.decode()


def test_step_condition_routes_large_buildings_to_the_office(client, make_form):
    page = make_form("building-permit-form")
    f = start(client, page)
    building, office, site, applicant = complaint_steps(f)
    f.post(building, {"floor_area": "200", "building_type": "house"})
    assert f.current() == office
    html = client.get(page.url).content.decode()
    # The steps depend on the area: "Step 2" without a total that would change from 2 to 3.
    assert "วิศวกร" in html and "ดำเนินการต่อ</button>" not in html and '"fb-progress">ขั้นตอนที่ 2</p>' in html
    assert f.post(office, {}).status_code == 200 and f.current() == office
    assert f.post("check").status_code == 302 and not Submission.objects.exists()

    f.post(building, {"floor_area": "120", "building_type": "house"})
    assert f.current() == site
    assert '"fb-progress">ขั้นตอนที่ 2</p>' in client.get(page.url).content.decode()


def test_hidden_question_is_neither_validated_nor_stored(client, make_form):
    page = make_form("elderly-allowance-form")
    f = start(client, page)
    person, payment, contact = complaint_steps(f)
    f.post(
        person,
        {
            "full_name": "บุญ มาก",
            "national_id": "1101700230708",
            "birth_date__day": "15",
            "birth_date__month": "6",
            "birth_date__year": "2505",
            "home_address__house": "5",
            "home_address__moo": "3",
            "home_address__subdistrict": "บ้านสวน",
            "home_address__district": "เมือง",
            "home_address__province": "เชียงใหม่",
            "home_address__postcode": "50000",
        },
    )
    assert f.current() == payment
    response = f.post(payment, {"payment_method": "bank", "bank_account": "", "no_other_pension": "on"})
    assert "เลขที่บัญชีธนาคาร" in response.content.decode() and f.current() == payment
    f.post(payment, {"payment_method": "cash", "bank_account": "<script>junk", "no_other_pension": "on"})
    assert f.current() == contact
    f.post(contact, {"phone": "0912345678", "consent": "on"})
    html = client.get(page.url).content.decode()
    assert "15 มิถุนายน 2505" in html
    f.post("check")
    answers = Submission.objects.get().answers
    assert "bank_account" not in answers
    assert answers["birth_date"] == "1962-06-15"
    assert answers["no_other_pension"] is True


def test_intake_failure_saves_nothing_and_keeps_answers(client, make_form, settings):
    page = make_form("complaint-form")
    f = fill_complaint(client, page)
    settings.FORMS_BUILDER_INTAKE = "tests.forms_builder.helpers.broken_intake"
    response = f.post("check")
    assert response.status_code == 503 and "ส่งแบบฟอร์มไม่สำเร็จ" in response.content.decode()
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
    settings.FORMS_BUILDER_INTAKE = "tests.forms_builder.helpers.test_intake"
    assert f.post("check").status_code == 302
    assert Submission.objects.get().files.count() == 1


def test_honeypot_refuses_bots(client, make_form):
    page = make_form("complaint-form")
    f = fill_complaint(client, page, photo=False)
    response = f.post("check", {"website": "http://spam.example"})
    assert response.status_code == 200 and not Submission.objects.exists()


@override_settings(FORMS_BUILDER_SUBMITS_PER_HOUR=1)
def test_rate_limit_per_ip_with_a_clear_message(client, make_form):
    page = make_form("complaint-form")
    fill_complaint(client, page, photo=False).post("check")
    f = fill_complaint(client, page, photo=False)
    response = f.post("check")
    assert "รอหนึ่งชั่วโมง" in response.content.decode()
    assert Submission.objects.count() == 1
