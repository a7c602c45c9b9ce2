"""Issue 19: a resident who filed on the web links their request to LINE from its tracking page.
Only the requester can: proven the way the private details are (the receipt's link or a
one-time code), then signed in with LINE (through the fake LINE platform, ID token verified by
LINE); and they can stop it again."""

import pytest
from django.test import Client

from forms_builder.models import Submission
from tests.line_platform import user_id
from tests.portal.line_support import line_fixture, sign_in  # noqa: F401 - the `line` fixture
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db

LINKED = "ความคืบหน้าของคำร้องนี้ส่งไปที่ LINE"  # "Updates go to LINE."
VERIFY_FIRST = "กรุณายืนยันก่อนว่าคำร้องนี้เป็นของคุณ"


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def line_user_of(case):
    return Submission.objects.get(pk=case.submission_id).line_user_id


def test_someone_with_only_the_reference_is_asked_to_verify_first_and_links_nothing(client, world, line):
    case, _ = submit(world["form"])
    sign_in(client, line, sub=user_id(50))  # a LINE account of their own does not prove the request is theirs

    response = client.get(f"/t/{case.reference}/line")

    assert response.status_code == 302
    assert response["Location"] == f"/t/{case.reference}?line=verify#line-updates"
    assert VERIFY_FIRST in client.get(response["Location"]).content.decode()
    assert client.get(f"/t/{case.reference}/line/done")["Location"].endswith("?line=verify#line-updates")
    assert line_user_of(case) == ""
    assert not [r for r in line.requests if r["path"].startswith("/oauth2/v2.1/token")][1:]  # only their own sign-in


def test_the_verified_requester_gets_updates_in_line_after_signing_in(client, world, line):
    case, _ = submit(world["form"])
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert f'href="/t/{case.reference}/line"' in page and "รับความคืบหน้าทาง LINE" in page

    back = sign_in(client, line, sub=user_id(51), start=f"/t/{case.reference}/line")

    assert back["Location"] == f"/t/{case.reference}/line/done"
    done = client.get(back["Location"])
    assert done["Location"] == f"/t/{case.reference}?done=line#line-updates"
    assert line_user_of(case) == user_id(51)
    page = client.get(done["Location"]).content.decode()
    assert LINKED in page and "หยุดส่งความคืบหน้าทาง LINE" in page


def test_a_line_sign_in_from_before_choosing_is_not_reused(client, world, line):
    """A LINE user left in a shared computer's session must not receive the next resident's updates."""
    case, _ = submit(world["form"])
    sign_in(client, line, sub=user_id(52))
    open_link(client, case)

    response = client.get(f"/t/{case.reference}/line/done")

    assert response["Location"] == f"/t/{case.reference}?line=again#line-updates"
    assert line_user_of(case) == ""
    # Choosing it leads to a fresh sign-in with LINE.
    assert client.get(f"/t/{case.reference}/line")["Location"].startswith("/line/login/?next=")


def test_a_line_sign_in_chosen_for_another_case_does_not_link_this_one(client, world, line):
    mine, _ = submit(world["form"])
    other, _ = submit(world["form"], phone="0899999999")
    open_link(client, mine)
    open_link(client, other)
    back = sign_in(client, line, sub=user_id(53), start=f"/t/{mine.reference}/line")
    assert back["Location"] == f"/t/{mine.reference}/line/done"

    assert client.get(f"/t/{other.reference}/line/done")["Location"].endswith("?line=again#line-updates")
    assert line_user_of(other) == "" and line_user_of(mine) == ""


def test_stop_clears_the_line_user_and_only_for_the_requester(client, world, line):
    case, _ = submit(world["form"], line_user_id=user_id(54))
    stranger = Client()
    assert stranger.post(f"/t/{case.reference}/line/stop")["Location"].endswith("?line=verify#line-updates")
    assert line_user_of(case) == user_id(54)

    open_link(client, case)
    assert LINKED in client.get(f"/t/{case.reference}").content.decode()
    response = client.post(f"/t/{case.reference}/line/stop")

    assert response["Location"] == f"/t/{case.reference}?done=line-stop#line-updates"
    assert line_user_of(case) == ""
    assert "ความคืบหน้าของคำร้องนี้จะไม่ส่งไปที่ LINE อีกต่อไป" in client.get(response["Location"]).content.decode()


def test_stop_works_without_a_login_channel_for_a_case_linked_by_line_chat(client, world, settings):
    settings.LINE_LOGIN_CHANNEL_ID = ""
    case, _ = submit(world["form"], line_user_id=user_id(55))
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert LINKED in page and f'href="/t/{case.reference}/line"' not in page
    client.post(f"/t/{case.reference}/line/stop")
    assert line_user_of(case) == ""


def test_without_a_login_channel_the_tracking_page_offers_no_line(client, world, settings):
    settings.LINE_LOGIN_CHANNEL_ID = ""
    case, _ = submit(world["form"])
    assert "LINE" not in client.get(f"/t/{case.reference}").content.decode()
    open_link(client, case)
    assert "LINE" not in client.get(f"/t/{case.reference}").content.decode()
