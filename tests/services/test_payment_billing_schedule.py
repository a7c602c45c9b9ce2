from decimal import Decimal

from django.utils import timezone

from services.models import Household, MonthlyCharge
from services.payments import bill_current_month
from services.schedules import SCHEDULES


def test_the_monthly_schedule_charges_every_household_once(site):
    household = Household.objects.create(
        site=site,
        account_number="G-9001",
        house_number="9",
        holder_name="ทดสอบ ระบบ",
        garbage_fee=Decimal("20"),
        wastewater_fee=Decimal("0"),
    )
    assert SCHEDULES["fees: monthly household charges"][0] == "services.payments.bill_current_month"
    assert bill_current_month() == 1
    assert bill_current_month() == 0  # run twice (a retried task): no second charge
    charge = MonthlyCharge.objects.get(household=household)
    assert charge.month == timezone.localdate().replace(day=1)
    assert charge.amount == Decimal("20")
