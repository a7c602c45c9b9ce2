"""Issue 19: "Continue with LINE" on an e-form. A resident who signs in with LINE (the ID token
verified by LINE, through the fake LINE platform) files a submission that carries their LINE
user, so updates reach them there; without LINE, or without a Login channel, the form is
exactly what it was."""

import html
import re
from urllib.parse import urlencode

import pytest

from forms_builder.models import Submission
from services.cases import workflow
from services.cases.models import Case, CaseStatus
from tests.factories import StaffFactory
from tests.forms_builder.test_forms_wizard import complaint_steps, fill_complaint, start
from tests.line_platform import TOKEN, user_id
from tests.portal.line_support import line_fixture, sign_in  # noqa: F401 - the `line` fixture

pytestmark = pytest.mark.django_db

OFFER = "ดำเนินการต่อด้วย LINE"  # "Continue with LINE — get updates in LINE"


def line_link(page_html):
    found = re.search(r'href="(/line/login/\?next=[^"]+)"', page_html)
    return html.unescape(found[1]) if found else None


def send(client, page):
    f = fill_complaint(client, page, photo=False)
    response = f.post("check")
    assert response.status_code == 302, response.status_code
    return Submission.objects.get()


def test_without_a_login_channel_the_form_is_unchanged_and_carries_no_line_user(client, make_form, settings):
    settings.LINE_LOGIN_CHANNEL_ID = ""
    page = make_form("complaint-form")
    first = client.get(page.url).content.decode()
    assert "LINE" not in first and "/line/" not in first
    submission = send(client, page)
    assert submission.line_user_id == ""


def test_the_offer_is_optional_and_the_form_is_sent_without_it(client, make_form, line):
    page = make_form("complaint-form")
    first = client.get(page.url).content.decode()
    assert OFFER in first and "ไม่บังคับ" in first
    link = line_link(first)
    what = complaint_steps(start(client, page))[0]
    assert link == "/line/login/?" + urlencode({"next": f"{page.url}?step={what}"})
    f = fill_complaint(client, page, photo=False)
    sent = f.post("check")
    submission = Submission.objects.get()
    assert submission.line_user_id == "" and submission.reference
    assert "LINE" not in client.get(sent["Location"]).content.decode()
    assert not line.requests  # LINE was never asked anything


def test_a_form_filed_after_continue_with_line_carries_the_verified_line_user(client, make_form, line):
    page = make_form("complaint-form")
    link = line_link(client.get(page.url).content.decode())

    back = sign_in(client, line, sub=user_id(21), name="สมศรี LINE", start=link)

    what = complaint_steps(start(client, page))[0]
    assert back["Location"] == f"{page.url}?step={what}"  # back on the step they were on
    first = client.get(back["Location"]).content.decode()
    assert "ความคืบหน้าจะส่งไปที่ LINE ของ สมศรี LINE" in first and OFFER not in first
    f = fill_complaint(client, page, photo=False)
    check = client.get(page.url).content.decode()
    assert "ความคืบหน้าจะส่งไปที่ LINE ของ สมศรี LINE" in check  # shown again before sending
    sent = f.post("check")
    assert sent.status_code == 302
    assert Submission.objects.get().line_user_id == user_id(21)
    assert "ความคืบหน้าจะส่งไปที่ LINE ของคุณ" in client.get(sent["Location"]).content.decode()  # on the receipt


def test_stop_using_line_before_sending_sends_nothing_to_line(client, make_form, line):
    page = make_form("complaint-form")
    sign_in(client, line, start=line_link(client.get(page.url).content.decode()))
    f = fill_complaint(client, page, photo=False)
    check = client.get(page.url).content.decode()
    assert 'form="fb-line-logout"' in check and 'id="fb-line-logout"' in check

    client.post("/line/logout/", {"next": page.url})

    assert OFFER in client.get(page.url).content.decode()
    assert f.post("check").status_code == 302
    assert Submission.objects.get().line_user_id == ""


def test_staff_filing_for_a_resident_are_not_offered_line_and_never_link_their_own(client, make_form, line):
    page = make_form("complaint-form")
    sign_in(client, line, sub=user_id(30))
    client.force_login(StaffFactory(username="counter.officer"))
    assert OFFER not in client.get(page.url).content.decode()
    assert "LINE ของ" not in client.get(page.url).content.decode()
    f = fill_complaint(client, page, photo=False)
    assert f.post("check", extra={"check-channel": "counter"}).status_code == 302
    submission = Submission.objects.get()
    assert submission.channel == "counter" and submission.line_user_id == ""


def test_updates_of_a_form_filed_with_continue_with_line_arrive_in_line(
    client, make_form, line, settings, django_capture_on_commit_callbacks
):
    """Issue 19's "done when": the web e-form filed with LINE sends its updates to LINE — one
    Flex push per update, with the office's channel token, and none to e-mail or SMS."""
    settings.LINE_CHANNEL_TOKEN = TOKEN
    settings.FORMS_BUILDER_INTAKE = (
        "services.cases.intake.open_case"  # the portal's own intake, not the engine tests' stub
    )
    page = make_form("complaint-form")
    sign_in(client, line, sub=user_id(22), start=line_link(client.get(page.url).content.decode()))
    f = fill_complaint(client, page, photo=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert f.post("check").status_code == 302
    case = Case.objects.get(submission__line_user_id=user_id(22))
    received = len(line.pushes(to=user_id(22)))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(case, CaseStatus.ACCEPTED, StaffFactory(username="works.officer"))
    pushes = line.pushes(to=user_id(22))
    assert len(pushes) == received + 1
    [message] = pushes[-1]["messages"]
    assert message["type"] == "flex" and case.reference in message["altText"]
    push_requests = [r for r in line.requests if r["path"] == "/v2/bot/message/push"]
    assert push_requests[-1]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert not line.refused  # every body matched LINE's schema
