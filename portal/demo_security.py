"""Demo of issue 9: a data protection officer, TOTP devices for the demo staff, retention rules.

Every demo account that can see cases or change the public site must give a TOTP code at sign-in
(unless OTP_REQUIRED is off). So they all share one documented secret, DEMO_TOTP_SECRET, which README explains how to
add to an authenticator app. A real office never loads the demo: the secret is public.
"""

import base64

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_PASSWORD
from portal.models import StaffGroup, StaffRole
from services.models.guides import ServicePage
from services.privacy.models import PrivacySettings, RetentionRule

DEMO_TOTP_SECRET = "PORTALDEMOSECRETPORTALDEMOSECRET"  # noqa: S105 - documented demo credential (base32)
DEMO_DEVICE_NAME = "Demo authenticator"
DPO_GROUP = "Data protection officers"
TOTP_USERS = ["admin", "editor", "moderator", "officer.works", "officer.health", "palad", "dpo"]
BUILDING_PERMIT_RETENTION_DAYS = 10 * 365


def demo_key_hex():
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def give_demo_authenticator(user):
    """The demo's one documented authenticator key, confirmed, for `user`."""
    TOTPDevice.objects.update_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": demo_key_hex(), "confirmed": True}
    )


def ensure_dpo_group(site):
    """The DPO reads the demo municipality's residents' data: the group works for its site (as a
    case officer, the narrowest office role that sees its cases)."""
    group, _created = Group.objects.get_or_create(name=DPO_GROUP)
    StaffGroup.objects.update_or_create(group=group, defaults={"site": site, "role": StaffRole.OFFICER})
    group.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="handle_personal_data", content_type__app_label="privacy"),
    )
    return group


def load(site, out):
    User = get_user_model()
    dpo, created = User.objects.get_or_create(username="dpo")
    dpo.first_name, dpo.last_name, dpo.email = "อรทัย", "คุ้มครองข้อมูล", "dpo@demo.invalid"
    if created:
        dpo.set_password(DEMO_PASSWORD)
    dpo.save()
    dpo.groups.set([ensure_dpo_group(site)])

    for user in User.objects.filter(username__in=TOTP_USERS):
        give_demo_authenticator(user)

    PrivacySettings.objects.update_or_create(site=site, defaults={"default_retention_days": 2 * 365})
    permit = ServicePage.objects.descendant_of(site.root_page).filter(slug="building-permit").first()
    if permit is not None:
        RetentionRule.objects.update_or_create(
            service=permit,
            defaults={
                "retention_days": BUILDING_PERMIT_RETENTION_DAYS,
                "reason": "แบบและใบอนุญาตก่อสร้างต้องเก็บไว้ตรวจสอบอาคารภายหลัง",
            },
        )
    out.write(f"  security: data protection officer 'dpo'; TOTP secret {DEMO_TOTP_SECRET} for {', '.join(TOTP_USERS)}")
