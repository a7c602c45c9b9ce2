"""Issue 19: a resident reports a problem by chatting with the office's LINE account: photo,
location and words in any order, then a case filed through the intake and a reply with its
reference."""

import pytest

from forms_builder.models import Submission
from services.cases.models import Case, Channel
from services.line.models import Conversation, LineEvent
from services.notifications.line import is_reachable
from tests.line_platform import user_id
from tests.services.line.conftest import BANGKOK, TOWN, jpeg
from tests.services.line.support import send

pytestmark = pytest.mark.django_db


def report(client, capture, platform, user, order=("image", "location", "text")):
    responses = []
    for kind in order:
        if kind == "image":
            event = platform.image(user, jpeg())
        elif kind == "location":
            event = platform.location(user, *TOWN, address="หน้าวัด")
        else:
            event = platform.text(user, "ไฟถนนดับทั้งซอย")
        responses.append(send(client, capture, event))
    return responses


def test_photo_location_text_files_a_case_and_replies_with_its_reference(
    client, world, platform, django_capture_on_commit_callbacks
):
    user = user_id(1)
    responses = report(client, django_capture_on_commit_callbacks, platform, user)
    assert [r.status_code for r in responses] == [200, 200, 200]
    case = Case.objects.get()
    assert case.department == world["works"]
    assert case.channel == Channel.LINE
    assert case.service.pk == world["service"].pk
    submission = case.submission
    assert submission.line_user_id == user and submission.channel == "line"  # the queue's channel filter finds it
    assert submission.answers["details"] == "ไฟถนนดับทั้งซอย"
    assert submission.answers["location"]["lat"] == "18.788300"
    photo = submission.files.get()
    assert photo.field_key == "photo" and photo.content_type == "image/jpeg"
    with photo.file.open("rb") as handle:
        assert handle.read(2) == b"\xff\xd8"
    # Three replies: two asking for what is missing, the last the receipt, all by reply token
    # (the notifications area's own "received" message may come as a push besides).
    replies = platform.replies()
    assert len(replies) == 3 and not platform.refused
    receipt = replies[-1]["messages"][0]
    assert receipt["type"] == "flex" and case.reference in receipt["altText"]
    assert "/t/" in receipt["altText"] and case.reference in str(receipt["contents"])
    assert Conversation.objects.get().status == Conversation.Status.FILED


def test_any_order_and_missing_parts_are_asked_for_with_quick_replies(
    client, world, platform, django_capture_on_commit_callbacks
):
    user = user_id(2)
    send(client, django_capture_on_commit_callbacks, platform.text(user, "ถนนเป็นหลุมลึก"))
    first = platform.replies()[-1]["messages"][0]
    kinds = [item["action"]["type"] for item in first["quickReply"]["items"]]
    assert "location" in kinds and "postback" in kinds
    assert "ตำแหน่ง" in first["text"] or "location" in first["text"]
    send(client, django_capture_on_commit_callbacks, platform.location(user, *TOWN))
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=skip_photo"))
    case = Case.objects.get()
    assert case.submission.files.count() == 0
    assert case.reference in platform.texts()[-1]


def test_sticker_and_emoji_only_text_ask_for_words(client, world, platform, django_capture_on_commit_callbacks):
    user = user_id(3)
    send(client, django_capture_on_commit_callbacks, platform.sticker(user))
    send(client, django_capture_on_commit_callbacks, platform.text(user, "😡😡💡"))
    assert len(platform.replies()) == 2
    assert not Conversation.objects.filter(description__gt="").exists()
    assert not Case.objects.exists()


def test_location_far_outside_the_office_is_refused_clearly(
    client, world, platform, django_capture_on_commit_callbacks
):
    from services.areas.models import Area  # noqa: PLC0415 - only this test draws an area

    Area.objects.create(
        site=world["site"],
        name="ชุมชนวัดเกต",
        shape={
            "type": "Polygon",
            "coordinates": [[[98.98, 18.78], [99.0, 18.78], [99.0, 18.8], [98.98, 18.8], [98.98, 18.78]]],
        },
    )
    user = user_id(4)
    send(client, django_capture_on_commit_callbacks, platform.location(user, *BANGKOK))
    assert "outside" in platform.texts()[-1] or "นอกเขต" in platform.texts()[-1]
    assert not Conversation.objects.filter(latitude__isnull=False).exists()


def test_a_20_mb_image_is_refused_and_not_stored(client, world, platform, django_capture_on_commit_callbacks):
    user = user_id(5)
    response = send(client, django_capture_on_commit_callbacks, platform.image(user, b"\xff\xd8" + b"0" * (20 * 2**20)))
    assert response.status_code == 200
    assert "10 MB" in platform.texts()[-1]
    assert not Conversation.objects.exclude(photo="").exists()


def test_not_a_photo_is_refused_by_the_upload_checks(client, world, platform, django_capture_on_commit_callbacks):
    send(client, django_capture_on_commit_callbacks, platform.image(user_id(6), b"%PDF-1.4 not a photo"))
    assert len(platform.replies()) == 1
    assert not Conversation.objects.exclude(photo="").exists()


def test_a_user_who_blocked_the_account_mid_conversation_breaks_nothing(
    client, world, platform, django_capture_on_commit_callbacks
):
    user = user_id(7)
    send(client, django_capture_on_commit_callbacks, platform.text(user, "ไฟดับหน้าบ้าน"))
    # They block the account: LINE refuses replies and pushes to them from now on.
    platform.answer("/v2/bot/message/", 403, body={"message": "blocked"}, times=10)
    send(client, django_capture_on_commit_callbacks, platform.location(user, *TOWN))
    response = send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=skip_photo"))
    assert response.status_code == 200
    assert Case.objects.count() == 1  # filed all the same; they can follow it on the web
    assert LineEvent.objects.filter(processed_at__isnull=True).count() == 0


def test_an_expired_reply_token_falls_back_to_one_push(client, world, platform, django_capture_on_commit_callbacks):
    user = user_id(8)
    event = platform.text(user, "ไฟดับหน้าบ้าน")
    platform.reply_tokens.discard(event["replyToken"])
    send(client, django_capture_on_commit_callbacks, event)
    assert not platform.replies()
    assert len(platform.pushes(to=user)) == 1
    assert "ไฟดับ" not in str(platform.pushes(to=user))  # the answer, not an echo
    assert platform.requests[-1]["headers"].get("X-Line-Retry-Key")


def test_follow_welcomes_and_unfollow_is_silent(client, world, platform, django_capture_on_commit_callbacks):
    user = user_id(9)
    send(client, django_capture_on_commit_callbacks, platform.event("follow", user))
    assert is_reachable(world["site"], user)
    send(client, django_capture_on_commit_callbacks, platform.text(user, "ไฟดับหน้าบ้าน"))
    send(client, django_capture_on_commit_callbacks, platform.event("unfollow", user))
    assert len(platform.replies()) == 2 and not platform.pushes()
    # Blocked: the notifications area pushes no more; the report in progress is closed.
    assert not is_reachable(world["site"], user)
    assert Conversation.objects.get().status == Conversation.Status.CLOSED


def test_the_task_running_twice_files_and_replies_once(client, world, platform, django_capture_on_commit_callbacks):
    from services.line.tasks import process_event  # noqa: PLC0415 - the task itself, run again

    user = user_id(10)
    report(client, django_capture_on_commit_callbacks, platform, user)
    for event in LineEvent.objects.all():
        assert process_event(event.pk) == "done already"
    assert Case.objects.count() == Submission.objects.count() == 1
    assert len(platform.replies()) == 3


def test_an_open_report_of_the_same_service_nearby_is_offered_first(
    client, world, platform, django_capture_on_commit_callbacks
):
    report(client, django_capture_on_commit_callbacks, platform, user_id(11))
    first = Case.objects.get()
    user = user_id(12)
    report(client, django_capture_on_commit_callbacks, platform, user)
    offer = platform.replies()[-1]["messages"][0]
    assert offer["type"] == "flex" and first.reference in offer["altText"]
    assert f"/reports/{first.reference}" in str(offer["contents"])
    assert Case.objects.count() == 1
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=file_anyway"))
    assert Case.objects.count() == 2
    second = Case.objects.exclude(pk=first.pk).get()
    assert second.reference in platform.texts()[-1]


def test_cancelling_at_the_nearby_offer_files_nothing(client, world, platform, django_capture_on_commit_callbacks):
    report(client, django_capture_on_commit_callbacks, platform, user_id(13))
    user = user_id(14)
    report(client, django_capture_on_commit_callbacks, platform, user)
    send(client, django_capture_on_commit_callbacks, platform.postback(user, "action=cancel"))
    assert Case.objects.count() == 1
    assert Conversation.objects.get(user_id=user).status == Conversation.Status.CLOSED


@pytest.mark.parametrize("lat,lng", [(1e308, 98.9), ("ไม่ใช่ตัวเลข", None), (91, 181), ("-0", "1e-400")])
def test_a_location_that_is_no_place_gets_a_clear_answer(
    client, world, platform, django_capture_on_commit_callbacks, lat, lng
):
    response = send(client, django_capture_on_commit_callbacks, platform.location(user_id(30), lat, lng))
    assert response.status_code == 200 and len(platform.replies()) == 1
    assert not Conversation.objects.filter(latitude__isnull=False).exists()


def test_a_very_long_description_is_kept_to_its_cap(client, world, platform, django_capture_on_commit_callbacks):
    send(client, django_capture_on_commit_callbacks, platform.text(user_id(31), "ไฟดับ" * 2000))
    assert len(Conversation.objects.get().description) == 2000
    assert not platform.refused
