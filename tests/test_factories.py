"""The factories' traits make the states they name, so a test that asks for a closed case or a
paid invoice gets one the rest of the code would recognise."""

import datetime

import pytest
from django.utils import timezone

from services.cases.models import Case, CaseEvent, CaseStatus
from services.notifications.models import Notification
from services.payments.models import InvoiceStatus, Payment
from services.privacy.audit_sql import REDACTED
from services.privacy.models import Anonymisation
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    DepartmentFactory,
    FiledCaseFactory,
    FormPageFactory,
    GuidePageFactory,
    HouseholdFactory,
    InvoiceFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NotificationFactory,
    PaymentFactory,
    ServicePageFactory,
    StaffFactory,
    SubmissionFactory,
    services_index,
)

pytestmark = pytest.mark.django_db

S = CaseStatus
# Status changes the workflow makes to reach each status (received → accepted → …).
STEPS = {"received": 0, "in_progress": 2, "waiting": 2, "resolved": 2, "closed": 3, "rejected": 1}


def statuses(case):
    return [(e.from_status, e.to_status) for e in case.events.filter(kind=CaseEvent.Kind.STATUS)]


@pytest.fixture
def service(home_th):
    works = DepartmentFactory(code="works", name="กองช่าง")
    form = FormPageFactory(parent=home_th, slug="streetlight-form")
    return ServicePageFactory(department=works, processing_days=3, online_form=form)


def test_staff_are_officers_of_their_departments(service):
    officer = StaffFactory(departments=[service.department])
    assert officer.check_password("portal-demo-2569")
    assert officer.has_perm("wagtailadmin.access_admin")
    assert list(officer.departments.all()) == [service.department]


def test_services_sit_under_the_one_services_index(home_th, service):
    other = ServicePageFactory()
    assert service.get_parent().specific == other.get_parent().specific == services_index(home_th)


@pytest.mark.parametrize("trait", ["received", "in_progress", "waiting", "resolved", "closed", "rejected"])
def test_filed_cases_reach_each_status_through_the_workflow(service, trait):
    officer = StaffFactory(departments=[service.department])
    case = FiledCaseFactory(submission__form_page=service.online_form, officer=officer, **{trait: True})
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == trait and stored.department == service.department
    assert case.receipt.reference == stored.reference
    assert stored.events.filter(kind=CaseEvent.Kind.CREATED).count() == 1
    assert len(statuses(stored)) == STEPS[trait]
    assert (stored.resolved_at is not None) == (trait in ("resolved", "closed"))
    assert (stored.waiting_since is not None) == (trait == "waiting")
    assert bool(stored.public_reason) == (trait in ("closed", "rejected"))


def test_overdue_cases_are_open_and_past_their_deadline(service):
    filed = FiledCaseFactory(submission__form_page=service.online_form, overdue=True)
    written = CaseFactory(service=service, overdue=True)
    for case in (filed, written):
        assert case.is_overdue()
        assert Case.objects.overdue().filter(pk=case.pk).exists()


def test_written_cases_carry_the_timeline_the_workflow_writes(service):
    submitted = timezone.now() - datetime.timedelta(days=30)
    case = CaseFactory(service=service, closed=True, submitted_at=submitted, rating=5)
    assert case.department == service.department and case.closed_at == case.resolved_at
    assert statuses(case) == [(S.RECEIVED, S.ACCEPTED), (S.ACCEPTED, S.RESOLVED), (S.RESOLVED, S.CLOSED)]
    assert case.events.get(to_status=S.CLOSED).message == case.public_reason != ""
    assert not CaseFactory(timeline=False).events.exists()


def test_anonymised_cases_went_through_the_real_anonymisation(service):
    case = FiledCaseFactory(submission__form_page=service.online_form, closed=True, anonymised=True)
    assert Anonymisation.objects.filter(case=case).exists()
    case.submission.refresh_from_db()
    assert (case.submission.contact_name, case.submission.contact_phone, case.contact_phone_last4) == ("", "", "")
    assert case.events.get(to_status=S.CLOSED).message == REDACTED


def test_paid_invoices_have_receipt_numbers_from_the_receipt_book(service):
    first, second = InvoiceFactory(paid=True), InvoiceFactory(paid=True)
    assert first.status == InvoiceStatus.PAID and first.paid_at is not None
    assert first.receipt_number.endswith("-000001") and second.receipt_number.endswith("-000002")
    assert InvoiceFactory().is_payable
    household_bill = InvoiceFactory(household=HouseholdFactory())
    assert household_bill.case is None and household_bill.reference == household_bill.household.account_number


def test_payments_and_notifications_in_their_states():
    assert PaymentFactory().status == Payment.Status.PENDING
    assert PaymentFactory(rejected=True).reason
    assert PaymentFactory(confirmed=True).decided_at is not None
    sent, failed = NotificationFactory(sent=True), NotificationFactory(failed=True)
    assert sent.status == Notification.Status.SENT and sent.sent_at is not None
    assert failed.status == Notification.Status.FAILED and failed.last_error
    assert CaseEventFactory(reply=True).public


def test_pages_publish_when_their_builders_say_so(home_th):
    guide = GuidePageFactory(parent=services_index(home_th), n_items=2)
    guide.refresh_from_db()
    assert guide.live_revision is not None and len(guide.steps) == 2
    index = NewsIndexPageFactory(parent=home_th)
    item = NewsPageFactory(parent=index, tags=["น้ำประปา"])
    item.refresh_from_db()
    assert item.live_revision is not None and list(item.tags.names()) == ["น้ำประปา"]
    assert not item.has_unpublished_changes
    assert SubmissionFactory().form_title == "คำร้องทั่วไป"
