"""Demo local taxes: four accounts (two land-and-building, two signboard) with this tax year's
assessments, imported through the same CSV import an office uses (the documented column layout),
and one of them paid at the counter with its numbered receipt, so "Payments" and the monthly
report have something collected against something assessed.

Idempotent: the import finds accounts by number and years by account (a second run changes
nothing), and the paid account is paid only while it has no paid bill.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from services.payments import billing
from services.payments.models import InvoiceStatus
from services.taxes import bills, importer
from services.taxes.models import TaxAssessment

HEADER = "account_number,tax,taxpayer_name,taxpayer_id,tax_year,amount,description,phone,email"
# (account, tax, taxpayer, the ID (only its last 4 digits are kept), amount, property or sign, phone)
ACCOUNTS = [
    ("L-0001", "land_building", "นายสมชาย ใจดี", "3100500123456", "6,000.00", "โฉนด 1234 หมู่ 3", "0812345678"),
    ("L-0002", "land_building", "นางมาลัย ศรีสวัสดิ์", "3509900456781", "12,450.00", "โฉนด 5521 หมู่ 7", "0898765432"),
    ("S-0001", "signboard", "นางศรีสุดา แก้วมณี", "3501200987654", "600.00", "ป้ายร้านข้าวแกงป้าศรี 1 × 3 ม.", ""),
    ("S-0002", "signboard", "บริษัท เชียงใหม่ค้าส่ง จำกัด", "0505551234567", "4,800.00", "ป้ายบนอาคาร 2 × 6 ม.", ""),
]
PAID = "L-0001"  # paid at the counter: its receipt is in Payments


def csv_bytes(year):
    rows = [
        f'{number},{tax},{name},{tax_id},{year},"{amount}",{what},{phone},'
        for number, tax, name, tax_id, amount, what, phone in ACCOUNTS
    ]
    return "\r\n".join([HEADER, *rows, ""]).encode("utf-8")


def load(site, out):
    year = timezone.localdate().year + 543
    outcome = importer.import_file(site, csv_bytes(year))
    if outcome.error_count:
        out.write(f"  local taxes: the demo import was refused ({outcome.error_count} rows)")
        return
    receipt = _pay(site, year)
    out.write(
        f"  local taxes: {len(ACCOUNTS)} accounts of tax year {year}; /th/tax/ with L-0002 and 6781 "
        f"(or S-0001 and 7654); {PAID} paid, receipt {receipt or '-'}"
    )


def _pay(site, year):
    assessment = TaxAssessment.objects.select_related("account").get(
        account__site=site, account__account_number=PAID, year=year
    )
    paid = assessment.bills.filter(invoice__status=InvoiceStatus.PAID).select_related("invoice").first()
    if paid is not None:
        return paid.invoice.receipt_number
    officer = get_user_model().objects.filter(username="admin").first()
    try:
        invoice = bills.bill_for(assessment, bills.PLAN_ALL)
        return billing.record_counter_payment(invoice, officer).receipt_number
    except billing.PaymentError:
        return ""  # no PromptPay ID on the demo office: the account stays unpaid
