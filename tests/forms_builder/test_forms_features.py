"""Save and come back, filing for residents, short links, purge, editors' admin, old submissions."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, Site

from forms_builder.models import Draft, FormPage, PendingUpload, Submission
from forms_builder.starter import FORMS
from portal.models import StaffGroup, StaffRole
from tests.forms_builder.helpers import Filler, jpeg_bytes
from tests.forms_builder.test_forms_wizard import complaint_steps, fill_complaint, start

pytestmark = pytest.mark.django_db


def save_half_way(client, page):
    f = start(client, page)
    what, where, _who = complaint_steps(f)
    f.post(
        what, {"category": "water", "details": "น้ำท่วมขัง"}, files={"photos": SimpleUploadedFile("f.jpg", jpeg_bytes())}
    )
    response = f.post(where, {"location__text": "ซอย 5"}, extra={"wizard_save": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/saved/")
    return f, client.get(response["Location"])


def test_save_and_resume_with_the_link_on_another_phone(client, make_form, django_user_model):
    page = make_form("complaint-form")
    _f, saved = save_half_way(client, page)
    draft = Draft.objects.get()
    html = saved.content.decode()
    assert draft.code in html and f"/resume/{draft.token}/" in html
    kept_until = timezone.localtime(draft.updated_at + datetime.timedelta(days=settings.FORMS_BUILDER_DRAFT_DAYS))
    assert str(kept_until.year + 543) in html  # kept until a Buddhist-Era date (2570 from 2 December 2569)

    from django.test import Client

    other = Client()
    response = other.get(f"{page.url}resume/{draft.token}/")
    assert response.status_code == 302
    step = other.get(page.url).content.decode()
    assert "ซอย 5" in step  # the step being typed when saved
    f = Filler(other, page)
    f.post(complaint_steps(f)[1], {"location__text": "ซอย 5"})
    f.post(complaint_steps(f)[2], {"full_name": "สมชาย", "phone": "0612345678", "consent": "on"})
    check = other.get(page.url).content.decode()
    assert "น้ำท่วมขัง" in check and "f.jpg" in check  # earlier answers and the upload came back
    f.post("check")
    submission = Submission.objects.get()
    assert submission.files.count() == 1
    assert not Draft.objects.exists()  # a sent draft cannot be resumed again


def test_resume_with_the_short_code_and_wrong_codes(client, make_form):
    page = make_form("complaint-form")
    save_half_way(client, page)
    code = Draft.objects.get().code
    from django.test import Client

    other = Client()
    wrong = other.get(f"{page.url}resume/", {"code": "ZZZZ2222"})
    assert wrong.status_code == 404 and "ไม่พบแบบฟอร์มที่บันทึกไว้" in wrong.content.decode()
    response = other.get(f"{page.url}resume/", {"code": f" {code[:4].lower()}-{code[4:]} "})
    assert response.status_code == 302
    assert "ซอย 5" in other.get(page.url).content.decode()


def test_expired_drafts_cannot_be_resumed_and_are_purged(client, make_form, settings):
    page = make_form("complaint-form")
    save_half_way(client, page)
    draft = Draft.objects.get()
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - datetime.timedelta(days=31))
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert client.get(f"{page.url}resume/{draft.token}/").status_code == 404
    path = PendingUpload.objects.get().file.path
    call_command("purge_form_drafts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Draft.objects.exists() and not PendingUpload.objects.exists()
    import os

    assert not os.path.exists(path)


def test_purge_keeps_recent_drafts(client, make_form, settings):
    settings.FORMS_BUILDER_DRAFT_DAYS = 5
    page = make_form("complaint-form")
    save_half_way(client, page)
    Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=4))
    call_command("purge_form_drafts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Draft.objects.count() == 1 and PendingUpload.objects.count() == 1


@pytest.fixture
def volunteer(django_user_model):
    user = django_user_model.objects.create_user("vol", password="x" * 12, first_name="บุญมี")
    user.groups.add(Group.objects.get_or_create(name="Volunteers")[0])
    return user


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("off", password="x" * 12, first_name="วิชัย")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_volunteer_files_for_a_resident(client, make_form, volunteer):
    page = make_form("complaint-form")
    client.force_login(volunteer)
    f = fill_complaint(client, page, photo=False)
    check = client.get(page.url).content.decode()
    assert "อาสาสมัคร" in check
    f.post("check")
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.VOLUNTEER and submission.filed_by == volunteer
    assert submission.contact_name == "สมศรี ใจดี"  # the resident, not the volunteer


def test_a_member_of_an_offices_volunteer_group_files_as_a_volunteer(client, make_form, django_user_model):
    page = make_form("complaint-form")
    group = Group.objects.create(name="เทศบาลตำบลบ้านสวน: volunteers")
    StaffGroup.objects.create(group=group, site=Site.objects.get(is_default_site=True), role=StaffRole.VOLUNTEER)
    volunteer = django_user_model.objects.create_user("aor", password="x" * 12, first_name="ประไพ")
    volunteer.groups.add(group)
    client.force_login(volunteer)
    f = fill_complaint(client, page, photo=False)
    check = client.get(page.url).content.decode()
    assert "อาสาสมัคร" in check  # the check screen says she files for a resident
    f.post("check")
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.VOLUNTEER and submission.filed_by == volunteer


def test_counter_staff_choose_the_channel(client, make_form, officer):
    page = make_form("complaint-form")
    client.force_login(officer)
    f = fill_complaint(client, page, photo=False)
    response = f.post("check")
    assert response.status_code == 200 and "กรุณาเลือกช่องทางที่ประชาชนติดต่อ" in response.content.decode()
    f.post("check", {"channel": "phone"})
    submission = Submission.objects.get()
    assert submission.channel == "phone" and submission.filed_by == officer


def test_residents_cannot_claim_a_channel(client, make_form):
    page = make_form("complaint-form")
    f = fill_complaint(client, page, photo=False)
    f.post("check", {"channel": "counter"})
    assert Submission.objects.get().channel == "web"


def test_login_page_for_staff_and_volunteers(client, volunteer):
    response = client.get("/th/accounts/login/")
    assert response.status_code == 200 and "เข้าสู่ระบบ" in response.content.decode()
    response = client.post("/th/accounts/login/", {"username": "vol", "password": "x" * 12})
    assert response.status_code == 302 and response["Location"] == "/th/"
    from django.test import Client

    bad = Client().post("/en/accounts/login/", {"username": "vol", "password": "wrong"})
    assert "The username or password is not right" in bad.content.decode()


def test_short_link_goes_to_the_visitors_language_and_survives_a_slug_change(client, make_form):
    page_th, page_en = make_form("complaint-form", english=True)
    assert client.get("/f/complaint-form")["Location"] == page_th.url
    response = client.get("/f/complaint-form", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == page_en.url
    page_th.slug = "report-a-problem"
    page_th.save_revision().publish()
    page_th.refresh_from_db()
    assert page_th.short_code == "complaint-form"
    assert client.get("/f/complaint-form")["Location"] == "/th/forms/report-a-problem/"
    assert client.get("/f/no-such-form", follow=True).status_code == 404


def test_short_code_cannot_change_once_printed(make_form):
    from django.core.exceptions import ValidationError

    page = make_form("complaint-form")
    page.short_code = "something-else"
    page.full_clean()
    page.short_code = "complaint-form"
    page.mark_short_code_printed()
    page.short_code = "something-else"
    with pytest.raises(ValidationError):
        page.full_clean()


def test_old_submissions_display_after_the_form_is_edited_or_deleted(client, make_form):
    page = make_form("complaint-form")
    fill_complaint(client, page).post("check")
    submission = Submission.objects.get()
    page.steps = []
    page.save_revision().publish()
    page.delete()
    submission.refresh_from_db()
    assert submission.form_page is None
    rows = dict(submission.display_answers()[0][1])
    assert rows["ประเภทเรื่อง"] == "ถนน ทางเท้าชำรุด" and rows["รูปถ่าย"] == "hole.jpg"


def test_editors_build_forms_in_the_admin(client, make_form, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.com", "x" * 12)
    client.force_login(admin)
    page = make_form("complaint-form")
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    index = page.get_parent()
    response = client.get(f"/admin/pages/add/forms_builder/formpage/{index.pk}/")
    assert response.status_code == 200 and all(
        name in response.content.decode() for name in ("national_id", "file_upload", "map_location", "consent")
    )


def office_form_slugs(hostname, language):
    """Slugs of the live e-forms on the office at `hostname`, in `language`'s page tree."""
    site = Site.objects.get(hostname=hostname) if hostname else Site.objects.get(is_default_site=True)
    home = site.root_page.get_translation(Locale.objects.get(language_code=language))
    pages = FormPage.objects.live().descendant_of(home).filter(locale__language_code=language)
    slugs = [page.slug for page in pages]
    assert len(slugs) == len(set(slugs)), f"a form appears twice on {site}: {sorted(slugs)}"
    return set(slugs)


def test_the_demo_loads_every_form_in_both_languages(demo):
    # The starter catalogue's e-forms: the priority services, each on both offices.
    starter = {form["slug"] for form in FORMS}
    assert {
        "complaint-form",
        "streetlight-repair-form",
        "building-permit-form",
        "food-shop-notification-form",
        "elderly-allowance-form",
        "disability-allowance-form",
        "garbage-fee-form",
        "wastewater-fee-form",
        "water-supply-form",
        "earth-digging-permit-form",
        "earth-filling-permit-form",
        "signboard-tax-form",
        "land-building-tax-form",
    } <= starter
    for hostname in ("", "nongbua.localhost"):  # the municipality (default site) and the อบต.
        for language in ("th", "en"):
            assert office_form_slugs(hostname, language) == starter
    pages = FormPage.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FormPage.objects.count() == pages  # loading again adds nothing
    assert office_form_slugs("", "th") == starter


def test_labels_are_offered_for_translation_but_stored_keys_are_not(make_form):
    from wagtail_localize.segments.extract import extract_segments

    page = make_form("complaint-form")
    strings = {
        getattr(s, "source", None) or getattr(getattr(s, "string", None), "data", "") for s in extract_segments(page)
    }
    text = " ".join(str(s) for s in strings)
    assert "ประเภทเรื่อง" in text and "ถนน ทางเท้าชำรุด" in text and "เรื่องที่แจ้ง" in text
    assert "full_name" not in text and "2569-1" not in text  # keys and notice versions never change
