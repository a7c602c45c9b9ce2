"""Two officers merging two reports into each other at the same moment: one merge wins, the
other is refused, and no cycle (A merged into B merged into A) is ever written.

Real threads on a real database (TransactionTestCase semantics): on PostgreSQL both rows are
locked in id order before the checks; on SQLite the IMMEDIATE transactions queue the writers.
"""

import threading

import pytest
from django.db import connection

from services.cases import references, workflow
from services.cases.models import Case, CaseEvent
from tests.factories import CaseFactory
from tests.services.cases.support import make_world

ROUNDS = 5


def race(first, second, officer):
    """Officer one merges `first` into `second` while officer two merges `second` into
    `first`; returns how each ended ("merged", "refused: …" or "error: …")."""
    barrier = threading.Barrier(2)
    outcomes, lock = [], threading.Lock()

    def merge(case_pk, into_pk):
        try:
            case, into = Case.objects.get(pk=case_pk), Case.objects.get(pk=into_pk)
            barrier.wait(timeout=30)
            workflow.merge(case, into, officer)
            result = "merged"
        except workflow.WorkflowError as error:
            result = f"refused: {error}"
        except Exception as error:  # noqa: BLE001 - reported by the test
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=merge, args=(first.pk, second.pk)),
        threading.Thread(target=merge, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_merging_two_reports_into_each_other_at_once_makes_no_cycle(home_th):
    world = make_world(home_th)
    for _round in range(ROUNDS):
        first, second = (
            CaseFactory(service=world["service"], reference=references.generate("BSR", 2026)) for _ in range(2)
        )
        outcomes = race(first, second, world["officer_works"])
        assert sorted(o.split(":")[0] for o in outcomes) == ["merged", "refused"], outcomes
        first.refresh_from_db()
        second.refresh_from_db()
        assert [first.duplicate_of_id, second.duplicate_of_id].count(None) == 1
        assert CaseEvent.objects.filter(case__in=[first, second], kind=CaseEvent.Kind.MERGED).count() == 1
