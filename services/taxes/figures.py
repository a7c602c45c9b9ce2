"""Local taxes in the monthly report (services.reporting.monthly's SECTIONS_HOOK): per tax, the
tax year's assessed total against what was collected in the month and up to its end.

Collected means confirmed: an invoice counts in the month its payment was confirmed (paid_at),
with the tax and the surcharge apart, so late payments show as such. The report is in Thai,
like the rest of it.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import translation

from services.payments.models import InvoiceStatus
from services.reporting.monthly import Section, month_end
from services.taxes.models import TaxAssessment, TaxBill, TaxKind

ZERO = Decimal("0.00")


def monthly_sections(site, month):
    """One table: a row per tax for the tax year the month is in (Buddhist Era)."""
    year = month.year + 543
    end = month_end(month)
    assessed = dict(
        TaxAssessment.objects.filter(account__site=site, year=year)
        .values_list("account__kind")
        .annotate(total=Sum("amount"))
    )
    paid = TaxBill.objects.filter(
        assessment__account__site=site, assessment__year=year, invoice__status=InvoiceStatus.PAID
    )
    in_month = Q(invoice__paid_at__date__gte=month, invoice__paid_at__date__lte=end)
    to_date = Q(invoice__paid_at__date__lte=end)
    sums = {
        kind: paid.filter(assessment__account__kind=kind).aggregate(
            month_tax=Sum("principal", filter=in_month),
            month_surcharge=Sum("surcharge", filter=in_month),
            total_tax=Sum("principal", filter=to_date),
        )
        for kind in TaxKind.values
    }
    rows = []
    with translation.override("th"):
        for kind in TaxKind:
            total = assessed.get(kind.value) or ZERO
            got = {key: value or ZERO for key, value in sums[kind.value].items()}
            if not total and not got["total_tax"]:
                continue
            share = round(got["total_tax"] * 100 / total, 1) if total else None
            rows.append(
                [
                    str(kind.label),
                    year,
                    f"{total:,.2f}",
                    f"{got['month_tax']:,.2f}",
                    f"{got['month_surcharge']:,.2f}",
                    f"{got['total_tax']:,.2f}",
                    share,
                ]
            )
    header = [
        "ภาษี",
        "ปีภาษี",
        "ประเมิน (บาท)",
        "จัดเก็บในเดือน (บาท)",
        "เงินเพิ่มในเดือน (บาท)",
        "จัดเก็บสะสม (บาท)",
        "จัดเก็บได้ (%)",
    ]
    return [Section("ภาษีท้องถิ่น: จัดเก็บได้เทียบกับที่ประเมิน", header, rows, widths=(40, 16, 26, 26, 26, 26, 20))]
