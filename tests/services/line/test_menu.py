"""Issue 19: the rich menu (created through the API by a command) and what its buttons answer."""

import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from home.models import OfficeSettings
from services.cases.models import Case, CaseStatus
from tests.line_platform import user_id
from tests.services.line.support import send
from tests.services.line.test_chat import report

pytestmark = pytest.mark.django_db


def test_the_command_creates_the_menu_with_its_image_and_replaces_the_previous_one(world, platform):
    call_command("line_rich_menu", stdout=io.StringIO())
    first = platform.default_rich_menu
    assert first and not platform.refused
    menu = platform.rich_menus[first]
    image = Image.open(io.BytesIO(menu["image"]))
    assert image.size == (2500, 843)
    actions = [area["action"] for area in menu["request"]["areas"]]
    assert [a.get("data") for a in actions] == ["action=report", "action=my_requests", None, "action=contact"]
    assert actions[2]["type"] == "uri" and actions[2]["uri"].endswith("/th/services/")
    call_command("line_rich_menu", stdout=io.StringIO())
    assert platform.default_rich_menu != first and list(platform.rich_menus) == [platform.default_rich_menu]


def test_the_command_names_an_unknown_office_or_a_missing_token(world, platform, settings):
    with pytest.raises(CommandError):
        call_command("line_rich_menu", office="nowhere.example")
    settings.LINE_CHANNEL_TOKEN = ""
    settings.LINE_CHANNEL_SECRET = ""
    with pytest.raises(CommandError):
        call_command("line_rich_menu")


def test_my_requests_lists_this_users_cases_newest_first(client, world, platform, django_capture_on_commit_callbacks):
    user = user_id(21)
    report(client, django_capture_on_commit_callbacks, platform, user)
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    # Another resident's case is never listed.
    report(client, django_capture_on_commit_callbacks, platform, user_id(22), order=("text", "location", "image"))
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=my_requests"))
    listing = platform.replies()[-1]["messages"][0]
    assert listing["type"] == "flex" and listing["contents"]["type"] == "carousel"
    assert len(listing["contents"]["contents"]) == 1 and case.reference in listing["altText"]
    send(client, django_capture_on_commit_callbacks, platform.postback(user_id(23), "action=my_requests"))
    assert platform.replies()[-1]["messages"][0]["type"] == "text"


def test_contact_answers_with_the_offices_details(client, world, platform, django_capture_on_commit_callbacks):
    office = OfficeSettings.for_site(world["site"])
    office.name, office.phone = "เทศบาลตำบลบ้านสวน", "0 5312 3456"
    office.save()
    send(client, django_capture_on_commit_callbacks, platform.postback(user_id(24), "action=contact"))
    answer = platform.texts()[-1]
    assert "เทศบาลตำบลบ้านสวน" in answer and "0 5312 3456" in answer
