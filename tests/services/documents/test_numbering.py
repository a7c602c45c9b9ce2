"""20 officers pressing Issue at the same moment on one office's register: 20 documents numbered
1 to 20, none skipped or doubled. Real threads on a real database (TransactionTestCase
semantics), on SQLite (IMMEDIATE transactions queue the writers) and PostgreSQL (the register
row is locked with SELECT … FOR UPDATE) alike: CI runs this file under both."""

import threading

import pytest
from django.db import connection

from services.cases.models import Case
from services.documents import issuing
from services.documents.models import DocumentRegister, DocumentTemplate, IssuedDocument
from tests.services.documents.support import document_world

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_issues_get_twenty_consecutive_numbers(home_th):
    world = document_world(home_th)
    case_id, template_id = world["case"].pk, world["template"].pk
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []
    lock = threading.Lock()

    def issue():
        try:
            case = Case.objects.select_related("site", "submission").get(pk=case_id)
            template = DocumentTemplate.objects.get(pk=template_id)
            barrier.wait(timeout=60)
            document = issuing.issue(case, template)
            with lock:
                numbers.append(document.number)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == list(range(1, THREADS + 1))
    assert DocumentRegister.objects.get().last_number == THREADS
    assert IssuedDocument.objects.values("code").distinct().count() == THREADS
