"""Fixtures of the security tests: the case world of the services tests, TOTP helpers."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# The e-forms fixtures: residents' files in a temporary folder, the demo forms published on demand.
from tests.forms_builder.conftest import _private_media, form_index, make_form  # noqa: F401
from tests.services.cases.support import make_world


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def current_code(device):
    """The six digits an authenticator app would show now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def otp_required(settings):
    """Two-step sign-in on, as in production (the test settings switch it off)."""
    settings.OTP_REQUIRED = True
    return settings


@pytest.fixture
def otp_login():
    """Sign a user in with a confirmed TOTP device, as after the real verify step: force_login,
    then django-otp's own login() marks the session verified."""

    def login(client, user):
        from django.http import HttpRequest
        from django_otp import login as otp_login_

        device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        client.force_login(user)
        request = HttpRequest()
        request.session = client.session
        request.user = user
        otp_login_(request, device)
        request.session.save()
        return device

    return login


def denied(client, url, method="get", data=None):
    """Whether the admin refused this URL to the signed-in user without showing anything.

    Wagtail turns PermissionDenied into a redirect to the dashboard with a message, and a 404
    outside the language prefix becomes LocaleMiddleware's redirect to /th/... which then 404s.
    """
    response = getattr(client, method)(url, data or {})
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        location = response["Location"]
        if location == "/admin/":
            return True
        if location.startswith("/th/"):
            return client.get(location).status_code == 404
    return False
