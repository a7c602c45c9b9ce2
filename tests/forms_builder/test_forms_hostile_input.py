"""Random and hostile values thrown at every field type: never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms_builder import demo
from forms_builder.fields import StepForm, build_definition, field_type
from forms_builder.models import FormPage
from tests.forms_builder.helpers import Filler

pytestmark = pytest.mark.django_db

T, F, S = demo.T, demo.F, demo.S
EVERY_TYPE = {
    "slug": "every-field",
    "title": T("ทุกชนิด", "Every type"),
    "intro": T("", ""),
    "next": T("", ""),
    "steps": [
        S(
            "all",
            T("ทุกคำถาม", "All questions"),
            [
                F("short_text", "short", T("สั้น", "Short"), max_length=50),
                F("long_text", "long", T("ยาว", "Long"), max_length=500),
                F("number", "number", T("ตัวเลข", "Number"), min_value="0", max_value="1000"),
                F("email", "email", T("อีเมล", "Email")),
                F("phone", "phone", T("โทร", "Phone")),
                F("national_id", "pid", T("เลขบัตร", "ID")),
                F("date", "date", T("วันที่", "Date"), past_only=True),
                F("single_choice", "one", T("หนึ่ง", "One"), options=demo.opts(("a", "ก", "A"), ("b", "ข", "B"))),
                F("multiple_choice", "many", T("หลาย", "Many"), options=demo.opts(("a", "ก", "A"), ("b", "ข", "B"))),
                F("checkbox", "tick", T("ติ๊ก", "Tick")),
                F("address", "addr", T("ที่อยู่", "Address")),
                F(
                    "file_upload",
                    "files",
                    T("ไฟล์", "Files"),
                    allowed_types=["image", "pdf"],
                    max_size_mb=1,
                    max_files=2,
                ),
                F("map_location", "where", T("ที่ไหน", "Where")),
                F("consent", "consent", T("ยินยอม", "Consent"), notice=T("<p>ก</p>", "<p>A</p>"), version="1"),
                F(
                    "short_text",
                    "cond",
                    T("เงื่อนไข", "Cond"),
                    condition={"field": "one", "operator": "eq", "value": "b"},
                ),
            ],
        )
    ],
}

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "9" * 5000,
    "-1e309",
    "NaN",
    "Infinity",
    "1e-999999",
    "٣٤٥",  # Arabic-Indic digits
    "๑๒๓",  # Thai digits
    "\u202e\u0e01",
    "🙂" * 300,
    "0" * 13,
    "+66812345678",
    "31",
    "2",
    "2569",
    "-5",
    "b",
    "on",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
many = st.one_of(values, st.lists(values, max_size=4))


@pytest.fixture
def every_page(form_index):
    page = FormPage(title="ทุกชนิด", slug="every-field")
    page.steps = demo.stream(EVERY_TYPE, "th")
    form_index.add_child(instance=page)
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


def input_names(page):
    step = build_definition(page)["steps"][0]
    names = []
    for spec in step["fields"]:
        names.extend(field_type(spec).form_fields(spec))
    return step, names


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_step_form_validates_any_input_without_crashing(every_page, data):
    step, names = input_names(every_page)
    posted = {}
    for name in data.draw(st.lists(st.sampled_from(names), unique=True)):
        value = data.draw(many)
        posted[f"{step['name']}-{name}"] = value
    from django.utils.datastructures import MultiValueDict

    form = StepForm.for_step(step)(
        data=MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in posted.items()}), prefix=step["name"]
    )
    if form.is_valid():
        assert set(form.answers) <= {spec["key"] for spec in step["fields"]}
        if form.answers.get("one") != "b":
            assert "cond" not in form.answers  # hidden answers are never stored
    else:
        assert form.errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_posting_hostile_values_through_the_wizard_never_errors(client, every_page, data):
    step, names = input_names(every_page)
    f = Filler(client, every_page)
    client.get(every_page.url)
    f._token = None
    payload = {}
    for name in data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1)):
        payload[name] = data.draw(many)
    files = {}
    if data.draw(st.booleans()):
        blob = data.draw(st.binary(max_size=2048))
        files["files"] = SimpleUploadedFile(data.draw(st.sampled_from(["a.jpg", "b.pdf", "c.exe", ""])) or "x", blob)
    response = f.post(step["name"], payload, files=files)
    assert response.status_code in (200, 302)
    assert client.get(every_page.url).status_code == 200
