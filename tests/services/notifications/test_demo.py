"""The demo seeds every message as an editable template, in both languages, idempotently; and
the bulk-created history cases send nothing."""

import io

import pytest

import services.notifications.demo
from services.notifications.models import Notification, NotificationTemplate, NotifyEvent


@pytest.mark.django_db
def test_demo_templates_cover_every_event_in_both_languages(demo, site):
    assert NotificationTemplate.objects.count() == 2 * len(NotifyEvent.values)
    thai = NotificationTemplate.objects.get(event="received", language="th")
    assert thai.subject == "ได้รับคำร้องของท่านแล้ว เลขที่ {reference}"
    english = NotificationTemplate.objects.get(event="received", language="en")
    assert english.subject == "We have your request {reference}"
    for template in NotificationTemplate.objects.all():
        template.full_clean()  # every seeded placeholder is one its event offers
    services.notifications.demo.load(site, io.StringIO())  # a second run changes nothing
    assert NotificationTemplate.objects.count() == 2 * len(NotifyEvent.values)
    # The 360 bulk-created history cases record nothing; only the few demo cases of the
    # municipality that go through the real workflow (the payments demo) have their events
    # notified, each from its event. (The second office's few demo cases go through the workflow
    # too, so they are not counted here.) Plus the two history cases the agencies demo passes to
    # the electricity authority through the workflow (the resident is told, the agency messaged).
    notified = Notification.objects.filter(case__site=site).order_by().values("case").distinct()
    referred = Notification.objects.filter(case__site=site, event="agency_referral").values("case").distinct()
    assert referred.count() == 2
    assert notified.exclude(case__in=referred.values("case")).count() < 5
    # Every resident's message comes from a case event; the agency's comes from its referral
    # (services.agencies.notices), which is not one.
    assert not Notification.objects.filter(case_event__isnull=True).exclude(event="agency_referral").exists()
