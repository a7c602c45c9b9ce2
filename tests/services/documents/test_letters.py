"""Outgoing official letters (issue 20 §6): an officer of the case writes a numbered external
letter from the office's template with the case's values filled in; it is numbered from the
letter register (ที่ <code>/<number>), signed, stored, verifiable at /v/<code> and on the case's
internal timeline. Refused without a certificate (saying what to do) or with an unknown
placeholder (listing the allowed ones). The register lists every number, cancelled ones
included. Staff only: never on the resident's tracking page; other offices see nothing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from services.cases.models import CaseEvent
from services.documents import issuing, signing
from services.documents.models import DocumentRegister, IssuedDocument, LetterTemplate, OfficialLetter
from tests.factories import StaffFactory
from tests.services.documents.support import certificate_pem, document_world
from tests.services.payments.two_offices import B_HOST, make_office, not_found, staff_of

pytestmark = pytest.mark.django_db

BODY = (
    "ตามที่ {holder_name} ได้ยื่นคำร้องเลขที่ {reference} เรื่อง {service} นั้น\n"
    "\n"
    "เทศบาลขอส่งเรื่องให้ท่านพิจารณาดำเนินการในส่วนที่เกี่ยวข้อง รายละเอียด: {answers.details}"
)


def letter_template(world, **extra):
    return LetterTemplate.objects.create(
        site=world["site"],
        service=world["service"],
        name="หนังสือส่งเรื่องให้หน่วยงานอื่น",
        office_code="ชม 52101",
        subject="ขอส่งเรื่องร้องเรียน {reference}",
        recipient="ผู้จัดการการไฟฟ้าส่วนภูมิภาคอำเภอเมือง",
        enclosures="สำเนาคำร้อง จำนวน 1 ฉบับ",
        body=BODY,
        signer_name="นายสมปอง ทดสอบ",
        signer_position="นายกเทศมนตรีตำบลทดสอบ",
        contact="กองช่าง โทร. 0 5312 3456",
        **extra,
    )


@pytest.fixture
def world(home_th):
    world = document_world(home_th)
    world["letter_template"] = letter_template(world)
    return world


def compose(client, world, **changes):
    """What the officer's page starts with for the world's case, changed as the officer types."""
    case, template = world["case"], world["letter_template"]
    url = reverse("documents_letter", args=[case.pk])
    page = client.get(url, {"template": template.pk})
    assert page.status_code == 200
    data = {**issuing.letter_start(case, template), "template": template.pk, **changes}
    return url, client.post(url, data)


def pdf_text(document):
    with document.file.open("rb") as handle:
        data = handle.read()
    return data, "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_officer_writes_a_numbered_signed_letter_from_the_case(client, world):
    case = world["case"]
    client.force_login(world["officer_works"])
    panel = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "หนังสือส่งเรื่องให้หน่วยงานอื่น" in panel and reverse("documents_letter", args=[case.pk]) in panel
    form = client.get(reverse("documents_letter", args=[case.pk]), {"template": world["letter_template"].pk})
    page = form.content.decode()
    assert f"ขอส่งเรื่องร้องเรียน {case.reference}" in page and "สมหญิง ใจดี" in page  # filled from the case
    url, response = compose(client, world, subject=f"ขอส่งเรื่องไฟฟ้าดับ {case.reference}")
    assert response.status_code == 302
    document = IssuedDocument.objects.get(case=case)
    letter = document.letter
    assert document.kind == "letter" and document.number == 1 and not document.draft
    assert document.number_display == "ชม 52101/1" and document.issued_by == world["officer_works"]
    assert letter.subject == f"ขอส่งเรื่องไฟฟ้าดับ {case.reference}" and "สมหญิง ใจดี" in letter.body
    data, text = pdf_text(document)
    assert "52101/1" in text and str(document.year) in text  # ที่ ชม 52101/1, dated in the Buddhist Era
    assert signing.check_signatures(data, certificate_pem()) == "ours"  # pyHanko validates it
    note = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).last()
    assert "ชม 52101/1" in note.message and not note.public and not note.for_resident
    status = client.get(f"/th/v/{document.code}").content.decode()
    assert "ชม 52101/1" in status and "สมหญิง" not in status and "ไฟฟ้าดับ" not in status
    # The next letter takes the next number of the same register.
    compose(client, world)
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == [1, 2]
    assert DocumentRegister.objects.get(kind="letter").last_number == 2


def test_without_a_certificate_the_letter_is_refused_saying_what_to_do(client, home_th):
    world = document_world(home_th, certificate=False)
    world["letter_template"] = letter_template(world)
    client.force_login(world["officer_works"])
    url, response = compose(client, world, subject="เรื่องที่พิมพ์ไว้")
    page = response.content.decode()
    assert response.status_code == 400 and "PKCS#12" in page and "เรื่องที่พิมพ์ไว้" in page
    assert not IssuedDocument.objects.exists() and not DocumentRegister.objects.filter(last_number__gt=0).exists()
    compose(client, world, draft="on")
    draft = IssuedDocument.objects.get()
    assert draft.draft and draft.number is None


def test_an_unknown_placeholder_is_refused_listing_the_allowed_ones(client, world):
    client.force_login(world["officer_works"])
    url, response = compose(client, world, body="เรียน {holdername} ตามที่แจ้ง")
    page = response.content.decode()
    assert response.status_code == 400
    assert "{holdername}" in page and "{holder_name}" in page and "{reference}" in page
    assert "ตามที่แจ้ง" in page  # what was typed is kept
    assert not IssuedDocument.objects.exists()


def test_an_editor_cannot_save_a_letter_template_with_an_unknown_placeholder(client, world):
    client.force_login(StaffFactory(is_superuser=True))
    response = client.post(
        reverse("wagtailsnippets_documents_lettertemplate:add"),
        {
            "site": world["site"].pk,
            "name": "หนังสือแจ้งผล",
            "office_code": "ชม 52101",
            "subject": "แจ้งผล {refrence}",
            "recipient": "{holder_name}",
            "body": "ข้อความ",
            "closing": "ขอแสดงความนับถือ",
            "signer_name": "นายสมปอง ทดสอบ",
            "signer_position": "นายก",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "{refrence}" in page and "{reference}" in page
    assert LetterTemplate.objects.count() == 1  # only the world's


def test_the_register_lists_every_number_with_cancelled_ones_as_such(client, world, django_assert_max_num_queries):
    case, officer = world["case"], world["officer_works"]
    parts = issuing.letter_start(case, world["letter_template"])
    letters = [issuing.issue_letter(case, world["letter_template"], parts, officer) for _ in range(3)]
    issuing.revoke(letters[1], officer, "ส่งผิดหน่วยงาน")
    keeper = staff_of(world["site"], "documents.view_documentregister")
    client.force_login(keeper)
    listing = client.get(reverse("documents_registers")).content.decode()
    register = DocumentRegister.objects.get(kind="letter")
    assert reverse("documents_register", args=[register.pk]) in listing
    url = reverse("documents_register", args=[register.pk])
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        page = client.get(url).content.decode()
    for number in (1, 2, 3):
        assert f"ชม 52101/{number}" in page
    assert "ส่งผิดหน่วยงาน" in page and page.count("document-register-revoked") == 1
    assert "document-register-missing" not in page
    for _ in range(10):
        issuing.issue_letter(case, world["letter_template"], parts, officer)
    with django_assert_max_num_queries(len(few)):
        assert "ชม 52101/13" in client.get(url).content.decode()  # as many queries for 13 rows as for 3


def test_the_register_needs_its_permission_and_stays_in_its_office(client, world):
    issuing.issue_letter(
        world["case"], world["letter_template"], issuing.letter_start(world["case"], world["letter_template"])
    )
    register = DocumentRegister.objects.get(kind="letter")
    client.force_login(world["officer_works"])  # writes letters, but holds no register permission
    assert not_found(client, reverse("documents_register", args=[register.pk]))
    other = make_office("อบต.หนองบัว", B_HOST)
    outsider = staff_of(other, "documents.view_documentregister", "cases.view_all_cases")
    client.force_login(outsider)
    assert "52101" not in client.get(reverse("documents_registers")).content.decode()
    assert not_found(client, reverse("documents_register", args=[register.pk]))
    url = reverse("documents_letter", args=[world["case"].pk])
    assert not_found(client, url + f"?template={world['letter_template'].pk}")
    assert not_found(client, url, "post", {"template": world["letter_template"].pk, "subject": "x"})
    assert IssuedDocument.objects.count() == 1


def test_a_letter_is_staff_only_and_cannot_be_reissued(client, world):
    case = world["case"]
    document = issuing.issue_letter(
        case, world["letter_template"], issuing.letter_start(case, world["letter_template"])
    )
    page = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "หนังสือส่งเรื่องให้หน่วยงานอื่น" not in page
    assert client.get(reverse("document_download", args=[document.code])).status_code == 404
    with pytest.raises(issuing.IssueError):
        issuing.reissue(document, world["officer_works"], "แก้ไข")
    assert OfficialLetter.objects.count() == 1


def test_another_offices_template_or_a_tampered_one_is_a_404(client, world):
    other = make_office("อบต.หนองบัว", B_HOST)
    theirs = LetterTemplate.objects.create(
        site=other, name="ของเขา", office_code="ขก 1", subject="x", recipient="y", body="z",
        signer_name="a", signer_position="b",
    )  # fmt: skip
    client.force_login(world["officer_works"])
    url = reverse("documents_letter", args=[world["case"].pk])
    assert not_found(client, url + f"?template={theirs.pk}")
    assert not_found(client, url + "?template=%00")
    response = client.post(
        url, {**issuing.letter_start(world["case"], world["letter_template"]), "template": theirs.pk}
    )
    assert response.status_code == 400 and not IssuedDocument.objects.exists()
