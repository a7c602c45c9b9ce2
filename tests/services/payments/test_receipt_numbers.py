"""Receipt numbers under concurrency: officers confirming twenty payments at the same moment
get twenty consecutive, distinct numbers (the counter row is locked with SELECT … FOR UPDATE).
Real threads on a real database; on SQLite the writers queue behind one another."""

import threading

import pytest
from django.db import connection

from services.cases import workflow
from services.cases.models import CaseStatus
from services.payments import billing
from services.payments.models import Invoice
from tests.services.cases.support import submit
from tests.services.payments.support import payment_world

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_confirmations_get_twenty_consecutive_numbers(home_th):
    world = payment_world(home_th)
    invoice_ids = []
    for _ in range(THREADS):
        case, _receipt = submit(world["form"])
        workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
        invoice_ids.append(billing.issue_invoice(case, "20", "", world["officer_works"]).pk)
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []
    lock = threading.Lock()

    def pay(invoice_id):
        try:
            invoice = Invoice.objects.get(pk=invoice_id)
            barrier.wait(timeout=30)
            paid = billing.record_counter_payment(invoice, None)
            with lock:
                numbers.append(paid.receipt_number)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(pk,)) for pk in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, THREADS + 1))
    stored = set(Invoice.objects.values_list("receipt_number", flat=True))
    assert stored == set(numbers)
