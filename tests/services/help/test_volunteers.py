"""Issue 22, item 2's last gap: the "Need help?" box names "the nearest volunteer by community
where volunteers opted in". A volunteer who agreed is named, with a tel: link, on the tracking
page of a case in their community, never in another community's, never after withdrawing, never
on another office's pages; the e-form's box (which does not know the community yet) links to
the public list of volunteers by community; the office keeps its volunteers in its own admin;
a data-subject request reaches them."""

import datetime
import io
import json
import re
import zipfile
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone

from portal.models import StaffGroup, StaffRole
from services.areas.models import Area, AreaKind
from services.cases.models import Case
from services.help.models import Volunteer
from services.offices.going_live import create_office
from services.privacy import personal_data
from tests.factories import OfficeFactory, StaffFactory, office_staff
from tests.forms_builder import conftest as form_fixtures
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db

_private_media = form_fixtures._private_media
form_index = form_fixtures.form_index
make_form = form_fixtures.make_form

AGREED = timezone.now() - datetime.timedelta(days=30)
LIST = "/admin/snippets/portal_help/volunteer/"


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def community(site, name, name_en="", kind=AreaKind.COMMUNITY):
    return Area.objects.create(site=site, name=name, name_en=name_en, kind=kind, shape=square(98.9, 18.7))


def volunteer(site, area, name, phone, **fields):
    fields.setdefault("opted_in_at", AGREED)
    return Volunteer.objects.create(site=site, community=area, name=name, phone=phone, **fields)


def box(html):
    match = re.search(r'<aside class="need-help".*?</aside>', html, flags=re.S)
    assert match, "no help box on the page"
    return match.group(0)


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    site = world["site"]
    world["riverside"] = community(site, "ชุมชนริมน้ำ", "Rim Nam Community")
    world["market"] = community(site, "ชุมชนตลาดเก่า", "Talat Kao Community")
    return world


def case_in(world, area):
    case, _receipt = submit(world["form"])
    Case.objects.filter(pk=case.pk).update(area=area)
    return Case.objects.get(pk=case.pk)


def tracking_box(client, case, language="th"):
    return box(client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE=language).content.decode())


def test_the_tracking_page_names_the_cases_community_volunteers_and_no_one_else(client, world):
    site = world["site"]
    somsri = volunteer(site, world["riverside"], "ป้าสมศรี ใจดี", "๐๘๖-๐๐๐-๐๑๐๒")  # Thai digits, as typed
    volunteer(site, world["market"], "ลุงประยูร มีสุข", "0860000103")
    volunteer(site, world["riverside"], "นายยังไม่ยินยอม", "0860000104", opted_in_at=None)
    other = OfficeFactory()
    their_area = community(other.site, "ชุมชนริมน้ำ")
    volunteer(other.site, their_area, "อาสาของสำนักงานอื่น", "0860000105")
    # A row pointing at this office's community from another office (never made by the admin,
    # which refuses it) is still not this office's volunteer.
    volunteer(other.site, world["riverside"], "อาสาที่ผิดสำนักงาน", "0860000106")

    html = tracking_box(client, case_in(world, world["riverside"]))
    assert "ป้าสมศรี ใจดี" in html
    assert 'href="tel:0860000102"' in html and "086-000-0102" in html
    assert "ชุมชนริมน้ำ" in html
    for hidden in ("ลุงประยูร", "นายยังไม่ยินยอม", "อาสาของสำนักงานอื่น", "อาสาที่ผิดสำนักงาน"):
        assert hidden not in html
    assert 'href="/th/help/volunteers/"' in html

    market = tracking_box(client, case_in(world, world["market"]))
    assert "ลุงประยูร มีสุข" in market and "ป้าสมศรี" not in market

    # Withdrawing takes them off at once, although the box's lookup is kept between views.
    somsri.withdrawn_at = timezone.now()
    somsri.save()
    html = tracking_box(client, case_in(world, world["riverside"]))
    assert "ป้าสมศรี" not in html
    assert "อาสาสมัครในชุมชนของคุณช่วยกรอกแบบฟอร์มกับคุณได้" in html  # how to reach one through the office


def test_a_case_without_a_community_with_volunteers_says_how_to_reach_one(client, world):
    volunteer(world["site"], world["market"], "ลุงประยูร มีสุข", "0860000103")
    html = tracking_box(client, case_in(world, None))
    assert "ลุงประยูร" not in html
    assert 'href="/th/help/volunteers/"' in html  # the list by community


def test_at_most_three_are_named_and_each_case_starts_with_another(client, world):
    site = world["site"]
    names = ["อาสา ก", "อาสา ข", "อาสา ค", "อาสา ง", "อาสา จ"]
    for number, name in enumerate(names):
        volunteer(site, world["riverside"], name, f"086000020{number}")
    first = tracking_box(client, case_in(world, world["riverside"]))
    second = tracking_box(client, case_in(world, world["riverside"]))
    shown_first = [name for name in names if name in first]
    shown_second = [name for name in names if name in second]
    assert len(shown_first) == len(shown_second) == 3
    assert shown_first != shown_second


def test_the_english_tracking_page_names_the_community_in_english(client, world):
    volunteer(world["site"], world["riverside"], "Somsri Jaidee", "0860000102")
    html = tracking_box(client, case_in(world, world["riverside"]), language="en")
    assert "Volunteers of Rim Nam Community who agreed to help residents:" in html
    assert "Somsri Jaidee" in html


def test_the_tracking_page_keeps_its_query_budget_with_volunteers(client, world, django_assert_max_num_queries):
    volunteer(world["site"], world["riverside"], "ป้าสมศรี ใจดี", "0860000102")
    case = case_in(world, world["riverside"])
    client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th")
    # The tracking page's own budget (tests/services/test_help_box.py): volunteers add none once kept.
    with django_assert_max_num_queries(2):
        response = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th")
    assert "ป้าสมศรี ใจดี" in box(response.content.decode())


def test_the_form_box_links_to_the_volunteers_by_community_when_the_office_has_some(client, make_form, site):
    page = make_form("complaint-form")
    assert "/th/help/volunteers/" not in box(client.get(page.url).content.decode())  # none yet: no link
    volunteer(site, community(site, "ชุมชนริมน้ำ"), "ป้าสมศรี ใจดี", "0860000102")
    html = box(client.get(page.url).content.decode())
    assert 'href="/th/help/volunteers/"' in html
    assert "ป้าสมศรี" not in html  # the form does not know the resident's community yet


def test_the_public_list_shows_the_offices_volunteers_by_community(client, world):
    site = world["site"]
    volunteer(site, world["riverside"], "ป้าสมศรี ใจดี", "0860000102")
    volunteer(site, world["market"], "ลุงประยูร มีสุข", "053123456")
    volunteer(site, world["market"], "นางถอนแล้ว", "0860000107", withdrawn_at=timezone.now())
    zone = community(site, "เขตงานทาง", kind=AreaKind.ZONE)
    other = OfficeFactory()
    volunteer(other.site, community(other.site, "ชุมชนอื่น"), "อาสาของสำนักงานอื่น", "0860000105")
    del zone

    html = client.get("/th/help/volunteers/").content.decode()
    assert "<h2" in html and "ชุมชนริมน้ำ" in html and "ชุมชนตลาดเก่า" in html
    assert 'href="tel:0860000102"' in html and 'href="tel:053123456"' in html and "053-123-456" in html
    assert "นางถอนแล้ว" not in html and "อาสาของสำนักงานอื่น" not in html and "ชุมชนอื่น" not in html
    market, riverside = html.index("ชุมชนตลาดเก่า</h2>"), html.index("ชุมชนริมน้ำ</h2>")
    assert market < riverside  # Thai order of the communities' names

    english = client.get("/en/help/volunteers/").content.decode()
    assert english.index("Rim Nam Community</h2>") < english.index("Talat Kao Community</h2>")
    assert "Volunteers by community" in english

    alone = client.get("/th/help/volunteers/", HTTP_HOST=other.site.hostname).content.decode()
    assert "อาสาของสำนักงานอื่น" in alone and "ป้าสมศรี" not in alone


def test_the_public_list_without_volunteers_says_whom_to_ask(client, site):
    html = client.get("/en/help/volunteers/").content.decode()
    assert "No volunteer is listed yet." in html


# -- The office's admin -------------------------------------------------------------------------


def administrator(office):
    group = office.groups[StaffRole.OFFICE_ADMIN]
    group.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        *Permission.objects.filter(content_type__app_label="portal_help"),
    )
    return office_staff(office, StaffRole.OFFICE_ADMIN)


def volunteer_account(office, username, first_name):
    """A member of the office's volunteers group (the factory's office has none of its own)."""
    group, _created = Group.objects.get_or_create(name=f"{office.site.site_name}: volunteers")
    StaffGroup.objects.get_or_create(group=group, defaults={"site": office.site, "role": StaffRole.VOLUNTEER})
    return StaffFactory(groups=[group.name], username=username, first_name=first_name)


@pytest.fixture
def two_offices(db):
    a, b = OfficeFactory(hostname="alpha.localhost"), OfficeFactory(hostname="beta.localhost")
    a.community = community(a.site, "ZQACOMMUNITY")
    a.zone = community(a.site, "ZQAZONE", kind=AreaKind.ZONE)
    b.community = community(b.site, "ZQBCOMMUNITY")
    b.volunteer = volunteer(b.site, b.community, "ZQBVOLUNTEER", "0860000999")
    a.helper = volunteer_account(a, "a.helper", "ZQAHELPER")
    b.helper = volunteer_account(b, "b.helper", "ZQBHELPER")
    return a, b


def post(client, a, **changes):
    data = {
        "site": a.site.pk,
        "name": "ป้าสมศรี ใจดี",
        "phone": "๐๘๖ ๐๐๐ ๐๑๐๒",
        "community": a.community.pk,
        "user": "",
        "opted_in_at": "2026-06-01 09:00",
        "consent_note": "หนังสือยินยอม ฉบับที่ 1",
        "withdrawn_at": "",
    }
    data.update(changes)
    return client.post(f"{LIST}add/", data)


def test_the_office_administrator_keeps_the_offices_volunteers_only(client, two_offices):
    a, b = two_offices
    client.force_login(administrator(a))
    form = client.get(f"{LIST}add/").content.decode()
    assert "ZQACOMMUNITY" in form
    assert "ZQAZONE" not in form  # a zone is no community
    assert "ZQBCOMMUNITY" not in form and "ZQBHELPER" not in form
    assert "ZQAHELPER" in form  # the office's volunteer accounts may be linked

    added = post(client, a, user=a.helper.pk)
    assert added.status_code == 302, added.content.decode()[:3000]
    row = Volunteer.objects.get(name="ป้าสมศรี ใจดี")
    assert (row.site, row.community, row.phone, row.user) == (a.site, a.community, "0860000102", a.helper)

    listing = client.get(LIST).content.decode()
    assert "ป้าสมศรี ใจดี" in listing and "ZQBVOLUNTEER" not in listing
    edit = client.get(f"{LIST}edit/{b.volunteer.pk}/", follow=True)
    assert edit.status_code == 404
    refused = post(client, a, name="คนของอีกสำนักงาน", phone="0860000555", community=b.community.pk, user=b.helper.pk)
    assert refused.status_code == 200 and not Volunteer.objects.filter(name="คนของอีกสำนักงาน").exists()


def test_a_phone_with_letters_is_refused_next_to_the_field(client, two_offices):
    a, _b = two_offices
    client.force_login(administrator(a))
    response = post(client, a, phone="081-CALL-ME")
    assert response.status_code == 200
    html = response.content.decode()
    message = "กรุณากรอกหมายเลขโทรศัพท์"  # the admin speaks the staff member's language: Thai
    assert message in html
    field = html[html.index('name="phone"') - 3000 : html.index('name="phone"') + 3000]
    assert message in field  # beside the phone field, not only at the top
    assert not Volunteer.objects.filter(name="ป้าสมศรี ใจดี").exists()

    future = post(client, a, opted_in_at=(timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M"))
    assert future.status_code == 200 and "วันที่ยินยอมต้องไม่เป็นวันในอนาคต" in future.content.decode()


def test_an_editor_of_the_office_cannot_open_the_volunteers(client, two_offices):
    a, _b = two_offices
    editor = office_staff(a, StaffRole.EDITOR)
    client.force_login(editor)
    assert client.get(LIST).status_code in (302, 403)


def test_going_live_gives_the_administrators_the_volunteers_and_the_migration_gives_older_offices(client):
    site = create_office("เทศบาลตำบลอัลฟา", "alpha.go.th", "ALP")
    admin_group = Group.objects.get(office_role__site=site, office_role__role=StaffRole.OFFICE_ADMIN)
    editor_group = Group.objects.get(office_role__site=site, office_role__role=StaffRole.EDITOR)
    codenames = {f"{action}_volunteer" for action in ("add", "change", "delete", "view")}
    granted = set(
        admin_group.permissions.filter(content_type__app_label="portal_help").values_list("codename", flat=True)
    )
    assert granted == codenames
    assert not editor_group.permissions.filter(content_type__app_label="portal_help").exists()

    admin_group.permissions.remove(*Permission.objects.filter(content_type__app_label="portal_help"))
    migration = import_module("services.offices.migrations.0004_help_volunteers_permissions")
    migration.grant(django_apps, connection.schema_editor())
    migration.grant(django_apps, connection.schema_editor())  # again: nothing twice, nothing more
    assert admin_group.permissions.filter(content_type__app_label="portal_help").count() == 4
    assert not editor_group.permissions.filter(content_type__app_label="portal_help").exists()

    admin = StaffFactory(groups=[admin_group.name])
    client.force_login(admin)
    assert client.get(LIST).status_code == 200


# -- Personal data ------------------------------------------------------------------------------


def test_erasure_by_phone_removes_the_volunteers_name_and_phone_and_export_lists_them(client, world):
    site = world["site"]
    row = volunteer(site, world["riverside"], "ป้าสมศรี ใจดี", "0860000102", consent_note="ฉบับที่ 1")
    kept = volunteer(site, world["riverside"], "ลุงประยูร มีสุข", "0860000103")
    case = case_in(world, world["riverside"])
    assert "ป้าสมศรี" in tracking_box(client, case)

    exported, _count = personal_data.export_person("086-000-0102", {site.pk})
    listings = json.loads(zipfile.ZipFile(io.BytesIO(exported)).read("person.json"))["volunteer_listings"]
    assert [(row["name"], row["phone"], row["community"]) for row in listings] == [
        ("ป้าสมศรี ใจดี", "0860000102", "ชุมชนริมน้ำ")
    ]

    result = personal_data.erase_person("๐๘๖ ๐๐๐ ๐๑๐๒")
    assert result.elsewhere == 1
    row.refresh_from_db()
    assert (row.name, row.phone, row.consent_note, row.user) == ("", "", "", None)
    assert row.withdrawn_at is not None and row.opted_in_at is not None  # that someone agreed, not who
    kept.refresh_from_db()
    assert kept.name == "ลุงประยูร มีสุข"
    html = tracking_box(client, case)
    assert "ป้าสมศรี" not in html and "0860000102" not in html and "ลุงประยูร มีสุข" in html


def test_erasure_of_another_office_leaves_this_offices_volunteer(world):
    site = world["site"]
    row = volunteer(site, world["riverside"], "ป้าสมศรี ใจดี", "0860000102")
    other = OfficeFactory()
    assert personal_data.erase_person("0860000102", {other.site.pk}).elsewhere == 0
    row.refresh_from_db()
    assert row.name == "ป้าสมศรี ใจดี"


def test_the_staff_handbook_says_how_to_list_a_volunteer(client, two_offices):
    a, _b = two_offices
    client.force_login(administrator(a))
    html = client.get("/admin/handbook/").content.decode()
    assert 'id="handbook-volunteers"' in html and f'href="{LIST}"' in html
