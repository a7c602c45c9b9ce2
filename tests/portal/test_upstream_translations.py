"""Django's and Wagtail's own messages in Thai where their Thai catalogues have gaps (issue 22):
the project's catalogue fills them (portal/upstream_messages.py, .js), and `checktranslations`
fails when a gap is not filled, so an upgrade that brings new strings shows in `make check`."""

import json
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.users.models import UserProfile

from home.models import NewsIndexPage
from portal.management.commands import checktranslations
from tests.factories import UserFactory

TOO_LONG_TH = "ค่านี้ต้องมีไม่เกิน 40 ตัวอักษร (ขณะนี้มี 41 ตัวอักษร)"
NOT_SAVED_TH = "บันทึกหน้าไม่ได้เนื่องจากข้อมูลไม่ถูกต้อง"


@pytest.fixture
def thai_admin(db):
    user = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "th"
    profile.save()
    return user


@pytest.fixture
def news_index(home_th):
    existing = NewsIndexPage.objects.child_of(home_th).first()
    if existing:
        return existing
    page = home_th.add_child(instance=NewsIndexPage(title="ข่าว", slug="news-gaps"))
    page.save_revision().publish()
    return page


@pytest.mark.django_db
def test_a_too_long_reference_on_the_thai_tracking_page_is_explained_in_thai(client, site):
    response = client.get("/th/track/", {"ref": "A" * 41})

    text = response.content.decode()
    assert response.status_code == 400
    assert TOO_LONG_TH in text
    assert "Ensure this value has at most" not in text
    assert "A" * 41 in text  # what was typed is kept


@pytest.mark.django_db
def test_the_same_message_stays_english_on_the_english_page(client, site):
    text = client.get("/en/track/", {"ref": "A" * 41}).content.decode()

    assert "Ensure this value has at most 40 characters (it has 41)." in text


def test_thai_admin_sees_an_invalid_page_edit_refused_in_thai(client, thai_admin, news_index):
    client.force_login(thai_admin)
    url = reverse("wagtailadmin_pages:edit", args=[news_index.pk])

    response = client.post(url, {"title": "", "slug": news_index.slug, "intro": "ก" * 301})

    text = response.content.decode()
    assert response.status_code == 200
    assert NOT_SAVED_TH in text
    assert "The page could not be saved due to validation errors" not in text
    assert "ค่านี้ต้องมีไม่เกิน 300 ตัวอักษร (ขณะนี้มี 301 ตัวอักษร)" in text
    assert "หยุดบันทึกอัตโนมัติชั่วคราว" in text  # "Autosave is paused", the editor's indicator


def test_the_admin_javascript_catalogues_in_thai_have_the_filled_messages(client, thai_admin):
    client.force_login(thai_admin)

    wagtail_js = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    localize_js = client.get(reverse("wagtail_localize:javascript_catalog"), HTTP_ACCEPT_LANGUAGE="th").content.decode()

    # The catalogue is JSON inside JavaScript, Thai escaped as \uXXXX.
    assert json.dumps("กำลังบันทึกอัตโนมัติ…") in wagtail_js  # "Autosave in progress…"
    assert json.dumps("บันทึกการเปลี่ยนแปลงอัตโนมัติแล้ว") in wagtail_js  # "Changes have been autosaved."
    assert json.dumps("อัปโหลดไฟล์ PO") in localize_js  # wagtail-localize's "Upload PO file"
    assert f'"Save": {json.dumps("บันทึก")}' in wagtail_js  # not Wagtail's "เซฟ,เก็บข้อมูล"


def _copy_locale(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    return locale


def test_every_library_gap_is_filled_in_the_project_catalogues():
    assert [entry.msgid for _, _, entry in checktranslations.upstream_gaps("th", settings.LOCALE_PATHS[0])] == []


@pytest.mark.parametrize(
    ("domain", "msgid"),
    [
        ("django", "The page could not be saved due to validation errors."),
        ("djangojs", "Autosave in progress…"),
        # Wagtail's Thai lists alternatives for these ("เซฟ,เก็บข้อมูล"): no translation either.
        ("djangojs", "Save"),
        ("django", "Draft"),
    ],
)
def test_checktranslations_fails_when_a_library_gap_is_not_filled(settings, tmp_path, domain, msgid):
    """As after an upgrade that brings a message Wagtail's Thai catalogue lacks."""
    locale = _copy_locale(tmp_path)
    po_path = locale / "th" / "LC_MESSAGES" / f"{domain}.po"
    catalogue = polib.pofile(str(po_path))
    catalogue.remove(catalogue.find(msgid))
    catalogue.save()
    settings.LOCALE_PATHS = [locale]

    with pytest.raises(CommandError) as refused:
        call_command("checktranslations")

    assert f"leaves {msgid!r} untranslated in th ({domain})" in str(refused.value)


def test_checktranslations_fails_when_a_new_upstream_catalogue_has_a_gap(settings, tmp_path, monkeypatch):
    """A library added to the list whose Thai lacks a message the project does not fill."""
    package = tmp_path / "newlib"
    for language, msgstr in (("en", ""), ("th", "")):
        folder = package / "locale" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = polib.POFile()
        po.append(polib.POEntry(msgid="A brand-new message", msgstr=msgstr))
        po.save(str(folder / "django.po"))
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(checktranslations, "UPSTREAM_CATALOGUES", [("newlib", "django")])
    settings.LOCALE_PATHS = [_copy_locale(tmp_path)]

    with pytest.raises(CommandError, match="newlib leaves 'A brand-new message' untranslated in th"):
        call_command("checktranslations")
