"""Two offices on one install (issue 17) for the payments, notifications and privacy tests: the
default site (office A) and a small sub-district office B on its own host, each with a
department, an officer who works for it, and a case."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import Page, Site

from portal.models import StaffGroup, StaffRole
from services.cases.references import check_character
from tests.factories import CaseFactory, DepartmentFactory, StaffFactory, SubmissionFactory

B_HOST = "nongbua.test"


def make_office(name, host, port=80):
    """A Site with its own page tree under Wagtail's root (the Office row follows by signal)."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=Page(title=name, slug=host.replace(".", "-")))
    return Site.objects.create(hostname=host, port=port, root_page=home, site_name=name)


def staff_of(site, *permissions, role=StaffRole.OFFICER, departments=(), username=None):
    """A person in a staff group that works for `site`, holding `permissions` ("app.codename")."""
    group, _created = Group.objects.get_or_create(name=f"{role} {site.hostname} {'+'.join(permissions)}")
    StaffGroup.objects.get_or_create(group=group, defaults={"site": site, "role": role})
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission in permissions:
        app_label, codename = permission.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    extra = {"username": username} if username else {}
    return StaffFactory(groups=[group.name], departments=list(departments), **extra)


@dataclass
class Office:
    site: Site
    department: object
    officer: object
    case: object


def reference(prefix, code="00001", year="69"):
    """A reference the tracking page accepts (its check character matches)."""
    return f"{prefix}-{year}-{code}-{check_character(year, code)}"


def not_found(client, url, method="get", data=None):
    """The admin answered "not found": a 404, or outside the language prefix LocaleMiddleware's
    redirect to /th/<url>, which is then a 404. A success redirect goes elsewhere."""
    response = getattr(client, method)(url, data or {})
    if response.status_code == 302 and response["Location"] == f"/th{url}":
        return client.get(response["Location"]).status_code == 404
    return response.status_code == 404


def build_office(site, code, reference, phone="0812345678", email=""):
    department = DepartmentFactory(site=site, code=code, email="")
    officer = staff_of(site, "cases.view_all_cases", "payments.change_household", departments=[department])
    submission = SubmissionFactory(phone=phone, contact_email=email, reference=reference)
    case = CaseFactory(site=site, department=department, reference=reference, submission=submission)
    return Office(site=site, department=department, officer=officer, case=case)


def two_offices():
    """(office A on the default site, office B on nongbua.test), the same resident (same phone)
    having filed with both."""
    a_site = Site.objects.get(is_default_site=True)
    b_site = make_office("อบต.หนองบัว", B_HOST)
    a = build_office(a_site, "a-works", reference("AAA"), email="somying@example.com")
    b = build_office(b_site, "b-works", reference("NBW"), email="somying@example.com")
    return a, b
