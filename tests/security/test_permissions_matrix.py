"""Department-scoped case access for EVERY staff URL that takes a case or file id, the exports
and the bulk actions; residents' files only for the verified resident of that case; volunteers
see only what they filed; references cannot be enumerated.

The URL list is discovered from the admin's URLconf, not written down here: a new case URL
added later is tested automatically (and must refuse the other department's officer)."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from forms_builder.models import SubmissionFile
from services.cases.models import Case, CaseStatus, DeficiencyRecord
from services.documents.models import LetterTemplate
from tests.security.conftest import denied
from tests.services.cases.support import open_link, submit

pytestmark = pytest.mark.django_db


def admin_case_urls():
    """(name, route) of every URL under the admin whose route takes a case id."""
    found = []

    def walk(patterns, prefix):
        for item in patterns:
            route = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                walk(item.url_patterns, route)
            elif isinstance(item, URLPattern) and item.name and "cases/<int:pk>" in route:
                found.append((item.name, route))

    walk(get_resolver().url_patterns, "/")
    return found


def fill(route, case, upload):
    """The route with the case id, the file id and the case's record of missing documents filled
    in; any other int argument gets 1."""
    record = case.deficiencies.first()

    def value(match):
        name = match.group(2)
        return str({"pk": case.pk, "file_id": upload.pk, "record_id": record.pk if record else 1}.get(name, 1))

    return re.sub(r"<(int|str|slug):(\w+)>", value, route).replace("^", "").replace("$", "")


@pytest.fixture
def two_cases(world):
    works_case, _ = submit(world["form"], phone="0811111111")
    world["service"].department = world["health"]
    world["service"].save()
    health_case, _ = submit(world["form"], phone="0899999999")
    uploads = {}
    for case in (works_case, health_case):
        upload = SubmissionFile(
            submission=case.submission, field_key="photo", original_name="x.jpg", content_type="image/jpeg", size=3
        )
        upload.file.save("x.jpg", ContentFile(b"abc"), save=False)
        upload.save()
        uploads[case.pk] = upload
        DeficiencyRecord.objects.create(case=case, items=[{"name": "สำเนาบัตรประชาชน", "problem": "missing"}])
    from forms_builder.storage import get_private_storage

    # A real picture: photos are re-checked when served, and bytes that are no image are not shown.
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(picture, "JPEG")
    photo = get_private_storage().save("cases/after/test-after.jpg", ContentFile(picture.getvalue()))
    Case.objects.filter(pk__in=[works_case.pk, health_case.pk]).update(after_photo=photo)
    assert works_case.department == world["works"] and health_case.department_id == world["health"].pk
    # The office writes letters, so the case's letter page has something to open.
    LetterTemplate.objects.create(
        site=world["site"], name="หนังสือแจ้ง", office_code="ชม 1", subject="x", recipient="y", body="z"
    )
    return works_case, health_case, uploads


def test_every_case_url_is_discovered():
    names = {name for name, _route in admin_case_urls()}
    assert {"case_detail", "case_receipt", "case_admin_photo", "case_admin_file"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_officer_of_another_department_gets_nothing_by_guessing_urls(client, world, two_cases, method):
    works_case, health_case, uploads = two_cases
    client.force_login(world["officer_health"])
    urls = admin_case_urls()
    for name, route in urls:
        url = fill(route, works_case, uploads[works_case.pk])
        assert denied(client, url, method, {"action": "note", "note": "x", "version": 1}), (name, url)
        # Not even another case's file through this case's URL.
        crossed = fill(route, health_case, uploads[works_case.pk])
        if "file_id" in route:
            assert denied(client, crossed), (name, crossed)
    works_case.refresh_from_db()
    assert works_case.version == 1 and works_case.events.count() == 1  # nothing was written


def test_own_department_officer_reaches_the_same_urls(client, world, two_cases):
    works_case, _health_case, uploads = two_cases
    client.force_login(world["officer_works"])
    for name, route in admin_case_urls():
        url = fill(route, works_case, uploads[works_case.pk])
        response = client.get(url)
        assert response.status_code == 200, (name, url)


def test_exports_hold_only_the_officers_departments(client, world, two_cases):
    works_case, health_case, _uploads = two_cases
    client.force_login(world["officer_health"])
    csv_text = b"".join(client.get("/admin/cases/", {"export": "csv"}).streaming_content).decode()
    assert health_case.reference in csv_text and works_case.reference not in csv_text
    import io

    from openpyxl import load_workbook

    xlsx = client.get("/admin/cases/", {"export": "xlsx", "department": str(world["works"].pk)})
    cells = {str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row}
    assert works_case.reference not in cells


def test_bulk_actions_ignore_other_departments_cases(client, world, two_cases):
    works_case, _health_case, _uploads = two_cases
    client.force_login(world["officer_health"])
    client.post("/admin/cases/bulk/", {"ids": [works_case.pk], "action": "status", "status": "accepted"})
    client.post(
        "/admin/cases/bulk/", {"ids": [works_case.pk], "action": "assign", "assignee": world["officer_health"].pk}
    )
    works_case.refresh_from_db()
    assert works_case.status == CaseStatus.RECEIVED and works_case.assignee is None


def test_people_without_a_department_see_no_queue(client, world, two_cases, django_user_model):
    works_case, _health_case, uploads = two_cases
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="x" * 12)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert denied(client, "/admin/cases/")
    for _name, route in admin_case_urls():
        assert denied(client, fill(route, works_case, uploads[works_case.pk]))
    client.logout()
    for _name, route in admin_case_urls():
        response = client.get(fill(route, works_case, uploads[works_case.pk]))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_residents_files_only_for_the_verified_resident_of_that_case(client, world, two_cases):
    works_case, health_case, uploads = two_cases
    own_file = reverse("case_file", args=[works_case.reference, uploads[works_case.pk].pk])
    assert denied(client, own_file)  # not verified
    open_link(client, works_case)
    assert client.get(own_file).status_code == 200
    # Verified for one case, not for another: neither its files nor its photo.
    assert denied(client, reverse("case_file", args=[health_case.reference, uploads[health_case.pk].pk]))
    assert denied(client, reverse("case_photo", args=[health_case.reference]))
    # Another case's file id through one's own reference.
    assert denied(client, reverse("case_file", args=[works_case.reference, uploads[health_case.pk].pk]))


def test_references_cannot_be_enumerated(client, world, two_cases, settings):
    works_case, _health_case, _uploads = two_cases
    unknown = works_case.reference[:-1] + ("A" if works_case.reference[-1] != "A" else "B")
    real_unverified = client.get(f"/t/{works_case.reference}")
    wrong = client.get(f"/t/{unknown}")
    # An unknown (or mistyped) reference gets the neutral page, not an error that confirms anything.
    assert wrong.status_code == 200 and "0811111111" not in real_unverified.content.decode()
    # Wrong secrets are limited per case, and lookups per address.
    statuses = [client.post(f"/t/{works_case.reference}", {"code": f"{n:06d}"}).status_code for n in range(12)]
    assert 429 in statuses
    client.cookies.clear()
    from django.core.cache import cache

    cache.clear()
    codes = [client.get(f"/t/BSR-{n:05d}", REMOTE_ADDR="10.9.9.9").status_code for n in range(70)]
    assert codes[-1] == 429 and set(codes[:50]) == {200}


def test_volunteers_see_only_what_they_filed(client, world, django_user_model):
    volunteer = django_user_model.objects.create_user("volunteer", password="x" * 12)
    other = django_user_model.objects.create_user("volunteer2", password="x" * 12)
    mine, _ = submit(world["form"], channel="volunteer", filed_by=volunteer)
    theirs, _ = submit(world["form"], channel="volunteer", filed_by=other)
    by_web, _ = submit(world["form"])
    assert client.get("/th/accounts/my-cases/").status_code == 302  # sign in first
    client.force_login(volunteer)
    response = client.get("/th/accounts/my-cases/")
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.reference in html and theirs.reference not in html and by_web.reference not in html
    # Issue 14: the name of the resident she filed for (to follow up with them), nobody else's.
    assert html.count("สมหญิง ใจดี") == 1
    # A volunteer is not staff: the admin's case pages stay closed.
    response = client.get(f"/admin/cases/{mine.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
