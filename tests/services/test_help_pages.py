"""The resident's guide "How to use the online services" (reached from every page's footer, in
Thai and English, with its screenshots committed) and the staff handbook in the Wagtail admin's
Help menu (issue 22, item 2)."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.users.models import UserProfile

from services.help.views import SCREENSHOTS, screenshot_urls
from services.help.wagtail_hooks import handbook_menu_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "save_step"),
    [
        ("th", "วิธีใช้บริการออนไลน์", "บันทึกไว้แล้วกรอกต่อภายหลัง"),
        ("en", "How to use the online services", "Save and continue later"),
    ],
)
def test_the_guide_is_linked_from_the_footer_and_shows_each_step_with_its_screenshot(
    client, home_th, language, title, save_step
):
    home = client.get(f"/{language}/").content.decode()
    footer = home[home.index("<footer") :]
    assert f'href="/{language}/help/"' in footer and title in footer
    response = client.get(f"/{language}/help/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in html
    assert save_step in html
    assert f"{settings.FORMS_BUILDER_DRAFT_DAYS}" in html and f"{settings.FORMS_BUILDER_MAX_UPLOAD_MB} MB" in html
    shots = re.findall(r'<img class="guide-shot" src="([^"]+)"[^>]* alt="([^"]+)"', html)
    names = [src.rsplit("/", 1)[-1].removesuffix(".png") for src, _alt in shots]
    assert names == [name for name in SCREENSHOTS if name in names]  # in the guide's order
    if language == "th":
        assert {"find", "form", "upload"} <= set(names)  # taken by the browser test and committed
    for src, alt in shots:
        assert f"/help/guide/{language}/" in src and alt
        assert (settings.BASE_DIR / "static" / src.split("/static/", 1)[1]).is_file(), src


def test_a_language_without_screenshots_of_its_own_shows_the_thai_ones():
    with translation.override("km"):
        assert screenshot_urls()["find"].endswith("/help/guide/th/find.png")


def test_the_staff_handbook_is_in_the_admins_help_menu_in_thai(client, home_th, django_user_model):
    officer = django_user_model.objects.create_superuser("admin.help", "admin@example.com", "x")
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "th"
    profile.save()
    client.force_login(officer)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    # The sidebar is drawn from JSON (its Thai label escaped there): its address is in it.
    assert "/admin/handbook/" in dashboard.content.decode()
    with translation.override("th"):
        assert str(handbook_menu_item().label) == "คู่มือเจ้าหน้าที่"
    html = client.get("/admin/handbook/").content.decode()
    for heading in ("จัดการคิวคำร้อง", "เผยแพร่หน้าเว็บ", "สร้างแบบฟอร์มออนไลน์", "ออกใบแจ้งหนี้"):
        assert heading in html
    assert 'href="/admin/cases/"' in html


def test_the_handbook_is_for_staff_only(client):
    response = client.get("/admin/handbook/")
    assert response.status_code == 302 and "/login/" in response["Location"]
