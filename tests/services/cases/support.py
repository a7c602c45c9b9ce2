"""The case-queue tests' world (two departments, their officers, a streetlight service routed to
works with its form) and `submit`, a request through the real intake; both made with
tests.factories."""

from wagtail.models import Site

from services.cases import access
from services.cases.models import CaseSettings
from tests.factories import (
    SNAPSHOT,  # noqa: F401 - tests of the intake build their own submissions against it
    DepartmentFactory,
    FiledCaseFactory,
    FormIndexPageFactory,
    FormPageFactory,
    ServiceIndexPageFactory,
    ServicePageFactory,
    StaffFactory,
    SubmissionFactory,
)


def make_world(home):
    """Two departments, an officer in each, a streetlight service routed to works with a form."""
    site = Site.objects.get(is_default_site=True)
    settings = CaseSettings.for_site(site)
    settings.reference_prefix = "BSR"
    settings.save()
    works = DepartmentFactory(site=site, code="works", name="กองช่าง", name_en="Public Works")
    health = DepartmentFactory(site=site, code="health", name="กองสาธารณสุข", name_en="Health")
    officer_works = StaffFactory(username="officer.works", first_name="วิชัย", departments=[works])
    officer_health = StaffFactory(username="officer.health", first_name="มาลี", departments=[health])
    form_index = FormIndexPageFactory(parent=home, title="แบบฟอร์ม", slug="forms")
    form = FormPageFactory(parent=form_index, title="แจ้งซ่อมไฟฟ้าสาธารณะ", slug="streetlight-repair-form")
    service = ServicePageFactory(
        parent=ServiceIndexPageFactory(parent=home, title="บริการ", slug="services"),
        title="แจ้งซ่อมไฟฟ้าสาธารณะ",
        slug="streetlight-repair",
        summary="ซ่อมไฟถนน",
        department=works,
        processing_days=3,
        online_form=form,
    )
    return {
        "site": site,
        "works": works,
        "health": health,
        "officer_works": officer_works,
        "officer_health": officer_health,
        "form": form,
        "service": service,
    }


def submit(form=None, *, phone="0812345678", email="", channel="web", filed_by=None, **extra):
    """A saved submission handed to the real intake, as the wizard does: (case, receipt)."""
    submission = SubmissionFactory(
        form_page=form, phone=phone, contact_email=email, channel=channel, filed_by=filed_by, **extra
    )
    case = FiledCaseFactory(submission=submission)
    return case, case.receipt


def open_link(client, case, **headers):
    """The resident opens their tracking link (as from the receipt's QR code): a fresh link is
    issued, as staff would re-issue one, and followed. Returns the link's response."""
    token = access.issue_link(case)
    return client.get(access.link_path(case, token), **headers)
