"""PDPA and followers: a person's follows are in their export, and go with their erasure (by
e-mail or by phone, however it was typed) with the messages sent to them as a follower; when a
report's records reach the end of their retention, its followers go with them (and the merged
report's resident's copy on the other report)."""

import io
import json
import zipfile

import pytest
from django.test import Client

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from services.cases.signals import case_merged
from services.notifications.models import Notification
from services.places import following
from services.places.models import Follower
from services.privacy import personal_data as privacy
from tests.services.places.support import report

pytestmark = pytest.mark.django_db


def follow(case, contact):
    response = Client().post(f"/th/reports/{case.reference}/follow/", {"contact": contact, "consent": "on"})
    assert response.status_code == 200


def traces(*needles):
    """Where the follower's addresses are still stored: follower rows and messages."""
    found = [f.address for f in Follower.objects.all() if any(n in f.address for n in needles)]
    for row in Notification.objects.all():
        found += [n for n in needles if n in row.recipient or n in row.body]
    return found


def test_a_follower_is_in_the_export_and_gone_after_erasure_by_email_and_by_phone(
    world, django_capture_on_commit_callbacks
):
    first, second = report(world), report(world)
    follow(first, "Neighbour@Example.com")
    follow(second, "๐๘๖-๗๔๕-๒๓๑๙")
    follow(second, "stays@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(first, CaseStatus.ACCEPTED, world["officer_works"])
        workflow.change_status(second, CaseStatus.ACCEPTED, world["officer_works"])
    assert traces("neighbour@example.com", "0867452319")

    archive, _count = privacy.export_person("neighbour@example.com")
    person = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("person.json"))
    assert [f["report"] for f in person["follows"]] == [first.reference]

    assert privacy.erase_person("neighbour@example.com").follows == 1
    assert privacy.erase_person("086 745 2319").follows == 1
    assert traces("neighbour@example.com", "0867452319") == []
    assert list(Follower.objects.values_list("address", flat=True)) == ["stays@example.com"]


def test_retention_takes_a_reports_followers_and_the_merged_residents_copy(world):
    a, b = report(world, email="a@example.com"), report(world, email="b-resident@example.com")
    other = report(world)
    follow(a, "one@example.com")
    follow(other, "two@example.com")
    Case.objects.filter(pk=b.pk).update(duplicate_of=a)
    case_merged.send(sender=Case, case=b, into=a, by=None)
    assert Follower.objects.filter(case=a).count() == 2

    privacy.anonymise(b)
    assert list(Follower.objects.filter(case=a).values_list("address", flat=True)) == ["one@example.com"]
    privacy.anonymise(a)
    assert not Follower.objects.filter(case=a).exists()
    assert following.reported_count(other) == 1 and Follower.objects.filter(case=other).exists()
