"""The demo office's local taxes: accounts imported through the CSV import, one year paid with
its numbered receipt, the others found by a taxpayer with the account number and 4 digits."""

import io

from django.utils import timezone

from services.payments.models import InvoiceStatus
from services.taxes import demo as taxes_demo
from services.taxes.models import TaxAccount, TaxAssessment


def test_the_demo_has_tax_accounts_one_paid_with_a_receipt_and_loads_twice_the_same(demo, site, client):
    year = timezone.localdate().year + 543
    accounts = TaxAccount.objects.filter(site=site)
    assert accounts.count() == len(taxes_demo.ACCOUNTS)
    assert TaxAssessment.objects.filter(account__site=site, year=year).count() == len(taxes_demo.ACCOUNTS)
    paid = TaxAssessment.objects.get(account__account_number=taxes_demo.PAID, year=year)
    invoice = paid.bills.get(invoice__status=InvoiceStatus.PAID).invoice
    assert invoice.receipt_number
    out = io.StringIO()
    taxes_demo.load(site, out)
    assert invoice.receipt_number in out.getvalue()
    assert accounts.count() == len(taxes_demo.ACCOUNTS)
    assert paid.bills.filter(invoice__status=InvoiceStatus.PAID).count() == 1

    # What load_demo prints is what a taxpayer types.
    response = client.post("/th/tax/", {"account": "l 0002", "id_last4": "6781"})
    assert response.status_code == 302
    assert "นางมาลัย ศรีสวัสดิ์" in client.get(response["Location"]).content.decode()
