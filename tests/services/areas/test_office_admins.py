"""Issue 18: an office's administrators keep its areas and routing rules themselves. Offices are
made by the platform's own `create_office`, so the permissions tested are those going live
gives (and, for offices made before, the data migration); office A's administrator works on A's
areas and rules and never reaches B's, by listing, URL, chooser or import; A's editors and
officers are refused the screens."""

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from wagtail.users.models import UserProfile

from portal.models import StaffRole
from services.areas.models import Area, RoutingRule
from services.models import Department, ServicePage
from services.offices.going_live import create_office
from tests.factories import DepartmentFactory, OfficeFactory, ServicePageFactory, UserFactory, services_index

pytestmark = pytest.mark.django_db
# A 404 from these is sent on by LocaleMiddleware to /th/… (a 404 too): GETs are followed.
AREAS = "/admin/snippets/areas/area/"
RULES = "/admin/snippets/areas/routingrule/"
CHOOSER = "/admin/snippets/choose/areas/area/"
IMPORT = "/admin/areas/import/"
AREA_PERMISSIONS = {
    f"{action}_{model}" for model in ("area", "routingrule") for action in ("add", "change", "delete", "view")
}


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def office(letter, host):
    """An office as going live makes it, with one community and one rule for its complaints."""
    site = create_office(f"Office {letter}", host, f"ZQ{letter}", name_en=f"Office {letter}")
    complaint = (
        ServicePage.objects.descendant_of(site.root_page)
        .filter(online_form__slug="complaint-form", locale__language_code="th")
        .get()
    )
    return with_area_and_rule(site, letter, complaint, Department.objects.get(site=site, code="works"))


def light_office(letter, host):
    """Another office (the factory's lighter shell: going live takes a minute on a busy machine)."""
    shell = OfficeFactory(hostname=host)
    works = DepartmentFactory(site=shell.site, code="works", name=f"ZQ{letter}WORKS")
    service = ServicePageFactory(parent=services_index(shell.home_th), title=f"ZQ{letter}SERVICE", department=works)
    return with_area_and_rule(shell.site, letter, service, works)


def with_area_and_rule(site, letter, service, department):
    area = Area.objects.create(site=site, name=f"ZQ{letter}COMMUNITY", shape=square(98.9, 18.7))
    rule = RoutingRule.objects.create(site=site, service=service, area=area, department=department, sort_order=10)
    return SimpleNamespace(site=site, complaint=service, works=department, area=area, rule=rule)


def member(site, role, username):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.filter(office_role__site=site, office_role__role=role).first())
    return user


@pytest.fixture
def offices():
    return office("A", "alpha.localhost"), light_office("B", "beta.localhost")


def test_the_office_administrator_keeps_the_offices_areas_and_rules_and_never_reaches_another_offices(client, offices):
    """One test for both halves: going live takes a minute on a busy machine."""
    a, b = offices
    client.force_login(member(a.site, StaffRole.OFFICE_ADMIN, "a.admin"))
    lists_adds_edits_and_deletes(client, a)
    never_reaches(client, a, b)


def lists_adds_edits_and_deletes(client, a):
    listing = client.get(AREAS, follow=True)
    assert listing.status_code == 200
    assert "ZQACOMMUNITY" in listing.content.decode() and "ZQBCOMMUNITY" not in listing.content.decode()
    added = client.post(
        f"{AREAS}add/",
        {
            "site": a.site.pk,
            "name": "ชุมชนใหม่",
            "name_en": "New Community",
            "kind": "village",
            "shape": json.dumps(square(98.95, 18.75)),
        },
    )
    assert added.status_code == 302
    new = Area.objects.get(name="ชุมชนใหม่")
    assert (new.site, new.name_en) == (a.site, "New Community")
    edited = client.post(
        f"{AREAS}edit/{new.pk}/",
        {
            "site": a.site.pk,
            "name": "ชุมชนใหม่",
            "name_en": "Ban Mai Community",
            "kind": "community",
            "shape": json.dumps(square(98.95, 18.75)),
        },
    )
    assert edited.status_code == 302
    new.refresh_from_db()
    assert (new.name_en, new.kind) == ("Ban Mai Community", "community")

    rule = {
        "site": a.site.pk,
        "service": a.complaint.pk,
        "condition": "category=garbage",
        "area": new.pk,
        "department": a.works.pk,
        "sort_order": 5,
    }
    assert client.post(f"{RULES}add/", rule).status_code == 302
    made = RoutingRule.objects.get(site=a.site, answer="garbage")
    assert (made.area, made.department, made.sort_order) == (new, a.works, 5)
    assert client.post(f"{RULES}edit/{made.pk}/", {**rule, "sort_order": 7}).status_code == 302
    made.refresh_from_db()
    assert made.sort_order == 7
    rules = client.get(RULES, follow=True).content.decode()
    assert "ชุมชนใหม่" in rules and "ZQBCOMMUNITY" not in rules

    assert client.post(f"{RULES}delete/{made.pk}/").status_code == 302
    assert client.post(f"{AREAS}delete/{new.pk}/").status_code == 302
    assert not RoutingRule.objects.filter(pk=made.pk).exists() and not Area.objects.filter(pk=new.pk).exists()

    imported = client.post(
        IMPORT,
        {"office": a.site.pk, "kind": "zone", "file": SimpleUploadedFile("a.geojson", feature_collection("ชุมชนนำเข้า"))},
    )
    assert imported.status_code == 302
    assert Area.objects.get(name="ชุมชนนำเข้า").site == a.site


def feature_collection(name, name_en=None, shape=None):
    properties = {"name": name, **({"name_en": name_en} if name_en else {})}
    feature = {"type": "Feature", "properties": properties, "geometry": shape or square(98.93, 18.73)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def never_reaches(client, a, b):
    for url in (
        f"{AREAS}edit/{b.area.pk}/",
        f"{AREAS}delete/{b.area.pk}/",
        f"{RULES}edit/{b.rule.pk}/",
        f"{RULES}delete/{b.rule.pk}/",
        f"{CHOOSER}chosen/{b.area.pk}/",
    ):
        assert client.get(url, follow=True).status_code == 404, url
    assert client.post(f"{AREAS}delete/{b.area.pk}/", follow=True).status_code == 404
    assert client.post(f"{RULES}edit/{b.rule.pk}/", {"sort_order": 1}, follow=True).status_code == 404
    chooser = client.get(CHOOSER, follow=True).content.decode()
    assert "ZQACOMMUNITY" in chooser and "ZQBCOMMUNITY" not in chooser
    search = client.get(f"{AREAS}?q=ZQBCOMMUNITY", follow=True).content.decode()
    assert f"edit/{b.area.pk}/" not in search

    # A rule naming B's area, department or service, or an area or import for B, is refused.
    refused = client.post(
        f"{RULES}add/",
        {"site": a.site.pk, "service": b.complaint.pk, "area": b.area.pk, "department": b.works.pk, "sort_order": 1},
    )
    assert refused.status_code == 200 and RoutingRule.objects.count() == 2
    form = client.get(IMPORT, follow=True).context["form"]
    assert list(form.fields["office"].queryset) == [a.site]
    imported = client.post(
        IMPORT,
        {"office": b.site.pk, "kind": "zone", "file": SimpleUploadedFile("b.geojson", feature_collection("แอบ"))},
    )
    assert imported.status_code == 400 and not Area.objects.filter(name="แอบ").exists()
    b.area.refresh_from_db(), b.rule.refresh_from_db()
    assert (b.area.name, b.rule.sort_order) == ("ZQBCOMMUNITY", 10)


def test_going_live_gives_the_areas_to_the_administrators_and_the_other_staff_are_refused(client, offices):
    a, _b = offices
    admin = member(a.site, StaffRole.OFFICE_ADMIN, "a.admin")
    assert {p for p in AREA_PERMISSIONS if admin.has_perm(f"areas.{p}")} == AREA_PERMISSIONS
    volunteer = member(a.site, StaffRole.VOLUNTEER, "a.volunteer")
    assert not any(volunteer.has_perm(f"areas.{p}") for p in AREA_PERMISSIONS)
    for role in (StaffRole.EDITOR, StaffRole.MODERATOR, StaffRole.OFFICER):
        person = member(a.site, role, f"a.{role}")
        assert not any(person.has_perm(f"areas.{p}") for p in AREA_PERMISSIONS), role
        client.force_login(person)
        for url in (AREAS, f"{AREAS}add/", f"{AREAS}edit/{a.area.pk}/", RULES, f"{RULES}edit/{a.rule.pk}/", IMPORT):
            response = client.get(url, follow=True)
            # Wagtail sends a person without the permission back to the dashboard with a message.
            assert response.status_code in (200, 403), (role, url)
            assert "ZQACOMMUNITY" not in response.content.decode(), (role, url)
            assert response.redirect_chain or response.status_code == 403, (role, url)
        posted = client.post(f"{AREAS}delete/{a.area.pk}/")
        assert posted.status_code in (302, 403) and Area.objects.filter(pk=a.area.pk).exists(), role


def test_offices_made_before_get_the_permission_from_the_migration():
    """An office that went live before areas existed: its administrators had no area permission.
    The migration grants it to every office's administrators, once, and to no other group; on a
    database where the permissions do not exist yet (they are made after all migrations), it
    makes them first."""
    a, b = light_office("A", "alpha.localhost"), light_office("B", "beta.localhost")
    migration = importlib.import_module("services.areas.migrations.0005_office_administrators_manage_areas")
    admins = [Group.objects.get(office_role__site=o.site, office_role__role=StaffRole.OFFICE_ADMIN) for o in (a, b)]
    editors = Group.objects.get(office_role__site=a.site, office_role__role=StaffRole.EDITOR)
    Permission.objects.filter(content_type__app_label="areas").delete()
    schema_editor = SimpleNamespace(connection=connection)

    migration.grant(apps, schema_editor)
    migration.grant(apps, schema_editor)

    for group in admins:
        assert set(group.permissions.filter(content_type__app_label="areas").values_list("codename", flat=True)) == (
            AREA_PERMISSIONS
        )
    assert not editors.permissions.filter(content_type__app_label="areas").exists()
    assert Permission.objects.filter(content_type__app_label="areas").count() == len(AREA_PERMISSIONS)


def test_an_area_is_named_in_the_pages_language(client):
    """The English name on English pages and in the English admin, the Thai name otherwise (and
    when no English name was given); the import takes it from a feature's name_en."""
    a = light_office("A", "alpha.localhost")
    Area.objects.filter(pk=a.area.pk).update(name="ชุมชนริมน้ำ", name_en="Rim Nam Community")
    plain = Area.objects.create(site=a.site, name="ชุมชนวัดกลาง", shape=square(98.8, 18.6))
    a.area.refresh_from_db()
    for language, riverside in (("th", "ชุมชนริมน้ำ"), ("en", "Rim Nam Community")):
        with translation.override(language):
            assert (a.area.display_name, str(a.area), plain.display_name) == (riverside, riverside, "ชุมชนวัดกลาง")
            choices = Area.objects.filter(site=a.site).choices()
        assert dict(choices) == {a.area.pk: riverside, plain.pk: "ชุมชนวัดกลาง"}
    # The English page lists by the English names; the Thai one by the Thai names.
    with translation.override("en"):
        assert [name for _pk, name in Area.objects.filter(site=a.site).choices()] == [
            "Rim Nam Community",
            "ชุมชนวัดกลาง",
        ]

    admin = member(a.site, StaffRole.OFFICE_ADMIN, "a.admin")
    client.force_login(admin)
    for language, shown in (("th", "ชุมชนริมน้ำ"), ("en", "Rim Nam Community")):
        profile = UserProfile.get_for_user(admin)
        profile.preferred_language = language
        profile.save()
        rules = client.get(RULES, follow=True).content.decode()
        assert shown in rules, language
        assert ("Rim Nam Community" in rules) == (language == "en")
    assert "Rim Nam Community" in client.get(f"{AREAS}?q=Rim+Nam", follow=True).content.decode()

    upload = feature_collection("ชุมชนป่าตัน", "Pa Tan Community", square(98.7, 18.5))
    client.post(IMPORT, {"office": a.site.pk, "kind": "community", "file": SimpleUploadedFile("c.geojson", upload)})
    assert Area.objects.get(name="ชุมชนป่าตัน").name_en == "Pa Tan Community"
    # A file without English names keeps the ones typed in the admin.
    again = feature_collection("ชุมชนป่าตัน", shape=square(98.7, 18.5, size=0.02))
    client.post(IMPORT, {"office": a.site.pk, "kind": "community", "file": SimpleUploadedFile("d.geojson", again)})
    assert Area.objects.get(name="ชุมชนป่าตัน").name_en == "Pa Tan Community"
