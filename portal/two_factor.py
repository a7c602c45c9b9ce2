"""Mandatory TOTP two-factor login for staff who can see residents' cases (issue 9).

Built on django-otp (TOTPDevice, its throttling and its session flag) rather than wagtail-2fa:
wagtail-2fa installs next to Wagtail 8 but was released for Wagtail 7 and asks every admin
user for a second factor; here the rule is narrower and ours — whoever can open a case file
(superusers, the "Case officers" group, members of a department, holders of a case
permission) — and it must leave editors who only write news alone.

Flow: the Wagtail login (password, throttled by django-axes) signs the officer in; the
middleware below then sends every admin request to /<admin>/2fa/verify/ (or /2fa/setup/ the
first time, with a QR code for an authenticator app) until a token is accepted, after which
django-otp marks the session as verified.

`settings.OTP_REQUIRED` (environment `OTP_REQUIRED`, default on) turns the requirement off:
the test settings do, so the other rooms' tests can keep using `client.force_login`; the
tests in tests/security switch it on.
"""

import base64
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import qr
from portal.security import is_page_request, page_url_or_none

CASE_OFFICERS_GROUP = "Case officers"
CASE_PERMISSIONS = (
    "cases.view_all_cases",
    "cases.change_case",
    "cases.view_case",
    "privacy.handle_personal_data",
)


def needs_second_factor(user):
    """Whether this user can see residents' personal data in cases and so must use TOTP."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.groups.filter(name=CASE_OFFICERS_GROUP).exists():
        return True
    if any(user.has_perm(perm) for perm in CASE_PERMISSIONS):
        return True
    return user.departments.exists() if hasattr(user, "departments") else False


def _exempt(path):
    admin = f"/{settings.ADMIN_PATH}/"
    exempt = (
        f"{admin}2fa/",
        f"{admin}login/",
        f"{admin}sprite/",  # the admin's icons, which Wagtail serves to anyone (the login page too)
        f"{admin}logout/",
        f"{admin}jsi18n/",
        settings.STATIC_URL,
    )
    return path.startswith(exempt) or path.endswith("/accounts/logout/")


class OTPRequiredMiddleware:
    """Sends signed-in staff who need a second factor, and have not given it in this session,
    to the verify (or first-time setup) page. Must come after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "OTP_REQUIRED", True):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not user.is_verified()
                and not _exempt(request.path)
                and needs_second_factor(user)
            ):
                page = is_page_request(request)
                if not page and request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
                    # A script's fetch or an asset must not get the verify page as its answer:
                    # Wagtail pastes what its icon "sprite" URL returns into every admin page.
                    return HttpResponseForbidden()
                has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                target = reverse("otp_verify" if has_device else "otp_setup")
                # Only a page is worth coming back to after the code; a form's POST is not.
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}" if page else target)
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code is six digits."))
        return token


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next")
    return page_url_or_none(request, target) or reverse("wagtailadmin_home")


def _qr_data_uri(text):
    """The secret's QR as an <img> source: the page's admin CSP allows data: images."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr.svg(text, box_size=8).encode()).decode()


def setup(request):
    """First sign-in of an officer: show a new secret as a QR code and confirm it with a code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app")), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right or has expired. Try the code now shown in the app."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    return render(request, "portal/security/otp_setup.html", context, status=400 if form.errors else 200)


def verify(request):
    """Every sign-in after the first: a six-digit code from the officer's app."""
    user = request.user
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        else:
            form.add_error("token", _("That code is not right or has expired. Try the code now shown in the app."))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "portal/security/otp_verify.html", context, status=400 if form.errors else 200)
