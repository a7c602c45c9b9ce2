"""LINE Login in the tests: the portal pointed at the fake LINE platform (tests/line_platform.py)
and a resident signing in through it with the test client, as a browser would (the authorize
step is the platform's own `login`, which hands back the code LINE would).

Import `line_fixture` into a test module to get the `line` fixture."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.line_platform import LOGIN_CHANNEL_ID, LOGIN_SECRET, LinePlatform, user_id

AUTHORIZE_URL = "https://access.line.me/oauth2/v2.1/authorize"


@pytest.fixture(name="line")
def line_fixture(settings):
    """The fake LINE platform, with the portal's LINE Login settings pointed at it."""
    platform = LinePlatform()
    settings.LINE_API_URL = platform.url
    settings.LINE_LOGIN_CHANNEL_ID = LOGIN_CHANNEL_ID
    settings.LINE_LOGIN_CHANNEL_SECRET = LOGIN_SECRET
    settings.LINE_LOGIN_AUTHORIZE_URL = AUTHORIZE_URL
    yield platform
    platform.close()


def authorize_query(response):
    """The query LINE's authorize page was sent, from the portal's redirect."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def sign_in(client, platform, next_path="/", sub=None, name="สมชาย LINE", start=None):
    """Start LINE Login (`start`: the URL that leads there, default /line/login/?next=...), let
    LINE hand back a code for `sub` and follow the callback; returns the callback's response."""
    sub = sub or user_id(1)
    response = client.get(start or "/line/login/", {"next": next_path} if start is None else None)
    while response.status_code == 302 and not response["Location"].startswith(AUTHORIZE_URL):
        response = client.get(response["Location"])
    query = authorize_query(response)
    code = platform.login(sub, name=name, nonce=query["nonce"])
    return client.get("/line/login/callback/", {"code": code, "state": query["state"]})
