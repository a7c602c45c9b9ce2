"""Areas and routing rules in the admin (issue 18 §5): drawing or pasting a shape, importing a
GeoJSON file all-or-nothing, every bad shape refused beside the field with what was typed kept,
rules offered the form's answers and listed as broken with the reason, and each office seeing
only its own."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.users.models import UserProfile

from portal.models import StaffRole
from services.areas.models import Area, RoutingRule
from tests.factories import DepartmentFactory, OfficeFactory, office_staff
from tests.services.areas.support import MARKET, RIVERSIDE, make_areas_world

pytestmark = pytest.mark.django_db
AREAS = "/admin/snippets/areas/area/"
RULES = "/admin/snippets/areas/routingrule/"


@pytest.fixture
def world(home_th):
    return make_areas_world(home_th)


def superuser(client, language):
    user = get_user_model().objects.create_superuser(f"boss.{language}", password="portal-demo-2569")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def boss(client):
    """A platform administrator reading the admin in English (the assertions' language)."""
    return superuser(client, "en")


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_area(client, world, shape_text, name="ชุมชนใหม่"):
    return client.post(f"{AREAS}add/", {"site": world["site"].pk, "name": name, "kind": "village", "shape": shape_text})


def test_a_drawn_or_pasted_shape_is_saved_with_its_box(boss, world):
    page = boss.get(f"{AREAS}add/").content.decode()
    assert "vendor/leaflet/leaflet.js" in page and "areas/shape_widget.js" in page and "<textarea" in page
    response = add_area(boss, world, json.dumps(square(98.99, 18.80)))
    assert response.status_code == 302
    area = Area.objects.get(name="ชุมชนใหม่")
    assert (area.min_longitude, area.min_latitude) == (98.99, 18.80)
    assert area.max_latitude == pytest.approx(18.81) and area.kind == "village"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{ not json", "not valid JSON"),
        ('{"type": "Polygon", "coordinates": [[[NaN, 18.7], [98.91, 18.7], [98.91, 18.71], [NaN, 18.7]]]}', "NaN"),
        ('{"type": "Point", "coordinates": [98.9, 18.7]}', "not Point"),
        ('{"type": "Polygon", "coordinates": [[[98.9, 91], [98.91, 91], [98.91, 90.5], [98.9, 91]]]}', "Latitude 91"),
        (
            '{"type": "Polygon", "coordinates": [[[98.9, 18.7], [98.91, 18.71], [98.91, 18.7], [98.9, 18.71], [98.9, 18.7]]]}',
            "crosses or touches itself",
        ),
        ('{"type": "Polygon", "coordinates": [[[98.9, 18.7], [98.91, 18.7], [98.91, 18.71]]]}', "at least 4"),
        (json.dumps(square(97.0, 17.0, size=2)), "more than 1.0 degree"),
    ],
)
def test_a_bad_shape_is_refused_beside_the_field_and_what_was_typed_stays(boss, world, text, message):
    response = add_area(boss, world, text)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["shape"])
    page = response.content.decode()
    assert message.split()[0] in page
    assert json.dumps(text)[1:-1][:20].replace('"', "&quot;") in page or text[:10] in page
    assert not Area.objects.filter(name="ชุมชนใหม่").exists()


def test_errors_are_in_thai_for_a_thai_editor(client, world):
    response = superuser(client, "th").post(
        f"{AREAS}add/",
        {"site": world["site"].pk, "name": "x", "kind": "zone", "shape": json.dumps(square(97.0, 17.0, size=2))},
    )
    assert "กว้างเกิน" in str(response.context["form"].errors["shape"])


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(name, shape, key="name"):
    return {"type": "Feature", "properties": {key: name}, "geometry": shape}


def upload(client, world, content, kind="community"):
    return client.post(
        "/admin/areas/import/",
        {"office": world["site"].pk, "kind": kind, "file": SimpleUploadedFile("areas.geojson", content)},
    )


def test_importing_a_file_adds_new_areas_and_updates_those_of_the_same_name(boss, world):
    assert "/admin/areas/import/" in boss.get(AREAS).content.decode()
    response = upload(
        boss, world, collection(feature("ชุมชนริมน้ำ", square(98.90, 18.70)), feature("หมู่ 5", MARKET, key="ชื่อ"))
    )
    assert response.status_code == 302
    riverside = Area.objects.get(pk=world["riverside"].pk)
    assert riverside.min_longitude == 98.90  # updated in place: same row, new shape
    assert Area.objects.get(site=world["site"], name="หมู่ 5").shape == MARKET
    assert Area.objects.filter(site=world["site"]).count() == 3


def test_a_file_with_any_bad_feature_imports_nothing_and_lists_each_problem(boss, world):
    bad = collection(
        feature("ดี", square(98.90, 18.70)),
        feature("ใหญ่", square(97.0, 17.0, size=3)),
        {"type": "Feature", "properties": {}, "geometry": RIVERSIDE},
        feature("ดี", square(98.92, 18.70)),
    )
    response = upload(boss, world, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page and "ใหญ่" in page and "more than 1.0 degree" in page
    assert "feature 3" in page and "appears twice" in page
    assert not Area.objects.filter(name__in=["ดี", "ใหญ่"]).exists()
    assert "not valid JSON" in upload(boss, world, b"\xef\xbb\xbf{oops").content.decode()
    assert (
        "not a number" in upload(boss, world, b'{"type": "Polygon", "coordinates": [[[Infinity, 1]]]}').content.decode()
    )
    assert upload(boss, world, b"\xff\xfe garbage").status_code == 400
    too_big = upload(boss, world, b" " * (2 * 1024 * 1024 + 10))
    assert too_big.status_code == 400 and "larger than 2 MB" in too_big.content.decode()


def test_a_rule_offers_the_services_answers_and_refuses_another_services(boss, world):
    form = boss.get(f"{RULES}add/").context["form"]
    offered = {value for _group, options in form.fields["condition"].choices[1:] for value, _label in options}
    assert {"category=garbage", "category=road", "category=other"} <= offered
    response = boss.post(
        f"{RULES}add/",
        {
            "site": world["site"].pk,
            "service": world["complaint"].pk,
            "condition": "category=garbage",
            "department": world["health"].pk,
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.field_key, rule.answer, rule.department) == ("category", "garbage", world["health"])
    refused = boss.post(
        f"{RULES}add/",
        {
            "site": world["site"].pk,
            "service": world["service"].pk,  # the streetlight guide: its form has no "category"
            "condition": "category=garbage",
            "department": world["works"].pk,
            "sort_order": 6,
        },
    )
    assert refused.status_code == 200 and "own form" in str(refused.context["form"].errors["condition"])
    # A platform administrator cannot file one office's service under another office's rules.
    office = OfficeFactory()
    elsewhere = boss.post(
        f"{RULES}add/",
        {
            "site": office.site.pk,
            "service": world["complaint"].pk,
            "department": DepartmentFactory(site=office.site, code="works", name="กองช่างอื่น").pk,
            "sort_order": 7,
        },
    )
    assert elsewhere.status_code == 200 and "same office" in str(elsewhere.context["form"].errors["service"])
    assert RoutingRule.objects.count() == 1


def test_broken_rules_are_listed_as_broken_with_the_reason_and_the_listing_never_fails(boss, world):
    gone = DepartmentFactory(site=world["site"], code="gone", name="กองที่ยุบ")
    ok = RoutingRule.objects.create(
        site=world["site"],
        service=world["complaint"],
        field_key="category",
        answer="garbage",
        department=world["health"],
    )
    RoutingRule.objects.create(
        site=world["site"], service=world["complaint"], field_key="category", answer="road", department=gone
    )
    RoutingRule.objects.create(
        site=world["site"],
        service=world["complaint"],
        field_key="category",
        answer="pothole",
        department=world["works"],
    )
    RoutingRule.objects.create(
        site=world["site"], service=world["complaint"], area=world["riverside"], department=world["works"]
    )
    gone.delete()
    world["riverside"].delete()
    page = boss.get(RULES).content.decode()
    assert page.count("Broken, skipped") == 3
    assert "department was deleted" in page and "pothole" in page and "ชุมชนริมน้ำ" in page
    assert "Working" in page and ok.answer in page
    # More rules add no queries: each service's form is read once per page.
    with CaptureQueriesContext(connection) as queries:
        boss.get(RULES)
    for order in range(10):
        RoutingRule.objects.create(
            site=world["site"],
            service=world["complaint"],
            field_key="category",
            answer="water",
            department=world["works"],
            sort_order=order,
        )
    with CaptureQueriesContext(connection) as more:
        assert boss.get(RULES).content.decode().count("Working") == 11
    assert len(more) == len(queries) <= 12
    # A broken rule opens for editing (to fix it), with its stale answer shown as such.
    broken = RoutingRule.objects.get(answer="pothole")
    form = boss.get(f"{RULES}edit/{broken.pk}/").context["form"]
    assert form.fields["condition"].initial == "category=pothole"


def test_each_office_sees_and_edits_only_its_own_areas_and_rules(client, world):
    office = OfficeFactory()
    theirs = Area.objects.create(site=office.site, name="ZQB หมู่บ้านเขา", shape=square(98.5, 18.5))
    their_department = DepartmentFactory(site=office.site, code="works", name="กองช่างเขา")
    admin_b = office_staff(office, StaffRole.OFFICE_ADMIN, username="b.admin")
    client.force_login(admin_b)
    listing = client.get(AREAS, follow=True).content.decode()
    assert "ZQB หมู่บ้านเขา" in listing and "ชุมชนริมน้ำ" not in listing
    assert client.get(f"{AREAS}edit/{world['riverside'].pk}/", follow=True).status_code == 404
    assert client.get(f"{AREAS}delete/{world['riverside'].pk}/", follow=True).status_code == 404
    assert client.get(f"{AREAS}edit/{theirs.pk}/", follow=True).status_code == 200
    ours_rule = RoutingRule.objects.create(site=world["site"], service=world["complaint"], department=world["health"])
    assert client.get(f"{RULES}edit/{ours_rule.pk}/", follow=True).status_code == 404
    form = client.get(f"{RULES}add/", follow=True).context["form"]
    assert list(form.fields["site"].queryset) == [office.site]
    assert world["complaint"].pk not in {s.pk for s in form.fields["service"].queryset}
    assert set(form.fields["department"].queryset) == {their_department}
    assert world["riverside"] not in set(form.fields["area"].queryset)
    # Posting another office's area or department is refused, not saved.
    refused = client.post(
        f"{AREAS}add/",
        {"site": world["site"].pk, "name": "แอบ", "kind": "zone", "shape": json.dumps(square(98.5, 18.6))},
    )
    assert refused.status_code == 200 and not Area.objects.filter(name="แอบ").exists()
    imported = client.post(
        "/admin/areas/import/",
        {
            "office": world["site"].pk,
            "kind": "zone",
            "file": SimpleUploadedFile("a.geojson", collection(feature("แอบ", square(98.5, 18.6)))),
        },
    )
    assert imported.status_code == 400 and not Area.objects.filter(name="แอบ").exists()


def test_the_import_is_refused_without_the_permission(client, world):
    office = OfficeFactory()
    client.force_login(office_staff(office, StaffRole.EDITOR, username="b.editor"))
    assert client.get("/admin/areas/import/").status_code in (302, 403)
