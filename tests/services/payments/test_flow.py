"""Paying a case's fee: the officer issues an invoice (the case waits, the deadline pauses),
the verified resident sends a slip, the officer confirms (numbered receipt, case moves on) or
rejects with a reason; counter payments; department scoping; the receipt PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from services.cases import workflow
from services.cases.models import CaseStatus
from services.payments import billing
from services.payments.models import Invoice, InvoiceStatus, Payment
from tests.services.cases.support import submit
from tests.services.payments.support import payment_world, slip_png, verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED = False  # issue 9's two-step sign-in is tested on its own


@pytest.fixture
def world(home_th):
    return payment_world(home_th)


def accepted_case(world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    return case


def test_officer_issues_the_guides_fee_and_the_case_waits(client, world):
    case = accepted_case(world)
    client.force_login(world["officer_works"])
    page = client.get(f"/admin/payments/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="20.00"' in page  # the guide's fee is the default
    response = client.post(
        f"/admin/payments/cases/{case.pk}/",
        {"action": "issue", "amount": "20.00", "description": "ค่าใบอนุญาต"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(case=case)
    case.refresh_from_db()
    assert (invoice.amount, invoice.status) == (Decimal("20.00"), InvoiceStatus.UNPAID)
    assert case.status == CaseStatus.WAITING and case.waiting_since is not None
    tracking = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "20.00" in tracking and invoice.number in tracking


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than 0 baht"),
        ("-50", "more than 0 baht"),
        ("2000000", "cannot be more than 1,000,000 baht"),
        ("ห้าสิบ", "Enter the amount in baht"),
    ],
)
def test_bad_amounts_are_refused_next_to_the_field(client, world, amount, message):
    case = accepted_case(world)
    client.force_login(world["officer_works"])
    response = client.post(
        f"/admin/payments/cases/{case.pk}/",
        {"action": "issue", "amount": amount, "description": "ทดสอบ"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{amount}"' in html  # what the officer typed stays
    assert not Invoice.objects.filter(case=case).exists()


def test_slip_needs_verification_and_follows_the_upload_rules(client, world):
    case = accepted_case(world)
    invoice = billing.issue_invoice(case, "20", "", world["officer_works"])
    url = f"/t/{case.reference}/invoices/{invoice.number}/slip"
    unverified = client.post(url, {"slip": slip_png()})
    assert unverified.status_code == 303 and unverified["Location"] == f"/t/{case.reference}#your-request"
    verify(client, case)
    fake = SimpleUploadedFile("slip.jpg", b"not really a photo" * 10, content_type="image/jpeg")
    response = client.post(url, {"slip": fake}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "slip.jpg is not an allowed file" in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    response = client.post(url, {"slip": slip_png()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SLIP_UPLOADED
    payment = invoice.payments.get()
    assert payment.slip_type == "image/png" and payment.slip.read().startswith(b"\x89PNG")


def test_confirming_issues_a_receipt_and_moves_the_case_on(client, world):
    case = accepted_case(world)
    invoice = billing.issue_invoice(case, "320.50", "ค่าธรรมเนียมใบอนุญาตก่อสร้าง", world["officer_works"])
    Case = type(case)
    # Two working days pass while the office waits for the money: the deadline moves by two.
    due_before = case.due_date
    Case.objects.filter(pk=case.pk).update(waiting_since=case.waiting_since - datetime.timedelta(days=14))
    case.refresh_from_db()
    payment = billing.upload_slip(invoice, slip_png())
    client.force_login(world["officer_works"])
    listing = client.get("/admin/payments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert invoice.number in listing and "Confirm payment" in listing
    response = client.post(f"/admin/payments/{payment.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    invoice.refresh_from_db()
    case.refresh_from_db()
    year = datetime.date.today().year + 543
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.receipt_number == f"RC{year}-000001"
    assert case.status == CaseStatus.IN_PROGRESS and case.waiting_since is None
    assert case.due_date > due_before  # the SLA clock paused while waiting for payment
    events = [e.message for e in case.events.filter(public=True)]
    assert any(invoice.receipt_number in m for m in events)
    # The resident, verified, downloads the receipt: Thai text, number, amount in Thai words.
    verify(client, case)
    pdf = client.get(f"/t/{case.reference}/invoices/{invoice.number}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "ใบเสร็จรับเงิน" in text
    assert invoice.receipt_number in text
    assert "320.50" in text
    assert "สามร้อยยี่สิบบาทห้าสิบสตางค์" in text
    # A second confirmation of the same payment is refused; numbers do not advance.
    client.force_login(world["officer_works"])
    client.post(f"/admin/payments/{payment.pk}/confirm/")
    invoice.refresh_from_db()
    assert invoice.receipt_number == f"RC{year}-000001"


def test_receipt_numbers_follow_each_other(world):
    numbers = []
    for _ in range(3):
        case = accepted_case(world)
        invoice = billing.issue_invoice(case, "20", "", world["officer_works"])
        numbers.append(billing.record_counter_payment(invoice, world["officer_works"]).receipt_number)
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_rejecting_needs_a_reason_and_the_resident_reads_it(client, world):
    case = accepted_case(world)
    invoice = billing.issue_invoice(case, "20", "", world["officer_works"])
    payment = billing.upload_slip(invoice, slip_png())
    client.force_login(world["officer_works"])
    client.post(f"/admin/payments/{payment.pk}/reject/", {"reason": " "})
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    client.post(f"/admin/payments/{payment.pk}/reject/", {"reason": "ยอดเงินในสลิปไม่ตรงกับใบแจ้งหนี้"})
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == Payment.Status.REJECTED
    assert invoice.status == InvoiceStatus.UNPAID
    client.logout()
    # The reason is the resident's business (issue 16): on their verified page, not the open one.
    assert "ยอดเงินในสลิปไม่ตรงกับใบแจ้งหนี้" not in client.get(f"/t/{case.reference}").content.decode()
    verify(client, case)
    html = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "ยอดเงินในสลิปไม่ตรงกับใบแจ้งหนี้" in html


def test_counter_payment_and_cancel(client, world):
    case = accepted_case(world)
    first = billing.issue_invoice(case, "20", "", world["officer_works"])
    client.force_login(world["officer_works"])
    client.post(f"/admin/payments/cases/{case.pk}/", {"action": "cancel", "invoice": first.pk})
    first.refresh_from_db()
    assert first.status == InvoiceStatus.CANCELLED
    second = billing.issue_invoice(case, "40", "", world["officer_works"])
    client.post(f"/admin/payments/cases/{case.pk}/", {"action": "counter", "invoice": second.pk})
    second.refresh_from_db()
    assert second.status == InvoiceStatus.PAID and second.receipt_number
    assert second.payments.get().method == Payment.Method.COUNTER
    receipt = client.get(f"/admin/payments/invoices/{second.pk}/receipt/")
    assert receipt.status_code == 200


def test_other_departments_cannot_see_or_confirm(client, world):
    case = accepted_case(world)
    invoice = billing.issue_invoice(case, "20", "", world["officer_works"])
    payment = billing.upload_slip(invoice, slip_png())
    client.force_login(world["officer_health"])
    assert invoice.number not in client.get("/admin/payments/").content.decode()
    # Not found (outside /th/, Django's LocaleMiddleware answers a 404 by redirecting to /th/…,
    # which is a 404 too).
    assert client.post(f"/admin/payments/{payment.pk}/confirm/", follow=True).status_code == 404
    assert client.get(f"/admin/payments/{payment.pk}/slip/", follow=True).status_code == 404
    assert client.get(f"/admin/payments/cases/{case.pk}/", follow=True).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_staff_payments_page_query_budget(client, world, django_assert_max_num_queries):
    """17 queries (session, user, permissions, menus, the listing's department check, the offices the
    officer works for — their staff groups and their departments' offices, read once per request —,
    settings, count, one page of slips) whatever the number of slips."""
    for _ in range(10):
        case = accepted_case(world)
        billing.upload_slip(billing.issue_invoice(case, "20", "", world["officer_works"]), slip_png())
    client.force_login(world["officer_works"])
    client.get("/admin/payments/")  # warm caches (menus, settings)
    with django_assert_max_num_queries(17):
        response = client.get("/admin/payments/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode().count("Confirm payment") == 10
