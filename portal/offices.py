"""Which offices a person works for, and the one way every room scopes office data by it.

Every listing of office data (cases, departments, reply templates, payments, reports, snippets,
images, documents, choosers, exports, the API) goes through `scope(queryset, user)` or asks
`office_ids(user)`: staff see the offices their groups work for; a platform administrator sees
every office (`office_ids` is None). Public pages scope by the request's office instead
(`current_office(request)`).

A room that knows another way a person belongs to an office (a department's members belong to
its office) adds it with the Wagtail hook "office_ids_for_user": a function of the user that
returns site ids. The kernel imports no room; the rooms register into it.
"""

from django.db.models import Q
from wagtail import hooks
from wagtail.models import Site

from portal.models import Office, StaffGroup, StaffRole


def is_platform_admin(user):
    """Superusers, and members of a platform-administrator group: they see every office."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return _roles(user)[0]


def _roles(user):
    """(is platform admin, office ids, provinces viewed), read once per user object: a request
    asks many times (menu items, listings, choosers)."""
    cached = getattr(user, "_office_roles", None)
    if cached is None:
        rows = StaffGroup.objects.filter(group__user=user).values_list("role", "site_id", "province")
        platform = any(role == StaffRole.PLATFORM_ADMIN for role, _site, _province in rows)
        sites = {site for role, site, _province in rows if site is not None}
        for hook in hooks.get_hooks("office_ids_for_user"):
            sites.update(hook(user))
        provinces = {province for role, _site, province in rows if role == StaffRole.PROVINCE_VIEWER and province}
        cached = (platform, frozenset(sites), frozenset(provinces))
        user._office_roles = cached
    return cached


def office_ids(user):
    """Site ids of the offices this person works for; None means every office (platform
    administrators). Anonymous and inactive users work for none."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return None
    platform, sites, _provinces = _roles(user)
    return None if platform else sites


def scope(queryset, user, field="site"):
    """`queryset` narrowed to the offices `user` works for. `field` is the lookup to the row's
    site (e.g. "case__site" for a case's events)."""
    ids = office_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def offices_for(user):
    """The Site rows of the offices this person works for, by name."""
    return scope(Site.objects.all(), user, field="pk").order_by("site_name", "hostname")


def works_for_several(user):
    """True when this person works for more than one office: listings then label each row with
    its office, so a shared officer always knows whose case they are looking at."""
    ids = office_ids(user)
    return ids is None or len(ids) > 1


def viewed_provinces(user):
    """Provinces whose offices' figures this person may read (province viewers)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    return _roles(user)[2]


def figure_office_ids(user):
    """Offices whose figures (dashboards, reports, open data) this person may read: their own
    offices and those of the provinces they view. None means every office."""
    ids = office_ids(user)
    if ids is None:
        return None
    provinces = viewed_provinces(user)
    if not provinces:
        return ids
    return ids | frozenset(Office.objects.filter(province__in=provinces).values_list("site_id", flat=True))


def current_office(request):
    """The office whose host name the request came to (Wagtail caches the lookup on the request;
    `portal.pagecache` keeps it across requests), or the default office."""
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site


def office_label(site):
    """How an office is named in staff listings."""
    return site.site_name or site.hostname


def staff_groups_q(site):
    """Groups that work for `site`, as a filter on auth Group."""
    return Q(office_role__site=site)


def ensure_office(sender, instance, created, raw=False, **kwargs):
    """Every Site is an office: a site added in Wagtail's Sites admin or by a fixture gets its
    Office row at once, so no query has to allow for an office without one."""
    if created and not raw:
        Office.objects.get_or_create(site=instance)
