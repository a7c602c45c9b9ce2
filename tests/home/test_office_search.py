"""Site search on one office's host finds that office's pages and forms only."""

import pytest
from django.core.management import call_command

from home.models import SearchEntry
from tests.portal.conftest import HOST_B, offices  # noqa: F401 - the two offices fixture

pytestmark = pytest.mark.django_db


def _results(client, query, **headers):
    return client.get("/th/search/", {"q": query}, **headers).content.decode()


def test_search_on_a_host_never_returns_another_office_pages(client, offices):  # noqa: F811
    a, b = offices
    on_a = _results(client, "ข่าวของ")
    on_b = _results(client, "ข่าวของ", HTTP_HOST=HOST_B)
    assert a.news.title in on_a and b.news.title not in on_a
    assert b.news.title in on_b and a.news.title not in on_b
    # Forms (documents) follow their collection's office.
    assert b.document.title in _results(client, "แบบฟอร์มของ", HTTP_HOST=HOST_B)
    assert b.document.title not in _results(client, "แบบฟอร์มของ")
    # A misspelt word is corrected only from the office's own words.
    assert "หนองบัว" not in _results(client, "หนองบวั")


def test_rebuild_puts_every_entry_with_its_office(offices):  # noqa: F811
    a, b = offices
    SearchEntry.objects.update(site=None)
    call_command("rebuild_portal_search", verbosity=0)
    assert SearchEntry.objects.get(page=b.news).site_id == b.site.pk
    assert SearchEntry.objects.get(page=a.news).site_id == a.site.pk
    assert SearchEntry.objects.get(document_id=b.document.pk).site_id == b.site.pk
    assert not SearchEntry.objects.filter(site__isnull=True).exists()
