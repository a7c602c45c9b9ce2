"""Going live gives a new office's groups the screens of the newer areas too (issued documents,
queue booking, local taxes), and the office's people see only their office's rows there."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone

from portal.models import StaffRole
from services.booking.models import BookableService, Booking, Counter, CounterDay
from services.documents.models import DocumentKind, DocumentRegister, DocumentTemplate
from services.models import Department, ServicePage
from services.offices.going_live import create_office
from services.taxes.models import TaxAccount, TaxKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _group(site, role, code=None):
    groups = Group.objects.filter(office_role__site=site, office_role__role=role)
    if code is not None:
        groups = groups.filter(department_queue__department=Department.objects.get(site=site, code=code))
    return groups.get()


def _person(site, role, code=None):
    user = UserFactory()
    user.groups.add(_group(site, role, code))
    return user


def _not_found(response, url):
    """A 404; outside the language prefix, LocaleMiddleware's redirect of that 404 to /th<url>
    (a success redirect goes elsewhere)."""
    return response.status_code == 404 or (response.status_code == 302 and response["Location"] == f"/th{url}")


def _office_rows(site, letter):
    counter = Counter.objects.create(site=site, name=f"ช่อง {letter}", letter=letter)
    guide = ServicePage.objects.live().descendant_of(site.root_page).filter(locale__language_code="th").first()
    bookable = BookableService.objects.create(service=guide, counter=counter)
    CounterDay.objects.create(counter=counter, date=timezone.localdate(), last_number=1)  # the booking's number
    booking = Booking.objects.create(
        site=site, counter=counter, service=bookable, reference=f"QP{letter}00001", date=timezone.localdate(),
        start=datetime.time(9, 0), number=1, name=f"ผู้จอง{letter}", phone="0812345678",
    )  # fmt: skip
    account = TaxAccount.objects.create(
        site=site, kind=TaxKind.SIGNBOARD, account_number=f"{letter}-0001", taxpayer_name=f"ผู้เสียภาษี{letter}",
        id_last4="1234",
    )  # fmt: skip
    register = DocumentRegister.objects.create(site=site, kind=DocumentKind.LETTER, year=2569, last_number=0)
    template = DocumentTemplate.objects.create(site=site, kind=DocumentKind.PERMIT, title=f"ใบอนุญาต{letter}", body="x")
    return {"counter": counter, "booking": booking, "account": account, "register": register, "template": template}


@pytest.fixture
def offices(db):
    a = create_office("เทศบาลตำบลอัลฟา", "alpha.go.th", "ALP")
    b = create_office("เทศบาลตำบลเบตา", "beta.go.th", "BET")
    return {"A": (a, _office_rows(a, "A")), "B": (b, _office_rows(b, "B"))}


def test_the_new_offices_groups_hold_the_newer_areas_permissions(db):
    site = create_office("เทศบาลตำบลอัลฟา", "alpha.go.th", "ALP")
    admin = _person(site, StaffRole.OFFICE_ADMIN)
    editor = _person(site, StaffRole.EDITOR)
    officer = _person(site, StaffRole.OFFICER, "works")
    finance = _person(site, StaffRole.OFFICER, "finance")
    for label in (
        "documents.view_documentregister",
        "documents.change_documenttemplate",
        "documents.change_signingsettings",
        "booking.manage_queue",
        "booking.add_counter",
        "booking.change_bookableservice",
        "booking.change_bookingsettings",
        "taxes.change_taxaccount",
        "taxes.import_assessments",
        "taxes.change_taxsettings",
    ):
        assert admin.has_perm(label), label
    assert editor.has_perm("documents.add_documenttemplate") and editor.has_perm("documents.change_lettertemplate")
    assert not editor.has_perm("booking.manage_queue") and not editor.has_perm("taxes.view_taxaccount")
    assert officer.has_perm("booking.manage_queue") and officer.has_perm("documents.view_documentregister")
    assert not officer.has_perm("taxes.view_taxaccount") and not officer.has_perm("booking.change_counter")
    assert not officer.has_perm("documents.change_signingsettings")
    assert finance.has_perm("taxes.import_assessments") and finance.has_perm("taxes.change_taxaccount")
    assert not finance.has_perm("taxes.delete_taxaccount")

    # An office that went live before these areas gets the same from the offices' migration.
    areas = Permission.objects.filter(content_type__app_label__in=["documents", "booking", "taxes"])
    for group in Group.objects.filter(office_role__site=site):
        group.permissions.remove(*areas)
    migration = import_module("services.offices.migrations.0002_newer_areas_permissions")
    migration.grant(django_apps, connection.schema_editor())
    for person, label in (
        (admin, "taxes.change_taxsettings"),
        (editor, "documents.add_documenttemplate"),
        (officer, "booking.manage_queue"),
        (finance, "taxes.import_assessments"),
    ):
        person = type(person).objects.get(pk=person.pk)  # permissions are cached on the user
        assert person.has_perm(label), label


def test_a_new_offices_officer_opens_the_screens_and_another_offices_cannot(client, offices):
    a, rows = offices["A"]
    b, _b_rows = offices["B"]
    officer_a = _person(a, StaffRole.OFFICER, "works")
    officer_b = _person(b, StaffRole.OFFICER, "works")

    client.force_login(officer_a)
    day = client.get("/admin/booking/")
    assert day.status_code == 200 and rows["booking"].name in day.content.decode()
    marked = client.post(f"/admin/booking/{rows['booking'].pk}/mark/", {"status": "arrived"})
    assert marked.status_code in (302, 303)
    assert Booking.objects.get(pk=rows["booking"].pk).status == "arrived"
    assert client.post("/admin/booking/walk-in/", {"counter": rows["counter"].pk}).status_code in (302, 303)
    assert Booking.objects.filter(counter=rows["counter"], kind=Booking.Kind.WALK_IN).count() == 1
    registers = client.get("/admin/documents/registers/")
    assert registers.status_code == 200
    assert client.get(f"/admin/documents/registers/{rows['register'].pk}/").status_code == 200

    client.force_login(officer_b)
    day = client.get(f"/admin/booking/?counter={rows['counter'].pk}")
    assert day.status_code == 200 and rows["booking"].name not in day.content.decode()
    for url, method in (
        (f"/admin/booking/{rows['booking'].pk}/mark/", "post"),
        (f"/admin/booking/{rows['booking'].pk}/ticket/", "get"),
        (f"/admin/documents/registers/{rows['register'].pk}/", "get"),
    ):
        assert _not_found(getattr(client, method)(url, {"status": "served"} if method == "post" else {}), url), url
    assert Booking.objects.get(pk=rows["booking"].pk).status == "arrived"

    # Taxes (the finance division and the administrators) and document templates (editors).
    account_url = f"/admin/snippets/taxes/taxaccount/edit/{rows['account'].pk}/"
    template_url = f"/admin/snippets/documents/documenttemplate/edit/{rows['template'].pk}/"

    client.force_login(_person(a, StaffRole.OFFICER, "finance"))
    assert client.get("/admin/taxes/import/").status_code == 200
    assert client.get(account_url).status_code == 200
    assert rows["account"].taxpayer_name in client.get("/admin/snippets/taxes/taxaccount/").content.decode()
    client.force_login(_person(a, StaffRole.EDITOR))
    assert client.get(template_url).status_code == 200
    client.force_login(_person(a, StaffRole.OFFICER, "works"))
    refused = client.get("/admin/taxes/import/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail: "no permission"

    client.force_login(_person(b, StaffRole.OFFICE_ADMIN))
    assert client.get("/admin/taxes/import/").status_code == 200
    assert _not_found(client.get(account_url), account_url)
    assert rows["account"].taxpayer_name not in client.get("/admin/snippets/taxes/taxaccount/").content.decode()
    client.force_login(_person(b, StaffRole.EDITOR))
    assert _not_found(client.get(template_url), template_url)
