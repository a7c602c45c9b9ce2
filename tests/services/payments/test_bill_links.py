"""Finding the household fee page and opening a bill link anywhere (issue 14, item 9): the guides,
the home page and the services list lead to /<lang>/pay/, and a bill link opened in a browser
that never looked the account up asks for the account again, in the page's language, then
shows that bill, instead of a bare English "403 Forbidden"."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from wagtail.models import Page

from services.models.guides import ServicePage, validate_pay_online_url
from services.payments import billing
from services.payments.models import Household, MonthlyCharge, PaymentSettings
from tests.services.payments.support import TAX_ID, slip_png

pytestmark = pytest.mark.django_db


def make_household(site, account, house):
    settings = PaymentSettings.for_site(site)
    settings.promptpay_id = TAX_ID
    settings.save()
    return Household.objects.create(
        site=site,
        account_number=account,
        house_number=house,
        holder_name="สมชาย ใจดี",
        garbage_fee=Decimal("20"),
        wastewater_fee=Decimal("10"),
    )


@pytest.fixture
def bill(site):
    household = make_household(site, "G-0417", "12/3")
    for month in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)):
        billing.bill_month(site, month)
    return billing.invoice_for_household(household)


def test_a_bill_link_in_another_browser_asks_for_the_account_in_the_pages_language(bill):
    stranger = Client()
    english = stranger.get(f"/en/pay/{bill.number}/")
    assert english.status_code == 200
    html = english.content.decode()
    assert "To open this bill on this device, type the account number and house number" in html
    assert 'name="account"' in html and 'name="house"' in html
    # Nothing of the bill before the account is proven: not its account, amount or holder.
    assert "G-0417" not in html and "60.00" not in html and "สมชาย" not in html
    thai = stranger.get(f"/th/pay/{bill.number}/").content.decode()
    assert "เพื่อเปิดใบแจ้งหนี้นี้บนอุปกรณ์นี้" in thai and "เปิดใบแจ้งหนี้" in thai

    wrong = stranger.post(f"/th/pay/{bill.number}/", {"account": "G-0417", "house": "99"})
    assert wrong.status_code == 400
    assert "ไม่พบบัญชีที่ตรงกับบ้านเลขที่นี้" in wrong.content.decode()
    assert "60.00" not in wrong.content.decode()

    # Thai digits, as typed on a Thai keyboard, then on to the very bill of the link.
    right = stranger.post(f"/th/pay/{bill.number}/", {"account": "g-๐๔๑๗", "house": "๑๒/๓"})
    assert right.status_code == 302 and right["Location"] == f"/th/pay/{bill.number}/"
    page = stranger.get(right["Location"]).content.decode()
    assert "60.00" in page and "G-0417" in page and "<svg" in page


def test_slip_and_receipt_links_without_the_session_lead_to_the_account_form(bill):
    stranger = Client()
    slip = stranger.post(f"/th/pay/{bill.number}/slip", {"slip": slip_png()})
    assert slip.status_code == 303 and slip["Location"] == f"/th/pay/{bill.number}/"
    assert not bill.payments.exists()
    receipt = stranger.get(f"/en/pay/{bill.number}/receipt.pdf")
    assert receipt.status_code == 302 and receipt["Location"] == f"/en/pay/{bill.number}/"


def test_another_households_account_opens_its_own_bill_not_the_links(site, bill):
    make_household(site, "G-0002", "45")
    billing.bill_month(site, datetime.date(2026, 11, 1))
    neighbour = Client()
    response = neighbour.post(f"/th/pay/{bill.number}/", {"account": "G-0002", "house": "45"})
    assert response.status_code == 302 and response["Location"] != f"/th/pay/{bill.number}/"
    assert neighbour.get(f"/th/pay/{bill.number}/").content.decode().count("60.00") == 0
    # An unknown bill number asks the same question and leads to the household's own bill.
    assert neighbour.get("/th/pay/HH-NOPE/").status_code == 200


def test_unknown_bill_number_asks_and_goes_on_to_what_is_due(site, bill):
    MonthlyCharge.objects.update(paid=True)
    response = Client().post("/en/pay/HH-99-999999/", {"account": "G-0417", "house": "12/3"})
    assert response.status_code == 200
    assert "Nothing is due on account G-0417" in response.content.decode()


@pytest.mark.parametrize("value", ["javascript:alert(1)", "http://pay.example.com/", "//evil.example/pay", "pay/"])
def test_the_guides_pay_online_link_is_a_site_path_or_https(value):
    with pytest.raises(ValidationError):
        validate_pay_online_url(value)


def municipality_guides(site):
    """The demo municipality's guides (the default office: under its home page or the home page's
    translations); the demo's second office has guides of the same slugs."""
    under = Q(pk__in=[])
    for home in Page.objects.filter(translation_key=site.root_page.translation_key):
        under |= Q(path__startswith=home.path)
    return ServicePage.objects.filter(under)


def test_home_services_list_and_fee_guides_link_to_the_fee_page(client, demo, site):
    assert 'href="/th/pay/"' in client.get("/th/").content.decode()
    assert 'href="/en/pay/"' in client.get("/en/").content.decode()
    services = client.get("/th/services/").content.decode()
    assert 'href="/th/pay/"' in services and "ชำระค่าธรรมเนียมขยะและน้ำเสียออนไลน์" in services
    for slug in ("garbage-fee", "wastewater-fee"):
        for language in ("th", "en"):
            guide = municipality_guides(site).get(slug=slug, locale__language_code=language)
            html = client.get(guide.url).content.decode()
            label = "ชำระเงินออนไลน์" if language == "th" else "Pay online"
            assert f'<a class="button button-apply" href="/{language}/pay/">{label}</a>' in html
    permit = municipality_guides(site).get(slug="building-permit", locale__language_code="th")
    assert "/th/pay/" not in client.get(permit.url).content.decode()
    # The Burmese, Khmer and Lao garbage-fee guides send their readers to the fee page in their
    # own language, not the Thai one.
    for language in ("my", "km", "lo"):
        guide = municipality_guides(site).get(slug="garbage-fee", locale__language_code=language)
        assert f'href="/{language}/pay/"' in client.get(guide.url).content.decode()
        assert client.get(f"/{language}/pay/").status_code == 200
    # Loading the demo again keeps the links (idempotent): two fees in Thai and English, the
    # garbage fee in the three more.
    call_command("load_demo", stdout=io.StringIO())
    assert municipality_guides(site).filter(pay_online_url__endswith="/pay/").count() == 7
