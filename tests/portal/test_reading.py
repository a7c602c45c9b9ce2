"""Reading options (larger text, high contrast): a plain form, a cookie, classes on <html>, and a
page cache that never serves one visitor's choice to another."""

import pytest

from home.models import OfficeSettings
from portal import reading
from tests.services import guides_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(site, home_th, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    OfficeSettings.for_site(site)
    return fx.guide(fx.service_index(home_th))


def html_tag(response):
    text = response.content.decode()
    start = text.index("<html")
    return text[start : text.index(">", start) + 1]


def test_choosing_larger_text_sets_the_cookie_and_goes_back(client, guide):
    response = client.post("/reading/", {"size": "large", "next": guide.url})
    assert response.status_code == 302 and response["Location"] == guide.url
    assert response.cookies[reading.COOKIE].value == "size-large"
    assert response.cookies[reading.COOKIE]["httponly"]
    page = client.get(guide.url)
    assert 'class="text-large"' in html_tag(page)
    assert 'name="size" value="large" aria-pressed="true"' in page.content.decode()


def test_the_other_option_is_kept_and_back_to_standard_removes_the_cookie(client, guide):
    client.post("/reading/", {"size": "large", "next": "/th/"})
    client.post("/reading/", {"contrast": "high", "next": "/th/"})
    assert 'class="text-large contrast-high"' in html_tag(client.get(guide.url))
    client.post("/reading/", {"size": "normal", "next": "/th/"})
    response = client.post("/reading/", {"contrast": "normal", "next": "/th/"})
    assert response.cookies[reading.COOKIE].value == ""  # deleted
    assert "class=" not in html_tag(client.get(guide.url))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/th/", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_next_outside_the_site_goes_home(client, target):
    response = client.post("/reading/", {"size": "large", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_post_from_another_site_changes_nothing(client):
    response = client.post("/reading/", {"size": "large", "next": "/th/"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 302 and reading.COOKIE not in response.cookies
    response = client.post("/reading/", {"size": "large", "next": "/th/"}, headers={"Origin": "https://evil.example"})
    assert reading.COOKIE not in response.cookies


def test_get_is_refused_and_made_up_values_are_ignored(client, guide):
    assert client.get("/reading/?size=large").status_code == 405
    response = client.post("/reading/", {"size": "<script>", "contrast": "huge", "next": "/th/"})
    assert reading.COOKIE not in response.cookies or response.cookies[reading.COOKIE].value == ""
    client.cookies[reading.COOKIE] = "size-enormous.x-y.<b>"
    assert "class=" not in html_tag(client.get(guide.url))


def test_page_cache_keeps_one_copy_per_choice_and_never_mixes_them(client, guide, django_assert_num_queries):
    plain = client.get(guide.url)
    assert plain["X-Page-Cache"] == "miss" and "class=" not in html_tag(plain)
    client.cookies[reading.COOKIE] = "size-large"
    large = client.get(guide.url)
    assert large["X-Page-Cache"] == "miss" and 'class="text-large"' in html_tag(large)
    with django_assert_num_queries(0):
        again = client.get(guide.url)
    assert again["X-Page-Cache"] == "hit" and 'class="text-large"' in html_tag(again)
    # Another visitor without the cookie gets the standard copy, a third with junk too.
    del client.cookies[reading.COOKIE]
    assert "class=" not in html_tag(client.get(guide.url))
    client.cookies[reading.COOKIE] = "garbage-value"
    junk = client.get(guide.url)
    assert junk["X-Page-Cache"] == "hit" and "class=" not in html_tag(junk)
    # The same choice written in another order is the same copy.
    client.cookies[reading.COOKIE] = "contrast-high.size-large"
    first = client.get(guide.url)
    client.cookies[reading.COOKIE] = "size-large.contrast-high"
    second = client.get(guide.url)
    assert second["X-Page-Cache"] == "hit" and first.content == second.content
    assert 'class="text-large contrast-high"' in html_tag(second)


def test_the_form_works_in_english_and_uses_no_csrf_token(client, home_en):
    page = client.get("/en/").content.decode()
    assert "Reading options" in page and "Larger text" in page and "High contrast" in page
    assert 'action="/reading/"' in page and 'name="next" value="/en/"' in page
    assert client.get("/en/")["X-Page-Cache"] == "hit"  # the form did not make the page uncacheable
