"""The platform administrators' Offices screens: list, create, archive, delete refused for an
office that holds requests; nobody else gets in."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from portal.models import Office, StaffRole
from services.offices.going_live import create_office
from tests.factories import CaseFactory, OfficeFactory, UserFactory, office_staff

FORM = {
    "name": "องค์การบริหารส่วนตำบลหนองบัว",
    "name_en": "Nong Bua SAO",
    "host": "nongbua.go.th",
    "port": "80",
    "prefix": "NBA",
    "province": "เชียงใหม่",
}


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


def test_the_list_shows_every_office_with_its_requests(admin_client, django_assert_max_num_queries):
    office = OfficeFactory(name="อบต.สันทราย", hostname="santhai.localhost", province="ลำพูน")
    CaseFactory.create_batch(2, site=office.site)
    OfficeFactory.create_batch(3)
    with django_assert_max_num_queries(25):
        response = admin_client.get(reverse("offices_index"))
    assert response.status_code == 200
    rows = {site.hostname: site for site in response.context["offices"]}
    assert len(rows) == Site.objects.count()
    assert rows["santhai.localhost"].case_count == 2
    text = response.content.decode()
    assert "อบต.สันทราย" in text
    assert "ลำพูน" in text


def test_the_list_costs_the_same_queries_for_many_offices(admin_client, django_assert_max_num_queries):
    OfficeFactory.create_batch(2)
    admin_client.get(reverse("offices_index"))
    OfficeFactory.create_batch(10)
    with django_assert_max_num_queries(25):
        assert admin_client.get(reverse("offices_index")).status_code == 200


def test_the_form_creates_the_office_and_shows_what_is_left_to_do(admin_client):
    with translation.override("en"):
        response = admin_client.post(reverse("offices_create"), FORM, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    site = Site.objects.get(hostname="nongbua.go.th")
    assert site.office.province == "เชียงใหม่"
    assert [line for line in response.context["todo"] if "PromptPay" in line]


def test_the_form_shows_problems_next_to_the_fields_and_keeps_what_was_typed(admin_client):
    create_office("อบต.เดิม", "nongbua.go.th", "OLD")
    typed = {**FORM, "name": "อบต.ใหม่", "prefix": "old", "port": "๘๐"}
    sites = Site.objects.count()
    response = admin_client.post(reverse("offices_create"), typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"host", "prefix"}
    assert "nongbua.go.th" in form.errors["host"][0]
    assert "อบต.เดิม" in form.errors["prefix"][0]
    text = response.content.decode()
    assert 'value="อบต.ใหม่"' in text
    assert 'value="old"' in text
    assert 'aria-invalid="true"' in text
    assert Site.objects.count() == sites


def test_a_name_of_spaces_is_shown_next_to_the_name(admin_client):
    response = admin_client.post(reverse("offices_create"), {**FORM, "name": "\u200b \u200b"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert not Site.objects.filter(hostname="nongbua.go.th").exists()


def test_archive_and_unarchive(admin_client):
    office = OfficeFactory()
    response = admin_client.post(reverse("offices_archive", args=[office.pk]))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.archived_at is not None
    admin_client.post(reverse("offices_unarchive", args=[office.pk]))
    office.refresh_from_db()
    assert office.archived_at is None


def test_deleting_an_office_that_holds_requests_is_refused(admin_client):
    office = OfficeFactory()
    CaseFactory(site=office.site)
    refused = "มีคำร้องของประชาชนอยู่ จึงลบไม่ได้: ให้เก็บถาวรแทน"  # the admin's language is Thai
    response = admin_client.post(reverse("offices_delete", args=[office.pk]), follow=True)
    assert refused in response.content.decode()
    # Wagtail's own Sites screen says the same instead of failing.
    response = admin_client.post(reverse("wagtailsites:delete", args=[office.pk]), follow=True)
    assert response.status_code == 200
    assert refused in response.content.decode()
    assert Site.objects.filter(pk=office.pk).exists()


def test_an_office_made_by_mistake_can_be_deleted(admin_client):
    site = create_office("อบต.ผิด", "mistake.localhost", "MIS")
    home = site.root_page
    response = admin_client.post(reverse("offices_delete", args=[site.pk]))
    assert response.status_code == 302
    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Office.objects.filter(pk=site.pk).exists()
    assert not type(home).objects.filter(pk=home.pk).exists()


@pytest.mark.parametrize("role", [StaffRole.OFFICE_ADMIN, StaffRole.EDITOR, StaffRole.OFFICER])
def test_office_staff_get_403_and_no_menu_item(client, db, role):
    office = OfficeFactory()
    client.force_login(office_staff(office, role))
    for url in (
        reverse("offices_index"),
        reverse("offices_create"),
        reverse("offices_delete", args=[office.pk]),
    ):
        assert client.get(url).status_code == 403
    for name in ("offices_archive", "offices_unarchive"):
        assert client.post(reverse(name, args=[office.pk])).status_code == 403
    assert client.post(reverse("offices_create"), FORM).status_code == 403
    assert not Site.objects.filter(hostname=FORM["host"]).exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("offices_index") not in home.content.decode()


def test_platform_admins_see_the_menu_item(admin_client):
    assert reverse("offices_index") in admin_client.get(reverse("wagtailadmin_home")).content.decode()
