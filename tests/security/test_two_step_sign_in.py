"""Two-step sign-in for everyone who can change the public site, with backup codes (issue 16,
section 6): editors and moderators give a code too; a lost phone is overcome with a one-time
backup code instead of a shell; codes are typed as people type them (Thai digits, a space)."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import GroupPagePermission, Page

from tests.factories import UserFactory
from tests.security.conftest import current_code

pytestmark = pytest.mark.django_db

PASSWORD = "portal-demo-2569"
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def editor(home_th):
    """An editor as Wagtail's "Editors" group makes one: admin access and page permissions."""
    group, _created = Group.objects.get_or_create(name="Web editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.get_or_create(
        group=group, page=Page.objects.get(depth=1), permission=Permission.objects.get(codename="publish_page")
    )
    user = UserFactory(username="web.editor")
    user.groups.add(group)
    return user


def test_an_editor_who_can_publish_is_sent_to_set_up_two_step_sign_in(client, editor, otp_required, home_th):
    assert client.post("/admin/login/", {"username": "web.editor", "password": PASSWORD}).status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/")
    # Nor can the editor reach the page editor some other way before the code.
    assert client.get(f"/admin/pages/{home_th.pk}/edit/")["Location"].startswith("/admin/2fa/")


def test_setup_shows_ten_backup_codes_once(client, editor, otp_required, django_assert_max_num_queries):
    client.post("/admin/login/", {"username": "web.editor", "password": PASSWORD})
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    shown = client.post("/admin/2fa/setup/", {"token": current_code(device), "next": "/admin/pages/"})
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    codes = re.findall(r"<li>(\d{5} \d{5})</li>", shown.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/admin/pages/"' in shown.content.decode()  # then on to the page asked for
    assert client.get("/admin/pages/").status_code == 200
    # The account page tells how many are left, and never shows them again.
    # 14 before offices; 5 more since issue 17: the menu asks which offices the person works for
    # (staff groups, departments) and narrows their page permissions to those offices' home pages
    # (the default site, the groups' offices, their home pages' translations); 1 more since
    # issue 21: the Reports menu asks whether they head a department (officers' figures).
    with django_assert_max_num_queries(20):
        remaining = client.get("/admin/2fa/backup-codes/").content.decode()
    assert "10" in remaining and codes[0] not in remaining


def sign_in_with_password(client, username="web.editor"):
    assert client.post("/admin/login/", {"username": username, "password": PASSWORD}).status_code == 302


def set_up(client, user):
    """Confirm an authenticator and return the backup codes the setup page showed."""
    sign_in_with_password(client, user.username)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post("/admin/2fa/setup/", {"token": current_code(device)}).content.decode()
    client.logout()
    return re.findall(r"<li>(\d{5} \d{5})</li>", page)


def test_a_backup_code_signs_in_once_and_not_twice(client, editor, otp_required):
    codes = set_up(client, editor)
    sign_in_with_password(client)
    assert client.get("/admin/pages/")["Location"].startswith("/admin/2fa/verify/")
    # Typed as on paper, with Thai digits and a dash: accepted in place of the app's code.
    typed = codes[3].replace(" ", "-").translate(THAI)
    assert client.post("/admin/2fa/verify/", {"token": typed})["Location"] == "/admin/"
    assert client.get("/admin/pages/").status_code == 200
    client.logout()

    sign_in_with_password(client)
    again = client.post("/admin/2fa/verify/", {"token": codes[3]})
    assert again.status_code == 400
    assert "ถูกใช้ไปแล้ว" in again.content.decode()  # "not right or has already been used"
    assert client.get("/admin/pages/").status_code == 302
    assert StaticToken.objects.filter(device__user=editor).count() == 9


def test_new_backup_codes_replace_the_old_ones(client, editor, otp_required):
    old = set_up(client, editor)
    sign_in_with_password(client)
    client.post("/admin/2fa/verify/", {"token": old[0]})
    assert "/admin/2fa/backup-codes/" in client.get("/admin/account/").content.decode()
    new = re.findall(r"<li>(\d{5} \d{5})</li>", client.post("/admin/2fa/backup-codes/").content.decode())
    assert len(new) == 10
    client.logout()
    sign_in_with_password(client)
    assert client.post("/admin/2fa/verify/", {"token": old[1]}).status_code == 400
    # django-otp pauses a device for a moment after a wrong code; the officer would wait a second.
    StaticDevice.objects.filter(user=editor).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post("/admin/2fa/verify/", {"token": new[1]}).status_code == 302


def test_backup_codes_cannot_be_seen_or_replaced_before_the_second_step(client, editor, otp_required):
    set_up(client, editor)
    sign_in_with_password(client)
    assert client.post("/admin/2fa/backup-codes/")["Location"].startswith("/admin/2fa/verify/")
    assert StaticToken.objects.filter(device__user=editor).count() == 10


def test_the_verify_page_accepts_thai_digits_and_the_space_apps_show(client, world, otp_required):
    device = TOTPDevice.objects.create(user=world["officer_works"], name="phone", confirmed=True)
    sign_in_with_password(client, "officer.works")
    code = current_code(device)
    typed = f"{code[:3]} {code[3:]}".translate(THAI)  # "๑๒๓ ๔๕๖", as a Thai keyboard types it
    response = client.post("/admin/2fa/verify/", {"token": typed, "next": "/admin/cases/"})
    assert response.status_code == 302 and response["Location"] == "/admin/cases/"
    assert client.get("/admin/cases/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_next_to_the_field(client, world, otp_required):
    TOTPDevice.objects.create(user=world["officer_works"], name="phone", confirmed=True)
    sign_in_with_password(client, "officer.works")
    response = client.post("/admin/2fa/verify/", {"token": "12345\u200b"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_after_a_backup_code_the_officer_replaces_the_lost_phones_app_without_a_shell(client, editor, otp_required):
    codes = set_up(client, editor)
    lost = TOTPDevice.objects.get(user=editor)
    sign_in_with_password(client)
    client.post("/admin/2fa/verify/", {"token": codes[0]})
    page = client.get("/admin/2fa/backup-codes/").content.decode()
    assert 'value="replace-app"' in page
    response = client.post("/admin/2fa/backup-codes/", {"action": "replace-app"})
    assert response["Location"] == "/admin/2fa/setup/"
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()  # the lost phone's codes no longer work
    new_phone = client.get("/admin/2fa/setup/")
    assert new_phone.status_code == 200 and 'src="data:image/svg+xml;base64,' in new_phone.content.decode()
    # Had the officer left before confirming the new app, the password alone would not enrol one:
    # the next sign-in asks for a backup code first.
    client.logout()
    sign_in_with_password(client)
    assert client.get("/admin/pages/")["Location"].startswith("/admin/2fa/verify/")
    assert client.get("/admin/2fa/setup/")["Location"].startswith("/admin/2fa/verify/")
    assert client.post("/admin/2fa/verify/", {"token": codes[1]})["Location"] == "/admin/"
    assert client.get("/admin/2fa/setup/").status_code == 200


def test_resetting_two_factor_from_the_shell_also_voids_the_backup_codes(client, editor, otp_required):
    codes = set_up(client, editor)
    call_command("reset_two_factor", "web.editor", stdout=io.StringIO())
    sign_in_with_password(client)
    assert client.get("/admin/pages/")["Location"].startswith("/admin/2fa/setup/")
    assert client.post("/admin/2fa/verify/", {"token": codes[0]})["Location"].startswith("/admin/2fa/setup/")
    assert not StaticToken.objects.filter(device__user=editor).exists()
