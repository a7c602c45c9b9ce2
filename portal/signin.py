"""Sign-in limits (issue 16): wrong passwords counted per user name, per address and per pair,
each against its own limit; the page a locked-out person sees; password-reset mails throttled.

Why a handler of our own: django-axes counts failures for each set of AXES_LOCKOUT_PARAMETERS
(here the pair user name + address, the user name alone and the address alone) but compares
them all with one AXES_FAILURE_LIMIT. One limit cannot serve all three: 5 wrong passwords for a
user name from anywhere would let anyone lock a real officer out by typing their name five
times, and 20 for the pair would give a guesser four times more tries. `LockoutHandler` keeps
axes' counting, storage, reset command and admin, and only weighs each set against its own
limit (settings SIGN_IN_FAILURES_PER_USERNAME and SIGN_IN_FAILURES_PER_ADDRESS; the pair
keeps AXES_FAILURE_LIMIT).

Known browsers (OWASP's "device cookies"): a right password leaves a signed cookie naming that
account (keyed, not readable). A sign-in from a browser holding it for the user name being tried
is counted only per user name + address, so an attacker who keeps an officer's name paused
from many addresses never locks out the officer's own computer; a guesser has no such cookie.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.admin.forms.auth import PasswordResetForm

from portal.ratelimit import client_ip, hit

logger = logging.getLogger(__name__)

PASSWORD_RESET_WINDOW = 3600
PAIR = ["username", "ip_address"]
LOCKOUT_PARAMETERS = [PAIR, ["username"], ["ip_address"]]
TRUSTED_COOKIE = "signin_browser"
TRUSTED_SALT = "portal.signin.trusted-browser"
TRUSTED_DAYS = 90
TRUSTED_ACCOUNTS = 5  # a shared counter PC remembers its last few officers, not everyone


def _account_key(username):
    return salted_hmac(TRUSTED_SALT, (username or "").casefold()).hexdigest()[:20]


def _trusted_accounts(request):
    try:
        keys = signing.loads(request.COOKIES.get(TRUSTED_COOKIE, ""), salt=TRUSTED_SALT, max_age=TRUSTED_DAYS * 86400)
    except signing.BadSignature:
        return []
    return keys if isinstance(keys, list) else []


def lockout_parameters(request_or_attempt, credentials=None):
    """AXES_LOCKOUT_PARAMETERS: every set, unless this browser has signed in as this user name
    before (module docstring), when only the pair counts."""
    if isinstance(request_or_attempt, HttpRequest):
        username = get_client_username(request_or_attempt, credentials)
        if username and _account_key(username) in _trusted_accounts(request_or_attempt):
            return [PAIR]
    return LOCKOUT_PARAMETERS


class TrustedBrowserMiddleware:
    """Gives the browser of a right password the cookie `lockout_parameters` looks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "signin_trusted_username", None)
        if username:
            keys = [key for key in _trusted_accounts(request) if key != _account_key(username)]
            keys = [_account_key(username), *keys][:TRUSTED_ACCOUNTS]
            response.set_cookie(
                TRUSTED_COOKIE,
                signing.dumps(keys, salt=TRUSTED_SALT),
                max_age=TRUSTED_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _parameter_set(parameters):
    return frozenset([parameters] if isinstance(parameters, str) else parameters)


def failure_limit(parameters, request=None, credentials=None):
    """The wrong passwords one lockout parameter set (e.g. ["username"]) may collect within the
    cool-off before sign-in is paused for everything that matches it."""
    limits = {
        frozenset(["username"]): settings.SIGN_IN_FAILURES_PER_USERNAME,
        frozenset(["ip_address"]): settings.SIGN_IN_FAILURES_PER_ADDRESS,
    }
    return limits.get(_parameter_set(parameters), get_failure_limit(request, credentials))


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with one limit per lockout parameter set (module docstring)."""

    def _counts(self, request, credentials):
        """(failures within the cool-off, their latest time, limit) for each parameter set."""
        parameter_sets = get_lockout_parameters(request, credentials)
        for parameters, attempts in zip(parameter_sets, self.get_user_attempts(request, credentials), strict=True):
            totals = attempts.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
            yield totals["failures"] or 0, totals["latest"], failure_limit(parameters, request, credentials)

    def get_failures(self, request, credentials=None):
        """The failures of the set nearest its own limit, scaled to AXES_FAILURE_LIMIT: axes locks
        out when this reaches AXES_FAILURE_LIMIT, which happens exactly when one set reaches its
        own limit (failures * base // limit >= base  <=>  failures >= limit)."""
        base = get_failure_limit(request, credentials)
        return max(
            (failures * base // limit for failures, _latest, limit in self._counts(request, credentials)), default=0
        )

    def locked_until(self, request, credentials=None):
        """When sign-in opens again for this request, at the latest: the cool-off after the last
        counted failure of every set that is at its limit (failures during a lockout are not
        counted, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False, so this does not move)."""
        cool_off = get_cool_off(request)
        ends = [
            latest + cool_off
            for failures, latest, limit in self._counts(request, credentials)
            if failures >= limit and latest is not None
        ]
        return max(ends, default=None)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        request.signin_trusted_username = user.get_username()

    def reset_user_attempts(self, request, credentials=None):
        """A right password clears the failures against that account only (from every address),
        never the other accounts' failures from the same address: otherwise a guesser with an
        account of their own (a volunteer) would wipe the per-address count by signing in."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


def locked_out(request, original_response=None, credentials=None):
    """The page of a paused sign-in (AXES_LOCKOUT_CALLABLE): what happened and the time to try
    again, in the page's language, status 429."""
    until = LockoutHandler().locked_until(request, credentials) if hasattr(request, "axes_attempt_time") else None
    if until is None:
        until = timezone.now() + get_cool_off(request)
    context = {
        "until": timezone.localtime(until),
        "minutes": max(1, round((until - timezone.now()).total_seconds() / 60)),
    }
    return render(request, "portal/security/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Wagtail's password-reset form (WAGTAILADMIN_USER_PASSWORD_RESET_FORM) that sends at most
    PASSWORD_RESET_PER_ADDRESS_PER_HOUR requests' mails from one address and
    PASSWORD_RESET_PER_ACCOUNT_PER_HOUR mails to one account.

    Over a limit nothing is sent, and the page after it is the same "if an account has this
    address, a mail is on its way" as always: the answer never says whether an account exists
    nor that a limit was reached, so it cannot be used to find accounts or to flood an inbox.
    """

    def save(self, *args, request=None, **kwargs):
        address = client_ip(request) if request is not None else "unknown"
        if hit("password-reset-address", address, settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR, PASSWORD_RESET_WINDOW):
            logger.warning("password reset: too many requests from one address, none sent")
            return
        super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        for user in super().get_users(email):
            # The account's id keys the counter, not the typed address: no e-mail in the cache, and
            # "Officer@X" and "officer@x" are the same account.
            if hit(
                "password-reset-account", user.pk, settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR, PASSWORD_RESET_WINDOW
            ):
                logger.warning("password reset: too many mails for one account within the hour, none sent")
                continue
            yield user
