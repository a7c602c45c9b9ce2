"""Builders for the case-queue tests: a department, a service routed to it, a form, and
submissions that go through the real intake."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from forms_builder.models import FormIndexPage, FormPage, Submission
from services.cases.intake import open_case
from services.cases.models import Case, CaseSettings
from services.models import Department
from services.models.guides import ServiceIndexPage, ServicePage

SNAPSHOT = {
    "title": "แจ้งซ่อมไฟฟ้าสาธารณะ",
    "steps": [
        {
            "title": "รายละเอียด",
            "fields": [
                {"key": "details", "label": "รายละเอียด", "type": "long_text"},
                {"key": "phone", "label": "โทรศัพท์", "type": "phone"},
            ],
        }
    ],
}


def make_world(home):
    """Two departments, an officer in each, a streetlight service routed to works with a form."""
    site = Site.objects.get(is_default_site=True)
    settings = CaseSettings.for_site(site)
    settings.reference_prefix = "BSR"
    settings.save()
    works = Department.objects.create(site=site, code="works", name="กองช่าง", name_en="Public Works")
    health = Department.objects.create(site=site, code="health", name="กองสาธารณสุข", name_en="Health")
    officers, _ = Group.objects.get_or_create(name="Case officers")
    officers.permissions.add(Permission.objects.get(codename="access_admin"))
    User = get_user_model()
    officer_works = User.objects.create_user("officer.works", password="portal-demo-2569", first_name="วิชัย")
    officer_health = User.objects.create_user("officer.health", password="portal-demo-2569", first_name="มาลี")
    for user, department in ((officer_works, works), (officer_health, health)):
        user.groups.add(officers)
        department.members.add(user)
    form_index = home.add_child(instance=FormIndexPage(title="แบบฟอร์ม", slug="forms"))
    form = form_index.add_child(instance=FormPage(title="แจ้งซ่อมไฟฟ้าสาธารณะ", slug="streetlight-repair-form", steps=[]))
    service_index = home.add_child(instance=ServiceIndexPage(title="บริการ", slug="services"))
    service = service_index.add_child(
        instance=ServicePage(
            title="แจ้งซ่อมไฟฟ้าสาธารณะ",
            slug="streetlight-repair",
            summary="ซ่อมไฟถนน",
            department=works,
            processing_days=3,
            online_form=form,
        )
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
    """A saved submission handed to the real intake, as the wizard does."""
    submission = Submission.objects.create(
        form_page=form,
        form_title=form.title if form else "คำร้องทั่วไป",
        form_snapshot=SNAPSHOT,
        answers={"details": "ไฟดับหน้าบ้านเลขที่ 12", "phone": phone},
        contact_name="สมหญิง ใจดี",
        contact_phone=phone,
        contact_email=email,
        channel=channel,
        filed_by=filed_by,
        location_text="ซอย 3 หมู่ 2",
        wizard_token=uuid.uuid4().hex,
        **extra,
    )
    receipt = open_case(submission)
    return Case.objects.get(reference=receipt.reference), receipt
