"""A taxpayer finds the bill with the account number and the ID's last 4 digits, sees each
instalment's due date (and the surcharge when late), pays by PromptPay QR with a slip; an officer
confirms in "Payments to confirm" and a numbered receipt follows."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.payments.models import Invoice, InvoiceStatus, Payment
from services.taxes import bills, importer
from services.taxes.models import TaxAccount, TaxSettings
from tests.services.payments.support import slip_png
from tests.services.payments.two_offices import B_HOST, make_office, not_found, staff_of
from tests.services.taxes.support import csv_bytes, tax_officer

pytestmark = pytest.mark.django_db

NEUTRAL = "We could not find a tax account with these details"
BEFORE_DUE = datetime.date(2026, 4, 1)  # tax year 2569: land-and-building due 30 April 2026


def find(client, account="L 0001", last4="3456", language="en", **extra):
    return client.post(f"/{language}/tax/", {"account": account, "id_last4": last4}, **extra)


def test_account_number_with_spaces_and_thai_digits_is_found(client, imported):
    response = find(client, account=" l ๐๐๐๑ ", last4="๓๔๕๖")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "นายสมชาย ใจดี" in page and "6,000.00" in page


@pytest.mark.parametrize(
    ("account", "last4"),
    [
        ("s0007", "4321"),  # stored S-0007: the hyphen left out
        ("S 0007", "4321"),
        ("S–๐๐๐๗", "4321"),  # an en dash and Thai digits
        ("Ｓ－０００７", "４３２１"),  # full-width letters, hyphen and digits
        ("L-0001", "3100500123456"),  # stored L0001: a hyphen typed; the whole ID read as its last 4
        ("L0001", "3-1005-00123-45-6"),  # the ID as printed on the card
    ],
)
def test_separators_and_any_digits_find_the_account(client, imported, account, last4):
    response = find(client, account=account, last4=last4)
    assert response.status_code == 302, response.content.decode()[:300]


@pytest.mark.parametrize(
    ("account", "last4", "field_message"),
    [
        ("L0001", "45", "Enter 4 digits"),  # too few digits: said next to the box, not "not found"
        ("- -", "3456", "Enter the account number as it is on your tax bill"),
    ],
)
def test_unusable_input_is_told_next_to_its_box(client, imported, account, last4, field_message):
    response = find(client, account=account, last4=last4)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html and NEUTRAL not in html


@pytest.mark.parametrize(("account", "last4"), [("L0001", "0000"), ("L9999", "3456"), ("", "")])
def test_wrong_details_get_one_neutral_answer(client, imported, account, last4):
    response = find(client, account=account, last4=last4)
    assert response.status_code == 400
    html = response.content.decode()
    if account:
        assert NEUTRAL in html
        assert "นายสมชาย" not in html
        assert f'value="{account}"' in html  # what was typed stays


def test_lookup_is_rate_limited(client, imported, settings):
    with mock.patch("services.taxes.views.LOOKUP_LIMIT", (3, 600)):
        codes = [find(client, last4="0000").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def test_another_offices_host_does_not_find_the_account(client, imported):
    make_office("อบต.หนองบัว", B_HOST)
    assert find(client, HTTP_HOST=B_HOST).status_code == 400


def test_the_bill_page_without_lookup_asks_for_the_account(client, imported):
    account = TaxAccount.objects.get(account_number="L0001")
    response = client.get(f"/en/tax/accounts/{account.pk}/")
    assert response.status_code == 303 and response["Location"] == "/en/tax/"


def test_instalments_and_late_surcharge_follow_the_office_settings(imported):
    tax_settings = TaxSettings.for_site(imported)
    parts = tax_settings.schedule("land_building", 2569, Decimal("6000.00"))
    assert [(n, due.isoformat(), p) for n, due, p in parts] == [
        (1, "2026-04-30", Decimal("2000.00")),
        (2, "2026-05-30", Decimal("2000.00")),
        (3, "2026-06-30", Decimal("2000.00")),
    ]
    # 1% a month or part of a month: 31 May is one month and a day late, so two months.
    assert tax_settings.surcharge("land_building", Decimal("2000"), parts[0][1], datetime.date(2026, 5, 31)) == Decimal(
        "40.00"
    )
    tax_settings.land_building_instalments = 1
    tax_settings.land_building_surcharge = Decimal("1.5")
    tax_settings.surcharge_cap = Decimal("2")
    tax_settings.save()
    assert len(tax_settings.schedule("land_building", 2569, Decimal("6000"))) == 1
    assert tax_settings.surcharge("land_building", Decimal("6000"), parts[0][1], datetime.date(2026, 9, 1)) == Decimal(
        "120.00"
    )  # 4 months at 1.5% = 6%, capped at 2%
    # Below the office's smallest instalment amount, the sign's 600 baht is paid at once.
    assert len(tax_settings.schedule("signboard", 2569, Decimal("600"))) == 1


def test_the_bill_shows_the_surcharge_when_late(client, imported):
    find(client)
    account = TaxAccount.objects.get(account_number="L0001")
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 31)):
        page = client.get(f"/en/tax/accounts/{account.pk}/").content.decode()
    # Instalment 1 (30 April) is two months late by the month-or-part rule: 40; instalment 2 (30 May) one: 20.
    assert "Late" in page and "<strong>40.00</strong>" in page and "<strong>20.00</strong>" in page
    assert "Paid late: a surcharge of 60.00 baht" in page


def test_bill_page_query_count(client, imported, django_assert_max_num_queries):
    find(client)
    account = TaxAccount.objects.get(account_number="L0001")
    bills.bill_for(account.assessments.get(), bills.PLAN_NEXT, today=BEFORE_DUE)
    client.get(f"/en/tax/accounts/{account.pk}/")  # the office's settings rows are made on first use
    # The session, the account, the tax settings, the years, their bills with invoices; the rest
    # is the site's header and menu (base.html).
    with django_assert_max_num_queries(10) as captured:
        response = client.get(f"/en/tax/accounts/{account.pk}/")
    assert response.status_code == 200 and "2,000.00" in response.content.decode()
    # Another year and its bill cost no query more.
    importer.import_file(imported, csv_bytes(["L0001,land_building,นายสมชาย ใจดี,3456,2568,5000,,,"]))
    bills.bill_for(account.assessments.get(year=2568), bills.PLAN_ALL, today=BEFORE_DUE)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert "Tax year 2568" in client.get(f"/en/tax/accounts/{account.pk}/").content.decode()
    assert response.status_code == 200


def pay_next(client, language="en"):
    find(client, language=language)
    account = TaxAccount.objects.get(account_number="L0001")
    with mock.patch("django.utils.timezone.localdate", return_value=BEFORE_DUE):
        response = client.post(
            f"/{language}/tax/accounts/{account.pk}/", {"assessment": account.assessments.get().pk, "plan": "next"}
        )
    assert response.status_code == 303
    return response["Location"]


def test_paying_an_instalment_shows_payments_qr_and_twice_makes_one_invoice(client, imported):
    location = pay_next(client)
    assert pay_next(client) == location  # reloading "pay" reuses the open bill
    invoice = Invoice.objects.get(tax_bill__isnull=False)
    assert invoice.amount == Decimal("2000.00") and invoice.payer == "นายสมชาย ใจดี"
    assert "instalment 1 of 3" in invoice.description
    page = client.get(location).content.decode()
    assert 'class="promptpay-qr"' in page and "2,000.00" in page and "L0001" in page


def test_a_slip_that_is_not_an_image_is_refused_and_nothing_is_lost(client, imported):
    location = pay_next(client)
    bad = SimpleUploadedFile("slip.png", b"MZ not an image", content_type="image/png")
    response = client.post(location + "slip", {"slip": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-message"' in html and "2,000.00" in html
    assert Invoice.objects.get(tax_bill__isnull=False).status == InvoiceStatus.UNPAID
    big = SimpleUploadedFile("slip.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), content_type="application/pdf")
    assert client.post(location + "slip", {"slip": big}).status_code == 400
    assert not Payment.objects.exists()


def test_slip_confirmed_by_the_tax_officer_gives_a_numbered_receipt(client, imported):
    location = pay_next(client, language="th")
    response = client.post(location + "slip", {"slip": slip_png()})
    assert response.status_code == 303
    invoice = Invoice.objects.get(tax_bill__isnull=False)
    assert invoice.status == InvoiceStatus.SLIP_UPLOADED

    officer_client = type(client)()
    officer_client.force_login(tax_officer(imported))
    listing = officer_client.get("/admin/payments/").content.decode()
    assert invoice.number in listing and "นายสมชาย ใจดี" in listing
    payment = Payment.objects.get(invoice=invoice)
    officer_client.post(f"/admin/payments/{payment.pk}/confirm/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.receipt_number.startswith("RC25")

    page = client.get(location).content.decode()
    assert invoice.receipt_number in page
    receipt = client.get(location + "receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    # The year shows instalment 1 paid; the next pays instalments 2-3.
    account = TaxAccount.objects.get(account_number="L0001")
    year = bills.account_bills(account, today=BEFORE_DUE)[0]
    assert [part.paid for part in year.parts] == [True, False, False] and year.remaining == Decimal("4000.00")


def test_officer_without_tax_permission_does_not_see_tax_slips(client, imported):
    location = pay_next(client)
    client.post(location + "slip", {"slip": slip_png()})
    other = type(client)()
    other.force_login(staff_of(imported, "payments.change_household"))
    assert Invoice.objects.get().number not in other.get("/admin/payments/").content.decode()


def test_admin_assessments_list_query_count(client, imported, django_assert_max_num_queries):
    client.force_login(tax_officer(imported))
    client.get("/admin/tax_assessments/")  # warm the per-process caches (content types, settings)
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/admin/tax_assessments/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "L0001" in html and "6,000.00" in html
    rows = [f"L-{n:04d},land_building,ผู้เสียภาษี {n},1234,2569,{n}00,,," for n in range(100, 140)]
    importer.import_file(imported, csv_bytes(rows))
    # Forty more rows cost no query more: the collected column is one annotation.
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert "L-0139" in client.get("/admin/tax_assessments/?ordering=-amount").content.decode()


def test_another_offices_tax_officer_sees_none_of_this_offices_taxes(client, imported):
    location = pay_next(client)
    client.post(location + "slip", {"slip": slip_png()})
    other_office = make_office("อบต.หนองบัว", B_HOST)
    officer = type(client)()
    officer.force_login(tax_officer(other_office))
    assert "L0001" not in officer.get("/admin/tax_assessments/").content.decode()
    assert Invoice.objects.get().number not in officer.get("/admin/payments/").content.decode()
    payment = Payment.objects.get()
    officer.post(f"/admin/payments/{payment.pk}/confirm/")
    assert Invoice.objects.get().status == InvoiceStatus.SLIP_UPLOADED  # not theirs to confirm
    account = TaxAccount.objects.get(account_number="L0001")
    assert not_found(officer, f"/admin/snippets/taxes/taxaccount/edit/{account.pk}/")
