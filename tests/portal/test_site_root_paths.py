"""Links on an install of many offices: the portal's indexed lookup of which sites a page lies
under (portal.pages.relevant_site_root_paths, installed over Wagtail's scan) gives Wagtail's own
answer for every page — plain and specific, Thai and English, a site nested inside another's tree
and one at the tree root — so every link and canonical URL stays what Wagtail would make."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site

from home.models import StandardPage
from portal.pages import relevant_site_root_paths
from tests.factories import NewsIndexPageFactory, NewsPageFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    first, second = OfficeFactory(), OfficeFactory()
    news = NewsIndexPageFactory(parent=first.home_th)
    NewsPageFactory(parent=news)
    # A site rooted inside another office's tree: its pages lie under both.
    inner = first.home_th.add_child(instance=StandardPage(title="ตลาด", slug="market"))
    inner.save_revision().publish()
    Site.objects.create(hostname="market.localhost", port=80, root_page=inner, site_name="ตลาด")
    inner.add_child(instance=StandardPage(title="แผงค้า", slug="stalls")).save_revision().publish()
    return first, second


def test_every_page_lies_under_the_sites_wagtail_names(offices):
    request = RequestFactory().get("/", HTTP_HOST="market.localhost")
    pages = list(Page.objects.all()) + [page.specific for page in Page.objects.all()]
    nested = 0
    for page in pages:
        wagtail = Page._wagtail_relevant_site_root_paths(page, request)
        assert relevant_site_root_paths(page, request) == wagtail, page.url_path
        assert relevant_site_root_paths(page) == Page._wagtail_relevant_site_root_paths(page), page.url_path
        nested += len({root.site_id for root in wagtail}) > 1
    assert nested >= 4  # the market's pages, in plain and specific form, lie under two sites


def test_a_site_at_the_tree_root_holds_every_page(offices):
    root = Page.get_first_root_node()
    Site.objects.create(hostname="everything.localhost", port=80, root_page=root, site_name="ทั้งหมด")
    for page in Page.objects.all():
        answer = relevant_site_root_paths(page)
        assert answer == Page._wagtail_relevant_site_root_paths(page)
        assert answer[-1].root_path == "/"  # the least specific, last, as in Wagtail


def test_links_are_the_ones_wagtail_builds(offices, monkeypatch):
    first, second = offices
    hosts = (first.site.hostname, second.site.hostname, "market.localhost")
    requests = [RequestFactory().get("/", HTTP_HOST=host) for host in hosts]

    def links():
        pages = Page.objects.specific()
        return [(page.get_url(request), page.get_full_url(request)) for request in requests for page in pages]

    ours = links()
    monkeypatch.setattr(Page, "_get_relevant_site_root_paths", Page._wagtail_relevant_site_root_paths)
    monkeypatch.setattr(Page, "_get_site_root_paths", Page._wagtail_site_root_paths)
    monkeypatch.setattr(Page, "get_url", Page._wagtail_get_url)
    assert ours == links()
    assert second.home_en.get_url(requests[1]) == "/en/"
    assert first.home_en.get_url(requests[1]) == f"http://{first.site.hostname}/en/"
    stalls = Page.objects.get(slug="stalls")
    # On the market's own host its own root wins; elsewhere too, as the most specific root.
    assert stalls.get_url(requests[2]) == "/th/stalls/"
    assert stalls.get_full_url() == "http://market.localhost/th/stalls/"


def test_a_new_office_is_linked_at_once_and_links_stay_local_on_one_site(offices):
    """The root paths are kept per process for a content version: adding a site is a content
    change, so the very next link knows it; and with a single site, links stay relative."""
    first, second = offices
    request = RequestFactory().get("/", HTTP_HOST=first.site.hostname)
    assert second.home_th.get_url(request) == f"http://{second.site.hostname}/th/"
    third = OfficeFactory()
    request = RequestFactory().get("/", HTTP_HOST=first.site.hostname)
    assert third.home_th.get_url(request) == f"http://{third.site.hostname}/th/"
    Site.objects.exclude(pk=first.site.pk).delete()
    assert second.home_th.get_url() is None  # no longer under any site
    assert first.home_en.get_url() == "/en/"  # the only site: a local link, with no request
