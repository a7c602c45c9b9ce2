"""Fixtures every room's tests share: the default site and its two home pages, a clean cache,
and (in tests/browser.py) Playwright on the machine's Chromium."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Locale, Site

pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_th(site):
    return site.root_page.specific


@pytest.fixture
def home_en(home_th):
    return home_th.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def demo(db):
    """The demo municipality, as `make run` loads it."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
