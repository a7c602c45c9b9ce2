"""Payments on an install with two offices (issue 17): an officer of office A never sees or acts
on office B's invoices, slips, receipts or household accounts (another office's row is a 404),
and a public page on A's host never shows B's bill."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from services.payments import billing
from services.payments.models import PaymentSettings
from tests.factories import HouseholdFactory, InvoiceFactory, PaymentFactory
from tests.services.payments.support import BILLER_ID, TAX_ID
from tests.services.payments.two_offices import B_HOST, not_found, staff_of

pytestmark = pytest.mark.django_db


def promptpay(site, promptpay_id):
    settings = PaymentSettings.for_site(site)
    settings.promptpay_id = promptpay_id
    settings.save()


@pytest.fixture
def slips(offices):
    a, b = offices
    return (
        PaymentFactory(invoice=InvoiceFactory(case=a.case, number="INV-A-0001")),
        PaymentFactory(invoice=InvoiceFactory(case=b.case, number="INV-B-0001")),
    )


def test_the_payments_listing_shows_only_the_officers_office(client, offices, slips):
    a, b = offices
    client.force_login(a.officer)
    page = client.get(reverse("payments:index")).content.decode()
    assert "INV-A-0001" in page and a.case.reference in page
    assert "INV-B-0001" not in page and b.case.reference not in page
    exported = b"".join(client.get(reverse("payments:index") + "?export=csv").streaming_content).decode()
    assert "INV-A-0001" in exported and "INV-B-0001" not in exported


def test_another_offices_slip_cannot_be_confirmed_rejected_or_opened(client, offices, slips):
    a, b = offices
    _mine, theirs = slips
    client.force_login(a.officer)
    assert not_found(client, reverse("payments:confirm", args=[theirs.pk]), "post")
    assert not_found(client, reverse("payments:reject", args=[theirs.pk]), "post", {"reason": "x"})
    assert not_found(client, reverse("payments:slip", args=[theirs.pk]))
    assert not_found(client, reverse("payments_case", args=[b.case.pk]))
    theirs.refresh_from_db()
    assert theirs.status == theirs.Status.PENDING
    # B's own officer confirms it: the receipt comes from B's receipt book.
    client.force_login(b.officer)
    assert client.post(reverse("payments:confirm", args=[theirs.pk])).status_code == 302
    theirs.invoice.refresh_from_db()
    assert theirs.invoice.receipt_number
    client.force_login(a.officer)
    assert not_found(client, reverse("payments_receipt", args=[theirs.invoice.pk]))


def test_a_shared_officer_sees_both_offices_labelled(client, offices, slips, django_assert_max_num_queries):
    a, b = offices
    shared = staff_of(a.site, "cases.view_all_cases", username="shared.officer")
    shared.groups.add(*b.officer.groups.all())
    client.force_login(shared)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("payments:index")).content.decode()
    assert "INV-A-0001" in page and "INV-B-0001" in page
    assert "อบต.หนองบัว" in page  # the office column


def test_household_accounts_are_the_offices_own(client, offices):
    a, b = offices
    HouseholdFactory(site=a.site, account_number="G-A001", holder_name="บ้านของเอ")
    theirs = HouseholdFactory(site=b.site, account_number="G-B001", holder_name="บ้านของบี")
    client.force_login(a.officer)
    listing = client.get(reverse("wagtailsnippets_payments_household:list")).content.decode()
    assert "G-A001" in listing and "G-B001" not in listing
    found = client.get(reverse("wagtailsnippets_payments_household:list") + "?q=บ้าน").content.decode()
    assert "G-B001" not in found
    assert not_found(client, reverse("wagtailsnippets_payments_household:edit", args=[theirs.pk]))
    assert not_found(client, reverse("wagtailsnippets_payments_household:delete", args=[theirs.pk]))
    assert not_found(client, reverse("wagtailsnippets_payments_household:history", args=[theirs.pk]))
    # The chooser (a form with a foreign key to a household offers it) is A's only too.
    chooser = "wagtailsnippetchoosers_payments_household"
    for url in (reverse(f"{chooser}:choose"), reverse(f"{chooser}:choose_results") + "?q=G-"):
        page = client.get(url).content.decode()
        assert "G-A001" in page and "G-B001" not in page
    assert not_found(client, reverse(f"{chooser}:chosen", args=[theirs.pk]))


def bill_for(site, account, house):
    household = HouseholdFactory(site=site, account_number=account, house_number=house)
    billing.bill_month(site, datetime.date(2026, 11, 1))
    return household


def test_an_account_of_office_b_typed_on_office_as_site_is_not_found(offices):
    a, b = offices
    promptpay(b.site, BILLER_ID)
    bill_for(b.site, "G-0417", "12/3")
    on_a = Client()
    response = on_a.post("/en/pay/", {"account": "G-0417", "house": "12/3"})
    assert response.status_code == 400
    assert "We could not find that account" in response.content.decode()
    on_b = Client(HTTP_HOST=B_HOST)
    response = on_b.post("/en/pay/", {"account": "G-0417", "house": "12/3"})
    assert response.status_code == 302
    bill = on_b.get(response["Location"])
    assert bill.status_code == 200 and "20.00" in bill.content.decode()
    # The same browser session's bill link on A's host is not found: A's site knows no B bill.
    on_a.cookies = on_b.cookies
    stray = on_a.get(response["Location"], HTTP_HOST="testserver")
    assert stray.status_code == 404 and "20.00" not in stray.content.decode()


def test_a_case_invoice_uses_its_offices_promptpay_and_only_on_its_host(offices):
    a, b = offices
    promptpay(a.site, TAX_ID)  # B has no PromptPay ID
    invoice = InvoiceFactory(case=b.case, number="INV-B-0002", amount=Decimal("120.00"))
    url = f"/t/{b.case.reference}/invoices/{invoice.number}/"
    with translation.override("en"):
        on_b = Client(HTTP_HOST=B_HOST).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert on_b.status_code == 200
    page = on_b.content.decode()
    assert "120.00" in page
    assert "PromptPay QR code" not in page  # A's PromptPay ID is never used for B's bill
    assert "Please pay at the office" in page  # B has none yet: a clear way to pay instead
    assert billing.qr_payload(invoice) is None
    on_a = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert on_a.status_code == 403 and "120.00" not in on_a.content.decode()
