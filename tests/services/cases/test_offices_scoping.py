"""Two offices on one install (issue 17): the case queue, its exports and actions, the intake,
reply templates and tracking each stay inside the office a case belongs to. Office A is the
default site (the case tests' world, prefix BSR); office B is a sub-district office on
nongbua.localhost (prefix NBA) with its own department, officer, form and guide."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.models import StaffRole
from portal.offices import office_ids
from services.cases.models import Case, CaseSettings, ReplyTemplate
from tests.factories import (
    DepartmentFactory,
    FormIndexPageFactory,
    FormPageFactory,
    OfficeFactory,
    ServiceIndexPageFactory,
    ServicePageFactory,
    StaffFactory,
    office_staff,
)
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    office = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", reference_prefix="NBA")
    works_b = DepartmentFactory(site=office.site, code="works", name="กองช่าง อบต.หนองบัว", name_en="Nong Bua Works")
    form_b = FormPageFactory(
        parent=FormIndexPageFactory(parent=office.home_th, title="แบบฟอร์ม", slug="forms"),
        title="แจ้งซ่อมไฟฟ้าสาธารณะ",
        slug="streetlight-repair-form",
    )
    service_b = ServicePageFactory(
        parent=ServiceIndexPageFactory(parent=office.home_th, title="บริการ", slug="services"),
        title="แจ้งซ่อมไฟฟ้า หนองบัว",
        slug="streetlight-repair",
        department=works_b,
        processing_days=5,
        online_form=form_b,
    )
    world.update(
        office_b=office,
        site_b=office.site,
        works_b=works_b,
        officer_b=StaffFactory(username="officer.nongbua", first_name="บุญมี", departments=[works_b]),
        form_b=form_b,
        service_b=service_b,
    )
    world["case_a"], _ = submit(world["form"])
    world["case_b"], _ = submit(form_b, phone="0899990000")
    return world


def listed(client, **params):
    return client.get("/admin/cases/", params).content.decode()


# -- Intake --------------------------------------------------------------------------------------


def test_a_request_on_office_b_form_is_office_b_case_with_its_prefix_and_department(world):
    case = world["case_b"]
    assert case.site == world["site_b"]
    assert case.reference.startswith("NBA-")
    assert case.department == world["works_b"]
    assert case.service.pk == world["service_b"].pk
    assert world["case_a"].reference.startswith("BSR-") and world["case_a"].site == world["site"]


def test_a_guide_naming_another_office_department_routes_to_its_own_office_default(world):
    """A guide copied from office A may still name A's department: B's request never lands in A's queue."""
    world["service_b"].department = world["works"]
    world["service_b"].save()
    settings = CaseSettings.for_site(world["site_b"])
    settings.default_department = world["works_b"]
    settings.save()
    case, _ = submit(world["form_b"], phone="0877777777")
    assert case.site == world["site_b"]
    assert case.department == world["works_b"]


def test_department_members_work_for_its_office(world):
    assert office_ids(world["officer_b"]) == {world["site_b"].pk}
    assert office_ids(world["officer_works"]) == {world["site"].pk}


# -- The queue of one office's officer ------------------------------------------------------------


def test_officer_of_a_never_sees_office_b_cases(client, world):
    case_a, case_b = world["case_a"], world["case_b"]
    client.force_login(world["officer_works"])
    html = listed(client)
    assert case_a.reference in html and case_b.reference not in html
    for query in (case_b.reference, "0899990000"):
        assert client.get("/admin/cases/", {"q": query}).context["rows"] == []
    assert "หนองบัว" not in html  # no department, service or office of B among the choices
    for url in ("", "receipt/"):
        assert client.get(f"/admin/cases/{case_b.pk}/{url}", follow=True).status_code == 404
    export = client.get("/admin/cases/", {"export": "csv", "status": ""})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert case_a.reference in text and case_b.reference not in text
    # Bulk actions on a smuggled id change nothing.
    client.post("/admin/cases/bulk/", {"ids": [case_b.pk], "action": "status", "status": "accepted"})
    client.post("/admin/cases/bulk/", {"ids": [case_b.pk], "action": "assign", "assignee": world["officer_works"].pk})
    case_b.refresh_from_db()
    assert case_b.status == "received" and case_b.assignee is None


def test_view_all_cases_means_every_case_of_their_own_office(client, world):
    health_case, _ = submit(world["form"], phone="0866666666")
    Case.objects.filter(pk=health_case.pk).update(department=world["health"])
    world["officer_works"].user_permissions.add(Permission.objects.get(codename="view_all_cases"))
    client.force_login(world["officer_works"])
    html = listed(client)
    assert world["case_a"].reference in html and health_case.reference in html
    assert world["case_b"].reference not in html
    assert client.get(f"/admin/cases/{world['case_b'].pk}/", follow=True).status_code == 404


def test_assignee_and_reply_template_choices_are_the_case_office_own(client, world):
    template_a = ReplyTemplate.objects.create(site=world["site"], title="ส่งทีมแล้ว", body="ส่งทีมช่างแล้ว")
    template_b = ReplyTemplate.objects.create(site=world["site_b"], title="หนองบัวตอบ", body="ข้อความของหนองบัว")
    shared = StaffFactory(username="shared", departments=[world["works"], world["works_b"]])
    client.force_login(shared)
    page = client.get(f"/admin/cases/{world['case_a'].pk}/").content.decode()
    assert template_a.title in page and template_b.title not in page
    assert "officer.nongbua" not in page and "บุญมี" not in page
    response = client.post(
        f"/admin/cases/{world['case_a'].pk}/", {"action": "reply", "template": template_b.pk, "reply": ""}
    )
    assert response.status_code == 400
    assert not world["case_a"].events.filter(kind="reply").exists()
    # Assigning office A's case to office B's officer is refused, in bulk too.
    client.post(
        "/admin/cases/bulk/", {"ids": [world["case_a"].pk], "action": "assign", "assignee": world["officer_b"].pk}
    )
    world["case_a"].refresh_from_db()
    assert world["case_a"].assignee is None


# -- A shared officer ---------------------------------------------------------------------------


def test_shared_officer_sees_both_offices_labelled(client, world):
    shared = StaffFactory(username="shared", departments=[world["works"], world["works_b"]])
    client.force_login(shared)
    response = client.get("/admin/cases/")
    html = response.content.decode()
    assert world["case_a"].reference in html and world["case_b"].reference in html
    offices = {row["case"].reference: row["office"] for row in response.context["rows"]}
    assert offices == {world["case_a"].reference: world["site"].site_name, world["case_b"].reference: "อบต.หนองบัว"}
    assert response.context["show_office"] is True
    # The queue shows an "Office" column naming each case's office, and the case page says it too.
    with translation.override("en"):
        english = client.get("/admin/cases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Office</th>' in english
    assert '<td class="case-office">อบต.หนองบัว</td>' in html
    assert f'<td class="case-office">{world["site"].site_name}</td>' in html
    detail = client.get(f"/admin/cases/{world['case_b'].pk}/").content.decode()
    assert '<dd class="case-office">อบต.หนองบัว</dd>' in detail
    department_labels = dict(response.context["form"].fields["department"].choices)
    assert department_labels[str(world["works_b"].pk)] == "กองช่าง อบต.หนองบัว · อบต.หนองบัว"
    services = dict(response.context["form"].fields["service"].widget.choices)
    assert services[str(world["service_b"].pk)] == "แจ้งซ่อมไฟฟ้า หนองบัว · อบต.หนองบัว"
    with translation.override("en"):
        export = client.get("/admin/cases/", {"export": "csv", "status": ""}, HTTP_ACCEPT_LANGUAGE="en")
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Office", "Reference"]
    assert {(row[0], row[1]) for row in rows[1:]} == {
        (world["site"].site_name, world["case_a"].reference),
        ("อบต.หนองบัว", world["case_b"].reference),
    }


def test_one_office_officer_export_has_no_office_column(client, world):
    client.force_login(world["officer_works"])
    response = client.get("/admin/cases/")
    assert response.context["show_office"] is False
    assert 'class="case-office"' not in response.content.decode()
    assert 'class="case-office"' not in client.get(f"/admin/cases/{world['case_a'].pk}/").content.decode()
    with translation.override("en"):
        export = client.get("/admin/cases/", {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
        header = next(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert header[0] == "Reference"


@pytest.mark.parametrize("who", ["officer", "shared"])
def test_queue_costs_the_same_queries_with_two_offices(client, world, who, django_assert_max_num_queries):
    for index in range(5):
        submit(world["form"], phone=f"081000{index:04d}")
        submit(world["form_b"], phone=f"082000{index:04d}")
    user = world["officer_works"]
    if who == "shared":
        user = StaffFactory(username="shared", departments=[world["works"], world["works_b"]])
    client.force_login(user)
    client.get("/admin/cases/")  # warm caches (site settings, permissions)
    with django_assert_max_num_queries(16):  # as tests/services/cases/test_admin.py's one office
        response = client.get("/admin/cases/", {"per_page": 100})
    assert response.content.decode().count('name="ids"') == (6 if who == "officer" else 12)


# -- Reference prefixes -------------------------------------------------------------------------


def test_a_prefix_is_one_office_only(world):
    settings = CaseSettings.for_site(world["site_b"])
    settings.reference_prefix = "bsr"
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            settings.full_clean()
        assert [str(m) for m in error.value.message_dict["reference_prefix"]] == [
            "Another office already uses this prefix. Choose other letters."
        ]
    with translation.override("th"):
        with pytest.raises(ValidationError) as error:
            settings.full_clean()
        assert "หน่วยงานอื่นใช้อักษรนำหน้านี้แล้ว" in str(error.value.message_dict["reference_prefix"][0])
    settings.reference_prefix = "BSR"
    with pytest.raises(IntegrityError), transaction.atomic():
        settings.save()


def test_a_new_office_gets_a_free_prefix_of_its_own(world):
    office = OfficeFactory(name="อบต.ใหม่", hostname="new.localhost", reference_prefix="REQ")
    prefixes = list(CaseSettings.objects.values_list("reference_prefix", flat=True))
    assert len(prefixes) == len(set(prefixes))
    assert CaseSettings.for_site(office.site).reference_prefix.isalpha()


# -- Tracking -----------------------------------------------------------------------------------


def test_tracking_another_office_reference_goes_to_that_office_host(client, world):
    case_b = world["case_b"]
    response = client.get(f"/t/{case_b.reference}")
    assert response.status_code == 302
    assert response["Location"] == f"http://nongbua.localhost/t/{case_b.reference}"
    on_b = client.get(f"/t/{case_b.reference}", HTTP_HOST="nongbua.localhost")
    assert on_b.status_code == 200 and case_b.reference in on_b.content.decode()
    own = client.get(f"/t/{world['case_a'].reference}")
    assert own.status_code == 200
    # An unknown reference is still the neutral "not found" page, on every host.
    unknown = client.get("/t/NBA-69-7KQ2M-4", HTTP_HOST="nongbua.localhost")
    assert unknown.status_code == 200 and unknown.get("X-Robots-Tag") == "noindex"


def test_office_b_receipt_points_at_its_own_host(client, world):
    shared = StaffFactory(username="shared", departments=[world["works"], world["works_b"]])
    client.force_login(shared)
    html = client.get(f"/admin/cases/{world['case_b'].pk}/receipt/").content.decode()
    assert f"http://nongbua.localhost/t/{world['case_b'].reference}" in html


# -- The office's snippets in the admin -----------------------------------------------------------


def test_office_admin_sees_and_edits_only_their_office_snippets(client, world):
    template_a = ReplyTemplate.objects.create(site=world["site"], title="ATEMPLATE", body="ก")
    template_b = ReplyTemplate.objects.create(site=world["site_b"], title="BTEMPLATE", body="ข")
    admin_b = office_staff(world["office_b"], StaffRole.OFFICE_ADMIN, username="nongbua.admin")
    client.force_login(admin_b)
    listing = client.get("/admin/snippets/cases/replytemplate/").content.decode()
    assert "BTEMPLATE" in listing and "ATEMPLATE" not in listing
    assert client.get(f"/admin/snippets/cases/replytemplate/edit/{template_a.pk}/", follow=True).status_code == 404
    assert client.get(f"/admin/snippets/cases/replytemplate/delete/{template_a.pk}/", follow=True).status_code == 404
    assert client.get(f"/admin/snippets/cases/replytemplate/edit/{template_b.pk}/", follow=True).status_code == 200
    form = client.get("/admin/snippets/cases/replytemplate/add/").context["form"]
    assert list(form.fields["site"].queryset) == [world["site_b"]]
    # Posting another office's id is refused next to the field.
    response = client.post(
        "/admin/snippets/cases/replytemplate/add/", {"site": world["site"].pk, "title": "X", "body": "y"}
    )
    assert response.status_code == 200 and "site" in response.context["form"].errors
    assert not ReplyTemplate.objects.filter(title="X").exists()
    departments = client.get("/admin/snippets/services/department/").content.decode()
    assert "กองช่าง อบต.หนองบัว" in departments and "กองสาธารณสุข" not in departments
    assert client.get(f"/admin/snippets/services/department/edit/{world['works'].pk}/", follow=True).status_code == 404
    chooser = client.get("/admin/snippets/choose/services/department/", follow=True).json()["html"]
    assert "กองช่าง อบต.หนองบัว" in chooser and "กองสาธารณสุข" not in chooser


def test_a_queue_over_many_offices_filters_by_office_first(client, world, django_user_model):
    """A platform administrator's queue spans every office: it offers an Office filter, and the
    department, service and assignee lists are the chosen office's only (every department and
    officer of 1,000 offices as options made a 780 KB page)."""
    for _index in range(10):
        extra = OfficeFactory()
        DepartmentFactory(site=extra.site, code="works", name=f"กองช่าง {extra.site.site_name}")
    admin = django_user_model.objects.create_superuser("platform", "p@example.org", "x")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/cases/", {"status": ""})
    # No office chosen: no department rows are loaded (1,000 offices' took a third of a second).
    assert not [q["sql"] for q in queries if q["sql"].startswith('SELECT "services_department"')]
    fields = response.context["form"].fields
    assert list(fields)[0] == "office"
    assert str(world["site_b"].pk) in dict(fields["office"].choices)
    assert len(fields["office"].choices) == 1 + 12  # "Any" and the twelve offices
    assert [value for value, _label in fields["department"].choices] == [""]
    assert [value for value, _label in fields["service"].widget.choices] == [""]
    assert response.context["assignees"] == []
    html = response.content.decode()
    assert world["case_a"].reference in html and world["case_b"].reference in html
    assert f'<option value="{world["site_b"].pk}">อบต.หนองบัว</option>' in html

    chosen = client.get("/admin/cases/", {"status": "", "office": world["site_b"].pk})
    fields = chosen.context["form"].fields
    assert set(dict(fields["department"].choices)) == {"", str(world["works_b"].pk)}
    assert [name for _pk, name in chosen.context["assignees"]] == ["บุญมี"]
    assert str(world["service_b"].pk) in dict(fields["service"].widget.choices)
    html = chosen.content.decode()
    assert f'<option value="{world["site_b"].pk}" selected>อบต.หนองบัว</option>' in html
    assert world["case_b"].reference in html and world["case_a"].reference not in html
    # Another office's id in the address is ignored, not an error.
    assert client.get("/admin/cases/", {"office": "999999"}).status_code == 200
