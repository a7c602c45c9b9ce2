"""LINE Login for the public site (OpenID Connect): who the resident is on LINE, verified by LINE.

A resident who chooses "Continue with LINE" on a form, or "Get updates in LINE" on a tracking
page, is sent to LINE's authorize page and comes back to `/line/login/callback/` with a code. The
code is exchanged for an ID token at LINE's token endpoint, and the token is checked by LINE's
own verify endpoint against this channel and the nonce this session sent, so no signature code
of ours can get it wrong. Only then is the LINE user ID (`sub`) kept in the session, with the
display name to show back ("updates will go to LINE as ...") and the token's expiry: the rooms
read it through `verified_line_user` and never from anything a person typed.

The identity lasts as long as LINE's ID token (an hour at most), so a shared computer does not
hand the next resident's updates to the last one's LINE; "Stop using LINE" forgets it at once.

State and nonce are random per attempt and kept in the session (a few at a time, for two tabs);
`next` is kept with them and only ever a path on this site, so the flow cannot be turned into an
open redirect. LINE refusing, a wrong state, LINE down or slow: a page that says so, never a 500.
LINE is never required: without LINE_LOGIN_CHANNEL_ID the links are not shown and an old link
leads back to where it came from.
"""

import logging
import secrets
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger(__name__)

SESSION_KEY = "line_login"  # {"sub", "name", "at", "until"}: the verified LINE user, read by the rooms
PENDING_KEY = "line_login_pending"  # {state: {"nonce", "next", "at"}} of attempts under way
PENDING_MAX = 5  # attempts kept at once (tabs); older ones are dropped
PENDING_SECONDS = 600  # a resident who takes longer on LINE's page starts again
KEEP_SECONDS = 3600  # at most, whatever the token says: LINE's ID tokens live an hour
TIMEOUT = (5, 10)  # (connect, read) seconds for LINE's token and verify endpoints


def enabled():
    """LINE Login is offered only when the office configured a Login channel."""
    return bool(settings.LINE_LOGIN_CHANNEL_ID and settings.LINE_LOGIN_CHANNEL_SECRET)


def verified_line_user(request):
    """{"sub", "name", "at"} of the LINE user this session proved it is (`at`: when, as a Unix
    time), or None (not signed in with LINE, LINE Login not configured, or the proof expired)."""
    found = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not found or not enabled():
        return None
    if found.get("until", 0) < time.time():
        return None
    return {"sub": found["sub"], "name": found.get("name", ""), "at": found.get("at", 0)}


def forget(request):
    """Stop using LINE in this session (the rooms' own links stay as they are)."""
    request.session.pop(SESSION_KEY, None)


def safe_next(value, default="/"):
    """`value` if it is a path on this site (not //host, not a scheme, no control characters),
    else `default`: LINE sends the resident back here, never anywhere else."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
        or len(value) > 1000
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=set())
    ):
        return default
    return value


def login_url(next_path):
    """The link that starts LINE Login and comes back to `next_path`."""
    return reverse("line_login") + "?" + urlencode({"next": next_path})


def callback_url(request):
    """The redirect URI on the host the resident is on (each office's host is registered with the
    Login channel); LINE compares it exactly, at authorize and at token exchange."""
    return request.build_absolute_uri(reverse("line_login_callback"))


def _problem(request, message, next_path, status=400):
    response = render(request, "portal/line_login.html", {"message": message, "next_path": next_path}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def login(request):
    """/line/login/?next=<path>: to LINE's authorize page with a fresh state and nonce."""
    next_path = safe_next(request.GET.get("next"))
    if not enabled():
        return HttpResponseRedirect(next_path)  # an old link: LINE is optional, carry on without it
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    now = time.time()
    pending = {
        key: value
        for key, value in (request.session.get(PENDING_KEY) or {}).items()
        if now - value.get("at", 0) < PENDING_SECONDS
    }
    kept = sorted(pending.items(), key=lambda item: item[1]["at"])[-(PENDING_MAX - 1) :]
    request.session[PENDING_KEY] = {**dict(kept), state: {"nonce": nonce, "next": next_path, "at": now}}
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.LINE_LOGIN_CHANNEL_ID,
            "redirect_uri": callback_url(request),
            "state": state,
            "nonce": nonce,
            "scope": "openid profile",
        }
    )
    return HttpResponseRedirect(f"{settings.LINE_LOGIN_AUTHORIZE_URL}?{query}")


def _line(endpoint, data):
    """POST to LINE's OAuth endpoint; (status, JSON body or {}). Raises requests.RequestException."""
    response = requests.post(f"{settings.LINE_API_URL.rstrip('/')}/oauth2/v2.1/{endpoint}", data=data, timeout=TIMEOUT)
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


def verify(code, redirect_uri, nonce):
    """The claims of the ID token `code` yields, verified by LINE for this channel and `nonce`;
    None when LINE refuses the code or the token. Raises requests.RequestException when LINE
    cannot be reached."""
    status, token = _line(
        "token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": settings.LINE_LOGIN_CHANNEL_ID,
            "client_secret": settings.LINE_LOGIN_CHANNEL_SECRET,
        },
    )
    id_token = token.get("id_token") if status == 200 else None
    if not isinstance(id_token, str) or not id_token:
        logger.info("LINE Login: token endpoint refused the code (%s %s)", status, token.get("error", ""))
        return None
    status, claims = _line(
        "verify", {"id_token": id_token, "client_id": settings.LINE_LOGIN_CHANNEL_ID, "nonce": nonce}
    )
    if status != 200:
        logger.info("LINE Login: verify refused the ID token (%s %s)", status, claims.get("error", ""))
        return None
    # LINE checked signature, expiry, audience and nonce; these restate what we rely on.
    sub = claims.get("sub")
    if (
        not isinstance(sub, str)
        or not sub.startswith("U")
        or len(sub) > 33
        or str(claims.get("aud")) != str(settings.LINE_LOGIN_CHANNEL_ID)
        or claims.get("nonce") != nonce
    ):
        logger.warning("LINE Login: verified claims do not match this channel or nonce")
        return None
    return claims


@never_cache
@require_GET
def callback(request):
    """/line/login/callback/: LINE's answer. Checks state, exchanges and verifies, keeps the LINE
    user in the session and goes back to `next`."""
    if not enabled():
        return HttpResponseRedirect("/")
    pending = request.session.get(PENDING_KEY) or {}
    state = request.GET.get("state", "")
    attempt = pending.get(state) if isinstance(state, str) and state else None
    if attempt is not None:
        # Each state works once, whatever happens next.
        request.session[PENDING_KEY] = {key: value for key, value in pending.items() if key != state}
    if attempt is None or time.time() - attempt.get("at", 0) > PENDING_SECONDS:
        return _problem(
            request,
            _("This LINE sign-in could not be matched to this browser, or it took too long. Please try again."),
            attempt["next"] if attempt else "/",
        )
    next_path = attempt["next"]
    if request.GET.get("error") or not request.GET.get("code"):
        # The resident pressed Cancel on LINE's page (error=access_denied), or LINE said no.
        return _problem(
            request,
            _("You did not sign in with LINE. Nothing has changed: you can carry on without LINE."),
            next_path,
            status=200,
        )
    try:
        claims = verify(request.GET["code"], callback_url(request), attempt["nonce"])
    except requests.RequestException as error:
        logger.warning("LINE Login: LINE could not be reached: %s", error)
        return _problem(
            request,
            _("LINE is not answering just now. Please try again later; you can carry on without LINE."),
            next_path,
            status=503,
        )
    if claims is None:
        return _problem(
            request,
            _("LINE could not confirm this sign-in. Please try again; you can carry on without LINE."),
            next_path,
        )
    until = time.time() + KEEP_SECONDS
    if isinstance(claims.get("exp"), int | float):
        until = min(until, float(claims["exp"]))
    # A new session key: a session id planted before the sign-in cannot ride on it.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "sub": claims["sub"],
        "name": str(claims.get("name") or "")[:100],
        "at": time.time(),
        "until": until,
    }
    return HttpResponseRedirect(next_path)


@never_cache
@require_POST
def logout(request):
    """/line/logout/ (POST, from "Stop using LINE"): forget the LINE user of this session."""
    forget(request)
    return HttpResponseRedirect(safe_next(request.POST.get("next")))


urlpatterns = [
    path("login/", login, name="line_login"),
    path("login/callback/", callback, name="line_login_callback"),
    path("logout/", logout, name="line_logout"),
]
