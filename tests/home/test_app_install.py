"""The portal as a home-screen app: each office's manifest and icons, the service worker that
keeps only the offline page, and that offline page with the office's phone and counter."""

import io
import json
import re

import pytest
from django.conf import settings
from PIL import Image
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from home import app_icons
from home.app_icons import MASKABLE_SAFE, icon_name
from home.models import OfficeSettings
from tests.portal.conftest import HOST_B, second_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = OfficeSettings.for_site(site)
    office.name = "เทศบาลตำบลบ้านสวนริมน้ำ"
    office.name_en = "Ban Suan Rim Nam Subdistrict Municipality"
    office.short_name = "ทต.บ้านสวน"
    office.short_name_en = "Ban Suan"
    office.phone = "0 5312 3456 ต่อ 101"
    office.address = "99 หมู่ 1 ตำบลบ้านสวน"
    office.address_en = "99 Moo 1, Ban Suan"
    office.opening_hours = "จันทร์–ศุกร์ 08:30–16:30 น."
    office.opening_hours_en = "Mon–Fri 08:30–16:30"
    office.theme_colour = "#123456"
    office.save()
    return office


def manifest(client, language="th", **extra):
    response = client.get(f"/{language}/manifest.webmanifest", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    return json.loads(response.content)


def test_manifest_names_the_office_and_opens_its_home_in_the_language(client, office, home_en):
    thai = manifest(client, "th")
    assert thai["name"] == "เทศบาลตำบลบ้านสวนริมน้ำ" and thai["short_name"] == "ทต.บ้านสวน"
    assert thai["start_url"] == "/th/" and thai["display"] == "standalone" and thai["theme_color"] == "#123456"
    english = manifest(client, "en")
    assert english["name"] == "Ban Suan Rim Nam Subdistrict Municipality" and english["short_name"] == "Ban Suan"
    assert english["start_url"] == "/en/" and english["lang"] == "en" and english["id"] == thai["id"]


def test_without_a_logo_the_icons_are_the_shipped_pngs_at_their_sizes(client, office):
    icons = manifest(client)["icons"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["src"].startswith(settings.STATIC_URL)
        size = int(icon["sizes"].split("x")[0])
        path = settings.BASE_DIR / "static" / "img" / icon_name(size, icon["purpose"])
        with Image.open(path) as picture:
            assert picture.format == "PNG" and picture.size == (size, size)


def test_with_a_logo_the_icons_are_made_from_it(client, office):
    logo = get_image_model().objects.create(title="ตรา", file=get_test_image_file(filename="logo.png", size=(300, 300)))
    office.logo = logo
    office.save()
    icons = manifest(client)["icons"]
    assert all(icon["src"].startswith("/app-icons/") and "?v=" in icon["src"] for icon in icons)
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        size = int(icon["sizes"].split("x")[0])
        picture = Image.open(io.BytesIO(response.content))
        assert picture.size == (size, size)
        if icon["purpose"] == "maskable":
            # The logo keeps to the safe middle: the corners a round mask cuts are background.
            assert picture.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
            edge = round(size * (1 - MASKABLE_SAFE) / 2) - 2
            assert picture.convert("RGB").getpixel((edge, size // 2)) == (255, 255, 255)
    assert client.get("/app-icons/app-icon-999.png").status_code == 404


def test_logo_icons_are_not_found_when_the_office_has_no_logo(client, office):
    assert client.get("/app-icons/app-icon-192.png").status_code == 404


def test_a_logo_that_cannot_be_read_gives_no_icon_and_no_error(client, office, monkeypatch):
    logo = get_image_model().objects.create(title="ตรา", file=get_test_image_file(filename="logo.png"))
    office.logo = logo
    office.save()

    def unreadable(*args, **kwargs):
        raise OSError("cannot identify image file")

    monkeypatch.setattr(app_icons, "logo_png", unreadable)
    assert client.get("/app-icons/app-icon-maskable-512.png").status_code == 404


def test_each_office_gets_its_own_manifest(client, office, settings):
    site_b, _home, _home_en = second_site()
    office_b = OfficeSettings.for_site(site_b)
    office_b.name = "อบต.หนองบัว"
    office_b.theme_colour = "#654321"
    office_b.save()
    assert manifest(client)["name"] == "เทศบาลตำบลบ้านสวนริมน้ำ"
    other = manifest(client, HTTP_HOST=HOST_B)
    assert other["name"] == "อบต.หนองบัว" and other["short_name"] == "อบต.หนองบัว" and other["theme_color"] == "#654321"


def test_every_page_links_the_manifest_theme_colour_and_apple_icon(client, office, home_en):
    page = client.get("/en/").content.decode()
    assert '<link rel="manifest" href="/en/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#123456">' in page
    assert re.search(r'<link rel="apple-touch-icon" href="[^"]*app-icon-180\.png"', page)
    assert "js/app_install.js" in page


def test_service_worker_keeps_only_the_offline_pages_and_their_stylesheet(client, office):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    # One offline page per language the site speaks (Burmese, Khmer and Lao too, issue 22).
    offline_pages = ["/th/offline/", "/en/offline/", "/my/offline/", "/km/offline/", "/lo/offline/"]
    assert sorted(precache) == sorted([*offline_pages, "/static/css/portal.css"])
    assert "cache.put" not in script  # nothing is added to the cache after install


def test_the_worker_changes_when_the_office_phone_does(client, office):
    before = re.search(r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    office.phone = "0 5399 9999"
    office.save()
    after = re.search(r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    assert before != after


def test_offline_page_says_how_to_reach_the_office_in_each_language(client, office, home_en):
    thai = client.get("/th/offline/").content.decode()
    assert 'href="tel:053123456,101"' in thai and "99 หมู่ 1 ตำบลบ้านสวน" in thai and "08:30–16:30 น." in thai
    assert '<html lang="th"' in thai and "noindex" in thai
    english = client.get("/en/offline/").content.decode()
    assert "99 Moo 1, Ban Suan" in english and "Mon–Fri 08:30–16:30" in english and "Call us" in english
    assert '<html lang="en"' in english
