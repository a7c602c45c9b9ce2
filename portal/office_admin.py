"""The Wagtail admin, cut to the offices a person works for.

Wagtail decides who may do what to a page, an image, a document or a site setting through its
permission policies; every admin view, chooser, report and dashboard panel asks them. So the
offices are enforced here, once, by narrowing those policies, rather than view by view:

- Pages: a group's page permission counts only inside its office's home pages (the site's root
  page and its translations). A permission granted higher up (Wagtail's own "Editors" group
  holds one on the tree's root) counts as if granted on the office's home pages; one granted
  inside another office counts for nothing.
- Images and documents: a collection belongs to the office whose group was granted it (the
  shallowest grant below the root collection wins; the root collection and what nobody claimed
  belong to the offices granted the root). Staff see, choose and change only their offices'.
- Site settings: only the settings of one's own offices, whatever the global permission says.
- Sites and locales: platform administrators only.

Groups with no office row are treated as working for the default office: an install from before
offices had only that one, and its hand-made groups keep what they could do there.
Platform administrators and superusers are never narrowed (`office_ids` is None).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    AbstractPage,
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.models import StaffGroup, StaffRole
from portal.offices import is_platform_admin, office_ids

# -- Which offices a person's admin shows ------------------------------------------------------


def default_site_id():
    site = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    return site


def admin_office_ids(user):
    """The offices whose pages, images and documents this person's admin shows: `office_ids`,
    plus the default office when one of their groups has no office row. None: every office."""
    ids = office_ids(user)
    if ids is None:
        return None
    cached = getattr(user, "_admin_office_ids", None)
    if cached is None:
        cached = ids
        if Group.objects.filter(user=user, office_role__isnull=True).exists():
            default = default_site_id()
            cached = ids | {default} if default is not None else ids
        user._admin_office_ids = cached
    return cached


def office_roots(site_ids=None):
    """{site id: [its root page and the root's translations]} for these sites (None: all)."""
    sites = Site.objects.all() if site_ids is None else Site.objects.filter(pk__in=site_ids)
    keys = dict(sites.values_list("root_page__translation_key", "pk"))
    roots = {site_id: [] for site_id in keys.values()}
    for page in Page.objects.filter(translation_key__in=keys).order_by("path"):
        roots[keys[page.translation_key]].append(page)
    return roots


def _user_roots(user):
    """The home pages of the person's offices, kept on the user object for the request."""
    cached = getattr(user, "_office_root_pages", None)
    if cached is None:
        ids = admin_office_ids(user)
        cached = [page for pages in office_roots(ids).values() for page in pages] if ids is not None else None
        user._office_root_pages = cached
    return cached


def pages_q(user):
    """A filter on Page for the trees of the person's offices; None means no narrowing."""
    roots = _user_roots(user)
    if roots is None:
        return None
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(path__startswith=root.path)
    return query


def scope_pages(queryset, user):
    """Pages (or a queryset of a page type) narrowed to the person's offices' trees."""
    query = pages_q(user)
    return queryset if query is None else queryset.filter(query)


def page_in_offices(user, page):
    """Whether the person's admin may name this page at all: the tree's root (above every
    office), or a page of their offices' trees. No query beyond the person's home pages."""
    roots = _user_roots(user)
    return roots is None or page.depth == 1 or any(page.path.startswith(root.path) for root in roots)


def refuse_other_offices_page(user, page):
    """Another office's page is not found (404), rather than shown with "no permission", which
    would name it."""
    if not page_in_offices(user, page):
        raise Http404


def site_id_for_page(page, roots=None):
    """The office a page belongs to (the site whose home pages hold it), or None. Without
    `roots`, two small queries whatever the number of offices: the page's top ancestor below
    the tree's root is an office's home page or one of its translations."""
    if roots is not None:
        for site_id, pages in roots.items():
            if any(page.path.startswith(root.path) for root in pages):
                return site_id
        return None
    top = Page.objects.filter(path=page.path[: 2 * Page.steplen]).values_list("translation_key", flat=True).first()
    if top is None:
        return None
    return (
        Site.objects.filter(root_page__translation_key=top)
        .order_by("-is_default_site", "pk")
        .values_list("pk", flat=True)
        .first()
    )


class OfficePagesMiddleware:
    """An admin URL that names another office's page answers 404, whatever the view.

    Many of Wagtail's page views show the page's title before (or instead of) checking any
    permission: the workflow task preview's "not awaiting moderation" message, the move
    confirmation, the explorer header. One check on the URL's page arguments covers them all,
    and every view added later. The page-types usage report counts and names pages of every
    office: platform administrators only.
    """

    PAGE_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
    PLATFORM_ONLY = {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not request.path.startswith(f"/{settings.ADMIN_PATH}/") or not (user and user.is_authenticated):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.PLATFORM_ONLY and not is_platform_admin(user):
            raise PermissionDenied
        page_ids = [view_kwargs[name] for name in self.PAGE_ARGUMENTS if name in view_kwargs]
        if page_ids and _user_roots(user) is not None:
            for page in Page.objects.filter(pk__in=page_ids).only("path", "depth"):
                refuse_other_offices_page(user, page)
        return None


# -- Collections -------------------------------------------------------------------------------


def collection_owners():
    """{collection id: set of site ids owning it}: see the module docstring for the rule. One
    pass over the collections and the grants; each collection looks up its own ancestors."""
    default = default_site_id()
    offices = dict(StaffGroup.objects.values_list("group_id", "site_id"))
    grants = {}
    for pk, path, group_id in GroupCollectionPermission.objects.values_list("pk", "collection__path", "group_id"):
        site_id = offices[group_id] if group_id in offices else default
        if site_id is None:
            continue  # roles above offices claim nothing
        grants.setdefault(path, []).append((pk, site_id))
    root_owners = {site for path, claims in grants.items() if len(path) == Collection.steplen for _pk, site in claims}
    owners = {}
    for pk, path in Collection.objects.values_list("pk", "path"):
        owner = None
        for depth in range(2, len(path) // Collection.steplen + 1):
            claims = grants.get(path[: depth * Collection.steplen])
            if claims:
                owner = {min(claims)[1]}  # the oldest grant: a later one cannot take it over
                break
        owners[pk] = owner if owner is not None else set(root_owners)
    return owners


def collection_ids(user):
    """Ids of the collections of the person's offices (kept for the request); None: all."""
    ids = admin_office_ids(user)
    if ids is None:
        return None
    cached = getattr(user, "_office_collection_ids", None)
    if cached is None:
        cached = frozenset(pk for pk, sites in collection_owners().items() if sites & ids)
        user._office_collection_ids = cached
    return cached


def scope_collection_items(queryset, user):
    """Images or documents narrowed to the person's offices' collections."""
    ids = collection_ids(user)
    return queryset if ids is None else queryset.filter(collection_id__in=ids)


def document_is_private(document):
    return CollectionViewRestriction.objects.filter(
        collection__in=document.collection.get_ancestors(inclusive=True)
    ).exists()


# -- The policies ------------------------------------------------------------------------------


class OfficePagePermissionPolicy(PagePermissionPolicy):
    """Page permissions counted only inside the office of the group that holds them."""

    def get_all_permissions_for_user(self, user):
        perms = super().get_all_permissions_for_user(user)
        if not (user.is_active and user.is_authenticated) or user.is_superuser or is_platform_admin(user):
            return perms
        perms = list(perms)
        if not perms:
            return perms
        default = default_site_id()
        roles = dict(
            StaffGroup.objects.filter(group__in={perm.group_id for perm in perms}).values_list("group_id", "site_id")
        )
        roots = office_roots({*roles.values(), default} - {None})
        narrowed, seen = [], set()
        for perm in perms:
            site_id = roles[perm.group_id] if perm.group_id in roles else default
            for root in roots.get(site_id, ()):
                if root.path.startswith(perm.page.path):
                    # Granted above the office (the tree's root): counts on its home pages. Never
                    # saved; a negative id of its own because Wagtail's views put these in sets.
                    found = GroupPagePermission(
                        pk=-len(narrowed) - 1, group_id=perm.group_id, page=root, permission=perm.permission
                    )
                elif perm.page.path.startswith(root.path):
                    found = perm
                else:
                    continue
                if (found.page.pk, found.permission.pk) not in seen:
                    seen.add((found.page.pk, found.permission.pk))
                    narrowed.append(found)
        return narrowed

    def users_with_any_permission_for_instance(self, actions, instance, include_superusers=True):
        """Who is told about a page (moderation mails): the page's own office's staff only."""
        users = super().users_with_any_permission_for_instance(actions, instance, include_superusers)
        site_id = site_id_for_page(instance)
        same_office = Q(groups__office_role__site_id=site_id) | Q(groups__office_role__role=StaffRole.PLATFORM_ADMIN)
        if site_id is not None and site_id == default_site_id():
            same_office |= Q(groups__office_role__isnull=True)
        if include_superusers:
            same_office |= Q(is_superuser=True)
        return users.filter(same_office).distinct()


class OfficeCollectionPolicy(CollectionOwnershipPermissionPolicy):
    """Images and documents: permissions count only in the collections of the person's offices."""

    def _check_perm(self, user, actions, collection=None):
        if not super()._check_perm(user, actions, collection=collection):
            return False
        ids = collection_ids(user)
        return collection is None or ids is None or collection.pk in ids

    def _collections_with_perm(self, user, actions):
        collections = super()._collections_with_perm(user, actions)
        ids = collection_ids(user)
        return collections if ids is None else collections.filter(pk__in=ids)


class OfficeSiteSettingPolicy(SitePermissionPolicy):
    """Site settings: only those of one's own offices, even with a global "change" permission."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not super().user_has_any_permission_for_instance(user, actions, instance):
            return False
        ids = office_ids(user)
        site_id = instance.pk if isinstance(instance, Site) else getattr(instance, self.site_fk_field_name)
        return ids is None or site_id in ids

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        ids = office_ids(user)
        return sites if ids is None else sites.filter(pk__in=ids)


class PlatformOnlyPolicy(ModelPermissionPolicy):
    """Sites and locales belong to the whole install: platform administrators only."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user) and super().user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not is_platform_admin(user):
            return self.model._default_manager.none()
        return super().instances_user_has_any_permission_for(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return is_platform_admin(user) and super().user_has_permission_for_instance(user, action, instance)


def register_policies():
    """Put the office-narrowed policies in Wagtail's registry (PortalConfig.ready()). Exact
    classes where Wagtail's apps register theirs later in start-up (images, documents)."""
    register_permission_policy(AbstractPage, OfficePagePermissionPolicy())
    for model, auth_model in (
        (get_image_model(), "wagtailimages.Image"),
        (get_document_model(), "wagtaildocs.Document"),
    ):
        register_permission_policy(
            model,
            OfficeCollectionPolicy(model, auth_model=auth_model, owner_field_name="uploaded_by_user"),
            exact_class=True,
        )
    for model in settings_registry:
        if issubclass(model, BaseSiteSetting):
            register_permission_policy(model, OfficeSiteSettingPolicy(model), exact_class=True)
    for model in (Site, Locale):
        register_permission_policy(model, PlatformOnlyPolicy(model), exact_class=True)
