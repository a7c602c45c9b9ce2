"""Build the template library and fill it with the starter catalogue's guides and e-forms.

The starter (portal.starter) only builds under a site's root — its guides name the office, its
departments and categories — so the library is seeded by copying the guides (with their forms
and English translations) of an office built from the starter, the default office unless
--from-host names another. Idempotent: a guide whose slug the library already holds is left
as it is, so platform editors' changes survive a second run.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import GroupPagePermission, Locale, Page, PageViewRestriction, Site

from forms_builder.models import FormIndexPage
from services.library import adoption
from services.library.models import LibraryRootPage
from services.models import ServiceIndexPage, ServicePage

EDITORS_GROUP = "Template library editors"
EDITOR_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _publish(page):
    page.save_revision().publish()
    return page


def _child(parent, model, **fields):
    found = model.objects.child_of(parent).first()
    if found is not None:
        return found
    return _publish(parent.add_child(instance=model(**fields)))


def _translated(page, locale, **fields):
    found = page.get_translation_or_none(locale)
    if found is not None:
        return found.specific
    copy = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    return _publish(copy)


def ensure_library():
    """The library's root and its two indexes, in Thai and English, and its editors' group.

    The templates are published pages (a published revision is a new version of a template) but
    belong to no site; a view restriction to the editors' group on the root keeps the few URLs
    that reach a form page by id or short code (forms_builder.links) from serving a template
    to residents. Returns (root, English root, guide templates, form templates)."""
    thai, english = Locale.objects.get(language_code="th"), Locale.objects.get(language_code="en")
    root = LibraryRootPage.objects.filter(locale=thai).first()
    if root is None:
        root = _publish(
            Page.get_first_root_node().add_child(
                instance=LibraryRootPage(title="คลังแม่แบบ", slug="template-library", locale=thai)
            )
        )
    root_en = _translated(root, english, title="Template library", slug="template-library-en")
    guides = _child(root, ServiceIndexPage, title="แม่แบบคู่มือบริการ", slug="guides")
    forms = _child(root, FormIndexPage, title="แม่แบบแบบฟอร์มออนไลน์", slug="forms")
    _translated(guides, english, title="Guide templates")
    _translated(forms, english, title="E-form templates")
    group = ensure_editors_group([root, root_en])
    for page in (root, root_en):
        restriction, _created = PageViewRestriction.objects.get_or_create(
            page=page, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(group)
    return root, root_en, guides, forms


def ensure_editors_group(pages):
    """The platform editors' group: edit and publish anywhere in the library, nowhere else."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for page in pages:
        for codename in EDITOR_PERMISSIONS:
            permission = Permission.objects.get(codename=codename, content_type__app_label="wagtailcore")
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    return group


class Command(BaseCommand):
    help = "Build the shared template library and copy the starter catalogue's guides and e-forms into it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-host", help="Copy the guides of the office at this host name (default: the default site)."
        )

    @transaction.atomic
    def handle(self, *args, from_host=None, **options):
        sites = Site.objects.filter(hostname=from_host) if from_host else Site.objects.filter(is_default_site=True)
        source = sites.select_related("root_page").first()
        if source is None:
            raise CommandError(f"No site with host name {from_host!r}." if from_host else "No default site.")
        _root, _root_en, guides, forms = ensure_library()
        source_index, _forms = adoption.indexes(source.root_page)
        if source_index is None:
            raise CommandError(f"{source.hostname} has no service catalogue to copy.")
        held = set(ServicePage.objects.child_of(guides).values_list("slug", flat=True))
        copied = 0
        for guide in ServicePage.objects.child_of(source_index).live().specific().order_by("title"):
            if guide.slug in held:
                continue
            adoption.copy_guide(guide, guides, forms, live=True)
            copied += 1
        total = ServicePage.objects.child_of(guides).count()
        self.stdout.write(
            f"Template library: {copied} guide(s) copied from {source.hostname}, {total} in the library. "
            f'Platform editors: add people to the "{EDITORS_GROUP}" group.\n'
        )
