"""Issues 18 and 19: a resident reporting by LINE near an open report of the same service follows
it with one tap instead of filing a duplicate, and is told of its status changes by LINE push
(once each, through the office's channel), until they block the account or tap "unfollow"."""

import pytest

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from services.line.models import Conversation
from services.notifications.models import Notification
from services.places import following
from services.places.models import FollowChannel, Follower, FollowOrigin
from tests.line_platform import user_id
from tests.services.line.conftest import TOWN, jpeg
from tests.services.line.support import send
from tests.services.places import support

pytestmark = pytest.mark.django_db


def chat_report(client, capture, platform, user):
    for event in (
        platform.image(user, jpeg()),
        platform.location(user, *TOWN, address="หน้าวัด"),
        platform.text(user, "ไฟถนนดับทั้งซอย"),
    ):
        send(client, capture, event)


@pytest.fixture
def open_report(world):
    """An open streetlight report at the spot the residents chat from, filed on the web."""
    return support.report(world)


def follow_by_tap(client, capture, platform, user, case):
    chat_report(client, capture, platform, user)
    offer = platform.replies()[-1]["messages"][0]
    assert offer["type"] == "flex" and case.reference in offer["altText"]
    buttons = [b["action"] for b in offer["contents"]["footer"]["contents"]]
    [tap] = [b["data"] for b in buttons if b["type"] == "postback" and b["data"].startswith("action=follow")]
    send(client, capture, platform.postback(user, tap))
    return tap


def change_status(world, case, capture, status, **extra):
    with capture(execute=True):
        workflow.change_status(case, status, world["officer_works"], **extra)


def test_tapping_follow_at_the_nearby_offer_follows_instead_of_filing(
    client, world, platform, open_report, django_capture_on_commit_callbacks
):
    user = user_id(40)
    tap = follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    follower = Follower.objects.get()
    assert (follower.case, follower.channel, follower.address) == (open_report, FollowChannel.LINE, user)
    assert follower.origin == FollowOrigin.ALREADY_REPORTED and following.reported_count(open_report) == 2
    assert Case.objects.count() == 1  # no duplicate filed
    confirmation = platform.texts("reply")[-1]
    assert open_report.reference in confirmation and "ติดตาม" in confirmation
    # The chat is over without a case, and the resident is told they can report something else.
    conversation = Conversation.objects.get(user_id=user)
    assert conversation.status == Conversation.Status.CLOSED and conversation.case is None
    assert "แจ้งเรื่องอื่น" in confirmation
    # Tapped again (an old card): still one follower, a clear answer, nothing filed.
    send(client, django_capture_on_commit_callbacks, platform.postback(user, tap))
    assert Follower.objects.count() == 1 and Case.objects.count() == 1
    assert "ติดตามเรื่อง" in platform.texts("reply")[-1] and "อยู่แล้ว" in platform.texts("reply")[-1]
    assert not platform.refused


def test_a_status_change_reaches_the_line_follower_once_as_flex_by_the_office_token(
    client, world, platform, open_report, django_capture_on_commit_callbacks
):
    user = user_id(41)
    follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    change_status(world, open_report, django_capture_on_commit_callbacks, CaseStatus.ACCEPTED, message="ช่างรับเรื่องแล้ว")
    [push] = platform.pushes(to=user)  # accepted by the platform: the office's channel token
    [message] = push["messages"]
    assert message["type"] == "flex" and open_report.reference in message["altText"]
    assert "ช่างรับเรื่องแล้ว" in message["altText"] and "/reports/unfollow/" in message["altText"]
    button = message["contents"]["footer"]["contents"][0]["action"]
    assert button["type"] == "uri" and button["uri"].endswith(f"/th/reports/{open_report.reference}/")
    # The task running again (a retry) pushes nothing more.
    row = Notification.objects.get(recipient=user)
    with django_capture_on_commit_callbacks(execute=True):
        from services.notifications.tasks import send_notification  # noqa: PLC0415 - the task itself, run again

        send_notification(row.pk)
    assert len(platform.pushes(to=user)) == 1
    assert user not in row.idempotency_key  # the key holds a tag, not the LINE user ID


def test_a_follower_who_blocked_the_account_gets_nothing(
    client, world, platform, open_report, django_capture_on_commit_callbacks
):
    user = user_id(42)
    follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    send(client, django_capture_on_commit_callbacks, platform.event("unfollow", user))
    change_status(world, open_report, django_capture_on_commit_callbacks, CaseStatus.ACCEPTED)
    assert not platform.pushes(to=user)
    assert not Notification.objects.filter(recipient=user).exists()
    assert Follower.objects.filter(address=user).exists()  # following the account again brings them back
    send(client, django_capture_on_commit_callbacks, platform.event("follow", user))
    change_status(world, open_report, django_capture_on_commit_callbacks, CaseStatus.RESOLVED)
    assert len(platform.pushes(to=user)) == 1


def test_the_unfollow_postback_stops_updates(client, world, platform, open_report, django_capture_on_commit_callbacks):
    user = user_id(43)
    follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    quick = platform.replies()[-1]["messages"][0]["quickReply"]["items"]
    [untap] = [i["action"]["data"] for i in quick if i["action"]["data"].startswith("action=unfollow")]
    send(client, django_capture_on_commit_callbacks, platform.postback(user, untap))
    assert not Follower.objects.exists()
    assert "ไม่ได้ติดตาม" in platform.texts("reply")[-1]
    send(client, django_capture_on_commit_callbacks, platform.postback(user, untap))  # twice: a clear answer
    assert platform.texts("reply")[-1]
    change_status(world, open_report, django_capture_on_commit_callbacks, CaseStatus.ACCEPTED)
    assert not platform.pushes(to=user)


def test_the_unfollow_link_in_a_line_message_still_works(
    client, world, platform, open_report, django_capture_on_commit_callbacks
):
    user = user_id(44)
    follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    change_status(world, open_report, django_capture_on_commit_callbacks, CaseStatus.ACCEPTED)
    [push] = platform.pushes(to=user)
    link = next(w for w in push["messages"][0]["altText"].split() if "/reports/unfollow/" in w)
    assert client.post(link.split("testserver", 1)[-1]).status_code == 200
    assert not Follower.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        "action=follow",
        "action=follow&ref=",
        "action=follow&ref=NOPE-0000",
        "action=follow&ref=%00%FF" + "x" * 500,
        "action=unfollow&ref=ไม่มี",
        "action=follow&ref=A&ref=B",
    ],
)
def test_made_up_follow_postbacks_get_a_clear_answer(
    client, world, platform, open_report, django_capture_on_commit_callbacks, data
):
    response = send(client, django_capture_on_commit_callbacks, platform.postback(user_id(45), data))
    assert response.status_code == 200 and len(platform.replies()) == 1
    assert not Follower.objects.exists()


def test_a_private_or_closed_report_cannot_be_followed_by_postback(
    client, world, platform, django_capture_on_commit_callbacks
):
    private = support.report(world)
    private.private_report = True
    private.save(update_fields=["private_report"])
    send(
        client,
        django_capture_on_commit_callbacks,
        platform.postback(user_id(46), f"action=follow&ref={private.reference}"),
    )
    assert not Follower.objects.exists() and len(platform.replies()) == 1


def test_my_requests_lists_the_followed_report_marked_as_followed(
    client, world, platform, open_report, django_capture_on_commit_callbacks
):
    user = user_id(47)
    follow_by_tap(client, django_capture_on_commit_callbacks, platform, user, open_report)
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=my_requests"))
    answer = platform.replies()[-1]["messages"][0]
    assert answer["type"] == "flex" and open_report.reference in answer["altText"]
    assert "(ติดตาม" in answer["altText"]
    [bubble] = answer["contents"]["contents"]
    actions = [b["action"] for b in bubble["footer"]["contents"]]
    assert actions[0]["uri"].endswith(f"/th/reports/{open_report.reference}/")  # the public page, not tracking
    assert actions[1]["data"] == f"action=unfollow&ref={open_report.reference}"
    # Their own report (filed on the web, linked to LINE) and newer follows come first; ten at most.
    own = support.report(world)
    own.submission.line_user_id = user
    own.submission.save(update_fields=["line_user_id"])
    for _ in range(12):
        other = support.report(world)
        following.follow(other, FollowChannel.LINE, user, "th")
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=my_requests"))
    carousel = platform.replies()[-1]["messages"][0]["contents"]["contents"]
    assert len(carousel) == 10
    titles = [bubble["body"]["contents"][0]["text"] for bubble in carousel]
    assert other.reference in titles[0]
    assert not any(open_report.reference in title for title in titles)  # the oldest follow fell off
