"""What merging a duplicate does to followers (the `case_merged` / `case_unmerged` signals the
staff queue sends after commit): B's followers follow A, B's resident becomes a follower of A
and hears when A is fixed; undoing the merge puts everything back as it was, and leaves alone
whoever followed A on their own."""

import pytest

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from services.cases.signals import case_merged, case_unmerged
from services.places import following
from services.places.models import Follower, FollowOrigin
from tests.services.places.support import report

pytestmark = pytest.mark.django_db


def followers(case):
    return {(f.address, f.origin, f.came_from_id) for f in Follower.objects.filter(case=case)}


def merge(b, a, officer):
    Case.objects.filter(pk=b.pk).update(duplicate_of=a, status=CaseStatus.CLOSED)
    case_merged.send(sender=Case, case=b, into=a, by=officer)


def unmerge(b, a, officer):
    Case.objects.filter(pk=b.pk).update(duplicate_of=None, status=CaseStatus.RECEIVED)
    case_unmerged.send(sender=Case, case=b, into=a, by=officer)


def test_merge_moves_followers_and_adds_the_resident_and_undo_puts_them_back(world):
    a = report(world, email="first@example.com")
    b = report(world, email="second@example.com", language="en")
    following.follow(b, "email", "x@example.com", "th", origin=FollowOrigin.ALREADY_REPORTED)
    following.follow(b, "email", "both@example.com", "th")
    following.follow(a, "email", "both@example.com", "th")
    assert following.reported_count(a) == 1

    merge(b, a, world["officer_works"])
    assert followers(a) == {
        ("both@example.com", FollowOrigin.REPORT_PAGE, None),
        ("x@example.com", FollowOrigin.ALREADY_REPORTED, b.pk),
        ("second@example.com", FollowOrigin.MERGED_RESIDENT, b.pk),
    }
    assert Follower.objects.get(case=a, address="second@example.com").language == "en"
    # Already on A: kept on B rather than told twice.
    assert followers(b) == {("both@example.com", FollowOrigin.REPORT_PAGE, None)}
    # A's resident, B's resident and the neighbour who said "my problem too".
    assert following.reported_count(a) == 3

    following.follow(a, "email", "later@example.com", "th")  # follows A on their own meanwhile
    unmerge(b, a, world["officer_works"])
    assert followers(a) == {
        ("both@example.com", FollowOrigin.REPORT_PAGE, None),
        ("later@example.com", FollowOrigin.REPORT_PAGE, None),
    }
    assert followers(b) == {
        ("both@example.com", FollowOrigin.REPORT_PAGE, None),
        ("x@example.com", FollowOrigin.ALREADY_REPORTED, None),
    }
    assert following.reported_count(a) == 1


def test_the_merged_reports_resident_hears_when_the_other_is_fixed(world, smtp, django_capture_on_commit_callbacks):
    a = report(world, email="first@example.com")
    b = report(world, email="second@example.com")
    merge(b, a, world["officer_works"])
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(a, CaseStatus.ACCEPTED, world["officer_works"])
        workflow.change_status(a, CaseStatus.RESOLVED, world["officer_works"])
    told = [m["subject"] for m in smtp.messages if m["to"] == ["second@example.com"]]
    assert told[-1] == f"เรื่องที่ท่านติดตาม {a.reference}: แก้ไขเรียบร้อยแล้ว"


def test_a_resident_with_only_a_phone_follows_by_sms_and_the_same_resident_is_not_added(world):
    a = report(world, email="same@example.com")
    b = report(world, phone="๐๘๙-๑๑๑-๒๒๒๒")
    c = report(world, email="Same@Example.com")
    merge(b, a, world["officer_works"])
    merge(c, a, world["officer_works"])
    assert followers(a) == {("0891112222", FollowOrigin.MERGED_RESIDENT, b.pk)}
    assert Follower.objects.get(case=a).channel == "sms"
