"""Notifications on an install with two offices (issue 17): a message about office B's case
links to B's host and names B, in B's own wording; an officer of office A never sees or resends
B's deliveries."""

import pytest
from django.urls import reverse

from services.cases import workflow
from services.notifications.digests import weekly_digest
from services.notifications.models import Notification, NotificationTemplate, NotifyEvent
from tests.services.payments.two_offices import B_HOST, not_found, staff_of, two_offices

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(db):
    return two_offices()


def received(case):
    return Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)


def test_office_bs_case_links_to_office_bs_host_and_names_it(offices):
    a, b = offices
    theirs, ours = received(b.case), received(a.case)
    assert f"http://{B_HOST}/t/{b.case.reference}" in theirs.body
    assert "อบต.หนองบัว" in theirs.body
    assert theirs.site_id == b.site.pk
    assert B_HOST not in ours.body and "http://testserver/t/" in ours.body  # the default office keeps BASE_URL
    staff_notice = Notification.objects.filter(case=b.case, event=NotifyEvent.NEW_CASE)
    assert all(f"http://{B_HOST}/admin/cases/" in row.body for row in staff_notice)


def test_each_office_words_its_own_messages(offices):
    a, b = offices
    NotificationTemplate.objects.create(
        site=b.site,
        event=NotifyEvent.REPLY,
        language="th",
        subject="ตอบ {reference}",
        body="ข้อความจากหนองบัว {tracking_url}",
    )
    workflow.reply(b.case, "ช่างจะไปพรุ่งนี้", b.officer)
    workflow.reply(a.case, "ช่างจะไปพรุ่งนี้", a.officer)
    theirs = Notification.objects.get(case=b.case, event=NotifyEvent.REPLY)
    ours = Notification.objects.get(case=a.case, event=NotifyEvent.REPLY)
    assert theirs.body.startswith("ข้อความจากหนองบัว") and B_HOST in theirs.body
    assert "ข้อความจากหนองบัว" not in ours.body


def failed(case):
    row = received(case)
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.FAILED, last_error="mailbox full")
    return row


def test_an_officer_sees_and_resends_only_their_offices_deliveries(client, offices):
    a, b = offices
    mine, theirs = failed(a.case), failed(b.case)
    client.force_login(a.officer)  # "view all cases": every department of office A, no more
    page = client.get(reverse("notification_failed:index")).content.decode()
    assert a.case.reference in page and b.case.reference not in page
    exported = b"".join(client.get(reverse("notification_failed:index") + "?export=csv").streaming_content).decode()
    assert b.case.reference not in exported
    assert not_found(client, reverse("notification_failed:resend", args=[theirs.pk]), "post")
    theirs.refresh_from_db()
    assert theirs.status == Notification.Status.FAILED
    assert client.post(reverse("notification_failed:resend", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.status != Notification.Status.FAILED


def test_a_shared_officer_sees_both_offices_deliveries_labelled(client, offices, django_assert_max_num_queries):
    a, b = offices
    failed(a.case), failed(b.case)
    shared = staff_of(a.site, "cases.view_all_cases", username="shared.officer")
    shared.groups.add(*b.officer.groups.all())
    client.force_login(shared)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("notification_failed:index")).content.decode()
    assert a.case.reference in page and b.case.reference in page and "อบต.หนองบัว" in page


def test_templates_of_another_office_are_not_listed_or_editable(client, offices):
    a, b = offices
    theirs = NotificationTemplate.objects.create(
        site=b.site, event=NotifyEvent.CLOSED, language="th", subject="ปิดเรื่องหนองบัว", body="ปิดแล้ว"
    )
    editor = staff_of(
        a.site,
        "notifications.add_notificationtemplate",
        "notifications.change_notificationtemplate",
        "notifications.delete_notificationtemplate",
    )
    client.force_login(editor)
    listing = client.get(reverse("wagtailsnippets_notifications_notificationtemplate:list")).content.decode()
    assert "ปิดเรื่องหนองบัว" not in listing
    edit = reverse("wagtailsnippets_notifications_notificationtemplate:edit", args=[theirs.pk])
    assert not_found(client, edit)
    assert not_found(client, edit, "post", {"event": "closed", "language": "th", "subject": "x", "body": "x"})
    theirs.refresh_from_db()
    assert theirs.subject == "ปิดเรื่องหนองบัว"


def test_the_weekly_digest_goes_to_each_offices_own_staff(offices):
    a, b = offices
    type(b.department).objects.filter(pk=b.department.pk).update(email="works@nongbua.test")
    type(a.department).objects.filter(pk=a.department.pk).update(email="works@a.test")
    assert weekly_digest() >= 2
    theirs = Notification.objects.get(event=NotifyEvent.DIGEST, department=b.department)
    ours = Notification.objects.get(event=NotifyEvent.DIGEST, department=a.department)
    assert theirs.recipient == "works@nongbua.test" and theirs.site == b.site
    assert f"http://{B_HOST}/admin/cases/" in theirs.body and "อบต.หนองบัว" not in ours.body
    assert ours.recipient == "works@a.test" and B_HOST not in ours.body
