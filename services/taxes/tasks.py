"""Reminders before each due date of a local tax (the daily schedule in portal/schedules.py).

Each office's TaxSettings.reminder_days decides how early; an unpaid year's parts (the whole
amount, or each instalment) due within that many days are reminded once, by e-mail when the
account has an address, else by SMS, through services.notifications' outbox. Accounts without
a phone or e-mail are skipped. Safe to run twice, or late: the outbox key is the assessment, the
part, its due date and the recipient, so each due date is reminded once whichever day it runs;
a year whose slip is being checked is not reminded.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from portal.templatetags.portal_tags import thaidate
from services.notifications.events import base_url, office_name
from services.notifications.models import AreaEvent, NotifyChannel
from services.notifications.outbox import record
from services.payments.models import InvoiceStatus
from services.taxes.bills import bills_prefetch, settings_for, year_bill
from services.taxes.models import TaxAssessment, TaxKind

EVENT = "tax_due"  # a notifications event of this area's own (services.notifications.models.EVENTS_HOOK)


def notification_events():
    """The reminder as an event editors can reword, for notifications' EVENTS_HOOK."""
    return {
        EVENT: AreaEvent(
            _("Local tax due reminder"),
            ("name", "tax", "year", "account", "part", "due_date", "amount", "pay_url", "office"),
            _("{tax} due on {due_date}: account {account}"),
            _(
                "Dear {name},\n\nYour {tax} for tax year {year} (account {account}){part} is due on {due_date}: "
                "{amount} baht.\n\nPay by PromptPay QR with the account number and the last 4 digits of the "
                "taxpayer's ID: {pay_url}\nAfter the due date a surcharge is added.\n\n{office}"
            ),
        )
    }


def send_due_reminders(today=None):
    """Remind every office's taxpayers of what falls due within its reminder days. Returns the
    number of reminders recorded (0 when run again the same day)."""
    today = today or timezone.localdate()
    return sum(_remind_office(site, today) for site in Site.objects.all())


def _remind_office(site, today):
    tax_settings = settings_for(site)
    if not tax_settings.reminder_days:
        return 0
    horizon = today + datetime.timedelta(days=tax_settings.reminder_days)
    this_year = today.year + 543
    # Instalments of a year fall at most a year or so after its first due date.
    assessments = (
        TaxAssessment.objects.filter(account__site=site, year__range=(this_year - 2, this_year + 1))
        .filter(~Q(account__email="") | ~Q(account__phone=""))
        .select_related("account")
        .prefetch_related(bills_prefetch())
    )
    sent = 0
    for assessment in assessments:
        year = year_bill(assessment, tax_settings, today)
        if year.open_bill is not None and year.open_bill.invoice.status == InvoiceStatus.SLIP_UPLOADED:
            continue
        for part in year.unpaid:
            if today <= part.due <= horizon:
                sent += _remind(site, assessment, part, len(year.parts))
    return sent


def _remind(site, assessment, part, parts):
    account = assessment.account
    channel, recipient = (NotifyChannel.EMAIL, account.email) if account.email else (NotifyChannel.SMS, account.phone)
    language = "th"  # the tax system's records carry no language; the office writes in Thai
    with translation.override(language):
        values = {
            "name": account.taxpayer_name,
            "tax": str(TaxKind(account.kind).label),
            "year": assessment.year,
            "account": account.account_number,
            "part": " " + gettext("(instalment %(number)s of %(count)s)") % {"number": part.number, "count": parts}
            if parts > 1
            else "",
            "due_date": thaidate(part.due, "long"),
            "amount": f"{part.principal:,.2f}",
            "pay_url": f"{base_url(site)}{reverse('tax_lookup')}",
            "office": office_name(site),
        }
    row = record(
        event=EVENT,
        channel=channel,
        recipient=recipient,
        language=language,
        values=values,
        key=f"tax-due:{assessment.pk}:{part.number}:{part.due}:{channel}:{recipient}",
        site=site,
    )
    return 1 if row is not None else 0
