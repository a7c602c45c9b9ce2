"""Two offices on one install, as residents see them: each host shows its own office's news,
feeds, sitemap and robots.txt, its own office details; an archived office says so and takes no
new submissions; and a page costs the same queries with one office or fifty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from home.models import OfficeSettings
from portal.models import Office
from tests.portal.conftest import HOST_B

pytestmark = pytest.mark.django_db


def test_each_host_shows_its_own_news_feeds_and_sitemap(client, offices):
    a, b = offices
    home_a = client.get("/th/").content.decode()
    home_b = client.get("/th/", HTTP_HOST=HOST_B).content.decode()
    assert a.news.title in home_a and b.news.title not in home_a
    assert b.news.title in home_b and a.news.title not in home_b
    feed_a = client.get("/th/feeds/news/").content.decode()
    feed_b = client.get("/th/feeds/news/atom/", HTTP_HOST=HOST_B).content.decode()
    assert a.news.title in feed_a and b.news.title not in feed_a
    assert b.news.title in feed_b and a.news.title not in feed_b
    sitemap_b = client.get("/sitemap.xml", HTTP_HOST=HOST_B).content.decode()
    assert b.news.slug in sitemap_b and a.news.slug not in sitemap_b


def test_robots_names_the_host_own_sitemap(client, offices):
    robots = client.get("/robots.txt", HTTP_HOST=HOST_B)
    assert robots.status_code == 200
    assert f"Sitemap: http://{HOST_B}/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


def test_office_details_are_kept_per_site(offices):
    a, b = offices
    OfficeSettings.objects.update_or_create(site=a.site, defaults={"name": "เทศบาลบ้านสวน"})
    OfficeSettings.objects.update_or_create(site=b.site, defaults={"name": "อบต.หนองบัว"})
    for _ in range(2):  # the second round comes from the cache
        assert OfficeSettings.for_site(a.site).name == "เทศบาลบ้านสวน"
        assert OfficeSettings.for_site(b.site).name == "อบต.หนองบัว"


def _archive(office):
    record = Office.objects.get(site=office.site)
    record.archived_at = timezone.now()
    record.province = "ขอนแก่น"
    record.save()


def test_archived_office_shows_a_bilingual_notice_and_refuses_submissions(client, offices):
    a, b = offices
    _archive(b)
    page = client.get(b.news.url_path.replace(b.home.url_path, "/th/"), HTTP_HOST=HOST_B)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ปิดรับเรื่องแล้ว" in text and "is archived" in text and "ขอนแก่น" in text
    assert "ปิดรับเรื่องแล้ว" not in client.get("/th/").content.decode()  # office A is not archived
    refused = client.post("/th/forms/1/step/", {"x": "1"}, HTTP_HOST=HOST_B)
    assert refused.status_code == 410
    assert "ปิดรับเรื่องแล้ว" in refused.content.decode()
    assert client.post("/open311/v2/requests.json", {"service_code": "x"}, HTTP_HOST=HOST_B).status_code == 410
    assert client.post("/th/forms/1/step/", {"x": "1"}).status_code != 410  # A still takes them
    # Residents still follow their requests, and staff still sign in.
    assert client.get("/t/NB-2569-00001", HTTP_HOST=HOST_B).status_code != 410
    assert client.post("/t/NB-2569-00001", {"x": "1"}, HTTP_HOST=HOST_B).status_code != 410
    assert client.post("/th/accounts/login/", {"username": "x"}, HTTP_HOST=HOST_B).status_code != 410
    client.force_login(b.editor)
    assert client.get("/admin/", HTTP_HOST=HOST_B).status_code == 200


def test_restoring_an_archived_office_removes_the_notice_at_once(client, offices):
    _a, b = offices
    _archive(b)
    assert "ปิดรับเรื่องแล้ว" in client.get("/th/", HTTP_HOST=HOST_B).content.decode()
    Office.objects.filter(site=b.site).update(archived_at=None)
    Office.objects.get(site=b.site).save()  # as the admin saves it: the signal clears the memo
    assert "ปิดรับเรื่องแล้ว" not in client.get("/th/", HTTP_HOST=HOST_B).content.decode()


def _queries_for_home(client):
    client.get("/th/?warm=1")  # fills the memo (site lookup, settings) for this content version
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/th/?q=1").status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_with_one_office_or_fifty(client, home_th):
    one = _queries_for_home(client)
    for number in range(49):
        Site.objects.create(hostname=f"office{number}.localhost", port=80, root_page=home_th, site_name=f"{number}")
    fifty = _queries_for_home(client)
    assert Site.objects.count() == 50
    assert fifty == one
