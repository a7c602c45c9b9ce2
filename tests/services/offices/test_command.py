"""manage.py create_office: one command makes the office and says what is left to do."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command, load_command_class
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site


def test_the_command_creates_the_office_and_prints_what_is_left_to_do(db):
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "create_office",
            "--name=องค์การบริหารส่วนตำบลหนองบัว",
            "--host=nongbua.go.th",
            "--prefix=NBA",
            "--name-en=Nong Bua SAO",
            "--province=เชียงใหม่",
            stdout=out,
        )
    site = Site.objects.get(hostname="nongbua.go.th")
    assert site.office.province == "เชียงใหม่"
    printed = out.getvalue()
    assert "Left to do:" in printed
    for words in ("PromptPay ID", "Logo", "Contacts", "องค์การบริหารส่วนตำบลหนองบัว: office administrators", "DNS"):
        assert words in printed
    assert "is live at http://nongbua.go.th/" in printed


def test_the_command_refuses_bad_input_with_the_messages_and_creates_nothing(db):
    sites, pages = Site.objects.count(), Page.objects.count()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_office", "--name=\u200b ", "--host=localhost", "--prefix=A", stdout=io.StringIO())
    message = str(refused.value)
    assert "Nothing was created." in message
    assert "name: Enter the office's name: spaces or invisible characters alone are not a name." in message
    assert "host: The host name localhost is already used by" in message
    assert "prefix: Use 2 to 6 Latin letters" in message
    assert (Site.objects.count(), Page.objects.count()) == (sites, pages)


def test_a_refused_command_exits_non_zero(db):
    with pytest.raises(SystemExit) as exited:
        call_command_from_shell(["create_office", "--name=x", "--host=bad host", "--prefix=NB"])
    assert exited.value.code != 0


def call_command_from_shell(argv):
    """As `manage.py …` runs it: a CommandError becomes a message and exit status 1."""
    command = load_command_class("services.offices", argv[0])
    command.run_from_argv(["manage.py", *argv])


def test_the_office_administrators_manage_their_own_offices_users_and_groups(client, db, django_user_model):
    for name, host, prefix in (("อบต.หนองบัว", "nongbua.go.th", "NBA"), ("อบต.ดอนแก้ว", "donkaew.go.th", "DKW")):
        call_command("create_office", f"--name={name}", f"--host={host}", f"--prefix={prefix}", stdout=io.StringIO())
    admin = django_user_model.objects.create_user("somchai", password="x" * 12)
    admin.groups.add(Group.objects.get(name="อบต.หนองบัว: office administrators"))
    editor = django_user_model.objects.create_user("malee", password="x" * 12)
    editor.groups.add(Group.objects.get(name="อบต.หนองบัว: editors"))
    stranger = django_user_model.objects.create_user("wichai", password="x" * 12)
    stranger.groups.add(Group.objects.get(name="อบต.ดอนแก้ว: editors"))
    client.force_login(admin)

    users = client.get("/admin/users/")
    assert users.status_code == 200
    assert "malee" in users.content.decode() and "wichai" not in users.content.decode()
    for view in ("edit", "delete"):
        assert client.get(reverse(f"wagtailusers_users:{view}", args=[editor.pk])).status_code == 200
    assert client.get(reverse("wagtailusers_users:add")).status_code == 200
    groups = client.get("/admin/groups/")
    assert groups.status_code == 200
    assert "อบต.หนองบัว: editors" in groups.content.decode()
    assert "อบต.ดอนแก้ว: editors" not in groups.content.decode()
    assert client.get(reverse("wagtailusers_groups:add")).status_code == 200
    own = Group.objects.get(name="อบต.หนองบัว: editors")
    assert client.get(reverse("wagtailusers_groups:edit", args=[own.pk])).status_code == 200
    # Another office's people and groups stay out of reach (a 404 is first sent on to /th/admin/…).
    assert client.get(reverse("wagtailusers_users:edit", args=[stranger.pk]), follow=True).status_code == 404
    other = Group.objects.get(name="อบต.ดอนแก้ว: editors")
    assert client.get(reverse("wagtailusers_groups:edit", args=[other.pk]), follow=True).status_code == 404
