"""The anonymous page cache: a resident gets a kept page without a query, an editor's publish
shows at once, and nobody ever gets a page rendered for somebody else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from home.models import OfficeSettings
from tests.services import guides_fixtures as fx

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def guide(site, home_th, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    OfficeSettings.for_site(site)  # created on first use otherwise, which is itself a content change
    return fx.guide(fx.service_index(home_th))


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response


def test_second_anonymous_visit_is_served_without_a_query(client, guide, django_assert_num_queries):
    first = get(client, guide.url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(client, guide.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Headers added outside the cache are fresh on a kept page too.
    assert "Content-Security-Policy" in second and second["Content-Type"].startswith("text/html")


def test_publishing_a_change_shows_at_once(client, guide):
    get(client, guide.url)
    guide.title = "ขออนุญาตก่อสร้างอาคาร (ฉบับปรับปรุง)"
    guide.save_revision().publish()
    response = get(client, guide.url)
    assert response["X-Page-Cache"] == "miss"
    assert "<h1>ขออนุญาตก่อสร้างอาคาร (ฉบับปรับปรุง)</h1>" in response.content.decode()


def test_unpublishing_removes_the_kept_page(client, guide):
    get(client, guide.url)
    guide.unpublish()
    assert client.get(guide.url).status_code == 404


def test_a_site_setting_change_shows_in_the_footer_at_once(client, guide, site):
    get(client, guide.url)
    office = OfficeSettings.for_site(site)
    office.phone = "0 5399 9999"
    office.save()
    assert "0 5399 9999" in get(client, guide.url).content.decode()


def test_a_department_edit_shows_on_the_guide_at_once(client, site, home_th, settings, tmp_path):
    """Departments are snippets registered in wagtail_hooks.py, after the apps' ready(): an
    edit must still reach a guide anonymous visitors were served from the cache."""
    settings.MEDIA_ROOT = tmp_path
    OfficeSettings.for_site(site)
    unit = fx.department(site)
    page = fx.guide(fx.service_index(home_th), department=unit)
    assert "0 5312 3456" in get(client, page.url).content.decode()
    assert get(client, page.url)["X-Page-Cache"] == "hit"
    unit.phone = "0 5399 8888"
    unit.save()
    response = get(client, page.url)
    assert response["X-Page-Cache"] == "miss"
    assert "0 5399 8888" in response.content.decode()


def test_a_signed_in_officer_is_never_served_or_stored(client, guide, django_user_model):
    officer = django_user_model.objects.create_user("officer.cache", password="x" * 12, first_name="สมชาย")
    client.force_login(officer)
    assert "X-Page-Cache" not in get(client, guide.url)
    assert "X-Page-Cache" not in get(client, guide.url)
    client.logout()
    client.cookies.clear()
    assert get(client, guide.url)["X-Page-Cache"] == "miss"


def test_a_flash_message_cookie_bypasses_the_kept_page(client, guide):
    get(client, guide.url)
    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, "ส่งคำร้องแล้ว")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    assert "X-Page-Cache" not in get(client, guide.url)


def test_pages_with_a_query_are_not_kept(client, guide, home_th):
    search = f"{home_th.url}search/"
    assert "X-Page-Cache" not in get(client, search, data={"q": "ขยะ"})
    assert "X-Page-Cache" not in get(client, f"{guide.url}?print=1")


def test_a_broken_cache_costs_speed_not_the_page(client, guide, monkeypatch):
    get(client, guide.url)

    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    monkeypatch.setattr(caches["pages"], "get", broken)
    response = get(client, guide.url)
    assert "<h1>ขออนุญาตก่อสร้างอาคาร</h1>" in response.content.decode()


def test_a_publish_in_another_process_reaches_this_one(client, guide, settings, tmp_path):
    """On one machine without Redis the web workers and the task worker are separate processes:
    the versions live in the shared file cache, so a change made by another process (a scheduled
    publish in the worker, an editor on the other gunicorn worker) ends this process's copy."""
    cache_dir = tmp_path / "cache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(cache_dir)},
    }
    assert get(client, guide.url)["X-Page-Cache"] == "miss"
    assert get(client, guide.url)["X-Page-Cache"] == "hit"
    env = {**os.environ, "CACHE_DIR": str(cache_dir), "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    env.pop("REDIS_URL", None)
    code = "import django; django.setup(); from portal import pagecache; pagecache.invalidate(pagecache.CONTENT)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
    assert get(client, guide.url)["X-Page-Cache"] == "miss"


def test_a_page_with_a_form_token_is_rendered_for_each_visitor(client, site):
    for _ in range(2):
        response = get(client, "/th/accounts/login/")
        assert "csrfmiddlewaretoken" in response.content.decode() and "X-Page-Cache" not in response


def test_pages_that_are_rendered_every_time_still_spend_few_queries(
    client, guide, home_th, settings, django_assert_max_num_queries
):
    """With the page cache off (or for a visitor with a session) the Site, its root page and
    the view-restriction answer are still kept per content version."""
    settings.PAGE_CACHE_SECONDS = 0
    get(client, guide.url)
    get(client, home_th.url)
    with django_assert_max_num_queries(5):
        assert "X-Page-Cache" not in get(client, guide.url)
    with django_assert_max_num_queries(4):
        get(client, home_th.url)
