"""Reminders before each due date (once, only to taxpayers with a contact, through the
outbox) and the tax table of the monthly report."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.schedules import SCHEDULES
from services.notifications.models import Notification, NotificationTemplate
from services.payments import billing
from services.reporting import monthly
from services.taxes import bills, tasks
from services.taxes.models import TaxAccount

pytestmark = pytest.mark.django_db


def test_reminders_go_once_and_only_to_taxpayers_with_a_contact(imported):
    TaxAccount.objects.filter(account_number="S-0007").update(email="")  # no contact left
    assert tasks.send_due_reminders(today=datetime.date(2026, 4, 25)) == 1  # L0001's first instalment, 30 April
    assert tasks.send_due_reminders(today=datetime.date(2026, 4, 26)) == 0  # the same due date: not again
    sent = Notification.objects.get()
    assert sent.channel == "sms" and sent.recipient == "0812345678" and sent.event == tasks.EVENT
    assert "L0001" in sent.body and "2,000.00" in sent.body and "30 เมษายน 2569" in sent.body
    assert "/th/tax/" in sent.body
    # The next instalment (30 May) is reminded in its own window.
    assert tasks.send_due_reminders(today=datetime.date(2026, 5, 24)) == 1
    assert tasks.send_due_reminders(today=datetime.date(2026, 3, 1)) == 0  # nothing due within 7 days


def test_an_editor_rewords_the_reminder_like_any_other_message(imported):
    """The area's event is in the templates' choices, its placeholders are checked, and the
    office's own wording replaces the built-in one."""
    with translation.override("th"):  # an editor working in Thai (not whatever an earlier test left active)
        choices = [(value, str(label)) for value, label in NotificationTemplate._meta.get_field("event").choices]
    assert (tasks.EVENT, "แจ้งเตือนภาษีท้องถิ่นใกล้ครบกำหนด") in choices
    wrong = NotificationTemplate(site=imported, event=tasks.EVENT, language="th", subject="{tax}", body="{bogus}")
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert "{pay_url}" in str(refused.value)  # the message lists what may be used
    NotificationTemplate.objects.create(
        site=imported, event=tasks.EVENT, language="th", subject="ภาษีของท่าน {account}", body="ชำระที่ {pay_url}"
    )
    assert tasks.send_due_reminders(today=datetime.date(2026, 4, 25)) == 1
    sent = Notification.objects.get(recipient="0812345678")
    assert sent.subject == "ภาษีของท่าน L0001" and sent.body.startswith("ชำระที่ http")


def test_the_reminder_is_a_daily_schedule():
    assert SCHEDULES["taxes: reminders before due dates"][:2] == ("services.taxes.tasks.send_due_reminders", "D")


def test_monthly_report_csv_has_tax_collected_against_assessed(imported, django_user_model):
    account = TaxAccount.objects.get(account_number="L0001")
    invoice = bills.bill_for(account.assessments.get(), bills.PLAN_NEXT, today=datetime.date(2026, 4, 1))
    paid_on = datetime.datetime(2026, 4, 20, 10, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=paid_on):
        billing.record_counter_payment(invoice, None)
    report = monthly.build_report(imported, datetime.date(2026, 4, 1))
    text = report.csv.open("rb").read().decode("utf-8-sig")
    assert "ภาษีท้องถิ่น: จัดเก็บได้เทียบกับที่ประเมิน" in text
    land = next(line for line in text.splitlines() if "ภาษีที่ดินและสิ่งปลูกสร้าง" in line)
    assert "6,000.00" in land and "2,000.00" in land and "33.3" in land
    may = monthly.build_csv(datetime.date(2026, 5, 1), monthly.month_figures(imported, datetime.date(2026, 5, 1)))
    land_may = next(line for line in may.decode("utf-8-sig").splitlines() if "ภาษีที่ดินและสิ่งปลูกสร้าง" in line)
    assert '"0.00"' in land_may or ",0.00," in land_may  # nothing collected in May, 2,000 to date
