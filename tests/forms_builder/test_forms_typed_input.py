"""What residents type, cleaned the same way in every field of the form engine (issue 16, §2):
digits of any script stored as 0-9, text made only of invisible characters counted as empty,
control characters and line breaks refused in one-line fields, a tick box posted as "0" not
ticked; every refusal a message next to its field in the page's language, the rest kept."""

import copy
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from forms_builder import demo
from forms_builder.fields import Consent, StepForm, build_definition, field_type
from forms_builder.models import FormPage, Submission
from portal.typed_text import CONTROL_MESSAGE
from tests.forms_builder.helpers import Filler
from tests.forms_builder.test_forms_hostile_input import EVERY_TYPE

pytestmark = pytest.mark.django_db

THAI_PHONE = "08๑๒๓๔๕๖๗๘"


def thai(message):
    """The Thai of an English message, checking there is one."""
    english = str(message)
    with translation.override("th"):
        text = translation.gettext(english)
    assert re.search(r"[ก-๛]", text), f"no Thai for {english!r}"
    return text


def start(client, page):
    filler = Filler(client, page)
    assert client.get(page.url).status_code == 200
    return filler


def errors_of(response):
    form = response.context["form"]
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def fill_complaint(client, page, who):
    f = start(client, page)
    what, where, who_step = [s["name"] for s in f.definition["steps"]]
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุม"})
    f.post(where, {"location__text": "หน้าวัด"})
    return f, f.post(who_step, who)


def test_a_phone_typed_in_thai_digits_is_stored_in_ascii_and_found_by_staff_search(client, make_form, settings):
    settings.FORMS_BUILDER_INTAKE = "services.cases.intake.open_case"  # the real case queue
    page = make_form("complaint-form")
    f, _response = fill_complaint(client, page, {"full_name": "สมศรี ใจดี", "phone": THAI_PHONE, "consent": "on"})
    assert f.post("check").status_code == 302
    submission = Submission.objects.get()
    assert submission.contact_phone == "0812345678" and submission.answers["phone"] == "0812345678"

    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("root", password="x" * 12))
    for query in ("0812345678", THAI_PHONE, "๕๖๗๘", "０８１２３４５６７８"):
        listing = staff.get("/admin/cases/", {"q": query}).content.decode()
        assert submission.reference in listing, query


def test_a_name_of_zero_width_spaces_is_empty_and_required_in_the_pages_language(client, make_form):
    page_th, page_en = make_form("complaint-form", english=True)
    for page, message in ((page_th, "กรุณาตอบคำถามนี้"), (page_en, "Answer this question.")):
        f, response = fill_complaint(Client(), page, {"full_name": "\u200b\u200b\ufeff", "phone": "0812345678"})
        assert response.status_code == 200
        assert errors_of(response)["full_name"] == [message]
        assert 'value="0812345678"' in response.content.decode()  # the rest is kept


@pytest.mark.parametrize("typed", ["สมศรี\nใจดี", "สมศรี\x00", "สม\x1bศรี", "สมศรี\tใจดี"])
def test_control_characters_and_line_breaks_are_refused_in_one_line_fields(client, make_form, typed):
    page = make_form("complaint-form")
    f, response = fill_complaint(client, page, {"full_name": typed, "phone": "0812345678", "consent": "on"})
    assert errors_of(response)["full_name"] == [thai(CONTROL_MESSAGE[False])]
    assert f.current() != "check" and not Submission.objects.exists()


def test_address_parts_are_typed_text_too(client, make_form):
    page = make_form("food-shop-notification-form")
    f = start(client, page)
    shop = f.definition["steps"][0]["name"]
    address = {
        "shop_address__house": "๑๒/๓",
        "shop_address__moo": "\u200b",
        "shop_address__subdistrict": "บ้าน\nสวน",
        "shop_address__district": "\u200b\u200b",
        "shop_address__province": "เชียงใหม่",
        "shop_address__postcode": "๕๐๒๐๐",
    }
    response = f.post(shop, {"shop_name": "ครัวป้าแดง", "shop_kind": "restaurant", "shop_area": "๔๐", **address})
    errors = errors_of(response)
    assert errors == {"shop_address__subdistrict": [thai(CONTROL_MESSAGE[False])]}
    html = response.content.decode()
    assert "ครัวป้าแดง" in html and 'value="๑๒/๓"' in html and 'value="๕๐๒๐๐"' in html  # kept as typed

    address["shop_address__subdistrict"] = "บ้านสวน"
    response = f.post(shop, {"shop_name": "ครัวป้าแดง", "shop_kind": "restaurant", "shop_area": "๔๐", **address})
    # The district is only invisible characters: empty, so the address names it as missing.
    assert "อำเภอ" in " ".join(errors_of(response)["shop_address__house"])

    address["shop_address__district"] = "เมือง"
    f.post(shop, {"shop_name": "ครัวป้าแดง", "shop_kind": "restaurant", "shop_area": "๔๐", **address})
    answers = client.session[f"wizard_{f.prefix}"]["extra_data"]["answers"][shop]
    assert answers["shop_address"]["house"] == "12/3" and answers["shop_address"]["moo"] == ""
    assert answers["shop_address"]["postcode"] == "50200" and answers["shop_area"] == "40"


@pytest.mark.parametrize("posted", ["0", "false", "off", "", "no", "False", " 0 "])
def test_a_consent_posted_as_0_or_false_is_not_ticked(client, make_form, posted):
    page = make_form("complaint-form")
    f, response = fill_complaint(client, page, {"full_name": "สมศรี", "phone": "0812345678", "consent": posted})
    assert errors_of(response)["consent"] == [thai(Consent.error_message)]
    assert f.current() != "check"
    assert f.post("check").status_code == 302 and not Submission.objects.exists()


def test_a_ticked_consent_still_counts(client, make_form):
    page = make_form("complaint-form")
    f, response = fill_complaint(client, page, {"full_name": "สมศรี", "phone": "0812345678", "consent": "on"})
    assert f.current() == "check"
    assert f.post("check").status_code == 302
    assert Submission.objects.get().answers["consent"]["agreed"] is True


# --- Hostile values into every field type ---------------------------------------------------

HOSTILE = [
    "\x00",
    "ก\x00ข",
    "x" * 10_000,
    "๑๒๓",
    "１２３",
    "\u202e\u0e01\u0e02",
    "\ud800",  # a lone surrogate (the test client cannot send one; see the raw post below)
    "0",
    "-1",
    "-99999999999999999999",
    "9" * 400,
    "1e309",
    "NaN",
    "2569-02-31",
    "\u200b",
    "line\nbreak",
]


PROSE = {"long_text", "map_location"}  # several lines, kept as typed (control characters aside)


def demo_steps():
    for form in demo.FORMS:
        for number, _step in enumerate(form["steps"]):
            yield pytest.param(form["slug"], number, id=f"{form['slug']}-{number}")


@pytest.mark.parametrize(("slug", "number"), list(demo_steps()))
def test_hostile_values_in_every_field_of_every_demo_form_give_messages_not_errors(make_form, slug, number):
    """Every input of every demo form, each hostile value alone and as a list: the step form
    validates without an exception; whatever it takes is stored with ASCII digits and without
    control characters in one-line answers."""
    page = make_form(slug)
    step = build_definition(page)["steps"][number]
    form_class = StepForm.for_step(step)
    names = [name for spec in step["fields"] for name in field_type(spec).form_fields(spec)]
    for value in HOSTILE:
        for posted in (value, [value, "1"]):
            data = MultiValueDict({f"s-{name}": posted if isinstance(posted, list) else [posted] for name in names})
            with translation.override("th"):
                form = form_class(data=data, prefix="s")
                valid = form.is_valid()
                assert valid or form.errors
            for spec in step["fields"]:
                answer = form.answers.get(spec["key"])
                if answer is None or spec["type"] in PROSE:
                    continue
                assert not re.search(r"[๐-๙０-９]", str(answer)), (spec["key"], answer)
                assert not re.search(r"[\x00-\x1f]", str(answer)), (spec["key"], answer)


@pytest.fixture
def every_page(form_index):
    """Every field type on one step (the upload optional, so each post needs no file)."""
    spec = copy.deepcopy(EVERY_TYPE)
    for field in spec["steps"][0]["fields"]:
        field["required"] = field["type"] != "file_upload"
    page = FormPage(title="ทุกชนิด", slug="every-type-typed")
    page.steps = demo.stream(spec, "th")
    form_index.add_child(instance=page)
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


def every_type_post(f, step, overrides):
    base = {
        "short": "สมศรี",
        "long": "ยาว",
        "number": "5",
        "email": "a@example.com",
        "phone": "0812345678",
        "pid": "1101700230708",
        "date__day": "1",
        "date__month": "1",
        "date__year": "2500",
        "one": "a",
        "many": "a",
        "tick": "on",
        "addr__house": "1",
        "addr__subdistrict": "ต",
        "addr__district": "อ",
        "addr__province": "จ",
        "addr__postcode": "50000",
        "where__text": "หน้าวัด",
        "consent": "on",
    }
    return f.post(step, {**base, **overrides})


EXPECTED = [
    # (inputs posted, the input whose message shows, the message (English msgid, shown in Thai))
    ({"short": "ก\x00ข"}, "short", CONTROL_MESSAGE[False]),
    ({"short": "x" * 10_000}, "short", None),  # Django's own "at most 50 characters", in Thai
    ({"long": "ก\x00ข"}, "long", CONTROL_MESSAGE[True]),
    ({"number": "1e309"}, "number", None),
    ({"number": "-5"}, "number", None),
    ({"number": "9" * 400}, "number", None),
    ({"phone": "081\n2345678"}, "phone", CONTROL_MESSAGE[False]),
    (
        {"date__day": "31", "date__month": "2", "date__year": "2569"},
        "date__day",
        "This date does not exist; check the day and month.",
    ),
    (
        {"date__day": "๓๑", "date__month": "๒", "date__year": "๒๕๖๙"},
        "date__day",
        "This date does not exist; check the day and month.",
    ),
    ({"tick": "0"}, "tick", "Tick the box to continue."),
    ({"tick": "off"}, "tick", "Tick the box to continue."),
    (
        {"consent": "0"},
        "consent",
        "Tick the box to agree to the privacy notice; we cannot take the request without it.",
    ),
    ({"addr__province": "\u200b"}, "addr__house", None),
    ({"addr__postcode": "５００００"}, None, None),
    ({"pid": "๑๑๐๑๗๐๐๒๓๐๗๐๘", "phone": "＋６６８１２３４５６７８"}, None, None),
]


@pytest.mark.parametrize(("posted", "field", "message"), EXPECTED)
def test_hostile_values_through_the_wizard_get_the_fields_message_and_keep_the_rest(
    client, every_page, posted, field, message
):
    f = start(client, every_page)
    step = f.definition["steps"][0]["name"]
    response = every_type_post(f, step, posted)
    assert response.status_code in (200, 302)
    if field is None:
        assert f.current() == "check", errors_of(response)
        answers = client.session[f"wizard_{f.prefix}"]["extra_data"]["answers"][step]
        assert answers["addr"]["postcode"] == "50000" and answers["pid"] == "1101700230708"
        assert answers["phone"] == "0812345678"
        return
    errors = errors_of(response)
    assert list(errors) == [field], errors
    if message:
        assert errors[field] == [thai(message)]
    assert "สมศรี" in response.content.decode() or field == "short"  # what else was typed is kept


def test_a_lone_surrogate_sent_as_raw_bytes_is_no_server_error(client, every_page):
    """Browsers can send invalid UTF-8 (%ED%A0%80 is a lone surrogate); Django reads it as U+FFFD."""
    f = start(client, every_page)
    step = f.definition["steps"][0]["name"]
    body = urlencode({f"{f.prefix}-current_step": step, "wizard_token": f.token()})
    body += f"&{step}-short=%ED%A0%80&{step}-phone=%ED%A0%80&{step}-date__day=%ED%A0%80"
    response = client.post(every_page.post_url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert set(errors_of(response)) >= {"phone", "date__day"}
