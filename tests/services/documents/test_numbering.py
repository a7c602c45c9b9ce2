"""100 officers pressing Issue at the same moment on one office's register (the issue's number):
100 documents numbered 1 to 100, none skipped or doubled. Real threads on a real database
(TransactionTestCase semantics), on SQLite (IMMEDIATE transactions queue the writers; those
still waiting after the busy timeout try again, issuing._in_turn) and PostgreSQL (the register
row is locked with SELECT … FOR UPDATE) alike: CI runs this file under both.

PostgreSQL refuses connections past max_connections (100 by default, shared with everything
else on the server), so there the threads share as many connections as are free: all 100 are
released at once and queue on the register either way."""

import threading
import traceback

import pytest
from django.db import connection

from services.cases.models import Case
from services.documents import issuing
from services.documents.models import DocumentRegister, DocumentTemplate, IssuedDocument
from tests.services.documents.support import document_world

THREADS = 100
SPARE_CONNECTIONS = 5  # left for the test's own connection and anyone else on the server


def connection_slots():
    """How many threads may hold a connection at once."""
    if connection.vendor != "postgresql":
        return THREADS
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        free = cursor.fetchone()[0]
    return max(1, min(THREADS, free - SPARE_CONNECTIONS))


@pytest.mark.django_db(transaction=True)
def test_a_hundred_simultaneous_issues_get_a_hundred_consecutive_numbers(home_th):
    world = document_world(home_th)
    case_id, template_id = world["case"].pk, world["template"].pk
    barrier = threading.Barrier(THREADS)
    slots = threading.BoundedSemaphore(connection_slots())
    numbers, errors = [], []
    lock = threading.Lock()

    def issue():
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    case = Case.objects.select_related("site", "submission").get(pk=case_id)
                    template = DocumentTemplate.objects.get(pk=template_id)
                    document = issuing.issue(case, template)
                    with lock:
                        numbers.append(document.number)
                finally:
                    connection.close()
        except Exception:  # noqa: BLE001 - collected and reported below
            with lock:
                errors.append(traceback.format_exc())

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == list(range(1, THREADS + 1))
    assert DocumentRegister.objects.get().last_number == THREADS
    assert IssuedDocument.objects.values("code").distinct().count() == THREADS
