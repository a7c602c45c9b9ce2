"""LINE Login for the web (issue 19): the LINE user is kept in the session only after LINE's own
verify endpoint confirmed the ID token for this channel and this session's nonce; state, next
and LINE's failures are handled with a page that says what happened, never a 500."""

import socket

import pytest
from django.test import Client

from portal import line_login
from tests.line_platform import LOGIN_CHANNEL_ID, user_id
from tests.portal.line_support import authorize_query, line_fixture, sign_in  # noqa: F401 - the `line` fixture

pytestmark = pytest.mark.django_db

FORM = "/th/forms/complaint-form/?step=what"


def oauth_calls(platform, endpoint):
    return [r for r in platform.requests if r["path"] == f"/oauth2/v2.1/{endpoint}"]


def test_login_goes_to_line_with_a_fresh_state_and_nonce(client, line):
    first = authorize_query(client.get("/line/login/", {"next": FORM}))
    second = authorize_query(client.get("/line/login/", {"next": FORM}))

    assert first["response_type"] == "code" and first["client_id"] == LOGIN_CHANNEL_ID
    assert first["redirect_uri"] == "http://testserver/line/login/callback/"
    assert first["scope"] == "openid profile"
    assert len(first["state"]) >= 32 and len(first["nonce"]) >= 32
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]


def test_happy_path_keeps_the_verified_line_user_and_returns_to_the_form(client, line):
    response = sign_in(client, line, FORM, sub=user_id(7), name="มานี LINE")

    assert response.status_code == 302 and response["Location"] == FORM
    kept = client.session[line_login.SESSION_KEY]
    assert kept["sub"] == user_id(7) and kept["name"] == "มานี LINE"
    (verify,) = oauth_calls(line, "verify")
    assert verify["form"]["client_id"] == LOGIN_CHANNEL_ID and verify["form"]["nonce"]
    (token,) = oauth_calls(line, "token")
    assert token["form"]["redirect_uri"] == "http://testserver/line/login/callback/"


def test_a_state_this_browser_did_not_start_is_refused_and_nothing_is_exchanged(client, line):
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    code = line.login(user_id(2), nonce=query["nonce"])

    response = client.get("/line/login/callback/", {"code": code, "state": "x" * 32})

    assert response.status_code == 400
    assert "ไม่สามารถจับคู่" in response.content.decode()  # "could not be matched to this browser"
    assert line_login.SESSION_KEY not in client.session
    assert not oauth_calls(line, "token")


def test_another_browsers_callback_does_not_sign_this_one_in(client, line):
    """Login CSRF: an attacker's own code and state, planted in a victim's browser."""
    attacker = Client()
    query = authorize_query(attacker.get("/line/login/", {"next": "/"}))
    code = line.login(user_id(66), nonce=query["nonce"])
    client.get("/line/login/", {"next": "/"})

    response = client.get("/line/login/callback/", {"code": code, "state": query["state"]})

    assert response.status_code == 400 and line_login.SESSION_KEY not in client.session


def test_a_state_works_once(client, line):
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    code = line.login(user_id(3), nonce=query["nonce"])
    assert client.get("/line/login/callback/", {"code": code, "state": query["state"]}).status_code == 302
    client.session.pop(line_login.SESSION_KEY)

    again = client.get("/line/login/callback/", {"code": code, "state": query["state"]})

    assert again.status_code == 400


def test_an_id_token_lines_verify_refuses_signs_no_one_in(client, line):
    """A code whose ID token carries another nonce (a replayed token): LINE's verify says 400."""
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    code = line.login(user_id(4), nonce="someone-elses-nonce")

    response = client.get("/line/login/callback/", {"code": code, "state": query["state"]})

    assert response.status_code == 400
    assert len(oauth_calls(line, "verify")) == 1
    assert "LINE ยืนยันการเข้าสู่ระบบนี้ไม่ได้" in response.content.decode()
    assert line_login.SESSION_KEY not in client.session
    assert f'href="{FORM}"' in response.content.decode().replace("&amp;", "&")  # back where they were


def test_a_code_line_refuses_signs_no_one_in(client, line):
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    response = client.get("/line/login/callback/", {"code": "made-up", "state": query["state"]})
    assert response.status_code == 400 and line_login.SESSION_KEY not in client.session
    assert not oauth_calls(line, "verify")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/th/\nLocation: https://evil.example/",
        "",
    ],
)
def test_next_is_only_ever_a_path_on_this_site(client, line, target):
    response = sign_in(client, line, target)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[line_login.SESSION_KEY]["sub"] == user_id(1)


def test_cancel_on_lines_page_says_so_and_leads_back(client, line):
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    response = client.get(
        "/line/login/callback/",
        {"error": "access_denied", "error_description": "The user has denied.", "state": query["state"]},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "คุณไม่ได้เข้าสู่ระบบด้วย LINE" in html
    assert f'href="{FORM}"' in html.replace("&amp;", "&")
    assert line_login.SESSION_KEY not in client.session


def test_line_down_gives_a_message_not_a_500(client, line, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.LINE_API_URL = f"http://127.0.0.1:{port}"  # nothing listens there
    query = authorize_query(client.get("/line/login/", {"next": FORM}))

    response = client.get("/line/login/callback/", {"code": "abc", "state": query["state"]})

    assert response.status_code == 503
    assert "LINE ไม่ตอบสนอง" in response.content.decode()
    assert line_login.SESSION_KEY not in client.session


def test_line_too_slow_gives_a_message_not_a_500(client, line, settings, monkeypatch):
    silent = socket.socket()  # accepts connections (the backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    monkeypatch.setattr(line_login, "TIMEOUT", (1, 1))
    settings.LINE_API_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        query = authorize_query(client.get("/line/login/", {"next": FORM}))
        response = client.get("/line/login/callback/", {"code": "abc", "state": query["state"]})
    finally:
        silent.close()
    assert response.status_code == 503 and line_login.SESSION_KEY not in client.session


def test_line_answering_an_error_gives_a_message_not_a_500(client, line):
    line.answer("/oauth2/v2.1/token", 500, body={"error": "server_error"})
    query = authorize_query(client.get("/line/login/", {"next": FORM}))
    code = line.login(user_id(5), nonce=query["nonce"])
    response = client.get("/line/login/callback/", {"code": code, "state": query["state"]})
    assert response.status_code == 400 and line_login.SESSION_KEY not in client.session


def test_hostile_callback_input_never_gives_a_500(client, line):
    authorize_query(client.get("/line/login/", {"next": FORM}))
    for query in ("", "state=", "state=%00%00&code=%ED%A0%80", "state=%FF&code=%FF", f"state={'a' * 5000}&code=b"):
        assert client.get(f"/line/login/callback/?{query}").status_code == 400


def test_stop_using_line_forgets_the_line_user(client, line):
    sign_in(client, line, FORM)
    response = client.post("/line/logout/", {"next": FORM})
    assert response.status_code == 302 and response["Location"] == FORM
    assert line_login.SESSION_KEY not in client.session
    assert client.post("/line/logout/", {"next": "https://evil.example/"})["Location"] == "/"


def test_the_line_user_is_forgotten_when_lines_token_expires(client, line, rf):
    sign_in(client, line, FORM)
    request = rf.get("/")
    request.session = client.session
    assert line_login.verified_line_user(request)["sub"] == user_id(1)
    request.session[line_login.SESSION_KEY]["until"] = 0
    assert line_login.verified_line_user(request) is None


def test_without_a_login_channel_an_old_link_leads_back_without_line(client, line, settings):
    settings.LINE_LOGIN_CHANNEL_ID = ""
    assert client.get("/line/login/", {"next": FORM})["Location"] == FORM
    assert client.get("/line/login/callback/", {"code": "a", "state": "b"})["Location"] == "/"
    assert not line.requests and line_login.SESSION_KEY not in client.session
