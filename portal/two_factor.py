"""Mandatory TOTP two-factor login for staff who can see residents' cases (issue 9) or change
what the public site shows (issue 16: a defaced municipal site is the risk), with backup codes.

Built on django-otp (TOTPDevice, its throttling and its session flag) rather than wagtail-2fa:
wagtail-2fa installs next to Wagtail 8 but was released for Wagtail 7 and asks every admin
user for a second factor; here the rule is ours — whoever can open a case file (superusers,
the "Case officers" group, members of a department, holders of a case permission) or can
change the public site (with access to the admin: any page permission — editors,
moderators —, image or document collection permissions, or an add/change/delete/publish
permission). An admin user who can only look (e.g. reports) is not asked.

Backup codes are django-otp's static device: ten one-time ten-digit codes, shown once when
the authenticator is set up and again whenever the officer makes new ones from their account
page; each is accepted once at the verify step in place of the app's code, so a lost phone
does not need someone with a shell (`manage.py reset_two_factor` remains for when the codes
are lost too).

Flow: the Wagtail login (password, throttled by django-axes) signs the officer in; the
middleware below then sends every admin request to /<admin>/2fa/verify/ (or /2fa/setup/ the
first time, with a QR code for an authenticator app) until a token is accepted, after which
django-otp marks the session as verified.

`settings.OTP_REQUIRED` (environment `OTP_REQUIRED`, default on) turns the requirement off:
the test settings do, so the other rooms' tests can keep using `client.force_login`; the
tests in tests/security switch it on.
"""

import base64
import re
import secrets
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from portal import qr
from portal.security import is_page_request, page_url_or_none
from portal.typed_text import DigitsTextField

CASE_OFFICERS_GROUP = "Case officers"
CASE_PERMISSIONS = (
    "cases.view_all_cases",
    "cases.change_case",
    "cases.view_case",
    "privacy.handle_personal_data",
)
# Model permissions that change something (a snippet, a setting, a user) rather than only look.
WRITE_ACTIONS = ("add_", "change_", "delete_", "publish_")
BACKUP_CODE_COUNT = 10
BACKUP_CODE_DIGITS = 10
BACKUP_DEVICE_NAME = "Backup codes"


def needs_second_factor(user):
    """Whether this user can see residents' personal data in cases, or change the public site,
    and so must use TOTP."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.groups.filter(name=CASE_OFFICERS_GROUP).exists():
        return True
    if any(user.has_perm(perm) for perm in CASE_PERMISSIONS):
        return True
    if hasattr(user, "departments") and user.departments.exists():
        return True
    return can_change_public_site(user)


def can_change_public_site(user):
    """Whether the user can change what visitors see: a page permission of any kind on any page
    (editing a draft of the home page is one click from publishing it for a moderator), an image
    or document collection permission (uploads are public at once), or, with access to the
    admin, a permission to add, change, delete or publish anything (snippets, site settings).

    Without access to the admin none of these can be used (and volunteers browsing the public
    site, for whom the middleware asks on every request, cost no query more: their permissions
    are already loaded)."""
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    if any(perm.split(".", 1)[1].startswith(WRITE_ACTIONS) for perm in user.get_all_permissions()):
        return True
    return (
        GroupPagePermission.objects.filter(group__user=user).exists()
        or GroupCollectionPermission.objects.filter(group__user=user).exists()
    )


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
                target = reverse("otp_verify" if has_second_factor(user) else "otp_setup")
                # Only a page is worth coming back to after the code; a form's POST is not.
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}" if page else target)
        return self.get_response(request)


def _code(value):
    """A typed code without the spaces or dashes apps and paper put in it ("123 456" is 123456,
    "12345-67890" a backup code); DigitsTextField has already made Thai digits ASCII."""
    return re.sub(r"[\s\-]", "", value or "")


def has_second_factor(user):
    """Whether the user has something to give at the verify step: an authenticator app, or
    backup codes left (after replacing a lost phone's app, until the new one is confirmed).
    Whoever has neither sets one up: with backup codes left, only after giving one, so a
    password alone can never enrol a new app."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


class TokenForm(forms.Form):
    """The six digits of the authenticator app (setup confirms the app, so only those)."""

    backup_allowed = False
    token = DigitsTextField(
        label=_("Six-digit code from your authenticator app"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        token = _code(self.cleaned_data["token"])
        lengths = (6, BACKUP_CODE_DIGITS) if self.backup_allowed else (6,)
        if not token.isdigit() or len(token) not in lengths:
            if self.backup_allowed:
                raise forms.ValidationError(_("Type the six digits the app shows, or a ten-digit backup code."))
            raise forms.ValidationError(_("The code is six digits."))
        return token


class VerifyForm(TokenForm):
    """The app's six digits or, when the phone is lost, one of the ten-digit backup codes."""

    backup_allowed = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].label = _("Six-digit code from your authenticator app, or a backup code")


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next")
    return page_url_or_none(request, target) or reverse("wagtailadmin_home")


def _qr_data_uri(text):
    """The secret's QR as an <img> source: the page's admin CSP allows data: images."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr.svg(text, box_size=8).encode()).decode()


def setup(request):
    """First sign-in of an officer: show a new secret as a QR code and confirm it with a code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() or (
        not user.is_verified() and has_second_factor(user)
    ):
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
            return _show_backup_codes(request, new_backup_codes(user), first_time=True)
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
    """Every sign-in after the first: a six-digit code from the officer's app, or one of their
    backup codes."""
    user = request.user
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not has_second_factor(user):
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if len(token) == BACKUP_CODE_DIGITS:
            devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
        for device in devices:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
                break
            if _verify(device, token):
                otp_login(request, device)
                return redirect(_next_url(request))
        else:
            if len(token) == BACKUP_CODE_DIGITS:
                form.add_error("token", _("That backup code is not right or has already been used."))
            else:
                form.add_error("token", _("That code is not right or has expired. Try the code now shown in the app."))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "portal/security/otp_verify.html", context, status=400 if form.errors else 200)


def _verify(device, token):
    """The device's own check, except for backup codes: django-otp's StaticDevice finds the code
    and then deletes it, so two requests at once could both sign in with one code. Here the
    DELETE itself decides: only the request that removed the row gets in."""
    if not isinstance(device, StaticDevice):
        return device.verify_token(token)
    used, _deleted = device.token_set.filter(token=token).delete()
    if used:
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        return True
    device.throttle_increment()
    return False


def new_backup_codes(user):
    """Ten new one-time codes for the user, replacing any earlier ones (which stop working)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**BACKUP_CODE_DIGITS):0{BACKUP_CODE_DIGITS}d}" for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _show_backup_codes(request, codes, first_time=False):
    half = BACKUP_CODE_DIGITS // 2
    context = {
        "codes": [f"{code[:half]} {code[half:]}" for code in codes],
        "first_time": first_time,
        "next": _next_url(request),
    }
    response = render(request, "portal/security/otp_backup_codes.html", context)
    response["Cache-Control"] = "no-store"  # the codes are shown once: never from a cache
    return response


@never_cache
def backup_codes(request):
    """The account page's "Backup codes": how many are left, and (POST) ten new ones, shown once;
    or, after signing in with a backup code because the phone is lost, a new authenticator app in
    place of the old one."""
    user = request.user
    if not user.is_verified():
        # Only someone who has just given a second factor may see or replace the codes.
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.path})}")
    if request.method == "POST" and request.POST.get("action") == "replace-app":
        # The phone is lost: the old app's secret stops working and the next page sets up a new one.
        TOTPDevice.objects.filter(user=user).delete()
        return redirect("otp_setup")
    if request.method == "POST":
        return _show_backup_codes(request, new_backup_codes(user))
    remaining = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return render(request, "portal/security/otp_backup_codes.html", {"remaining": remaining, "codes": None})
