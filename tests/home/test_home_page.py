from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


@pytest.mark.django_db
def test_root_sends_visitors_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 302
    assert response["Location"] == "/th/"


def test_thai_home_page_shows_office_details_and_demo_content(client, demo):
    html = client.get("/th/").content.decode()
    assert '<html lang="th">' in html
    assert "เทศบาลตำบลบ้านสวนริมน้ำ" in html
    assert "0 5312 3456" in html
    assert "@bansuanrimnam" in html
    assert "งดจ่ายน้ำประปา" in html  # urgent banner
    assert "ข้ามไปยังเนื้อหาหลัก" in html  # skip link, translated


def test_english_home_page_is_english(client, demo):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Ban Suan Rim Nam Subdistrict Municipality" in html
    assert "Monday–Friday 08:30–16:30" in html
    assert "Skip to main content" in html


def test_language_switcher_links_each_home_page_to_the_other(client, demo):
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in client.get("/th/").content.decode()
    assert '<a href="/th/" lang="th" hreflang="th">ไทย</a>' in client.get("/en/").content.decode()


def test_language_switcher_keeps_a_non_page_view_and_its_query(client, demo):
    html = client.get("/th/search/?q=abc").content.decode()
    assert 'href="/en/search/?q=abc"' in html


def test_expired_announcement_disappears(client, demo, home_th):
    from home.models import NewsPage

    urgent = NewsPage.objects.get(slug="water-outage-moo-3-5", locale=home_th.locale)
    urgent.urgent_until = timezone.now() - timedelta(minutes=1)
    urgent.save_revision().publish()
    html = client.get("/th/").content.decode()
    assert 'class="urgent-banner"' not in html
    assert "งดจ่ายน้ำประปา" in html  # the news item itself stays in the latest news


def test_home_page_renders_in_at_most_10_queries(client, demo):
    client.get("/th/")  # warm per-process caches (site root paths), as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/th/")
    assert response.status_code == 200
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]


@pytest.mark.parametrize(
    ("path", "text"), [("/th/no-such-page/", "ไม่พบหน้าที่ท่านต้องการ"), ("/en/no-such-page/", "Page not found")]
)
def test_unknown_url_is_a_friendly_404_in_the_visitors_language(client, demo, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_load_demo_twice_leaves_the_same_site(demo, django_user_model):
    from django.core.management import call_command
    from wagtail.models import Page

    before = (
        Page.objects.count(),
        django_user_model.objects.count(),
        sorted(Page.objects.values_list("url_path", flat=True)),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = (
        Page.objects.count(),
        django_user_model.objects.count(),
        sorted(Page.objects.values_list("url_path", flat=True)),
    )
    assert before == after
