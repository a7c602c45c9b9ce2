"""Fixtures every room's tests share: the default site and its two home pages, the demo
municipality, a clean cache, and (in tests/browser.py) Playwright on the machine's Chromium.

Transactional tests (threads, real commits) flush the database when they end; they are all
marked for serialized rollback so the migrations' own rows (locales, home pages, site,
Wagtail's groups) are back for whatever runs next.
"""

import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from wagtail.models import Locale, Site

pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            # Prepend: pytest-django reads the closest (first) django_db marker.
            item.own_markers.insert(0, pytest.mark.django_db(**marker.kwargs, serialized_rollback=True).mark)


@pytest.fixture(autouse=True)
def _clean_cache():
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


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
    call_command("load_demo", stdout=io.StringIO())
