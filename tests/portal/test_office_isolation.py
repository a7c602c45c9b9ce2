"""Two offices on one install: what office A's staff see in the admin is A's alone.

Built with the `offices` fixture (tests/portal/conftest.py): A is the default site, B is at
nongbua.localhost; each has an editor and an office administrator.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import CollectionViewRestriction, Task

from portal.models import StaffGroup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _html(response):
    """A page's HTML, or a chooser's (sent as JSON)."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def _missing(response):
    """Not found: a 404, after the language prefix redirect Django adds to unknown paths."""
    return response.status_code == 404


def _get(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def test_editor_of_a_cannot_choose_or_find_b_pages(client, offices):
    a, b = offices
    client.force_login(a.editor)
    chooser = client.get("/admin/choose-page/search/", {"q": "ข่าวของ"}).content.decode()
    assert a.news.title in chooser
    assert b.news.title not in chooser
    browse = client.get("/admin/choose-page/").content.decode()
    assert b.home.title not in browse
    search = client.get("/admin/pages/search/", {"q": "ข่าวของ"}).content.decode()
    assert a.news.title in search and b.news.title not in search


def test_editor_of_a_cannot_open_b_pages_in_the_editor(client, offices):
    a, b = offices
    client.force_login(a.editor)
    assert client.get(f"/admin/pages/{a.news.pk}/edit/").status_code == 200
    response = client.get(f"/admin/pages/{b.news.pk}/edit/")
    assert response.status_code != 200
    assert b.news.title not in response.content.decode()
    assert b.news.title not in client.get(f"/admin/pages/{b.news.get_parent().pk}/").content.decode()


def test_wagtail_editors_group_of_the_default_office_stays_in_it(client, offices):
    """Wagtail's own "Editors" group holds its permissions on the tree's root; it works for the
    default office (migration 0002), so its members edit A's pages and never B's."""
    a, b = offices
    from django.contrib.auth.models import Group  # noqa: PLC0415 - Wagtail's group, read once

    user = UserFactory(username="wagtail.editor")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    assert client.get(f"/admin/pages/{a.news.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{b.news.pk}/edit/").status_code != 200
    locked = client.get("/admin/reports/aging-pages/").content.decode()
    assert b.news.title not in locked


def test_editor_of_a_sees_and_chooses_only_a_images_and_documents(client, offices):
    a, b = offices
    client.force_login(a.editor)
    for url in ("/admin/images/", "/admin/images/chooser/"):
        page = _html(client.get(url))
        assert a.image.title in page, url
        assert b.image.title not in page, url
    for url in ("/admin/documents/", "/admin/documents/chooser/"):
        page = _html(client.get(url))
        assert a.document.title in page, url
        assert b.document.title not in page, url
    assert client.get(f"/admin/images/{b.image.pk}/").status_code != 200
    assert client.get(f"/admin/documents/edit/{b.document.pk}/").status_code != 200


def test_private_document_is_not_served_to_another_office(client, offices):
    a, b = offices
    CollectionViewRestriction.objects.create(collection=b.collection, restriction_type="login")
    url = b.document.url
    assert _get(client, a.editor, url).status_code == 403
    assert _get(client, b.editor, url).status_code == 200


def test_office_admin_lists_and_edits_only_own_users_and_groups(client, offices):
    a, b = offices
    client.force_login(a.admin)
    users = client.get("/admin/users/").content.decode()
    assert a.editor.username in users and b.editor.username not in users
    assert client.get(f"/admin/users/edit/{a.editor.pk}/").status_code == 200
    assert _missing(client.get(f"/admin/users/edit/{b.editor.pk}/", follow=True))
    client.post(f"/admin/users/delete/{b.editor.pk}/")
    assert type(b.editor).objects.filter(pk=b.editor.pk).exists()
    groups = client.get("/admin/groups/").content.decode()
    assert a.editors.name in groups and b.editors.name not in groups
    assert _missing(client.get(f"/admin/groups/edit/{b.editors.pk}/", follow=True))


def test_office_admin_cannot_grant_superuser_or_another_office_group(client, offices):
    a, b = offices
    client.force_login(a.admin)
    form = client.get("/admin/users/new/").content.decode()
    assert 'name="is_superuser"' not in form
    assert b.editors.name not in form and a.editors.name in form
    data = {
        "username": "new.person",
        "email": "new@example.org",
        "first_name": "ใหม่",
        "last_name": "คน",
        "password1": "a-long-password-2569",
        "password2": "a-long-password-2569",
        "is_superuser": "on",
        "groups": [b.editors.pk],
    }
    refused = client.post("/admin/users/new/", data)
    assert refused.status_code == 200  # the form again, with the error next to the groups
    assert "groups" in refused.context["form"].errors
    assert not type(a.admin).objects.filter(username="new.person").exists()
    data["groups"] = [a.editors.pk]
    assert client.post("/admin/users/new/", data).status_code == 302
    person = type(a.admin).objects.get(username="new.person")
    assert not person.is_superuser
    assert list(person.groups.all()) == [a.editors]


def test_office_admin_keeps_a_shared_officer_other_office_membership(client, offices):
    a, b = offices
    shared = UserFactory(username="shared.officer", email="s@example.org", last_name="ร่วม")
    shared.groups.add(a.editors, b.editors)
    client.force_login(a.admin)
    data = {
        "username": "shared.officer",
        "email": "s@example.org",
        "first_name": "ร่วม",
        "last_name": "งาน",
        "is_active": "on",
        "groups": [a.admins.pk],
    }
    assert client.post(f"/admin/users/edit/{shared.pk}/", data).status_code == 302
    assert set(shared.groups.all()) == {a.admins, b.editors}


def empty_permission_formsets():
    """The group form's four permission formsets, posted empty."""
    return {
        f"{prefix}-{field}": value
        for prefix in ("page_permissions", "collection_permissions", "document_permissions", "image_permissions")
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "9"),
        )
    }


def test_group_made_by_an_office_admin_belongs_to_their_office(client, offices):
    a, _b = offices
    client.force_login(a.admin)
    formsets = empty_permission_formsets()
    response = client.post(
        "/admin/groups/new/", {"name": "a street crew", "office": a.site.pk, "role": "officer", **formsets}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = StaffGroup.objects.get(group__name="a street crew")
    assert (made.site_id, made.role) == (a.site.pk, "officer")


def test_office_admin_grants_only_permissions_they_hold(client, offices):
    """An office administrator cannot give a group of theirs a power the platform did not give
    them (here: handling residents' personal data across the erasure screens)."""
    a, _b = offices
    client.force_login(a.admin)
    formsets = empty_permission_formsets()
    held = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    not_held = Permission.objects.get(content_type__app_label="privacy", codename="handle_personal_data")
    assert a.admin.has_perm("wagtailadmin.access_admin") and not a.admin.has_perm("privacy.handle_personal_data")
    data = {"name": "a crew", "office": a.site.pk, "role": "officer", **formsets}
    refused = client.post("/admin/groups/new/", {**data, "permissions": [held.pk, not_held.pk]})
    assert refused.status_code == 200 and "permissions" in refused.context["form"].errors
    assert not Group.objects.filter(name="a crew").exists()
    assert client.post("/admin/groups/new/", {**data, "permissions": [held.pk]}).status_code == 302
    assert list(Group.objects.get(name="a crew").permissions.all()) == [held]


def test_office_admin_edits_only_own_office_settings(client, offices):
    a, b = offices
    client.force_login(a.admin)
    own = client.get(f"/admin/settings/home/officesettings/{a.site.pk}/")
    assert own.status_code == 200
    assert b.site.site_name not in own.content.decode()  # no switcher to B
    other = client.get(f"/admin/settings/home/officesettings/{b.site.pk}/")
    assert other.status_code in (302, 403, 404)
    assert client.get("/admin/sites/").status_code != 200  # Sites: platform administrators only


def test_platform_admin_sees_both_offices(client, offices, admin_user):
    a, b = offices
    client.force_login(admin_user)
    chooser = client.get("/admin/choose-page/search/", {"q": "ข่าวของ"}).content.decode()
    assert a.news.title in chooser and b.news.title in chooser
    users = client.get("/admin/users/").content.decode()
    assert a.editor.username in users and b.editor.username in users


def test_bulk_actions_on_pages_name_none_of_another_office(client, offices):
    """Selecting "all" (or B's page by id) in a bulk action lists A's pages only: Wagtail would
    list B's under "you don't have permission", titles and all."""
    a, b = offices
    client.force_login(a.editor)
    for query in ("id=all", f"id={a.news.pk}&id={b.news.pk}"):
        page = client.get(f"/admin/bulk/wagtailcore/page/publish/?{query}").content.decode()
        assert a.news.title in page, query
        assert b.news.title not in page and b.home.title not in page, query


def test_page_urls_naming_another_office_page_are_not_found(client, offices):
    """Wagtail's workflow preview names the page in its "not awaiting moderation" message before
    checking anything, the move confirmation in its title: another office's page is not found."""
    a, b = offices
    client.force_login(a.editor)
    task = Task.objects.order_by("pk").first()
    for url in (
        f"/admin/pages/workflow/preview/{b.news.pk}/{task.pk}/",
        f"/admin/pages/{b.news.pk}/move/{a.home.pk}/confirm/",
        f"/admin/pages/{b.news.get_parent().pk}/",
        f"/admin/choose-page/{b.home.pk}/",
    ):
        assert _missing(client.get(url, follow=True)), url
        assert b.news.title not in client.get("/admin/").content.decode(), url  # nor in a message after


def test_page_types_usage_report_is_the_platform_s(client, offices, admin_user):
    """It counts and names pages of every office."""
    a, _b = offices
    client.force_login(a.admin)
    assert client.get("/admin/reports/page-types-usage/").status_code in (302, 403)
    assert "page-types-usage" not in client.get("/admin/").content.decode()
    client.force_login(admin_user)
    assert client.get("/admin/reports/page-types-usage/").status_code == 200


def test_office_admin_copies_and_reads_history_of_own_users_only(client, offices):
    a, b = offices
    client.force_login(a.admin)
    assert client.get(f"/admin/users/copy/{a.editor.pk}/").status_code == 200
    assert client.get(f"/admin/users/history/{a.editor.pk}/").status_code == 200
    assert _missing(client.get(f"/admin/users/copy/{b.editor.pk}/", follow=True))
    assert _missing(client.get(f"/admin/users/history/{b.editor.pk}/", follow=True))
    # The listing's group filter offers one's own office's groups only.
    users = client.get("/admin/users/").content.decode()
    assert a.editors.name in users and b.editors.name not in users
