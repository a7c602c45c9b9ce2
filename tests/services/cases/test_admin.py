"""The staff queue in the Wagtail admin: department scoping, filters, bulk actions, export,
the case page with its actions, conflicts, and the query budget."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from forms_builder.models import SubmissionFile
from services.cases import workflow
from services.cases.models import Case, CaseStatus, ReplyTemplate
from tests.services.cases.support import make_world, submit
from tests.services.cases.test_after_photo import assert_bare, phone_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def works_client(client, world):
    client.force_login(world["officer_works"])
    return client


def test_cases_menu_item_and_department_scoping(client, world):
    works_case, _ = submit(world["form"])
    world["service"].department = world["health"]
    world["service"].save()
    health_case, _ = submit(world["form"], phone="0899999999")
    client.force_login(world["officer_works"])
    dashboard = client.get("/admin/").content.decode()
    assert "/admin/cases/" in dashboard
    html = client.get("/admin/cases/").content.decode()
    assert works_case.reference in html
    assert health_case.reference not in html
    assert client.get(f"/admin/cases/{health_case.pk}/", follow=True).status_code == 404
    # "View all cases" widens the queue.
    world["officer_works"].user_permissions.add(Permission.objects.get(codename="view_all_cases"))
    client.force_login(world["officer_works"])
    assert health_case.reference in client.get("/admin/cases/").content.decode()


def test_filters_and_search(works_client, world):
    first, _ = submit(world["form"], phone="0811111234")
    second, _ = submit(world["form"], phone="0822222222", channel="counter", filed_by=world["officer_works"])
    workflow.change_status(second, CaseStatus.ACCEPTED)

    def listed(**params):
        html = works_client.get("/admin/cases/", params).content.decode()
        return {ref for ref in (first.reference, second.reference) if ref in html}

    assert listed(status="accepted") == {second.reference}
    assert listed(status="open") == {first.reference, second.reference}
    assert listed(channel="counter") == {second.reference}
    assert listed(q="0811111234") == {first.reference}
    assert listed(q="1234") == {first.reference}
    assert listed(q="081-111-1234") == {first.reference}
    assert listed(q=second.reference.lower()) == {second.reference}
    assert listed(q="สมหญิง") == {first.reference, second.reference}
    assert listed(service=str(world["service"].pk)) == {first.reference, second.reference}
    assert listed(department=str(world["works"].pk)) == {first.reference, second.reference}
    assert listed(assignee="none") == {first.reference, second.reference}


def test_search_needs_three_characters(works_client, world):
    case, _ = submit(world["form"])
    html = works_client.get("/admin/cases/", {"q": "สม"}).content.decode()
    assert "พิมพ์อย่างน้อย 3 ตัวอักษร" in html
    assert case.reference in html  # the queue is shown unfiltered, not emptied
    assert case.reference in works_client.get("/admin/cases/", {"q": "สมห"}).content.decode()


def test_priority_filter(works_client, world):
    urgent, _ = submit(world["form"])
    workflow.set_priority(urgent, 4, world["officer_works"])
    normal, _ = submit(world["form"], phone="0899999999")
    html = works_client.get("/admin/cases/", {"priority": "4"}).content.decode()
    assert urgent.reference in html and normal.reference not in html
    assert works_client.get("/admin/cases/", {"priority": "9"}).status_code == 200  # ignored, not an error


def test_pages_list_cases_in_the_chosen_order(works_client, world):
    """The queue pages over ids and fetches each page's rows afterwards: the rows must come
    back in the queue's order, page after page, with the count and the last page right."""
    cases = [submit(world["form"], phone=f"08{index:08d}")[0] for index in range(5)]
    for days, case in zip([9, 3, 7, 1, 5], cases, strict=True):
        Case.objects.filter(pk=case.pk).update(due_date=f"2030-01-{days:02d}")
    by_due = [c.reference for c in sorted(cases, key=lambda c: Case.objects.get(pk=c.pk).due_date)]

    def page(number, **params):
        html = works_client.get("/admin/cases/", {"per_page": 20, "p": number, **params}).content.decode()
        return sorted((html.index(ref), ref) for ref in by_due if ref in html), html

    listed, html = page(1)
    assert [ref for _, ref in listed] == by_due
    assert "5 cases" in html or "5 เรื่อง" in html
    listed, _ = page(1, sort="-due")
    assert [ref for _, ref in listed] == by_due[::-1]
    more = [submit(world["form"], phone=f"09{index:08d}")[0] for index in range(20)]
    Case.objects.filter(pk__in=[c.pk for c in more]).update(due_date="2029-12-31")
    second, html = page(2)
    assert [ref for _, ref in second] == by_due  # 20 earlier-due cases fill page 1
    assert html.count('name="ids"') == 5


def test_overdue_filter(works_client, world):
    late, _ = submit(world["form"])
    Case.objects.filter(pk=late.pk).update(due_date="2020-01-06")
    on_time, _ = submit(world["form"])
    html = works_client.get("/admin/cases/", {"overdue": "overdue"}).content.decode()
    assert late.reference in html and on_time.reference not in html
    assert "case-overdue" in html


def test_bulk_assign_and_status_change(works_client, world):
    cases = [submit(world["form"])[0] for _ in range(3)]
    ids = [str(c.pk) for c in cases]
    works_client.post(
        "/admin/cases/bulk/", {"ids": ids, "action": "assign", "assignee": str(world["officer_works"].pk)}
    )
    assert set(Case.objects.values_list("assignee", flat=True)) == {world["officer_works"].pk}
    works_client.post("/admin/cases/bulk/", {"ids": ids, "action": "status", "status": "accepted"})
    assert set(Case.objects.values_list("status", flat=True)) == {"accepted"}
    # Illegal for these cases: refused with a message, nothing changes.
    response = works_client.post(
        "/admin/cases/bulk/", {"ids": ids, "action": "status", "status": "closed"}, follow=True
    )
    assert set(Case.objects.values_list("status", flat=True)) == {"accepted"}
    assert "ไม่ได้" in response.content.decode()


def test_export_csv_and_xlsx(works_client, world):
    case, _ = submit(world["form"])
    response = works_client.get("/admin/cases/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "เลขที่เรื่อง"  # the officer's admin language (tests/services/cases/test_export.py)
    assert rows[1][0] == case.reference
    assert "0812345678" not in str(rows)
    response = works_client.get("/admin/cases/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 1).value == case.reference


def test_case_page_shows_answers_files_notes_and_acts(works_client, world):
    case, _ = submit(world["form"])
    upload = SubmissionFile(
        submission=case.submission, field_key="photo", original_name="lamp.jpg", content_type="image/jpeg", size=4
    )
    upload.file.save("lamp.jpg", ContentFile(phone_photo()), save=True)
    url = f"/admin/cases/{case.pk}/"
    html = works_client.get(url).content.decode()
    assert "ไฟดับหน้าบ้านเลขที่ 12" in html and "lamp.jpg" in html and "0812345678" in html
    download = works_client.get(f"{url}files/{upload.pk}/")
    assert download["Content-Disposition"] == 'inline; filename="lamp.jpg"'  # a photo opens in the browser
    assert_bare(download.content)  # and without GPS or camera data, whenever it was stored
    works_client.post(url, {"action": "status", "status": "accepted", "version": case.version})
    works_client.post(url, {"action": "note", "note": "โทรนัดแล้ว"})
    template = ReplyTemplate.objects.create(site=world["site"], title="ส่งทีม", body="ส่งทีมช่างแล้ว")
    works_client.post(url, {"action": "reply", "template": template.pk, "reply": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    kinds = list(case.events.values_list("kind", "public", "message"))
    assert ("note", False, "โทรนัดแล้ว") in kinds
    # Replies reach the verified resident only, unless the officer ticks "public".
    assert ("reply", False, "ส่งทีมช่างแล้ว") in kinds
    works_client.post(url, {"action": "reply", "reply": "ทีมช่างออกเดินทางแล้ว", "public": "on"})
    assert ("reply", True, "ทีมช่างออกเดินทางแล้ว") in list(case.events.values_list("kind", "public", "message"))
    # An illegal transition is refused with a message.
    response = works_client.post(url, {"action": "status", "status": "closed", "version": case.version}, follow=True)
    assert "ไม่ได้" in response.content.decode()


def test_two_officers_editing_get_a_conflict_message(works_client, world):
    case, _ = submit(world["form"])
    stale_version = case.version
    workflow.assign(case, world["officer_works"])  # the other officer saved first
    response = works_client.post(
        f"/admin/cases/{case.pk}/", {"action": "status", "status": "accepted", "version": stale_version}
    )
    assert response.status_code == 400
    assert "มีผู้อื่นแก้ไขเรื่องนี้" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_counter_staff_file_through_the_e_forms(works_client, world):
    html = works_client.get("/admin/cases/").content.decode()
    assert 'href="/th/forms/"' in html


def test_receipt_has_reference_and_qr_code(works_client, world):
    case, _ = submit(world["form"], channel="counter", filed_by=world["officer_works"])
    html = works_client.get(f"/admin/cases/{case.pk}/receipt/").content.decode()
    assert case.reference in html
    assert "<svg" in html and f"/t/{case.reference}" in html


@pytest.mark.parametrize("superuser", [False, True])
@pytest.mark.parametrize("count", [5, 50])
def test_queue_query_budget(client, world, count, superuser, django_assert_max_num_queries, django_user_model):
    for index in range(count):
        submit(world["form"], phone=f"08{index:08d}")
    user = world["officer_works"]
    if superuser:
        user = django_user_model.objects.create_superuser("boss", password="portal-demo-2569")
    client.force_login(user)
    client.get("/admin/cases/")  # warm caches (site settings, permissions)
    with django_assert_max_num_queries(16):  # 15, and the kernel's office lookup (portal.offices)
        response = client.get("/admin/cases/", {"per_page": 100, "status": "open", "q": "08"})
    with django_assert_max_num_queries(16):  # 15, and the kernel's office lookup (portal.offices)
        response = client.get("/admin/cases/", {"per_page": 100})
    assert response.content.decode().count('name="ids"') == count
