"""Behind nginx every request comes from nginx's address; per-address limits must count visitors."""

from django.http import HttpResponse
from django.test import RequestFactory

from portal.proxy import ForwardedForMiddleware


def seen_address(settings, remote, forwarded):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    ForwardedForMiddleware(lambda r: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


def test_the_visitor_address_comes_from_a_trusted_proxy_only(settings):
    assert seen_address(settings, "127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # A visitor's own X-Forwarded-For is skipped: the rightmost address not a proxy counts.
    assert seen_address(settings, "127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.5") == "203.0.113.7"
    # Straight from the internet: the header is the visitor's to invent, so it is ignored.
    assert seen_address(settings, "192.0.2.9", "203.0.113.7") == "192.0.2.9"
    assert seen_address(settings, "127.0.0.1", "not-an-address") == "127.0.0.1"
