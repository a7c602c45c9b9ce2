"""Chains of merges: C merged into B, and B into A. Each merge is undone on its own, in either
order, and afterwards every case points where the officers said, every follower (neighbours and
the merged reports' residents) follows the report that is worked on, nobody is lost or listed
twice, and the timelines say what happened.

The rule these tests hold (see `services.cases.workflow.merge`): a merge is never rewritten by
another one, so undoing it is always the exact inverse of that one merge; whoever followed a
merged report follows the report at the top of its chain, the one being worked on.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.cases import workflow
from services.cases.models import CaseEvent, CaseStatus
from services.places import following
from services.places.models import Follower, FollowOrigin
from tests.services.places.support import public_world, report

pytestmark = pytest.mark.django_db

K = CaseEvent.Kind
MR, PAGE, REPORTED = FollowOrigin.MERGED_RESIDENT, FollowOrigin.REPORT_PAGE, FollowOrigin.ALREADY_REPORTED


@pytest.fixture
def world(home_th):
    return public_world(home_th)


@pytest.fixture
def abc(world):
    """Three reports of one broken lamp, each with its resident and a neighbour who follows it."""
    a = report(world, email="resident.a@example.com")
    b = report(world, email="resident.b@example.com", status=CaseStatus.ACCEPTED)
    c = report(world, email="resident.c@example.com", status=CaseStatus.IN_PROGRESS)
    following.follow(a, "email", "n.a@example.com", "th")
    following.follow(b, "email", "n.b@example.com", "th", origin=REPORTED)
    following.follow(c, "email", "n.c@example.com", "en")
    return a, b, c


@pytest.fixture
def act(world, django_capture_on_commit_callbacks):
    """Merge and undo as the officer's request does: committed, so the followers move."""
    officer = world["officer_works"]

    class Act:
        def merge(self, case, into):
            with django_capture_on_commit_callbacks(execute=True):
                workflow.merge(case, into, officer)

        def unmerge(self, case):
            case.refresh_from_db()
            with django_capture_on_commit_callbacks(execute=True):
                workflow.unmerge(case, officer)

    return Act()


def followers(case):
    return {(f.address, f.origin, f.came_from_id) for f in Follower.objects.filter(case=case)}


def state(*cases):
    """What an officer and the residents see of each case: status and the case it points at."""
    for case in cases:
        case.refresh_from_db()
    return [(case.status, case.duplicate_of_id) for case in cases]


def kinds(case):
    return [event.kind for event in case.events.order_by("created_at", "pk")]


def a_alone(a):
    return {("n.a@example.com", PAGE, None)}


def b_alone():
    return {("n.b@example.com", REPORTED, None)}


def c_alone():
    return {("n.c@example.com", PAGE, None)}


def c_in(c):
    """C's neighbour and resident, carried by C's merge (they remember it came from C)."""
    return {("n.c@example.com", PAGE, c.pk), ("resident.c@example.com", MR, c.pk)}


def b_in(b):
    return {("n.b@example.com", REPORTED, b.pk), ("resident.b@example.com", MR, b.pk)}


def merged_c_into_b_into_a(act, a, b, c):
    act.merge(c, b)
    act.merge(b, a)
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.CLOSED, a.pk), (CaseStatus.CLOSED, b.pk)]
    # Everyone who cares about the lamp follows A, the report being worked on.
    assert followers(a) == a_alone(a) | b_in(b) | c_in(c)
    assert followers(b) == followers(c) == set()


# --- C into B, then B into A ------------------------------------------------------------------


def test_the_first_report_of_a_chain_sends_its_resident_to_the_report_being_worked_on(act, abc, client):
    a, b, c = abc
    act.merge(c, b)
    assert f'href="/t/{b.reference}"' in client.get(f"/t/{c.reference}").content.decode()
    act.merge(b, a)
    page = client.get(f"/t/{c.reference}").content.decode()
    assert f'href="/t/{a.reference}"' in page and f'href="/t/{b.reference}"' not in page  # not B, closed itself
    assert f'href="/t/{a.reference}"' in client.get(f"/t/{b.reference}").content.decode()
    c.refresh_from_db()
    assert c.duplicate_of_id == b.pk  # the officer's decision stays as made: undo still works in any order


def test_undoing_the_later_merge_first_keeps_c_merged_into_b(act, abc, client):
    a, b, c = abc
    merged_c_into_b_into_a(act, a, b, c)

    act.unmerge(b)
    # B is handled on its own again, and C is still the same problem as B: C's people follow B.
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.ACCEPTED, None), (CaseStatus.CLOSED, b.pk)]
    assert followers(a) == a_alone(a)
    assert followers(b) == b_alone() | c_in(c)
    assert followers(c) == set()
    assert kinds(b)[-3:] == [K.DUPLICATE_ADDED, K.MERGED, K.UNMERGED]
    assert kinds(a)[-2:] == [K.DUPLICATE_ADDED, K.UNMERGED]
    assert K.UNMERGED not in kinds(c)  # nothing changed for C: its page still sends its resident to B
    assert f'href="/t/{b.reference}"' in client.get(f"/t/{c.reference}").content.decode()
    assert f'href="/t/{a.reference}"' not in client.get(f"/t/{b.reference}").content.decode()

    act.unmerge(c)
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.ACCEPTED, None), (CaseStatus.IN_PROGRESS, None)]
    assert followers(a) == a_alone(a)
    assert followers(b) == b_alone()
    assert followers(c) == c_alone()
    assert Follower.objects.count() == 3


def test_undoing_the_earlier_merge_first_brings_c_back_and_leaves_b_merged_into_a(act, abc, client):
    a, b, c = abc
    merged_c_into_b_into_a(act, a, b, c)

    act.unmerge(c)
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.CLOSED, a.pk), (CaseStatus.IN_PROGRESS, None)]
    # C's neighbour follows C again and C's resident is no longer a follower of A; B's stay on A.
    assert followers(a) == a_alone(a) | b_in(b)
    assert followers(b) == set()
    assert followers(c) == c_alone()
    assert kinds(c)[-2:] == [K.MERGED, K.UNMERGED]
    # B's timeline: its merge into A, then the staff note that C is handled on its own again.
    assert kinds(b)[-3:] == [K.DUPLICATE_ADDED, K.MERGED, K.UNMERGED]
    assert c.reference in b.events.get(kind=K.UNMERGED, public=False).message
    assert f'href="/t/{b.reference}"' not in client.get(f"/t/{c.reference}").content.decode()
    assert f'href="/t/{a.reference}"' in client.get(f"/t/{b.reference}").content.decode()

    act.unmerge(b)
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.ACCEPTED, None), (CaseStatus.IN_PROGRESS, None)]
    assert followers(a) == a_alone(a)
    assert followers(b) == b_alone()
    assert followers(c) == c_alone()
    assert Follower.objects.count() == 3


def test_the_chain_can_be_merged_again_after_an_undo(act, abc):
    a, b, c = abc
    merged_c_into_b_into_a(act, a, b, c)
    act.unmerge(b)
    act.merge(b, a)
    assert followers(a) == a_alone(a) | b_in(b) | c_in(c)
    act.unmerge(c)
    act.unmerge(b)
    assert (followers(a), followers(b), followers(c)) == (a_alone(a), b_alone(), c_alone())


def test_someone_following_two_reports_of_the_chain_is_listed_once_and_keeps_both(act, abc):
    a, b, c = abc
    following.follow(c, "email", "both@example.com", "th")
    following.follow(a, "email", "both@example.com", "th")
    following.follow(a, "email", "resident.c@example.com", "th")  # C's resident follows A too
    act.merge(c, b)
    act.merge(b, a)
    assert Follower.objects.filter(address="both@example.com").count() == 2  # once on A, once on C's row
    assert Follower.objects.filter(address="resident.c@example.com").count() == 2

    act.unmerge(b)
    act.unmerge(c)
    assert followers(a) == a_alone(a) | {
        ("both@example.com", PAGE, None),
        ("resident.c@example.com", PAGE, None),
    }
    assert followers(c) == c_alone() | {("both@example.com", PAGE, None)}
    assert followers(b) == b_alone()


def test_moving_followers_along_a_chain_costs_the_same_whatever_their_number(act, world):
    """The receivers move rows with a few UPDATEs, never one query per follower."""
    costs = []
    for neighbours in (1, 12):
        a, b, c = (report(world, email=f"resident.{n}.{neighbours}@example.com") for n in "abc")
        for n in range(neighbours):
            following.follow(c, "email", f"n{n}@example.com", "th")
        act.merge(c, b)
        with CaptureQueriesContext(connection) as merging:
            act.merge(b, a)
        with CaptureQueriesContext(connection) as undoing:
            act.unmerge(b)
        assert Follower.objects.filter(case=b, came_from=c).count() == neighbours + 1  # and C's resident
        costs.append((len(merging), len(undoing)))
    assert costs[0] == costs[1], costs


# --- B into A, then C into B ------------------------------------------------------------------


def test_merging_into_a_report_already_merged_is_refused_and_changes_nothing(act, abc):
    a, b, c = abc
    act.merge(b, a)
    with pytest.raises(workflow.MergeRefused, match=b.reference):
        act.merge(c, b)
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.CLOSED, a.pk), (CaseStatus.IN_PROGRESS, None)]
    assert followers(c) == c_alone()
    assert kinds(c)[-1] != K.MERGED and K.DUPLICATE_ADDED not in kinds(b)


@pytest.mark.parametrize("first", ["b", "c"])
def test_both_merged_into_a_are_undone_in_either_order(act, abc, first):
    a, b, c = abc
    act.merge(b, a)
    act.merge(c, a)  # what the refusal above tells the officer to do
    assert followers(a) == a_alone(a) | b_in(b) | c_in(c)
    cases = {"b": b, "c": c}
    act.unmerge(cases[first])
    other = "c" if first == "b" else "b"
    assert cases[other].duplicate_of_id == a.pk
    expected_a = a_alone(a) | (c_in(c) if other == "c" else b_in(b))
    assert followers(a) == expected_a
    act.unmerge(cases[other])
    assert state(a, b, c) == [(CaseStatus.RECEIVED, None), (CaseStatus.ACCEPTED, None), (CaseStatus.IN_PROGRESS, None)]
    assert (followers(a), followers(b), followers(c)) == (a_alone(a), b_alone(), c_alone())
