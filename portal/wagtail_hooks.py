"""Admin URLs of the portal's security features: two-step sign-in setup and verification."""

from django.urls import path
from wagtail import hooks

from portal import two_factor


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/setup/", two_factor.setup, name="otp_setup"),
        path("2fa/verify/", two_factor.verify, name="otp_verify"),
    ]
