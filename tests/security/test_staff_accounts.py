"""Staff accounts: throttled logins (django-axes), mandatory TOTP for staff who can see cases or
change the public site, strong passwords, idle sessions signed out."""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.security import LAST_SEEN_KEY
from portal.two_factor import needs_second_factor
from tests.security.conftest import current_code

pytestmark = pytest.mark.django_db


def test_admin_login_is_locked_after_five_wrong_passwords_even_for_the_right_one(client, world):
    for _attempt in range(4):
        response = client.post("/admin/login/", {"username": "officer.works", "password": "wrong-password"})
        assert response.status_code == 200  # the normal "wrong password" page
    # The fifth wrong password locks the pair out.
    assert client.post("/admin/login/", {"username": "officer.works", "password": "wrong"}).status_code == 429
    locked = client.post("/admin/login/", {"username": "officer.works", "password": "portal-demo-2569"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out with the attacker (username + address pair).
    other = client.post(
        "/admin/login/", {"username": "officer.works", "password": "portal-demo-2569"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302


def test_public_staff_login_is_throttled_too(client, world):
    for _attempt in range(5):
        client.post("/th/accounts/login/", {"username": "officer.health", "password": "nope-nope-nope"})
    locked = client.post("/th/accounts/login/", {"username": "officer.health", "password": "portal-demo-2569"})
    assert locked.status_code == 429
    assert "ลองใหม่" in locked.content.decode() or "Try again" in locked.content.decode()


def test_a_successful_login_resets_the_count(client, world):
    for _attempt in range(4):
        client.post("/admin/login/", {"username": "officer.works", "password": "wrong-password"})
    assert (
        client.post("/admin/login/", {"username": "officer.works", "password": "portal-demo-2569"}).status_code == 302
    )
    client.logout()
    for _attempt in range(4):
        client.post("/admin/login/", {"username": "officer.works", "password": "wrong-password"})
    assert (
        client.post("/admin/login/", {"username": "officer.works", "password": "portal-demo-2569"}).status_code == 302
    )


def test_who_needs_a_second_factor(world, django_user_model):
    """Whoever can see cases or change the public site (issue 16: editors and moderators too)."""
    editor = django_user_model.objects.create_user("editor", password="x" * 12)
    editor.groups.add(Group.objects.get(name="Editors"))  # Wagtail's own group: page permissions
    moderator = django_user_model.objects.create_user("moderator", password="x" * 12)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    snippets = django_user_model.objects.create_user("snippets", password="x" * 12)
    snippets.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="change_redirect")
    )
    viewer = django_user_model.objects.create_user("viewer", password="x" * 12)
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    assert needs_second_factor(world["officer_works"])
    assert needs_second_factor(admin)
    assert needs_second_factor(editor)
    assert needs_second_factor(moderator)
    assert needs_second_factor(snippets)
    assert not needs_second_factor(viewer)


def test_officer_must_set_up_totp_before_seeing_cases(client, world, otp_required):
    client.post("/admin/login/", {"username": "officer.works", "password": "portal-demo-2569"})
    response = client.get("/admin/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/?next=%2Fadmin%2Fcases%2F")
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    html = setup.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, served inline (no third party)
    device = TOTPDevice.objects.get(user=world["officer_works"], confirmed=False)
    wrong = client.post("/admin/2fa/setup/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert client.get("/admin/cases/").status_code == 302
    # django-otp throttles: right after a wrong code even the right one is refused for a moment.
    assert client.post("/admin/2fa/setup/", {"token": current_code(device)}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/admin/2fa/setup/", {"token": current_code(device), "next": "/admin/cases/"})
    # The backup codes come next (shown once), with the way on to the page asked for.
    assert ok.status_code == 200 and 'href="/admin/cases/"' in ok.content.decode()
    assert client.get("/admin/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_next_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, world, otp_required):
    device = TOTPDevice.objects.create(user=world["officer_health"], name="phone", confirmed=True)
    client.post("/admin/login/", {"username": "officer.health", "password": "portal-demo-2569"})
    redirect = client.get("/admin/cases/")
    assert redirect["Location"].startswith("/admin/2fa/verify/")
    assert client.post("/admin/2fa/verify/", {"token": "12345a"}).status_code == 400
    assert client.get("/admin/cases/").status_code == 302
    response = client.post("/admin/2fa/verify/", {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"  # never an open redirect
    assert client.get("/admin/cases/").status_code == 200


def test_an_admin_user_who_can_only_look_is_not_asked(client, django_user_model, otp_required, home_th):
    viewer = django_user_model.objects.create_user("viewer", password="portal-demo-2569")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    assert client.get("/admin/").status_code == 200


def test_weak_passwords_are_refused(django_user_model):
    user = django_user_model(username="officer.new", first_name="Somchai")
    for weak in ("short1", "1234567890123", "password1234", "officer.new1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("ไฟถนนดับ-ซอย3-หมู่2", user)


def test_idle_sessions_are_signed_out(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(world["officer_works"])
    assert client.get("/admin/cases/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/admin/cases/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_active_sessions_stay(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(world["officer_works"])
    client.get("/admin/cases/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/admin/cases/").status_code == 200
