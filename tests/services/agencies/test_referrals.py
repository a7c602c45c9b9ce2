"""Issue 21 §3: an officer refers a case to an outside agency; the agency follows it through a
capability link, without an account."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from forms_builder.models import Submission, SubmissionFile
from services.agencies import figures, referrals
from services.agencies.models import Referral, token_digest
from services.cases import views as case_views
from services.cases import workflow
from services.cases.models import Case, CaseEvent, CaseStatus
from services.notifications.models import Notification, event_choices
from tests.factories import DepartmentFactory, OfficeFactory, StaffFactory
from tests.services.agencies.support import AgencyFactory, agency_world, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return agency_world(home_th)


def refer(client, world, *, note="เสาไฟฟ้าของการไฟฟ้าล้มขวางซอย ต้องตัดไฟก่อน", agency=None, case=None):
    case = case or world["case"]
    client.force_login(world["officer_works"])
    return client.post(
        reverse("agency_refer", args=[case.pk]),
        {"action": "refer", "agency": (agency or world["pea"]).pk, "note": note, "version": case.version},
    )


@pytest.fixture
def referred(client, world, django_capture_on_commit_callbacks):
    """The case referred by the works officer; the agency's link, from the e-mail it got."""
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    world["case"].refresh_from_db()
    world["link"] = link_in(mail.outbox[-1].body)
    world["referral"] = Referral.objects.get(case=world["case"])
    return world


def test_referring_pauses_the_clock_tells_the_resident_and_sends_the_agency_a_link_that_works(
    client, world, django_capture_on_commit_callbacks
):
    case = world["case"]
    client.force_login(world["officer_works"])
    page = client.get(reverse("agency_refer", args=[case.pk]))
    assert page.status_code == 200
    assert world["pea"].name in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = refer(client, world)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    assert case.waiting_since is not None  # the office's SLA clock is paused
    assert not case.is_overdue()

    row = Notification.objects.get(event="agency_referral")
    assert row.recipient == "pea.muang@example.org"
    assert row.case_id == case.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pea.muang@example.org"]
    path = link_in(mail.outbox[0].body)
    referral = Referral.objects.get(case=case)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert referral.token_hash == token_digest(token) and token not in referral.token_hash  # only the hash
    # The office's copy of the sent message no longer opens the agency's page.
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and token not in row.body and token not in (row.link or "")
    assert "/agency/…" in row.body

    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert case.reference in text and "ซอย 3 หมู่ 2" in text and "เสาไฟฟ้าของการไฟฟ้าล้มขวางซอย" in text
    assert "สมหญิง" not in text and "0812345678" not in text and "5678" not in text  # never the resident
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"

    tracking = client.get(reverse("case_track", args=[case.reference])).content.decode()
    assert "การไฟฟ้าส่วนภูมิภาค อำเภอเมือง" in tracking


def test_an_altered_or_guessed_link_gets_the_plain_404_page_and_guessing_is_rate_limited(client, referred, monkeypatch):
    token = referred["link"].rstrip("/").rsplit("/", 1)[1]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    unknown = client.get("/th/no-such-page-at-all/")
    response = client.get(reverse("agency_case", args=[altered]))
    assert response.status_code == unknown.status_code == 404
    assert [t.name for t in response.templates][:1] == [t.name for t in unknown.templates][:1]
    assert referred["case"].reference not in response.content.decode()
    assert client.post(reverse("agency_case", args=[altered]), {"action": "done"}).status_code == 404
    assert client.get(reverse("agency_photo", args=[altered, 1])).status_code == 404
    assert client.get(f"/th/agency/{token}x/").status_code == 404  # not the secret's shape

    monkeypatch.setattr(case_views, "LOOKUP_LIMIT", (3, 600))
    codes = [client.get(reverse("agency_case", args=[altered])).status_code for _ in range(3)]
    assert codes[-1] == 429
    assert client.get(referred["link"]).status_code == 429  # the limit is the address's, whatever it asks


def test_an_update_over_the_limit_is_refused_next_to_the_field_and_kept(client, referred):
    long_text = "ก" * 2001
    response = client.post(referred["link"], {"action": "update", "text": long_text})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_text-error"' in text and "2000" in text
    assert long_text in text  # what was typed comes back
    assert not CaseEvent.objects.filter(case=referred["case"], kind="agency_update").exists()

    # A NUL (PostgreSQL refuses it) is a message next to the field too, not a 500.
    assert client.post(referred["link"], {"action": "update", "text": "ทีม\x00"}).status_code == 400
    response = client.post(referred["link"], {"action": "update", "text": "ทีมช่างเข้าพื้นที่แล้ว\u200b\x07"})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=referred["case"], kind="agency_update")
    assert event.public and "ทีมช่างเข้าพื้นที่แล้ว" in event.message and "\x07" not in event.message
    assert "ทีมช่างเข้าพื้นที่แล้ว" in client.get(reverse("case_track", args=[referred["case"].reference])).content.decode()


def test_forms_need_the_csrf_token(referred):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(referred["link"], {"action": "update", "text": "x"}).status_code == 403


def test_the_agency_marks_it_done_with_its_reference_and_the_link_turns_read_only(client, referred):
    response = client.post(
        referred["link"], {"action": "done", "agency_reference": "PEA-6912-0042", "message": "ตั้งเสาใหม่แล้ว"}
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=referred["case"].pk)
    assert case.status == CaseStatus.RESOLVED
    referral = Referral.objects.get(pk=referred["referral"].pk)
    assert referral.done_at is not None and referral.agency_reference == "PEA-6912-0042"

    page = client.get(referred["link"]).content.decode()
    assert "agency-read-only" in page
    assert 'name="action"' not in page
    again = client.post(referred["link"], {"action": "update", "text": "อีกครั้ง"})
    assert again.status_code == 409
    assert not CaseEvent.objects.filter(case=case, kind="agency_update").exists()

    tracking = client.get(reverse("case_track", args=[case.reference])).content.decode()
    assert "ตั้งเสาใหม่แล้ว" in tracking

    month = figures.agency_figures(case.site, referral.referred_at.date(), referral.done_at.date())
    assert month["การไฟฟ้าส่วนภูมิภาค อำเภอเมือง"]["referred"] == 1
    assert month["การไฟฟ้าส่วนภูมิภาค อำเภอเมือง"]["done"] == 1
    assert month["การไฟฟ้าส่วนภูมิภาค อำเภอเมือง"]["open"] == 0


def test_a_case_taken_back_or_closed_leaves_the_link_read_only(client, referred):
    client.force_login(referred["officer_works"])
    case = referred["case"]
    response = client.post(reverse("agency_refer", args=[case.pk]), {"action": "take_back", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.waiting_since is None
    client.logout()
    page = client.get(referred["link"])
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    assert client.post(referred["link"], {"action": "done"}).status_code == 409
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS

    # Referred again (to the same agency): a new link; the old one stays read-only.
    with_new = refer(client, referred, case=Case.objects.get(pk=case.pk))
    assert with_new.status_code == 302
    client.logout()
    assert 'name="action"' not in client.get(referred["link"]).content.decode()


def test_two_presses_of_done_resolve_once(client, referred):
    first = client.post(referred["link"], {"action": "done"})
    second = referrals.find(referred["link"].rstrip("/").rsplit("/", 1)[1])
    assert first.status_code == 302
    with pytest.raises(workflow.WorkflowError):
        referrals.mark_done(Referral.objects.get(pk=second.pk))
    assert CaseEvent.objects.filter(case=referred["case"], kind="agency_done").count() == 1


def test_the_refer_form_refuses_a_missing_note_and_a_received_case(client, world):
    response = refer(client, world, note="")
    assert response.status_code == 400
    assert 'id="id_note-error"' in response.content.decode()
    assert Case.objects.get(pk=world["case"].pk).status == CaseStatus.ACCEPTED


def test_the_referral_message_is_an_event_editors_can_reword():
    assert "agency_referral" in dict(event_choices())


def test_office_b_cannot_refer_office_as_case_nor_see_or_use_its_agencies(client, world):
    office = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", reference_prefix="NBA")
    works_b = DepartmentFactory(site=office.site, code="works", name="กองช่าง หนองบัว", name_en="Nong Bua Works")
    officer_b = StaffFactory(username="officer.nongbua", departments=[works_b])
    officer_b.user_permissions.add(*Permission.objects.filter(content_type__app_label="agencies"))
    agency_b = AgencyFactory(site=office.site, name="การประปาส่วนภูมิภาค หนองบัว")

    client.force_login(officer_b)
    case = world["case"]
    # A 404 outside the language prefix is sent on to /th/… by LocaleMiddleware: follow it.
    assert client.get(reverse("agency_refer", args=[case.pk]), follow=True).status_code == 404
    response = client.post(
        reverse("agency_refer", args=[case.pk]),
        {"action": "refer", "agency": agency_b.pk, "note": "x", "version": case.version},
        follow=True,
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED

    listing = client.get(reverse("wagtailsnippets_agencies_agency:list")).content.decode()
    assert "การประปาส่วนภูมิภาค หนองบัว" in listing and world["pea"].name not in listing
    edit_a = client.get(reverse("wagtailsnippets_agencies_agency:edit", args=[world["pea"].pk]), follow=True)
    assert edit_a.status_code == 404

    # Office A's officer cannot send A's case to B's agency by posting its id.
    response = refer(client, world, agency=agency_b)
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_agency_sees_the_photos_of_the_place_and_no_other_file(client, referred):
    submission = Submission.objects.get(pk=referred["case"].submission_id)
    snapshot = submission.form_snapshot
    snapshot["steps"][0]["fields"] += [
        {"key": "photo", "label": "รูปถ่าย", "type": "file_upload", "allowed_types": ["image"]},
        {"key": "id_card", "label": "สำเนาบัตร", "type": "file_upload", "allowed_types": ["image", "pdf"]},
    ]
    Submission.objects.filter(pk=submission.pk).update(form_snapshot=snapshot)
    files = {}
    for key in ("photo", "id_card"):
        upload = SubmissionFile(
            submission=submission, field_key=key, original_name=f"{key}.jpg", content_type="image/jpeg", size=10
        )
        upload.file.save(f"{key}.jpg", ContentFile(_jpeg()), save=True)
        files[key] = upload

    page = client.get(referred["link"]).content.decode()
    token = referred["link"].rstrip("/").rsplit("/", 1)[1]
    assert reverse("agency_photo", args=[token, files["photo"].pk]) in page
    assert reverse("agency_photo", args=[token, files["id_card"].pk]) not in page
    photo = client.get(reverse("agency_photo", args=[token, files["photo"].pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert client.get(reverse("agency_photo", args=[token, files["id_card"].pk])).status_code == 404
