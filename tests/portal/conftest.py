"""Two offices on one install, as the isolation tests need them: the default office (A, the
municipality at testserver) and a sub-district office (B, at nongbua.localhost), each with its
own home pages in Thai and English, a news item, a collection holding an image and a document,
an editors group, an office administrators group, and one person in each."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from home.models import HomePage, NewsIndexPage, NewsPage
from portal.models import StaffGroup, StaffRole
from tests.factories import FormDocumentFactory, UserFactory

HOST_B = "nongbua.localhost"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
FILE_PERMISSIONS = ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"]
ADMIN_PERMISSIONS = [
    "access_admin",
    "add_user",
    "change_user",
    "delete_user",
    "add_group",
    "change_group",
    "delete_group",
    "change_officesettings",
    "change_site",
]


@dataclass
class Office:
    site: Site
    home: Page
    home_en: Page
    news: NewsPage
    collection: Collection
    image: object
    document: object
    editors: Group
    admins: Group
    editor: object
    admin: object


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _news(home, title, slug):
    index = home.add_child(instance=NewsIndexPage(title="ข่าว", slug=f"news-{slug}"))
    _publish(index)
    item = index.add_child(instance=NewsPage(title=title, slug=slug, intro=f"{title} รายละเอียด"))
    return _publish(item)


def make_office(key, site, home, home_en, name):
    """One office's groups, people, collection, image, document and news on an existing site."""
    collection = Collection.get_first_root_node().add_child(name=f"{name} ({key})")
    editors = Group.objects.create(name=f"{key} editors")
    admins = Group.objects.create(name=f"{key} office administrators")
    StaffGroup.objects.create(group=editors, site=site, role=StaffRole.EDITOR)
    StaffGroup.objects.create(group=admins, site=site, role=StaffRole.OFFICE_ADMIN)
    access = Permission.objects.get(codename="access_admin")
    for group in (editors, admins):
        group.permissions.add(access)
        for page in (home, home_en):
            for codename in PAGE_PERMISSIONS:
                GroupPagePermission.objects.create(
                    group=group, page=page, permission=Permission.objects.get(codename=codename)
                )
        for codename in FILE_PERMISSIONS:
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=Permission.objects.get(codename=codename)
            )
    admins.permissions.add(*Permission.objects.filter(codename__in=ADMIN_PERMISSIONS))
    editor = UserFactory(username=f"{key}.editor")
    editor.groups.add(editors)
    admin = UserFactory(username=f"{key}.admin")
    admin.groups.add(admins)
    image = get_image_model().objects.create(
        title=f"ภาพของ{name} {key}", file=get_test_image_file(filename=f"{key}.png"), collection=collection
    )
    document = FormDocumentFactory(title=f"แบบฟอร์มของ{name} {key}", collection=collection)
    news = _news(home, f"ข่าวของ{name} {key}-ข่าว", f"news-item-{key}")
    return Office(site, home, home_en, news, collection, image, document, editors, admins, editor, admin)


def second_site(hostname=HOST_B, name="อบต.หนองบัว", slug="nongbua"):
    """A second site with its own Thai home page and its English translation."""
    root = Page.objects.get(depth=1)
    home = root.add_child(instance=HomePage(title=name, slug=slug))
    _publish(home)
    home_en = home.copy_for_translation(Locale.objects.get(language_code="en"))
    home_en.title = f"{slug} (English)"
    _publish(home_en)
    site = Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=name)
    return site, home, home_en


@pytest.fixture
def offices(site, home_th, home_en):
    """(A, B): the default office and a second one."""
    site_b, home_b, home_b_en = second_site()
    office_a = make_office("a", site, home_th, home_en, "เทศบาลบ้านสวน")
    office_b = make_office("b", site_b, home_b, home_b_en, "อบต.หนองบัว")
    return office_a, office_b
