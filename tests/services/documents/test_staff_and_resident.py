"""Who may do what with issued documents: officers who can act on the case issue, revoke and
re-issue from the case page; an officer of another department or another office gets a 404 and
sees nothing; the resident downloads the signed PDF from the tracking page once verified."""

import hashlib

import pytest
from django.urls import reverse

from services.documents import issuing
from services.documents.models import DocumentStatus, IssuedDocument
from tests.services.cases.support import open_link
from tests.services.documents.support import document_world
from tests.services.payments.two_offices import B_HOST, make_office, not_found, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return document_world(home_th)


def test_an_officer_of_the_case_issues_from_the_case_page(client, world):
    case = world["case"]
    client.force_login(world["officer_works"])
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert 'id="documents"' in page and "หนังสือรับรองการแจ้ง" in page
    response = client.post(
        reverse("documents_case", args=[case.pk]), {"action": "issue", "template": world["template"].pk}
    )
    assert response.status_code == 302
    document = IssuedDocument.objects.get(case=case)
    assert document.number == 1 and not document.draft and document.issued_by == world["officer_works"]
    pdf = client.get(reverse("documents_download", args=[document.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == document.sha256

    client.post(
        reverse("documents_case", args=[case.pk]),
        {"action": "revoke", "document": document.pk, "reason": "ออกผิดร้าน"},
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED and document.status_reason == "ออกผิดร้าน"


def test_a_tampered_or_empty_form_is_refused_without_a_500(client, world):
    case = world["case"]
    client.force_login(world["officer_works"])
    url = reverse("documents_case", args=[case.pk])
    assert not_found(client, url, "post", {"action": "revoke", "document": "abc", "reason": "x"})
    assert not_found(client, url, "post", {"action": "revoke", "document": str(10**30), "reason": "x"})
    assert client.post(url, {"action": "issue", "template": "\x00"}).status_code == 302
    assert not_found(client, url, "post", {"action": "nope"})
    assert not IssuedDocument.objects.exists()


def test_issuing_without_a_certificate_tells_the_officer_what_to_do(client, home_th):
    world = document_world(home_th, certificate=False)
    client.force_login(world["officer_works"])
    url = reverse("documents_case", args=[world["case"].pk])
    response = client.post(url, {"action": "issue", "template": world["template"].pk}, follow=True)
    assert "PKCS#12" in response.content.decode()
    assert not IssuedDocument.objects.exists()
    client.post(url, {"action": "issue", "template": world["template"].pk, "draft": "on"})
    assert IssuedDocument.objects.get().draft


def test_an_officer_of_another_department_cannot_issue_or_download(client, world):
    case = world["case"]
    document = issuing.issue(case, world["template"], world["officer_works"])
    client.force_login(world["officer_health"])  # the case is routed to works
    url = reverse("documents_case", args=[case.pk])
    assert not_found(client, url, "post", {"action": "issue", "template": world["template"].pk})
    assert not_found(client, reverse("documents_download", args=[document.pk]))
    assert IssuedDocument.objects.count() == 1


def test_another_offices_staff_cannot_issue_see_or_download(client, world):
    case = world["case"]
    document = issuing.issue(case, world["template"], world["officer_works"])
    other = make_office("อบต.หนองบัว", B_HOST)
    outsider = staff_of(other, "cases.view_all_cases")
    client.force_login(outsider)
    assert not_found(client, reverse("case_detail", args=[case.pk]))
    url = reverse("documents_case", args=[case.pk])
    assert not_found(client, url, "post", {"action": "issue", "template": world["template"].pk})
    assert not_found(client, url, "post", {"action": "revoke", "document": document.pk, "reason": "x"})
    assert not_found(client, reverse("documents_download", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID and IssuedDocument.objects.count() == 1
    # On B's host the document's verification page does not exist either.
    assert client.get(f"/th/v/{document.code}", HTTP_HOST=B_HOST).status_code == 404


def test_the_resident_downloads_only_once_verified(client, world):
    case = world["case"]
    document = issuing.issue(case, world["template"], world["officer_works"])
    download = reverse("document_download", args=[document.code])
    page = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "หนังสือรับรองการแจ้ง" in page and download not in page
    refused = client.get(download)
    assert refused.status_code == 303 and refused["Location"].startswith(f"/t/{case.reference}")

    open_link(client, case, HTTP_ACCEPT_LANGUAGE="th")
    page = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256


def test_a_case_without_documents_costs_the_tracking_page_no_query(client, world, django_assert_max_num_queries):
    case = world["case"]
    client.get(f"/t/{case.reference}")
    with django_assert_max_num_queries(3) as captured:
        client.get(f"/t/{case.reference}")
    assert not any("documents_issueddocument" in q["sql"] and "EXISTS" not in q["sql"] for q in captured)


def test_the_residents_timeline_says_issued_reissued_and_revoked(client, world):
    """Issue 20: revoking and re-issuing are on the resident's timeline with the reason, in the
    words of their page; the open page (reference only) shows none of it."""
    case = world["case"]
    officer = world["officer_works"]
    first = issuing.issue(case, world["template"], officer)
    second = issuing.reissue(first, officer, "สะกดชื่อร้านผิด")
    issuing.revoke(second, officer, "ร้านเลิกกิจการ")

    open_page = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    for words in ("ออกเอกสารแล้ว", "ออกเอกสารฉบับใหม่แทนแล้ว", "เพิกถอนเอกสารแล้ว", "ร้านเลิกกิจการ"):
        assert words not in open_page

    open_link(client, case, HTTP_ACCEPT_LANGUAGE="th")
    page = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    timeline = page[page.index("ออกเอกสารแล้ว") :]
    assert timeline.index("ออกเอกสารแล้ว") < timeline.index("ออกเอกสารฉบับใหม่แทนแล้ว")
    assert timeline.index("ออกเอกสารฉบับใหม่แทนแล้ว") < timeline.index("เพิกถอนเอกสารแล้ว")
    assert "สะกดชื่อร้านผิด" in page and "ร้านเลิกกิจการ" in page
    assert first.number_display in page and second.number_display in page
