"""Recurring fees: a household finds its account with the account and house numbers, sees the
months due with one PromptPay QR for the total, sends a slip; confirming pays those months."""

import datetime
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from portal import qr
from services.payments import billing, promptpay
from services.payments.models import Household, Invoice, InvoiceStatus, MonthlyCharge
from tests.services.payments.support import TAX_ID, slip_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(site):
    from services.payments.models import PaymentSettings

    settings = PaymentSettings.for_site(site)
    settings.promptpay_id = TAX_ID
    settings.save()
    household = Household.objects.create(
        site=site,
        account_number="G-0001",
        house_number="12/3",
        holder_name="สมชาย ใจดี",
        garbage_fee=Decimal("20"),
        wastewater_fee=Decimal("10"),
    )
    for month in (datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)):
        billing.bill_month(site, month)
    MonthlyCharge.objects.filter(month=datetime.date(2026, 9, 1)).update(paid=True)
    return household


def test_billing_a_month_twice_adds_nothing(site, household):
    assert billing.bill_month(site, datetime.date(2026, 11, 15)) == 0
    assert household.charges.count() == 6


def test_wrong_house_number_is_refused_with_one_message(client, household):
    response = client.post("/en/pay/", {"account": "G-0001", "house": "99"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not find that account with that house number" in html
    assert 'value="G-0001"' in html and 'value="99"' in html  # what was typed stays
    assert "สมชาย" not in html


def test_household_pays_the_months_due(client, site, household):
    response = client.post("/th/pay/", {"account": "g-0001", "house": "12/3 "})
    assert response.status_code == 302
    invoice = Invoice.objects.get(household=household, status=InvoiceStatus.UNPAID)
    assert invoice.amount == Decimal("60.00")  # Oct + Nov, garbage 20 + wastewater 10
    page = client.get(response["Location"]).content.decode()
    assert "ตุลาคม 2569" in page and "พฤศจิกายน 2569" in page
    assert "60.00" in page and "<svg" in page
    # Looking up again does not pile up invoices.
    client.post("/th/pay/", {"account": "G-0001", "house": "12/3"})
    assert Invoice.objects.filter(household=household).count() == 1
    # The QR for the total decodes to the right amount and the account as bill number.
    fields = promptpay.parse(
        zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.png(billing.qr_payload(invoice)))))[0].text
    )
    assert fields["54"] == "60.00" and fields["62"] == {"01": "G0001"} and fields["29"]["02"] == TAX_ID
    # Slip, then confirmation: the months are paid.
    upload = client.post(f"/th/pay/{invoice.number}/slip", {"slip": slip_png()})
    assert upload.status_code == 302
    payment = invoice.payments.get()
    billing.confirm(payment)
    assert not household.charges.filter(paid=False).exists()
    done = client.post("/en/pay/", {"account": "G-0001", "house": "12/3"})
    assert "Nothing is due on account G-0001" in done.content.decode()
    assert client.get(f"/th/pay/{invoice.number}/receipt.pdf").status_code == 200


def test_another_session_cannot_open_the_households_invoice(client, household):
    invoice = billing.invoice_for_household(household)
    html = client.get(f"/th/pay/{invoice.number}/").content.decode()
    assert 'name="account"' in html and "60.00" not in html  # asked for the account, bill not shown
