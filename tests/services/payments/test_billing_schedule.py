from decimal import Decimal

from django.utils import timezone

from portal.schedules import SCHEDULES
from services.payments.billing import bill_current_month
from services.payments.models import Household, MonthlyCharge


def test_the_monthly_schedule_charges_every_household_once(site):
    household = Household.objects.create(
        site=site,
        account_number="G-9001",
        house_number="9",
        holder_name="ทดสอบ ระบบ",
        garbage_fee=Decimal("20"),
        wastewater_fee=Decimal("0"),
    )
    assert SCHEDULES["fees: monthly household charges"][0] == "services.payments.billing.bill_current_month"
    assert bill_current_month() == 1
    assert bill_current_month() == 0  # run twice (a retried task): no second charge
    charge = MonthlyCharge.objects.get(household=household)
    assert charge.month == timezone.localdate().replace(day=1)
    assert charge.amount == Decimal("20")
