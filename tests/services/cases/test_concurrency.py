"""50 residents pressing Send at the same moment: 50 cases, 50 distinct references.

Real threads on a real database (TransactionTestCase semantics). On SQLite the writes queue up
behind one another (IMMEDIATE transactions and a busy timeout) and must still all succeed.
"""

import threading
import uuid

import pytest
from django.db import connection, transaction

from forms_builder.models import Submission
from services.cases.intake import open_case
from services.cases.models import Case
from tests.services.cases.support import SNAPSHOT, make_world

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_get_fifty_distinct_references(home_th):
    world = make_world(home_th)
    form_id = world["form"].pk
    barrier = threading.Barrier(THREADS)
    references, errors = [], []
    lock = threading.Lock()

    def submit(index):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                submission = Submission.objects.create(
                    form_page_id=form_id,
                    form_title="แจ้งซ่อมไฟฟ้าสาธารณะ",
                    form_snapshot=SNAPSHOT,
                    answers={"details": f"ไฟดับจุดที่ {index}"},
                    contact_phone=f"08{index:08d}",
                    wizard_token=uuid.uuid4().hex,
                )
                receipt = open_case(submission)
            with lock:
                references.append(receipt.reference)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(references) == THREADS
    assert len(set(references)) == THREADS
    assert Case.objects.count() == THREADS
    assert set(Case.objects.values_list("reference", flat=True)) == set(references)
    assert Case.objects.filter(department=world["works"]).count() == THREADS
