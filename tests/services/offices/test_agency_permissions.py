"""Going live gives a new office's administrators the outside agencies (issue 21) to keep: they
add the agencies their officers refer cases to; another office's administrators never see them.
Offices that went live before agencies get the same from the offices' migration 0003."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection

from portal.models import StaffRole
from services.agencies.models import Agency
from services.offices.going_live import create_office
from tests.services.offices.test_area_permissions import _group, _not_found, _person

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/agencies/agency/"
ADD = "/admin/snippets/agencies/agency/add/"
PEA = "การไฟฟ้าส่วนภูมิภาค อำเภออัลฟา"


def test_a_new_offices_administrator_adds_an_agency_and_another_office_cannot_see_it(client):
    a = create_office("เทศบาลตำบลอัลฟา", "alpha.go.th", "ALP")
    b = create_office("เทศบาลตำบลเบตา", "beta.go.th", "BET")
    admin_a = _person(a, StaffRole.OFFICE_ADMIN)

    client.force_login(admin_a)
    assert client.get(ADD).status_code == 200
    added = client.post(
        ADD, {"site": a.pk, "name": PEA, "email": "pea.alpha@example.com", "phone": "1129", "active": "on"}
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    agency = Agency.objects.get(name=PEA)
    assert agency.site == a
    assert PEA in client.get(LIST).content.decode()

    # An editor writes pages; an officer works cases: neither keeps the agencies.
    for role, code in ((StaffRole.EDITOR, None), (StaffRole.OFFICER, "works")):
        client.force_login(_person(a, role, code))
        refused = client.get(ADD)
        assert refused.status_code == 302 and refused["Location"] == "/admin/", role

    edit = f"/admin/snippets/agencies/agency/edit/{agency.pk}/"
    client.force_login(_person(b, StaffRole.OFFICE_ADMIN))
    listing = client.get(LIST)
    assert listing.status_code == 200 and PEA not in listing.content.decode()
    assert _not_found(client.get(edit), edit)


def test_offices_live_before_agencies_get_them_from_the_migration(db):
    site = create_office("เทศบาลตำบลอัลฟา", "alpha.go.th", "ALP")
    agencies = Permission.objects.filter(content_type__app_label="agencies")
    for group in Group.objects.filter(office_role__site=site):
        group.permissions.remove(*agencies)
    admin = _person(site, StaffRole.OFFICE_ADMIN)
    assert not admin.has_perm("agencies.add_agency")
    migration = import_module("services.offices.migrations.0003_agencies_permissions")
    migration.grant(django_apps, connection.schema_editor())
    migration.grant(django_apps, connection.schema_editor())  # again: nothing twice, nothing more
    admin = type(admin).objects.get(pk=admin.pk)
    for action in ("add", "change", "delete", "view"):
        assert admin.has_perm(f"agencies.{action}_agency")
    assert not _group(site, StaffRole.EDITOR).permissions.filter(content_type__app_label="agencies").exists()
