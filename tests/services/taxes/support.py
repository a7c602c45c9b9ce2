"""Builders for the local-tax tests: an exported CSV (in the encoding asked for), the office's
PromptPay setting, and a tax officer."""

from services.payments.models import PaymentSettings
from tests.services.payments.support import TAX_ID
from tests.services.payments.two_offices import staff_of

HEADER = "account_number,tax,taxpayer_name,taxpayer_id,tax_year,amount,description,phone,email"
ROWS = [
    'L 0001,land_building,นายสมชาย ใจดี,3100500123456,2569,"6,000.00",โฉนด 1234 หมู่ 3,0812345678,',
    "S-0007,ภาษีป้าย,ร้านบ้านสวนการค้า,4321,๒๕๖๙,๖๐๐,ป้ายหน้าร้าน 1x3 ม.,,shop@example.com",
]


def csv_bytes(rows=ROWS, encoding="utf-8", header=HEADER):
    return "\r\n".join([header, *rows, ""]).encode(encoding)


def with_promptpay(site):
    settings = PaymentSettings.for_site(site)
    settings.promptpay_id = TAX_ID
    settings.payee_name = "เทศบาลตำบลทดสอบ"
    settings.save()
    return settings


def tax_officer(site, username=None):
    return staff_of(site, "taxes.import_assessments", "taxes.view_taxaccount", username=username)
