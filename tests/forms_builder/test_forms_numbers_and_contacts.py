"""What residents type into e-forms (issue 14): home lines, Thai and full-width digits,
misspelt e-mail domains, typed coordinates, the elderly allowance's age and bank questions,
and a building-permit journey whose step counter does not change its total."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from forms_builder.fields import ThaiPhoneField, check_min_age, suggest_email
from forms_builder.models import Submission
from portal.i18n import ascii_digits
from tests.forms_builder.helpers import Filler


def start(client, page):
    filler = Filler(client, page)
    assert client.get(page.url).status_code == 200
    return filler


def _messages(response):
    form = response.context["form"]
    return [str(m) for field_errors in form.errors.values() for m in field_errors]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("053123456", "053123456"),
        ("02-123-4567", "021234567"),
        ("+66 53 123 456", "053123456"),
        ("081 234 5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("๐๕๓๑๒๓๔๕๖", "053123456"),
        ("０８１２３４５６７８", "0812345678"),
    ],
)
def test_phone_fields_take_home_lines_mobiles_and_thai_digits(typed, stored):
    assert ThaiPhoneField(required=False).clean(typed) == stored


def test_a_mobile_only_field_says_why_it_refuses_a_home_line():
    with pytest.raises(ValidationError, match="SMS"):
        ThaiPhoneField(required=False, mobile_only=True).clean("053123456")
    for wrong in ("12345", "0612345678901", "013123456"):
        with pytest.raises(ValidationError):
            ThaiPhoneField(required=False).clean(wrong)


def test_one_digit_normaliser():
    assert ascii_digits("๑๒๓ ４５") == "123 45"
    assert ascii_digits("ก-๙") == "ก-9"


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("somsri@gmail.con", "somsri@gmail.com"),
        ("somsri@gmial.com", "somsri@gmail.com"),
        ("somsri@hotmail.cmo", "somsri@hotmail.com"),
        ("somsri@yaho.com", "somsri@yahoo.com"),
        ("somsri@outlok.com", "somsri@outlook.com"),
        ("somsri@icloud.con", "somsri@icloud.com"),
        ("somsri@hotmail.co.tj", "somsri@hotmail.co.th"),
        ("somsri@gmail.com", None),
        ("somsri@chiangmai.go.th", None),
        ("somsri@example.org", None),
    ],
)
def test_misspelt_common_domains_get_a_suggestion(typed, suggestion):
    assert suggest_email(typed) == suggestion


def test_the_age_counts_on_1_october_of_the_next_fiscal_year():
    today = datetime.date(2026, 11, 30)  # fiscal year 2570 runs to 30 September 2027
    check_min_age(datetime.date(1967, 10, 1), 60, today)  # 60 on 1 October 2027
    with pytest.raises(ValidationError, match="2510"):
        check_min_age(datetime.date(1967, 10, 2), 60, today)
    check_min_age(datetime.date(1968, 9, 30), 60, datetime.date(2028, 3, 1))  # 60 by 1 October 2028


def test_complaint_contact_step_home_line_thai_id_digits_and_email_suggestion(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    what, where, who = [s["name"] for s in f.definition["steps"]]
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุม"})
    # Typed coordinates, one box wrong: the message names it.
    response = f.post(where, {"location__text": "หน้าวัด", "location__lat": "18.7ก", "location__lng": "98.98"})
    assert _messages(response) == ["ละติจูด: กรุณากรอกเป็นตัวเลของศา เช่น 18.788300"]
    response = f.post(where, {"location__text": "หน้าวัด", "location__lat": "", "location__lng": "98.98"})
    assert _messages(response) == ["ละติจูด: กรุณากรอกด้วย หรือลบค่าในช่องลองจิจูดออก"]
    f.post(where, {"location__text": "หน้าวัด", "location__lat": "๑๘.๗๙", "location__lng": "98.98"})
    assert f.current() == who

    contact = {"full_name": "สมศรี ใจดี", "phone": "๐๕๓ ๑๒๓ ๔๕๖", "email": "somsri@gmail.con", "consent": "on"}
    response = f.post(who, contact)
    html = response.content.decode()
    messages = _messages(response)
    assert len(messages) == 1 and "somsri@gmail.com" in messages[0]
    next_to_field = html.split('id="error-email"')[1].split("</p>")[0]
    assert next_to_field.count("somsri@gmail.com") == 1 and "ท่านหมายถึง" in next_to_field
    assert "somsri@gmail.con ถูกต้องแล้ว ใช้อีเมลนี้" in html  # the box that keeps it
    assert 'value="somsri@gmail.con"' in html  # what was typed is kept
    response = f.post(who, {**contact, "email": "not an address"})
    assert _messages(response) == ["กรอกอีเมลให้ถูกรูปแบบ เช่น name@example.com"]  # once, not twice
    f.post(who, {**contact, "email__confirm": "on"})
    f.post("check")
    submission = Submission.objects.get()
    assert submission.contact_phone == "053123456" and submission.contact_email == "somsri@gmail.con"
    assert submission.answers["location"]["lat"] == "18.79"


def test_elderly_allowance_age_bank_details_and_the_expected_date_wording(client, make_form):
    page = make_form("elderly-allowance-form")
    page.expected_date_label = "ตรวจสิทธิ์เสร็จภายใน"
    page.save_revision().publish()
    f = start(client, page)
    person, payment, contact = [s["name"] for s in f.definition["steps"]]
    answers = {
        "full_name": "บุญมา ดีใจ",
        "national_id": "๑๑๐๑๗๐๐๒๓๐๗๐๘",  # a valid ID typed in Thai digits
        "birth_date__day": "๑๕",
        "birth_date__month": "6",
        "birth_date__year": "2530",
        "home_address__house": "9",
        "home_address__subdistrict": "บ้านสวน",
        "home_address__district": "เมือง",
        "home_address__province": "เชียงใหม่",
        "home_address__postcode": "๕๐๐๐๐",
    }
    response = f.post(person, answers)
    messages = _messages(response)
    assert len(messages) == 1 and "60" in messages[0], messages  # too young: the age, not the ID digits
    f.post(person, {**answers, "birth_date__year": "2505"})
    assert f.current() == payment

    response = client.get(page.url)
    # Without JavaScript every question shows: the hint names the answer that opens it.
    assert 'ตอบเฉพาะเมื่อท่านตอบ "รับเงินโดย" ว่า "โอนเข้าบัญชีธนาคาร"' in response.content.decode()
    response = f.post(payment, {"payment_method": "bank", "bank_account": "123-4-56789-0", "no_other_pension": "on"})
    assert {"ธนาคาร", "ชื่อบัญชี"} <= set(_labels_with_errors(response))
    f.post(
        payment,
        {
            "payment_method": "bank",
            "bank_name": "ธนาคารออมสิน",
            "bank_account": "123-4-56789-0",
            "account_name": "บุญมา ดีใจ",
            "no_other_pension": "on",
        },
    )
    f.post(contact, {"phone": "053123456", "email": "", "consent": "on"})
    response = f.post("check")
    submission = Submission.objects.get()
    assert submission.answers["national_id"] == "1101700230708"
    assert submission.answers["bank_name"] == "ธนาคารออมสิน" and submission.answers["account_name"] == "บุญมา ดีใจ"
    confirmation = client.get(response["Location"]).content.decode()
    assert "ตรวจสิทธิ์เสร็จภายใน" in confirmation and "คาดว่าจะแล้วเสร็จ" not in confirmation


def _labels_with_errors(response):
    form = response.context["form"]
    return [form.fields[name].label for name in form.errors]


def test_building_permit_counts_steps_without_a_changing_total_and_the_dead_end_links_on(client, make_form):
    page = make_form("building-permit-form")
    f = start(client, page)
    first = client.get(page.url).content.decode()
    assert "ขั้นตอนที่ 1" in first and "จาก" not in first.split('class="fb-progress"')[1][:80]
    building = f.definition["steps"][0]["name"]
    response = f.post(building, {"floor_area": "๒๐๐", "building_type": "house"})
    html = response.content.decode()
    progress = html.split('class="fb-progress"')[1][:80]
    assert "ขั้นตอนที่ 2" in progress and "จาก" not in progress
    assert 'href="/th/downloads/"' in html and 'href="/th/services/building-permit/"' in html


def test_the_resume_link_by_sms_takes_a_mobile_in_thai_digits_but_not_a_home_line():
    from forms_builder.views import DraftLinkForm

    form = DraftLinkForm({"contact": "๐๘๑ ๒๓๔ ๕๖๗๘"})
    assert form.is_valid() and form.cleaned_data["contact"] == "0812345678"
    assert not DraftLinkForm({"contact": "053123456"}).is_valid()
