"""Copying guides with their e-forms between page trees: into the library (seeding it) and from
the library into an office's site (adopting).

A guide and the form it links to are copied together, as unpublished drafts with fresh slugs
free in the target (and the form a fresh short code), and the copied guide is re-linked to the
copied form. Their English translations come along when both sides have an English catalogue.
What belongs to one office does not travel: the responsible department, the category and the
downloadable blank and sample forms (documents of that office's collection) are left empty for
the office's editors to choose.

Adoption is one transaction: a refusal (adopted already, no catalogue, no permission) leaves
nothing behind.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import Locale

from forms_builder.exchange import free_slug
from forms_builder.models import FormIndexPage
from services.library.models import Adoption, LibraryRootPage
from services.models import ServiceIndexPage, ServicePage

OFFICE_ONLY = {"department": None, "category": None, "blank_forms": [], "sample_forms": []}


class AdoptionRefused(Exception):
    """Why a template was not adopted, in words for the person who asked."""

    def __init__(self, message, page=None):
        super().__init__(message)
        self.page = page


def library_root():
    return LibraryRootPage.objects.filter(locale__language_code="th").first()


def indexes(home):
    """(service catalogue, forms index) under `home`, either None when missing."""
    return (
        ServiceIndexPage.objects.child_of(home).first(),
        FormIndexPage.objects.child_of(home).first(),
    )


def templates():
    """The library's published guide templates (Thai), with the form each links to."""
    root = library_root()
    if root is None:
        return ServicePage.objects.none()
    return (
        ServicePage.objects.descendant_of(root)
        .live()
        .filter(locale__language_code="th")
        .select_related("online_form", "live_revision", "online_form__live_revision")
        .order_by("title")
    )


def _copy(page, to, user, live=False, **attrs):
    attrs.setdefault("slug", free_slug(to, page.slug))
    action = CopyPageAction(
        page,
        to=to,
        update_attrs=attrs,
        copy_revisions=False,
        keep_live=live and page.live,
        user=user,
        reset_translation_key="translation_key" not in attrs,
    )
    return action.execute(skip_permission_checks=True).specific


def copy_guide(guide, guide_index, form_index, user=None, live=False):
    """Copies of `guide` and its form under the target indexes, linked; returns (guide, form).
    Drafts, unless `live` (the library's own templates are published when seeded)."""
    guide = guide.specific
    office_only = dict(OFFICE_ONLY, live=live)
    source_form = guide.online_form.specific if guide.online_form_id else None
    new_form = _copy(source_form, form_index, user, live=live) if source_form and form_index else None
    new_guide = _copy(guide, guide_index, user, online_form=new_form, **office_only)
    for locale in Locale.objects.exclude(pk=guide.locale_id):
        guide_tr = guide.get_translation_or_none(locale)
        index_tr = guide_index.get_translation_or_none(locale)
        if guide_tr is None or index_tr is None:
            continue
        form_tr = None
        form_index_tr = form_index.get_translation_or_none(locale) if form_index else None
        source_form_tr = source_form.get_translation_or_none(locale) if source_form else None
        if new_form and form_index_tr and source_form_tr:
            form_tr = _copy(
                source_form_tr.specific,
                form_index_tr,
                user,
                live=live,
                translation_key=new_form.translation_key,
                locale=locale,
            )
        _copy(
            guide_tr.specific,
            index_tr,
            user,
            translation_key=new_guide.translation_key,
            locale=locale,
            online_form=form_tr,
            **office_only,
        )
    return new_guide, new_form


def can_adopt(user, site):
    """True when `user` may add pages to `site`'s catalogue and forms (Wagtail page permissions)."""
    guide_index, form_index = indexes(site.root_page)
    if guide_index is None or not guide_index.permissions_for_user(user).can_add_subpage():
        return False
    return form_index is None or form_index.permissions_for_user(user).can_add_subpage()


@transaction.atomic
def adopt(template, site, user):
    """Copy the guide template `template` (and its form) into `site` as drafts, and record it."""
    template = ServicePage.objects.select_related("live_revision").get(pk=template.pk)
    existing = Adoption.objects.select_for_update().filter(site=site, template=template).first()
    if existing is not None and existing.guide_id:
        raise AdoptionRefused(
            _("“%(title)s” is already adopted by this office — see “%(page)s”.")
            % {"title": template.title, "page": existing.guide.title},
            page=existing.guide,
        )
    guide_index, form_index = indexes(site.root_page)
    if guide_index is None:
        raise AdoptionRefused(_("This office's site has no service catalogue to add the guide to."))
    if template.online_form_id and form_index is None:
        raise AdoptionRefused(_("This office's site has no list of online forms to add the e-form to."))
    if not can_adopt(user, site):
        raise PermissionDenied
    if existing is not None:
        existing.delete()  # the office deleted its copy: it may adopt the template again
    form_template = template.online_form.specific if template.online_form_id else None
    guide, form = copy_guide(template, guide_index, form_index, user=user)
    try:
        with transaction.atomic():
            return Adoption.objects.create(
                site=site,
                template=template,
                template_title=template.title,
                template_revision=template.live_revision,
                form_template=form_template,
                form_template_revision=form_template.live_revision if form_template else None,
                guide=guide,
                form=form,
                adopted_by=user,
            )
    except IntegrityError:
        # Two people pressed "Adopt" at once: the other one's copy stands.
        raise AdoptionRefused(_("“%(title)s” is already adopted by this office.") % {"title": template.title}) from None


def changed_since(adoption):
    """True when the template (or its form) has a published revision newer than the one adopted."""
    template = adoption.template
    if template is None:
        return False
    if template.live_revision_id and template.live_revision_id != adoption.template_revision_id:
        return True
    form = adoption.form_template
    return bool(form and form.live_revision_id and form.live_revision_id != adoption.form_template_revision_id)


def what_changed(old_revision, new_revision, model):
    """(field label, new text) of the fields whose content differs between two revisions."""
    if old_revision is None or new_revision is None:
        return []
    old, new = old_revision.content, new_revision.content
    changes = []
    for field in model._meta.get_fields():
        name = getattr(field, "attname", None)
        if not name or name in SKIP_FIELDS or name not in new:
            continue
        if old.get(name) != new.get(name):
            text = new.get(name)
            shown = text if isinstance(text, str) and not text.lstrip().startswith("[") else ""
            changes.append((str(getattr(field, "verbose_name", name)), shown[:300]))
    return changes


SKIP_FIELDS = {
    "id",
    "path",
    "depth",
    "numchild",
    "url_path",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "latest_revision_id",
    "live_revision_id",
    "latest_revision_created_at",
    "last_published_at",
    "first_published_at",
    "owner_id",
    "locked",
    "locked_at",
    "locked_by_id",
    "content_type_id",
    "page_ptr_id",
    "translation_key",
    "locale_id",
    "short_code",
    "short_code_printed_at",
    "go_live_at",
    "expire_at",
    "expired",
    "alias_of_id",
}
