"""The shared template library (issue 17): an office adopts a guide template with its e-form as
drafts re-linked to each other, cannot adopt it twice, is told when the template changed since,
and never sees another office's adoptions."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale, Page, Site
from wagtail.users.models import UserProfile

from forms_builder import demo
from forms_builder.models import FormIndexPage, FormPage
from home.models import HomePage
from portal.models import StaffGroup, StaffRole
from services.library.management.commands.load_template_library import ensure_library
from services.library.models import Adoption
from services.models import ServiceIndexPage, ServicePage
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _publish(page):
    page.save_revision().publish()
    return page


def _guide_with_form(guides, forms, slug, title):
    spec = next(f for f in demo.FORMS if f["slug"] == "complaint-form")
    form = FormPage(title=f"แบบฟอร์ม{title}", slug=f"{slug}-form", next_steps=spec["next"]["th"])
    form.steps = demo.stream(spec, "th")
    _publish(forms.add_child(instance=form))
    guide = _publish(
        guides.add_child(instance=ServicePage(title=title, slug=slug, summary=f"สรุป{title}", online_form=form))
    )
    return ServicePage.objects.get(pk=guide.pk), FormPage.objects.get(pk=form.pk)


@pytest.fixture
def library(db):
    _root, _root_en, guides, forms = ensure_library()
    return [_guide_with_form(guides, forms, f"template-{n}", f"แม่แบบ {n}") for n in range(3)]


def _office(home):
    """An office's catalogue and forms index, and an editor working for it."""
    _publish(home.add_child(instance=ServiceIndexPage(title="บริการ", slug="services")))
    _publish(home.add_child(instance=FormIndexPage(title="แบบฟอร์ม", slug="forms")))
    site = Site.objects.get(root_page=home)
    group = Group.objects.create(name=f"Editors {site.hostname}")
    StaffGroup.objects.create(group=group, site=site, role=StaffRole.EDITOR)
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for codename in ("add_page", "change_page"):
        permission = Permission.objects.get(codename=codename, content_type__app_label="wagtailcore")
        GroupPagePermission.objects.create(group=group, page=home, permission=permission)
    editor = StaffFactory(groups=[group.name])
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"  # the admin speaks the user's language, whatever the request's
    profile.save()
    return site, editor


@pytest.fixture
def office_a(home_th):
    return _office(home_th)


@pytest.fixture
def office_b(db):
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="อบต.หนองบัว", slug="nongbua", locale=Locale.objects.get(language_code="th"))
    )
    Site.objects.create(hostname="nongbua.localhost", port=80, root_page=home, site_name="อบต.หนองบัว")
    return _office(home)


def _adopt(client, template, site):
    return client.post(reverse("library:adopt", args=[template.pk]), {"office": site.pk})


def test_adopting_copies_the_guide_and_its_form_as_linked_drafts(client, library, office_a):
    site, editor = office_a
    template, form_template = library[0]
    client.force_login(editor)
    response = _adopt(client, template, site)
    record = Adoption.objects.get(site=site)
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_pages:edit", args=[record.guide.pk]
    )
    guide, form = record.guide.specific, record.form.specific
    assert guide.get_parent().get_parent().pk == site.root_page_id and not guide.live
    assert form.get_parent().get_parent().pk == site.root_page_id and not form.live
    assert guide.online_form_id == form.pk  # re-linked to the copy, not the template's form
    assert guide.title == template.title and form.steps.raw_data[0]["value"]["title"]
    assert form.short_code and form.short_code != form_template.short_code
    assert record.template_revision_id == template.live_revision_id
    template.refresh_from_db()
    assert template.online_form_id == form_template.pk  # the template is untouched


def test_adopting_the_same_template_twice_is_refused_with_a_link(client, library, office_a):
    site, editor = office_a
    template, _form = library[0]
    client.force_login(editor)
    _adopt(client, template, site)
    pages = Page.objects.count()
    with translation.override("en"):
        response = _adopt(client, template, site)
        listing = client.get(response["Location"])
    assert Page.objects.count() == pages and Adoption.objects.filter(site=site).count() == 1
    text = listing.content.decode()
    assert "is already adopted by this office — see" in text
    assert reverse("wagtailadmin_pages:edit", args=[Adoption.objects.get().guide_id]) in text


def test_a_template_changed_after_adoption_says_so_and_shows_what_changed(client, library, office_a):
    site, editor = office_a
    template, _form = library[0]
    client.force_login(editor)
    _adopt(client, template, site)
    with translation.override("en"):
        before = client.get(reverse("library:index")).content.decode()
    assert "Adopted" in before and "Changed since you adopted it" not in before

    template = ServicePage.objects.get(pk=template.pk)
    template.summary = "ค่าธรรมเนียมใหม่ตามระเบียบ พ.ศ. 2569"
    _publish(template)
    record = Adoption.objects.get()
    with translation.override("en"):
        after = client.get(reverse("library:index")).content.decode()
        changes = client.get(reverse("library:changes", args=[record.pk])).content.decode()
    assert "Changed since you adopted it" in after
    assert "ค่าธรรมเนียมใหม่ตามระเบียบ" in changes
    assert record.guide.specific.summary != template.summary  # the office's copy is its own


def test_one_offices_adoptions_are_invisible_to_another(client, library, office_a, office_b):
    site_a, editor_a = office_a
    site_b, editor_b = office_b
    template, _form = library[0]
    client.force_login(editor_a)
    _adopt(client, template, site_a)
    record = Adoption.objects.get()

    client.force_login(editor_b)
    listing = client.get(reverse("library:index"))
    assert listing.context["office"].pk == site_b.pk
    assert [row["adoption"] for row in listing.context["rows"]] == [None, None, None]
    assert reverse("wagtailadmin_pages:edit", args=[record.guide_id]) not in listing.content.decode()
    # Not found (the admin's 404 goes round the language prefix first).
    assert client.get(reverse("library:changes", args=[record.pk]), follow=True).status_code == 404
    assert _adopt(client, library[1][0], site_a)["Location"] == "/admin/"  # not B's office: refused
    assert Adoption.objects.count() == 1

    response = _adopt(client, template, site_b)  # B adopts the same template into its own site
    assert response.status_code == 302
    copy_b = Adoption.objects.get(site=site_b).guide
    assert copy_b.get_ancestors().filter(pk=site_b.root_page_id).exists()


def test_someone_working_for_no_office_cannot_open_the_library(client, library):
    client.force_login(StaffFactory())
    assert client.get(reverse("library:index"))["Location"] == "/admin/"


def test_the_library_listing_costs_the_same_queries_for_more_templates(client, library, office_a):
    site, editor = office_a
    client.force_login(editor)
    for template, _form in library[:2]:
        _adopt(client, template, site)
    client.get(reverse("library:index"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("library:index"))
        return len(captured), len(response.context["rows"]), captured.captured_queries

    few = queries()
    guides = ServicePage.objects.get(pk=library[0][0].pk).get_parent()
    for n in range(3, 6):
        _guide_with_form(guides, FormIndexPage.objects.sibling_of(guides).first(), f"template-{n}", f"แม่แบบ {n}")
    # Publishing is a content change: the first request after it reads the kept site and root
    # paths again (three queries, once per change); measure the page as every later request gets it.
    client.get(reverse("library:index"))
    more = queries()
    assert (few[1], more[1]) == (3, 6)
    # Not a query per template (that would be 3 more); the admin's own menus may vary by one.
    assert more[0] - few[0] <= 1 and more[0] <= 30


def test_load_template_library_copies_an_offices_guides_once(library, home_th):
    services = _publish(home_th.add_child(instance=ServiceIndexPage(title="บริการ", slug="services")))
    forms = _publish(home_th.add_child(instance=FormIndexPage(title="แบบฟอร์ม", slug="forms")))
    source, source_form = _guide_with_form(services, forms, "streetlight", "แจ้งไฟฟ้าสาธารณะดับ")
    out = io.StringIO()
    call_command("load_template_library", stdout=out)
    assert "1 guide(s) copied" in out.getvalue()
    copy = ServicePage.objects.exclude(pk=source.pk).get(slug="streetlight")
    assert copy.live and copy.online_form_id not in (None, source_form.pk)
    assert copy.online_form.get_parent().get_parent().specific_class.__name__ == "LibraryRootPage"
    call_command("load_template_library", stdout=out)
    assert "0 guide(s) copied" in out.getvalue()
    assert ServicePage.objects.filter(slug="streetlight").count() == 2


def test_a_template_form_is_not_served_to_residents(client, library):
    _template, form = library[0]
    with translation.override("th"):
        url = reverse("form_wizard", kwargs={"page_id": form.pk})
    response = client.post(url, {})
    assert response.status_code == 404  # the library belongs to no office's host name
    assert not form.submissions.exists()
    assert client.get(f"/f/{form.short_code}", follow=True).status_code == 404  # via /th/f/…
    assert form.url is None  # the library belongs to no site
