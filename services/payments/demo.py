"""Demo fees: the office's PromptPay setting, a building-permit request waiting for its fee (the
showcase the browser tests pay), a paid one with a receipt, and households with months due.

Deterministic and idempotent: the showcase case is found by its submission token, households
by account number, charges by (household, fee, month).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from forms_builder.fields import build_definition
from forms_builder.models import FormPage, Submission
from services.cases import references, workflow
from services.cases.demo import SHOWCASE_PHONE, answers_for, give_demo_link, showcase_submitted
from services.cases.intake import build_case, find_service
from services.cases.models import Case, CaseEvent, CaseSettings, CaseStatus
from services.cases.sla import WorkingCalendar
from services.payments import billing
from services.payments.models import Household, PaymentSettings

TOKEN = "demo-payment-permit"  # noqa: S105 - a submission token, not a secret
# A made-up tax ID with a valid check digit (0-99-9999-99999-1): no real office owns it, so a
# resident scanning the demo QR in a bank app is refused instead of paying a stranger.
DEMO_PROMPTPAY_ID = "0999999999991"
PERMIT_FEE = Decimal("320.00")
HOUSEHOLDS = [
    # account, house no., holder, address, garbage, wastewater, unpaid months
    ("G-0001", "12/3", "สมชาย ใจดี", "หมู่ 3 ตำบลบ้านสวน", Decimal("20"), Decimal("10"), 3),
    ("G-0002", "45", "มาลัย ศรีสุข", "หมู่ 1 ตำบลบ้านสวน", Decimal("20"), Decimal("10"), 1),
    ("G-0003", "7/1", "บุญช่วย ทองดี", "หมู่ 5 ตำบลบ้านสวน", Decimal("40"), Decimal("0"), 0),
    ("G-0004", "101", "Aung Kyaw", "หมู่ 2 ตำบลบ้านสวน", Decimal("20"), Decimal("10"), 6),
]


def showcase_reference(today=None):
    """The fixed reference of the building-permit request waiting for its fee (phone …5678)."""
    submitted = showcase_submitted(today)
    return references.generate("BSR", submitted.year, rng=random.Random("showcase-payment"))  # noqa: S311


def load(site, out):
    settings = PaymentSettings.for_site(site)
    if not settings.promptpay_id:
        settings.promptpay_id = DEMO_PROMPTPAY_ID
        settings.payee_name = "เทศบาลตำบลบ้านสวน (ตัวอย่าง)"
        settings.receipt_prefix = "RC"
        settings.full_clean()
        settings.save()
    case = _permit_case(site)
    _households(site)
    out.write(
        f"  payments: PromptPay {settings.promptpay_id}; permit fee on {case.reference if case else '-'} "
        f"(phone …{SHOWCASE_PHONE[-4:]}); {Household.objects.filter(site=site).count()} households"
    )


def _permit_case(site):
    existing = Case.objects.filter(submission__wizard_token=TOKEN).first()
    if existing is not None:
        return existing
    page = FormPage.objects.descendant_of(site.root_page).filter(slug="building-permit-form").first()
    if page is None:
        return None
    rng = random.Random("demo-payments")  # noqa: S311 - demo data
    definition = build_definition(page)
    tz = timezone.get_current_timezone()
    submitted = datetime.datetime.combine(showcase_submitted(), datetime.time(10, 15), tz)
    submission = Submission.objects.create(
        form_page=page,
        form_title=page.title,
        form_snapshot=definition,
        answers=answers_for(definition, rng, "ประเสริฐ บุญมา", SHOWCASE_PHONE, "สร้างบ้านพักอาศัย 2 ชั้น 120 ตร.ม."),
        language="th",
        channel="web",
        contact_name="ประเสริฐ บุญมา",
        contact_phone=SHOWCASE_PHONE,
        location_text="หมู่ 4 ตำบลบ้านสวน",
        wizard_token=TOKEN,
        submitted_at=submitted,
    )
    case = build_case(
        submission,
        site=site,
        settings=CaseSettings.for_site(site),
        calendar=WorkingCalendar(site),
        service=find_service(page),
        rng=rng,
    )
    case.reference = showcase_reference()
    case.save()
    give_demo_link(case)  # issue 16: the resident opens it with the demo's tracking link
    submission.reference, submission.expected_date = case.reference, case.due_date
    submission.tracking_url = f"/t/{case.reference}"
    submission.save(update_fields=["reference", "expected_date", "tracking_url"])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, public=True, created_at=submitted)
    officer = get_user_model().objects.filter(username="officer.works").first()
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    billing.issue_invoice(
        case,
        PERMIT_FEE,
        "ค่าธรรมเนียมใบอนุญาตก่อสร้าง 20 บาท และค่าตรวจแบบแปลน 120 ตร.ม. × 2.50 บาท",
        officer,
    )
    return case


def _households(site):
    today = timezone.localdate()
    this_month = datetime.date(today.year, today.month, 1)
    for account, house, holder, address, garbage, wastewater, unpaid in HOUSEHOLDS:
        household, _created = Household.objects.update_or_create(
            site=site,
            account_number=account,
            defaults={
                "house_number": house,
                "holder_name": holder,
                "address": address,
                "garbage_fee": garbage,
                "wastewater_fee": wastewater,
            },
        )
        if household.charges.exists():
            continue
        month = this_month
        for index in range(6):
            for kind, amount in (("garbage", garbage), ("wastewater", wastewater)):
                if amount > 0:
                    household.charges.create(kind=kind, month=month, amount=amount, paid=index >= unpaid)
            month = (month - datetime.timedelta(days=1)).replace(day=1)
