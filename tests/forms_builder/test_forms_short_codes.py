"""Editors publish e-forms with Thai titles; QR short codes are generated ASCII and only
locked once a poster was downloaded (issue 14, item 2)."""

import re

import pytest
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from forms_builder.models import FormPage
from forms_builder.slugs import CODE_ALPHABET, slugify_keep_marks

THAI_TITLE = "ทดสอบระบบ ขอใช้ศาลาประชาคม ออนไลน์"
THAI_SLUG = "ทดสอบระบบ-ขอใช้ศาลาประชาคม-ออนไลน์"


@pytest.fixture
def editor(client, django_user_model):
    admin = django_user_model.objects.create_superuser("editor", "e@example.com", "x" * 12)
    client.force_login(admin)
    return admin


def page_post(title, slug, short_code="", **extra):
    """What the Wagtail editor posts for a one-question form page."""
    question = {"key": "", "label": "ชื่อ", "help_text": "", "required": "on", "max_length": "200"}
    question.update({"condition-field": "", "condition-operator": "eq", "condition-target": ""})
    step = {
        "title": "ผู้ขอ",
        "intro": "",
        "condition-field": "",
        "condition-operator": "eq",
        "condition-target": "",
        "fields": streamfield([("short_text", question)]),
    }
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "intro": "",
            "steps": streamfield([("step", step)]),
            "next_steps": rich_text(""),
            "seo_title": "",
            "search_description": "",
            "short_code": short_code,
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def test_slugify_keeps_thai_vowels_and_tone_marks():
    assert slugify_keep_marks(THAI_TITLE) == THAI_SLUG
    assert slugify_keep_marks("  Hello, World! ") == "hello-world"
    assert slugify_keep_marks("น้ำ<script>") == "น้ำscript"


def test_a_thai_titled_form_is_created_saved_again_and_published_in_the_admin(client, editor, form_index):
    add_url = f"/admin/pages/add/forms_builder/formpage/{form_index.pk}/"
    # Wagtail's own slug script drops marks; ours keeps them: the server must accept them either way.
    response = client.post(add_url, page_post(THAI_TITLE, THAI_SLUG))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = FormPage.objects.get(title=THAI_TITLE)
    assert page.slug == THAI_SLUG
    code = page.short_code
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", code), code
    assert code.isascii()

    # The editor saves the draft again (as autosave does) and then publishes: no error either time.
    edit_url = f"/admin/pages/{page.pk}/edit/"
    response = client.post(edit_url, page_post(THAI_TITLE, THAI_SLUG, short_code=code))
    assert response.status_code == 302
    response = client.post(edit_url, page_post(THAI_TITLE, THAI_SLUG, short_code=code, **{"action-publish": "1"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live and page.slug == THAI_SLUG and page.short_code == code
    assert client.get(f"/f/{code}")["Location"] == page.url
    assert client.get(f"/f/{code.lower()}")["Location"] == page.url
    assert client.get(page.url).status_code == 200


def test_a_slug_left_empty_is_made_from_the_title_with_its_marks(form_index):
    page = FormPage(title=THAI_TITLE, steps=[])
    form_index.add_child(instance=page)
    assert page.slug == THAI_SLUG


def test_the_short_code_can_change_until_a_poster_is_downloaded(client, editor, form_index):
    add_url = f"/admin/pages/add/forms_builder/formpage/{form_index.pk}/"
    client.post(add_url, page_post(THAI_TITLE, THAI_SLUG, **{"action-publish": "1"}))
    page = FormPage.objects.get(title=THAI_TITLE)
    edit_url = f"/admin/pages/{page.pk}/edit/"

    response = client.post(edit_url, page_post(THAI_TITLE, THAI_SLUG, short_code="HALL-24", **{"action-publish": "1"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.short_code == "HALL-24"

    # Not a slug: told in the editor's language, next to the field.
    with translation.override("th"):
        response = client.post(edit_url, page_post(THAI_TITLE, THAI_SLUG, short_code="ศาลา"), HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    errors = response.context["form"].errors["short_code"]
    assert errors and all("slug" not in e for e in errors)

    assert client.get(f"/admin/payments/posters/{page.pk}/poster.pdf").status_code == 200
    page.refresh_from_db()
    assert page.short_code_printed_at is not None

    response = client.post(edit_url, page_post(THAI_TITLE, THAI_SLUG, short_code="OTHER-1"))
    assert response.status_code == 200
    assert "HALL-24" in str(response.context["form"].errors["short_code"])
    # The lock survives publishing a revision saved before the poster was printed.
    page.refresh_from_db()
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.short_code == "HALL-24" and page.short_code_printed_at is not None


def test_a_translation_shares_the_code_and_a_printed_poster_locks_both(make_form):
    from django.core.exceptions import ValidationError

    page_th, page_en = make_form("complaint-form", english=True)
    assert page_en.short_code == page_th.short_code == "complaint-form"
    page_th.mark_short_code_printed()
    for page in (page_th, page_en):
        page.refresh_from_db()
        page.short_code = "OTHER-1"
        with pytest.raises(ValidationError):
            page.full_clean()
