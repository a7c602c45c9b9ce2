"""The case pages' panels (services.cases.panels): other rooms add blocks to the officer's case
page and the resident's tracking page through Wagtail hooks, in their order, and an office
without payments (no registrations from it) still gets both pages, without a fee section."""

from unittest import mock

import pytest
from django import forms
from wagtail import hooks

from services.cases import panels
from services.cases.panels import CasePanel
from services.payments import billing
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db

real_get_hooks = hooks.get_hooks


def without_payments(hook_name):
    """The case pages' hooks as an office that did not install payments would have them (the
    rest of the admin, menus and URLs included, is left as it is)."""
    found = real_get_hooks(hook_name)
    if hook_name in (panels.STAFF_PANELS, panels.TRACKING_PANELS, panels.TRACKING_LOOKUP):
        found = [fn for fn in found if not fn.__module__.startswith("services.payments")]
    return found


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def invoiced_case(world):
    case, _ = submit(world["form"])
    billing.issue_invoice(case, "20", "ค่าธรรมเนียม", world["officer_works"])
    return case


def test_payments_fills_both_pages(client, world, invoiced_case):
    tracking = client.get(f"/t/{invoiced_case.reference}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="fees"' in tracking and "Fees to pay" in tracking
    client.force_login(world["officer_works"])
    staff = client.get(f"/admin/cases/{invoiced_case.pk}/").content.decode()
    assert 'class="case-fees"' in staff and f"/admin/payments/cases/{invoiced_case.pk}/" in staff


def test_an_office_without_payments_gets_both_pages_without_fees(client, world, invoiced_case):
    with mock.patch.object(hooks, "get_hooks", without_payments):
        # No payments annotation (other rooms, e.g. issued documents, may still add their own).
        assert "has_invoices" not in panels.tracking_lookup(invoiced_case.__class__.objects.all()).query.annotations
        tracking = client.get(f"/t/{invoiced_case.reference}", HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(world["officer_works"])
        staff = client.get(f"/admin/cases/{invoiced_case.pk}/")
    assert tracking.status_code == 200 and staff.status_code == 200
    assert invoiced_case.reference in tracking.content.decode() and "What has happened" in tracking.content.decode()
    assert 'id="fees"' not in tracking.content.decode() and "/invoices/" not in tracking.content.decode()
    assert 'class="case-fees"' not in staff.content.decode() and 'id="timeline-heading"' in staff.content.decode()


def form_saying(text):
    form = forms.Form(data={})
    form.is_valid()
    form.add_error(None, text)
    return form


def test_panels_stand_in_their_order_between_the_summary_and_the_timeline(client, world):
    case, _ = submit(world["form"])

    def late(case, request):
        return CasePanel("services/cases/error_summary.html", {"forms": [form_saying("LATE PANEL")]}, order=900)

    def early(case, request):
        return CasePanel("services/cases/error_summary.html", {"forms": [form_saying("EARLY PANEL")]}, order=1)

    def declining(case, request):
        return None

    with (
        hooks.register_temporarily(panels.TRACKING_PANELS, late),
        hooks.register_temporarily(panels.TRACKING_PANELS, early),
        hooks.register_temporarily(panels.TRACKING_PANELS, declining),
    ):
        html = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    summary, early_at, late_at = html.index('class="case-summary"'), html.index("EARLY PANEL"), html.index("LATE PANEL")
    assert summary < early_at < late_at < html.index("What has happened")
