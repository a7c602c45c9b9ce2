"""E-forms as versioned JSON (issue 17): export and import give the same form back; a file that is
malformed, hostile, too big or of another version is refused with a message next to the upload
field and changes nothing; a form residents have answered is never overwritten; an editor of one
office cannot import into another's forms."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale, Page, Site
from wagtail.users.models import UserProfile

from forms_builder import exchange
from forms_builder.models import FormIndexPage, FormPage
from forms_builder.wagtail_hooks import form_exchange_listing_buttons
from home.models import HomePage
from tests.factories import StaffFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def _definitions(data):
    """What must survive a round trip: every definition, without the export's time stamp."""
    return [data["form"], *data["translations"]]


def _upload(data, name="form.json"):
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def _office(hostname, name):
    """A second office: its site, Thai home and forms index, and an editors group with page rights there."""
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title=name, slug=hostname.split(".")[0], locale=Locale.objects.get(language_code="th"))
    )
    Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=name)
    index = home.add_child(instance=FormIndexPage(title=f"แบบฟอร์ม {name}", slug="forms"))
    return home, index


def _editor_of(home, name):
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=home,
            permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore"),
        )
    return _speaks(StaffFactory(groups=[name]), "en")


def _speaks(user, language):
    """The admin speaks the user's chosen language, whatever the request's."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(_speaks(django_user_model.objects.create_superuser("root", "root@example.org", "x"), "en"))
    return client


@pytest.fixture
def complaint(make_form):
    return make_form("complaint-form", english=True)


def test_export_then_import_gives_the_same_form_in_both_languages(admin_client, complaint, form_index):
    thai, english = complaint
    response = admin_client.get(reverse("forms_builder_export", args=[thai.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported["format"] == "portal-form" and exported["version"] == 1
    assert exported["form"]["title"] == thai.title and exported["translations"][0]["language"] == "en"

    before = FormPage.objects.count()
    response = admin_client.post(reverse("forms_builder_import"), {"file": _upload(exported), "parent": form_index.pk})
    assert response.status_code == 302
    assert FormPage.objects.count() == before + 2  # the Thai form and its English translation
    imported = FormPage.objects.exclude(pk__in=[thai.pk, english.pk]).get(locale__language_code="th")
    assert not imported.live and imported.get_parent().pk == form_index.pk
    assert imported.short_code and imported.short_code != thai.short_code
    again = exchange.export_form(imported)
    assert _definitions(again) == _definitions(exported)


def test_import_refuses_a_form_with_submissions_and_changes_nothing(admin_client, complaint):
    thai, _english = complaint
    SubmissionFactory(form_page=thai)
    exported = exchange.export_form(thai)
    exported["form"]["title"] = "ชื่อใหม่"
    revisions = thai.revisions.count()
    with translation.override("en"):
        response = admin_client.post(reverse("forms_builder_replace", args=[thai.pk]), {"file": _upload(exported)})
    assert response.status_code == 400
    assert "already sent or saved answers" in response.content.decode()
    thai.refresh_from_db()
    assert thai.revisions.count() == revisions and thai.get_latest_revision_as_object().title != "ชื่อใหม่"


def test_replace_saves_the_new_definition_as_a_draft_of_an_unanswered_form(admin_client, complaint):
    thai, _english = complaint
    exported = exchange.export_form(thai)
    exported["form"]["title"] = "แจ้งเรื่องร้องเรียน (ฉบับใหม่)"
    response = admin_client.post(reverse("forms_builder_replace", args=[thai.pk]), {"file": _upload(exported)})
    assert response.status_code == 302
    thai.refresh_from_db()
    assert thai.title != exported["form"]["title"]  # the live form stays until published
    assert thai.get_latest_revision_as_object().title == exported["form"]["title"]


def _bad_files(complaint_data):
    unknown = json.loads(json.dumps(complaint_data))
    unknown["form"]["steps"][0]["value"]["fields"][0]["type"] = "laser_beam"
    newer = dict(complaint_data, version=2)
    missing = json.loads(json.dumps(complaint_data))
    del missing["form"]["steps"]
    too_long = json.loads(json.dumps(complaint_data))
    too_long["form"]["steps"][0]["value"]["fields"][0]["value"]["label"] = "ก" * 300
    control = json.loads(json.dumps(complaint_data))
    control["form"]["title"] = "แจ้ง\x00เรื่อง"
    bad_key = json.loads(json.dumps(complaint_data))
    bad_key["form"]["steps"][0]["value"]["fields"][0]["value"]["key"] = "Not A Key!"
    return [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not text in UTF-8"),
        (json.dumps({"format": "something-else", "version": 1}).encode(), "not a form file"),
        (newer, "version 2; this install reads version 1"),
        (unknown, "Unknown question type “laser_beam”"),
        (missing, "missing “steps”"),
        (too_long, "does not pass the form editor's checks"),
        (control, "control characters"),
        (bad_key, "does not pass the form editor's checks"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ]


def test_bad_files_are_refused_next_to_the_upload_field_and_nothing_is_created(admin_client, complaint, form_index):
    thai, _english = complaint
    exported = exchange.export_form(thai)
    pages = Page.objects.count()
    for body, message in _bad_files(exported):
        with translation.override("en"):
            response = admin_client.post(
                reverse("forms_builder_import"), {"file": _upload(body), "parent": form_index.pk}
            )
            errors = [str(error) for error in response.context["form"].errors["file"]]  # lazy: read in English
        assert response.status_code == 400, message
        assert any(message in error for error in errors), (message, errors)
        assert Page.objects.count() == pages


def test_a_10_mb_file_is_refused_by_its_size_without_being_read(admin_client, form_index, settings):
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the file was read")

    upload = SimpleUploadedFile("big.json", b"", content_type="application/json")
    upload.file, upload.size = Unreadable(), 10_000_000
    with pytest.raises(exchange.FormFileError, match="10.0 MB; a form file may be at most 1.0 MB"):
        with translation.override("en"):
            exchange.read_form_file(upload)

    big = b'{"format": "portal-form", "version": 1, "form": {"title": "' + b"x" * 10_000_000 + b'"}}'
    pages = Page.objects.count()
    with translation.override("en"):
        response = admin_client.post(reverse("forms_builder_import"), {"file": _upload(big), "parent": form_index.pk})
    assert response.status_code == 400
    assert "a form file may be at most 1.0 MB" in response.context["form"].errors["file"][0]
    assert Page.objects.count() == pages


def test_the_message_is_in_the_editors_language(admin_client, form_index, django_user_model):
    _speaks(django_user_model.objects.get(username="root"), "th")
    with translation.override("th"):
        response = admin_client.post(reverse("forms_builder_import"), {"file": _upload(b"{"), "parent": form_index.pk})
    assert response.status_code == 400
    assert "JSON" in response.context["form"].errors["file"][0]
    assert "not valid" not in response.context["form"].errors["file"][0]


def test_hostile_strings_are_stored_as_text_and_rich_text_loses_scripts(admin_client, complaint, form_index):
    thai, _english = complaint
    exported = exchange.export_form(thai)
    exported["translations"] = []
    exported["form"]["title"] = '<script>alert("t")</script>แจ้งเรื่อง'
    exported["form"]["next_steps"] = '<p>ok<script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'
    response = admin_client.post(reverse("forms_builder_import"), {"file": _upload(exported), "parent": form_index.pk})
    assert response.status_code == 302
    page = FormPage.objects.get(title__startswith="<script>")
    assert "<script" not in page.get_latest_revision_as_object().next_steps
    assert "javascript:" not in page.get_latest_revision_as_object().next_steps
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert '<script>alert("t")</script>' not in edit.content.decode()


def test_an_editor_of_office_a_cannot_import_into_office_b_or_export_its_forms(client, home_th, complaint):
    thai, _english = complaint
    _home_b, index_b = _office("b.localhost", "อบต.บี")
    editor_a = _editor_of(home_th, "Editors A")
    client.force_login(editor_a)
    form = client.get(reverse("forms_builder_import")).context["form"]
    assert [p.pk for p in form.fields["parent"].queryset] == [thai.get_parent().pk]

    pages = Page.objects.count()
    response = client.post(
        reverse("forms_builder_import"), {"file": _upload(exchange.export_form(thai)), "parent": index_b.pk}
    )
    assert response.status_code == 400 and "parent" in response.context["form"].errors
    assert Page.objects.count() == pages

    form_b = index_b.add_child(instance=FormPage(title="ฟอร์มของบี", slug="b-form", steps=thai.steps.raw_data))
    # Another office's page is not found in the admin (portal.office_admin.OfficePagesMiddleware).
    assert client.get(reverse("forms_builder_export", args=[form_b.pk])).status_code == 404
    assert client.post(reverse("forms_builder_replace", args=[form_b.pk]), follow=True).status_code == 404
    assert client.get(reverse("forms_builder_export", args=[thai.pk])).status_code == 200


def test_someone_who_may_add_no_form_cannot_open_the_import(client, db):
    client.force_login(StaffFactory())
    response = client.get(reverse("forms_builder_import"))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_form_page_offers_export_and_replace(admin_client, complaint, home_th):
    thai, _english = complaint
    root = admin_client.session["_auth_user_id"]
    buttons = list(form_exchange_listing_buttons(Page.objects.get(pk=thai.pk), get_user_model().objects.get(pk=root)))
    assert [b.url for b in buttons] == [
        reverse("forms_builder_export", args=[thai.pk]),
        reverse("forms_builder_replace", args=[thai.pk]),
    ]
    editor_elsewhere = _editor_of(_office("c.localhost", "อบต.ซี")[0], "Editors C")
    assert list(form_exchange_listing_buttons(Page.objects.get(pk=thai.pk), editor_elsewhere)) == []
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[thai.pk]))
    assert reverse("forms_builder_replace", args=[thai.pk]) in edit.content.decode()
