"""The staff case page: a reply template previewed in the resident's language before it is
sent (without JavaScript), and the reported location on a map with its coordinates."""

import datetime
from decimal import Decimal

import pytest

from forms_builder.models import Submission
from services.cases.models import Case, ReplyTemplate
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def reply_events(case):
    return list(case.events.filter(kind="reply").values_list("message", flat=True))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Case {reference} will be done by 26 November 2026 (Public Works)."),
        ("th", "เรื่องเลขที่ {reference} จะเสร็จภายในวันที่ 26 พฤศจิกายน 2569 (กองช่าง)"),
    ],
)
def test_reply_template_is_previewed_filled_in_and_editable_before_it_is_sent(client, world, language, expected):
    case, _ = submit(world["form"])
    Submission.objects.filter(pk=case.submission_id).update(language=language)
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date(2026, 11, 26))
    template = ReplyTemplate.objects.create(
        site=world["site"],
        title="กำหนดเสร็จ",
        body="เรื่องเลขที่ {reference} จะเสร็จภายในวันที่ {due_date} ({department})",
        body_en="Case {reference} will be done by {due_date} ({department}).",
    )
    other = ReplyTemplate.objects.create(site=world["site"], title="ขอบคุณ", body="ขอบคุณที่แจ้ง", body_en="Thank you.")
    expected = expected.format(reference=case.reference)
    client.force_login(world["officer_works"])
    url = f"/admin/cases/{case.pk}/"

    preview = client.post(url, {"action": "reply", "template": template.pk, "reply": "", "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "ข้อความที่ผู้ยื่นเรื่องจะได้อ่าน" in html  # "What the resident will read"
    assert f'<blockquote lang="{language}">{expected}</blockquote>' in html
    assert f"\n{expected}</textarea>" in html  # in the box, to edit
    assert f'name="previewed" value="{template.pk}"' in html
    assert reply_events(case) == []  # nothing is sent by a preview

    # The officer edits and previews again: the edit stays (same template).
    edited = expected + " Call 053-123-456 if needed."
    html = client.post(
        url, {"action": "reply", "template": template.pk, "reply": edited, "previewed": template.pk, "preview": "1"}
    ).content.decode()
    assert f"\n{edited}</textarea>" in html
    # Another template replaces the text.
    html = client.post(
        url, {"action": "reply", "template": other.pk, "reply": edited, "previewed": template.pk, "preview": "1"}
    ).content.decode()
    assert ("\nThank you.</textarea>" if language == "en" else "\nขอบคุณที่แจ้ง</textarea>") in html

    sent = client.post(url, {"action": "reply", "template": template.pk, "reply": edited, "previewed": template.pk})
    assert sent.status_code == 302
    assert reply_events(case) == [edited]
    # Publishing a template straight away sends it filled in too.
    client.post(url, {"action": "reply", "template": template.pk, "reply": ""})
    assert reply_events(case)[-1] == expected


def test_preview_without_text_or_template_says_what_is_missing(client, world):
    case, _ = submit(world["form"])
    client.force_login(world["officer_works"])
    response = client.post(f"/admin/cases/{case.pk}/", {"action": "reply", "reply": "", "preview": "1"})
    assert response.status_code == 400
    assert "ข้อความที่ผู้ยื่นเรื่องจะได้อ่าน" not in response.content.decode()


def test_case_page_shows_the_reported_location_on_a_map_with_coordinates(client, world):
    located, _ = submit(world["form"])
    Case.objects.filter(pk=located.pk).update(latitude=Decimal("18.788300"), longitude=Decimal("98.985300"))
    unlocated, _ = submit(world["form"], phone="0899999999")
    client.force_login(world["officer_works"])

    html = client.get(f"/admin/cases/{located.pk}/").content.decode()
    assert 'id="case-map"' in html and 'data-lat="18.788300"' in html and 'data-lng="98.985300"' in html
    assert "18.788300, 98.985300" in html  # the coordinates as text, for copying and without JavaScript
    assert "https://www.google.com/maps/search/?api=1&amp;query=18.788300%2C98.985300" in html
    assert "เปิดในแอปแผนที่" in html
    assert "vendor/leaflet/leaflet.js" in html and "js/case_map.js" in html

    html = client.get(f"/admin/cases/{unlocated.pk}/").content.decode()
    assert 'id="case-map"' not in html and "leaflet" not in html and "เปิดในแอปแผนที่" not in html


def test_template_editors_are_told_which_values_are_filled_in(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="portal-demo-2569"))
    html = client.get("/admin/snippets/cases/replytemplate/add/").content.decode()
    assert "ระบบจะแทน {reference}, {service}, {due_date} และ {department}" in html
