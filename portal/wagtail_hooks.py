"""Admin URLs of the portal's security features: two-step sign-in setup, verification and backup
codes, and the account page's link to the backup codes."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks

from portal import two_factor


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/setup/", two_factor.setup, name="otp_setup"),
        path("2fa/verify/", two_factor.verify, name="otp_verify"),
        path("2fa/backup-codes/", two_factor.backup_codes, name="otp_backup_codes"),
    ]


@hooks.register("register_account_menu_item")
def backup_codes_menu_item(request):
    """Only for accounts with an authenticator: the codes stand in for it."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return None
    return {
        "url": reverse("otp_backup_codes"),
        "label": _("Backup codes"),
        "help_text": _("One-time codes for signing in when your phone is lost; make new ones here."),
    }
